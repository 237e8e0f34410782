// Job center: a sidebar with counts, filters, multi-select and the job list; the main pane shows
// the selected job (/jobs/{id}) or an overview (/jobs). Live over the bridge, polling only offline.
import * as api from '../api.js';
import { keepFresh } from '../bus.js';
import { onJobEvent, applyProgress } from '../live.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import {
  h, replace, agoEl, cost, num, shortId, statusChip, progressBar, typeBadge, toast, toastError,
  confirm, dialog, emptyState, spinner, duration,
} from '../ui.js';
import { STATUS, STATUSES, STATUS_LABEL, TERMINAL_STATUSES, JOB_TYPE, JOB_TYPES, JOB_TYPE_LABEL, isActive, isTerminal, isLocal } from '../vocabulary.js';
import { mountDetail } from './job-detail.js';

const PAGE = 50;
// Filters survive navigation between pages of the app.
const filter = { status: '', type: '', archived: false };
let countsRoute = true; // false once GET /api/jobs/counts answered 404: counts are then derived from the list

export function jobSummary(job) {
  const p = job.params || {};
  const parts = [];
  if (job.job_type === JOB_TYPE.CLOUD) {
    if (p.kind) parts.push(p.kind);
    if (p.version) parts.push(String(p.version).split(':')[0]);
    if (job.hardware) parts.push(job.hardware);
  } else {
    if (p.dataset_id) parts.push(p.dataset_id);
    if (job.job_type === JOB_TYPE.TRAIN || job.job_type === JOB_TYPE.SWEEP) {
      if (p.sweep && typeof p.sweep === 'object') parts.push(`sweep: ${Object.keys(p.sweep).join(' × ')}`);
      if (p.epochs != null) parts.push(`${p.epochs} ep`);
      if (p.lr != null && !(p.sweep && p.sweep.lr)) parts.push(`lr ${num(p.lr)}`);
      if (p.batch_size != null && !(p.sweep && p.sweep.batch_size)) parts.push(`bs ${p.batch_size}`);
    } else if (job.job_type === JOB_TYPE.PREDICT) {
      parts.push(p.model_id ? shortId(p.model_id) : p.model_path ? 'model file' : 'model of dependency');
    }
  }
  if (job.priority) parts.push(`prio ${job.priority}`);
  return parts.join(' · ');
}

function matches(job) {
  if (filter.archived !== !!job.archived_at) return false;
  if (filter.status && job.status !== filter.status) return false;
  if (filter.type && job.job_type !== filter.type) return false;
  return true;
}

export const jobsView = {
  key: 'jobs',
  mount(el, params) {
    let items = [];
    const byId = new Map();
    let total = 0;
    let nextCursor = null;
    let counts = null;
    let selectedId = params.id || null;
    const checked = new Set();
    let detail = null;
    let loading = false;
    let countsTimer = null;
    let loadSeq = 0;
    const owners = new Map(); // user id -> username (admins see everyone's jobs)

    // ---------- skeleton ----------
    const countEls = {};
    const statusButtons = ['', ...STATUSES].map((s) => {
      const count = h('span', { class: 'pill-count', 'data-testid': `count-${s || 'total'}` }, '–');
      countEls[s || 'total'] = count;
      return h('button', {
        type: 'button', class: `pill pill-${s || 'all'}`, 'data-testid': `status-filter-${s || 'all'}`, 'data-status': s,
        'aria-pressed': String(filter.status === s),
        onclick: () => { filter.status = s; reload(); },
      }, s ? h('span', { class: `dot dot-${s}`, 'aria-hidden': 'true' }) : null, s ? STATUS_LABEL[s] : 'All', count);
    });
    const typeSelect = h('select', {
      'aria-label': 'Job type', 'data-testid': 'type-filter', value: filter.type,
      onchange: () => { filter.type = typeSelect.value; reload(); },
    }, [['', 'All types'], ...JOB_TYPES.map((t) => [t, JOB_TYPE_LABEL[t]])].map(([v, l]) => h('option', { value: v }, l)));
    typeSelect.value = filter.type;
    const archivedBtn = h('button', {
      type: 'button', class: 'btn btn-sm btn-toggle', 'data-testid': 'archived-toggle', 'aria-pressed': String(filter.archived),
      onclick: () => { filter.archived = !filter.archived; reload(); },
    }, 'Archived');
    const selectAll = h('input', {
      type: 'checkbox', 'aria-label': 'Select all loaded jobs', 'data-testid': 'select-all',
      onchange: () => {
        if (selectAll.checked) items.forEach((j) => checked.add(j.job_id)); else checked.clear();
        renderList();
      },
    });
    const selText = h('span', { class: 'muted small', 'data-testid': 'selection-count' });
    const bulkButtons = h('div', { class: 'bulk-actions' });
    const list = h('ul', { class: 'job-list', 'data-testid': 'job-list', 'aria-label': 'Jobs' });
    const footer = h('div', { class: 'list-footer' });
    const sidebar = h('aside', { class: 'jobs-side', 'aria-label': 'Job list' },
      h('div', { class: 'side-head' },
        h('h1', { class: 'side-title' }, 'Jobs'),
        h('div', { class: 'row gap-sm' },
          h('button', { type: 'button', class: 'btn btn-sm btn-ghost', 'data-testid': 'flush-button', onclick: flush }, 'Flush…'),
          h('a', { href: '/submit/train', class: 'btn btn-sm btn-primary', 'data-testid': 'new-job' }, '+ New job'))),
      h('div', { class: 'pills', role: 'group', 'aria-label': 'Filter by status' }, statusButtons),
      h('div', { class: 'side-filters' }, typeSelect, archivedBtn),
      h('div', { class: 'bulk-bar' }, h('label', { class: 'check' }, selectAll, selText), bulkButtons),
      h('div', { class: 'list-scroll' }, list, footer));
    const main = h('section', { class: 'jobs-main', 'aria-label': 'Job details' });
    el.append(h('div', { class: 'jobs-layout' }, sidebar, main));

    // ---------- rendering ----------
    function renderCounts() {
      for (const b of statusButtons) b.setAttribute('aria-pressed', String(filter.status === b.dataset.status));
      archivedBtn.setAttribute('aria-pressed', String(filter.archived));
      for (const [k, node] of Object.entries(countEls)) {
        const v = counts ? counts[k] : null;
        node.textContent = v == null ? '–' : String(v);
      }
      // Pending only matters for cloud jobs: hide the pill while there are none.
      const pendingBtn = statusButtons.find((b) => b.dataset.status === STATUS.PENDING);
      pendingBtn.hidden = !!counts && !counts[STATUS.PENDING] && filter.status !== STATUS.PENDING;
      if (!selectedId) renderOverview();
    }

    function rowActions(job) {
      const acts = [h('a', { href: `/jobs/${encodeURIComponent(job.job_id)}`, class: 'btn btn-xs', 'data-testid': 'view-button' }, 'View')];
      if (job.archived_at) {
        acts.push(h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'unarchive-button', onclick: () => unarchive([job.job_id]) }, 'Unarchive'));
      } else if (isActive(job.status)) {
        acts.push(h('button', {
          type: 'button', class: 'btn btn-xs btn-danger-ghost', 'data-testid': 'row-cancel-button', disabled: job.cancel_requested,
          onclick: () => cancelJob(job),
        }, job.cancel_requested ? 'Cancelling…' : 'Cancel'));
      } else {
        acts.push(h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'rerun-row-button', onclick: () => rerun(job) }, 'Rerun'));
      }
      return acts;
    }

    function renderRow(job) {
      const selected = job.job_id === selectedId;
      const running = job.status === STATUS.RUNNING;
      let extra = null;
      if (running || (job.status === STATUS.QUEUED && job.progress != null)) {
        const pct = job.progress == null ? '' : `${Number(job.progress).toFixed(job.progress % 1 ? 1 : 0)}%`;
        extra = h('div', { class: 'row-progress' }, progressBar(job.progress, { running, label: `Progress of ${job.job_id}` }),
          h('span', { class: 'small muted nowrap', 'data-testid': 'row-progress-text' }, [pct, job.stage].filter(Boolean).join(' · ') || 'starting'));
      } else if (job.status === STATUS.QUEUED) {
        extra = h('div', { class: 'small muted truncate', 'data-testid': 'row-queue' },
          job.queue_position ? `#${job.queue_position} in queue` : 'queued', job.waiting_reason ? ` · ${job.waiting_reason}` : '');
      } else if (job.status === STATUS.FAILED && job.error) {
        extra = h('div', { class: 'small text-failed truncate', title: job.error }, job.error);
      }
      const cb = h('input', {
        type: 'checkbox', 'data-testid': 'job-select', 'aria-label': `Select ${job.job_id}`, checked: checked.has(job.job_id),
        onchange: () => { if (cb.checked) checked.add(job.job_id); else checked.delete(job.job_id); renderBulk(); },
      });
      return h('li', {
        class: `job-row${selected ? ' selected' : ''}`, 'data-testid': 'job-row', 'data-job-id': job.job_id, 'data-status': job.status,
        'aria-current': selected ? 'true' : null,
      },
      cb,
      h('div', { class: 'job-row-body' },
        h('div', { class: 'job-row-top' },
          statusChip(job),
          h('a', { href: `/jobs/${encodeURIComponent(job.job_id)}`, class: 'job-link mono', 'data-testid': 'job-link', title: job.job_id }, shortId(job.job_id)),
          typeBadge(job),
          h('span', { class: 'spacer' }),
          agoEl(job.created_at, { class: 'small muted nowrap', 'data-testid': 'job-age' })),
        h('div', { class: 'job-row-sub small muted' },
          h('span', { class: 'truncate' }, jobSummary(job) || '—'),
          session.me && session.me.is_admin && job.owner_user_id !== session.me.id
            ? h('span', { class: 'owner nowrap', 'data-testid': 'job-owner', title: 'Owner' }, owners.get(job.owner_user_id) || `user ${job.owner_user_id}`) : null,
          !isLocal(job) ? h('span', { class: 'cost nowrap', 'data-testid': 'job-cost' }, cost(job.cost_usd)) : null,
          isTerminal(job.status) && job.started_at && job.finished_at ? h('span', { class: 'nowrap', title: 'Run time' }, duration((Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000)) : null,
          h('div', { class: 'job-row-actions' }, rowActions(job))),
        extra));
    }

    function updateRow(job) {
      const old = list.querySelector(`li[data-job-id="${CSS.escape(job.job_id)}"]`);
      if (!old) return;
      const focused = old.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
      const row = renderRow(job);
      old.replaceWith(row);
      if (focused) row.querySelector(`[data-testid="${focused}"]`)?.focus();
    }

    function renderList() {
      if (!items.length && !loading) {
        replace(list, h('li', { class: 'list-empty', 'data-testid': 'list-empty' },
          filter.archived ? 'No archived jobs.' : filter.status || filter.type ? 'No jobs match these filters.' : 'No jobs yet. Submit one to get started.'));
      } else {
        replace(list, items.map(renderRow));
      }
      const more = nextCursor || items.length < total;
      replace(footer,
        loading ? h('div', { class: 'center' }, spinner()) : null,
        !loading && more ? h('button', { type: 'button', class: 'btn btn-sm btn-block', 'data-testid': 'load-more', onclick: loadMore }, 'Load more') : null,
        h('div', { class: 'small muted center', 'data-testid': 'list-status' }, `Showing ${items.length} of ${total}`));
      renderBulk();
    }

    function renderBulk() {
      for (const id of [...checked]) if (!byId.has(id)) checked.delete(id);
      const n = checked.size;
      selectAll.checked = n > 0 && n === items.length;
      selectAll.indeterminate = n > 0 && n < items.length;
      selText.textContent = n ? `${n} selected` : 'Select';
      const ids = () => [...checked];
      replace(bulkButtons, filter.archived
        ? [h('button', { type: 'button', class: 'btn btn-xs', disabled: !n, 'data-testid': 'bulk-unarchive', onclick: () => unarchive(ids()) }, 'Unarchive'),
          h('button', { type: 'button', class: 'btn btn-xs btn-danger-ghost', disabled: !n, 'data-testid': 'bulk-delete', onclick: () => bulkDelete(ids()) }, 'Delete')]
        : [h('button', { type: 'button', class: 'btn btn-xs', disabled: !n, 'data-testid': 'bulk-archive', onclick: () => bulkArchive(ids()) }, 'Archive'),
          h('button', { type: 'button', class: 'btn btn-xs btn-danger-ghost', disabled: !n, 'data-testid': 'bulk-delete', onclick: () => bulkDelete(ids()) }, 'Delete')]);
    }

    function renderOverview() {
      const c = counts || {};
      const me = session.me || {};
      const tile = (s, label) => h('button', {
        type: 'button', class: `tile tile-${s}`, 'data-testid': `tile-${s}`,
        onclick: () => { filter.status = s === 'total' ? '' : s; filter.archived = false; reload(); },
      }, h('span', { class: 'tile-value' }, c[s] == null ? '–' : String(c[s])), h('span', { class: 'tile-label' }, label));
      replace(main, h('div', { class: 'overview', 'data-testid': 'overview' },
        h('div', { class: 'overview-head' },
          h('div', {}, h('h2', { class: 'page-title' }, 'Overview'), h('p', { class: 'muted' }, 'Select a job on the left to see its configuration, progress and live log.')),
          h('div', { class: 'row gap-sm' },
            h('a', { href: '/submit/train', class: 'btn btn-primary' }, 'New train job'),
            h('a', { href: '/submit/predict', class: 'btn' }, 'New predict job'))),
        h('div', { class: 'tiles' }, [STATUS.RUNNING, STATUS.QUEUED, ...TERMINAL_STATUSES].map((s) => tile(s, STATUS_LABEL[s])), tile('total', 'Total')),
        h('div', { class: 'cards-2' },
          h('section', { class: 'card' }, h('h3', { class: 'card-title' }, 'Scheduling'),
            h('p', {}, 'You are in ', h('strong', { 'data-testid': 'overview-mode' }, me.schedule_mode || '—'), ' mode: ',
              me.schedule_mode === 'parallel' ? 'up to 3 of your jobs run at once.' : 'your jobs run one at a time.'),
            h('p', { class: 'muted small' }, 'Queued jobs start by priority, then oldest first. Switch mode in the top bar; it applies to the next start decision.')),
          h('section', { class: 'card' }, h('h3', { class: 'card-title' }, 'Shortcuts'),
            h('ul', { class: 'link-list' },
              h('li', {}, h('a', { href: '/templates' }, 'Templates'), h('span', { class: 'muted small' }, ' — saved configurations, one-click submit')),
              h('li', {}, h('a', { href: '/cloud' }, 'Cloud jobs'), h('span', { class: 'muted small' }, ' — Replicate trainings and predictions, cost')),
              h('li', {}, h('a', { href: '/analytics' }, 'Analytics'), h('span', { class: 'muted small' }, ' — throughput, success rate, wait and run times')))))));
    }

    function showMain() {
      if (detail && detail.id === selectedId) return;
      if (detail) detail.destroy();
      detail = null;
      main.replaceChildren();
      if (selectedId) {
        detail = mountDetail(main, selectedId, {
          onDeleted: () => { removeItems([selectedId]); loadCounts(); navigate('/jobs'); },
        });
        detail.id = selectedId;
      } else {
        renderOverview();
      }
    }

    // ---------- data ----------
    function listQuery(extra = {}) {
      return api.qs({ status: filter.status, job_type: filter.type, archived: filter.archived ? 'true' : '', ...extra });
    }

    function setItems(list) {
      items = list;
      byId.clear();
      for (const j of items) byId.set(j.job_id, j);
    }

    async function load(limit = PAGE) {
      const seq = ++loadSeq;
      loading = !items.length;
      if (loading) renderList();
      try {
        const res = await api.get(`/api/jobs${listQuery({ limit })}`);
        if (seq !== loadSeq) return;
        setItems(res.items || []);
        total = res.total ?? items.length;
        nextCursor = res.next_cursor || null;
      } catch (e) {
        // A network error while the server restarts is shown by the connection indicator, not a toast.
        if (seq === loadSeq && e.status !== 401 && e.status !== 0) toastError(e, 'Could not load jobs: ');
      } finally {
        if (seq === loadSeq) {
          loading = false;
          renderList();
        }
      }
    }

    async function loadMore() {
      const seq = loadSeq;
      try {
        const res = await api.get(`/api/jobs${listQuery(nextCursor ? { limit: PAGE, cursor: nextCursor } : { limit: PAGE, offset: items.length })}`);
        if (seq !== loadSeq) return;
        const fresh = (res.items || []).filter((j) => !byId.has(j.job_id));
        setItems(items.concat(fresh));
        total = res.total ?? total;
        nextCursor = res.next_cursor || null;
        if (!fresh.length && !nextCursor) total = items.length;
        renderList();
        list.querySelector(`li[data-job-id="${CSS.escape(fresh[0]?.job_id || '')}"] a`)?.focus();
      } catch (e) {
        toastError(e, 'Could not load more jobs: ');
      }
    }

    async function loadCounts() {
      try {
        if (countsRoute) {
          try {
            counts = await api.get('/api/jobs/counts');
          } catch (e) {
            if (e.status !== 404) throw e;
            countsRoute = false;
          }
        }
        if (!countsRoute) {
          const res = await api.get('/api/jobs?limit=1000');
          const c = Object.fromEntries(STATUSES.map((s) => [s, 0]));
          for (const j of res.items || []) if (j.status in c) c[j.status]++;
          c.total = res.total ?? (res.items || []).length;
          counts = c;
        }
        renderCounts();
      } catch (e) {
        if (e.status !== 401) console.warn('counts', e);
      }
    }

    function scheduleCounts() {
      clearTimeout(countsTimer);
      countsTimer = setTimeout(loadCounts, 250);
    }

    function reload() {
      checked.clear();
      setItems([]);
      total = 0;
      nextCursor = null;
      renderCounts();
      load();
      loadCounts();
    }

    function refreshAll() {
      load(Math.min(1000, Math.max(PAGE, items.length)));
      loadCounts();
    }

    function removeItems(ids) {
      const gone = new Set(ids);
      const before = items.length;
      setItems(items.filter((j) => !gone.has(j.job_id)));
      total = Math.max(0, total - (before - items.length));
      ids.forEach((id) => checked.delete(id));
      renderList();
    }

    // ---------- live ----------
    const offFeed = onJobEvent((ev) => {
      const known = byId.get(ev.job_id);
      if (ev.type === 'job_status_changed') {
        const job = ev.job ? ev.job : known ? { ...known, status: ev.status } : null;
        scheduleCounts();
        if (!job) return;
        if (known) {
          // A pushed record may be older than one we just fetched; never go back in time.
          if (known.updated_at && job.updated_at && job.updated_at < known.updated_at) return;
          Object.assign(known, job);
          if (!matches(known) && known.job_id !== selectedId) removeItems([known.job_id]);
          else updateRow(known);
        } else if (matches(job) && !loading) {
          byId.set(job.job_id, job);
          items.unshift(job);
          items.sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''));
          total++;
          renderList();
        }
      } else if (ev.type === 'job_progress' && known) {
        const next = applyProgress(known, ev);
        Object.assign(known, next);
        updateRow(known);
      }
    });
    const stopFresh = keepFresh(refreshAll);

    // ---------- actions ----------
    async function cancelJob(job) {
      const ok = await confirm({
        title: 'Cancel this job?', confirmLabel: 'Cancel job', cancelLabel: 'Keep it', danger: true,
        body: job.status === STATUS.RUNNING ? 'Its whole process tree is stopped (SIGTERM, then SIGKILL after a grace period).' : 'It will not start.',
      });
      if (!ok) return;
      try {
        const path = isLocal(job) ? `/api/jobs/${api.enc(job.job_id)}/cancel` : `/api/cloud/jobs/${api.enc(job.job_id)}/cancel`;
        const res = await api.post(path);
        if (res && res.job && byId.has(job.job_id)) {
          Object.assign(byId.get(job.job_id), res.job);
          updateRow(byId.get(job.job_id));
        }
        toast(res && res.job && res.job.status === STATUS.CANCELED ? 'Job canceled' : 'Cancel requested', { kind: 'success' });
        scheduleCounts();
      } catch (e) {
        toastError(e, 'Cancel failed: ');
      }
    }

    async function rerun(job) {
      try {
        const res = await api.post(`/api/jobs/${api.enc(job.job_id)}/rerun`);
        toast(`Rerun submitted: ${res.job.job_id}`, { kind: 'success' });
        navigate(`/jobs/${encodeURIComponent(res.job.job_id)}`);
      } catch (e) {
        toastError(e, 'Rerun failed: ');
      }
    }

    function summary(res, verb) {
      const n = (res.count ?? (res[verb] || []).length) || 0;
      const parts = [`${n} job${n === 1 ? '' : 's'} ${verb}`];
      if (res.skipped_active && res.skipped_active.length) parts.push(`${res.skipped_active.length} still active (skipped)`);
      if (res.missing && res.missing.length) parts.push(`${res.missing.length} not found`);
      return parts.join(', ');
    }

    async function bulkArchive(ids) {
      if (!ids.length) return;
      try {
        const res = await api.post('/api/jobs/bulk-archive', { job_ids: ids });
        toast(summary(res, 'archived'), { kind: 'success' });
        removeItems(Array.isArray(res.archived) ? res.archived : []);
        checked.clear();
        refreshAll();
      } catch (e) {
        toastError(e, 'Archive failed: ');
      }
    }

    async function bulkDelete(ids) {
      if (!ids.length) return;
      const ok = await confirm({
        title: `Delete ${ids.length} job${ids.length === 1 ? '' : 's'}?`, confirmLabel: 'Delete', danger: true,
        body: 'Deletes the jobs with their logs, models and results. Active jobs are skipped. This cannot be undone.',
      });
      if (!ok) return;
      try {
        const res = await api.post('/api/jobs/bulk-delete', { job_ids: ids });
        toast(summary(res, 'deleted'), { kind: 'success' });
        removeItems(Array.isArray(res.deleted) ? res.deleted : []);
        checked.clear();
        if (selectedId && Array.isArray(res.deleted) && res.deleted.includes(selectedId)) navigate('/jobs');
        refreshAll();
      } catch (e) {
        toastError(e, 'Delete failed: ');
      }
    }

    async function unarchive(ids) {
      let done = 0;
      for (const id of ids) {
        try {
          await api.post(`/api/jobs/${api.enc(id)}/unarchive`);
          done++;
        } catch (e) {
          toastError(e, `Unarchive of ${shortId(id)} failed: `);
        }
      }
      if (done) toast(`${done} job${done === 1 ? '' : 's'} unarchived`, { kind: 'success' });
      checked.clear();
      refreshAll();
    }

    async function flush() {
      const v = await dialog({
        title: 'Flush jobs', confirmLabel: 'Flush', danger: true, testid: 'flush-dialog',
        body: session.me && session.me.is_admin ? 'As an admin this applies to every user\'s jobs.' : 'Applies to your own jobs.',
        fields: [{
          name: 'scope', type: 'radio', label: 'Scope', value: 'active', options: [
            { value: 'active', label: 'Active jobs', hint: 'stop running jobs and remove queued and running ones' },
            { value: 'all', label: 'All jobs', hint: 'also remove finished jobs, their logs, models and results' }],
        }],
      });
      if (!v) return;
      try {
        const res = await api.post(`/api/jobs/flush${api.qs({ scope: v.scope })}`);
        const skipped = (res.skipped_running_jobs || []).length;
        toast(`Flushed ${res.deleted_jobs ?? 0} job(s)${skipped ? `, ${skipped} still running skipped` : ''}`, { kind: 'success' });
        if (selectedId) navigate('/jobs');
        refreshAll();
      } catch (e) {
        toastError(e, 'Flush failed: ');
      }
    }

    async function loadOwners() {
      if (!session.me || !session.me.is_admin) return;
      try {
        const res = await api.get('/api/users');
        for (const u of res.items || []) owners.set(u.id, u.username);
        if (items.length) renderList();
      } catch (e) {
        // ids are shown instead
      }
    }

    // ---------- start ----------
    loadOwners();
    renderCounts();
    load();
    loadCounts();
    showMain();

    return {
      update(p) {
        const prev = selectedId;
        selectedId = p.id || null;
        if (prev !== selectedId) {
          for (const id of [prev, selectedId]) if (id && byId.has(id)) updateRow(byId.get(id));
          showMain();
        }
      },
      destroy() {
        offFeed();
        stopFresh();
        clearTimeout(countsTimer);
        if (detail) detail.destroy();
      },
    };
  },
};
