// Cloud panel: jobs at providers (Replicate), submit, sync (discover provider jobs), cost.
import * as api from '../api.js';
import { keepFresh } from '../bus.js';
import { onJobEvent, applyProgress } from '../live.js';
import {
  h, replace, field, clearErrors, showErrors, toast, toastError, confirm, agoEl, cost, statusChip, progressBar,
  shortId, emptyState, spinner,
} from '../ui.js';
import { STATUS, STATUSES, STATUS_LABEL, JOB_TYPE, isActive, isLocal } from '../vocabulary.js';

const HARDWARE = ['', 'cpu', 'gpu-t4', 'gpu-l40s', 'gpu-a100-large', 'gpu-h100'];
const isCloud = (j) => j && (j.job_type === JOB_TYPE.CLOUD || !isLocal(j));

export const cloudView = {
  key: 'cloud',
  mount(el) {
    let destroyed = false;
    let jobs = null;
    let total = 0;
    const listBox = h('div', { class: 'table-scroll' });
    const countsBox = h('div', { class: 'counts-strip', 'data-testid': 'cloud-counts' });
    const providerBadge = h('span', { class: 'badge', 'data-testid': 'provider-status' }, 'Replicate: checking…');
    const syncLabel = h('span', {}, 'Sync from Replicate');
    const syncBtn = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'cloud-sync', onclick: sync }, syncLabel);

    // ---------- submit form ----------
    const kind = h('select', { name: 'kind', 'data-testid': 'cloud-kind' }, h('option', { value: 'prediction' }, 'Prediction'), h('option', { value: 'training' }, 'Training'));
    const version = h('input', { type: 'text', name: 'version', placeholder: 'owner/name:version_id', autocomplete: 'off', spellcheck: 'false', 'data-testid': 'cloud-version' });
    const input = h('textarea', { name: 'input', rows: 6, class: 'mono', spellcheck: 'false', 'data-testid': 'cloud-input' });
    input.value = '{\n  "prompt": "hello"\n}';
    const destination = h('input', { type: 'text', name: 'destination', placeholder: 'owner/model (trainings)', autocomplete: 'off', 'data-testid': 'cloud-destination' });
    const hardware = h('select', { name: 'hardware', 'data-testid': 'cloud-hardware' }, HARDWARE.map((hw) => h('option', { value: hw }, hw || 'Provider default')));
    const provider = h('select', { name: 'provider', 'data-testid': 'cloud-provider' }, h('option', { value: 'replicate' }, 'Replicate'));
    const destField = field({ label: 'Destination', name: 'destination', input: destination, hint: 'Where the trained model version is pushed' });
    const summary = h('div', { class: 'form-error', 'data-testid': 'form-error', role: 'alert', tabindex: '-1', hidden: true });
    const submitBtn = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'submit-cloud' }, 'Submit to provider');
    const form = h('form', { class: 'card form', novalidate: true, 'data-testid': 'cloud-form', 'aria-labelledby': 'cloud-new' },
      h('h2', { class: 'card-title', id: 'cloud-new' }, 'New cloud job'),
      h('div', { class: 'grid-2' }, field({ label: 'Provider', name: 'provider', input: provider }), field({ label: 'Kind', name: 'kind', input: kind })),
      field({ label: 'Model version', name: 'version', input: version }),
      field({ label: 'Input (JSON)', name: 'input', input }),
      destField,
      field({ label: 'Hardware', name: 'hardware', input: hardware, hint: 'Cost = run time × price per second of the hardware' }),
      summary,
      h('div', { class: 'form-actions' }, submitBtn));
    const syncKind = () => { destField.hidden = kind.value !== 'training'; };
    kind.addEventListener('change', syncKind);
    syncKind();
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      let inp;
      try {
        inp = JSON.parse(input.value || '{}');
        if (!inp || typeof inp !== 'object' || Array.isArray(inp)) throw new Error('must be a JSON object');
      } catch (err) {
        showErrors(form, { fieldErrors: [{ field: 'input', message: `must be a JSON object (${err.message})` }] });
        return;
      }
      const body = { provider: provider.value, version: version.value.trim(), input: inp, kind: kind.value };
      if (kind.value === 'training' && destination.value.trim()) body.destination = destination.value.trim();
      if (hardware.value) body.hardware = hardware.value;
      submitBtn.disabled = true;
      try {
        const res = await api.post('/api/cloud/jobs', body);
        toast(`Submitted to ${provider.value}: ${res.job.job_id}`, { kind: 'success' });
        upsert(res.job);
      } catch (err) {
        showErrors(form, err);
      } finally {
        submitBtn.disabled = false;
      }
    });

    // ---------- list ----------
    function renderCounts() {
      const c = Object.fromEntries(STATUSES.map((s) => [s, 0]));
      let spent = 0;
      for (const j of jobs || []) {
        if (j.status in c) c[j.status]++;
        spent += Number(j.cost_usd || 0);
      }
      replace(countsBox,
        h('span', { class: 'count-item' }, h('strong', { 'data-testid': 'cloud-count-total' }, String(total)), ' jobs'),
        STATUSES.filter((s) => c[s]).map((s) => h('span', { class: 'count-item' }, h('span', { class: `dot dot-${s}`, 'aria-hidden': 'true' }),
          h('strong', { 'data-testid': `cloud-count-${s}` }, String(c[s])), ` ${STATUS_LABEL[s].toLowerCase()}`)),
        h('span', { class: 'count-item' }, 'total cost ', h('strong', { 'data-testid': 'cloud-total-cost' }, cost(spent))));
    }

    function row(j) {
      const p = j.params || {};
      return h('tr', { 'data-testid': 'cloud-row', 'data-job-id': j.job_id, 'data-status': j.status },
        h('td', {}, statusChip(j)),
        h('td', {}, h('a', { href: `/jobs/${encodeURIComponent(j.job_id)}`, class: 'mono', title: j.job_id }, shortId(j.job_id)),
          j.external_id ? h('div', { class: 'small muted mono', title: 'Provider id' }, j.external_id) : null),
        h('td', {}, p.kind || '—'),
        h('td', { class: 'mono small truncate-cell', title: p.version || '' }, p.version ? String(p.version).split(':')[0] : '—'),
        h('td', { class: 'small' }, j.hardware || '—'),
        h('td', { class: 'num', 'data-testid': 'cloud-cost' }, cost(j.cost_usd)),
        h('td', { class: 'cell-progress' }, j.status === STATUS.RUNNING ? progressBar(j.progress, { running: true, label: `Progress of ${j.job_id}` }) : j.stage || '—'),
        h('td', { class: 'small muted nowrap' }, agoEl(j.created_at)),
        h('td', { class: 'nowrap actions-cell' },
          h('a', { href: `/jobs/${encodeURIComponent(j.job_id)}`, class: 'btn btn-xs' }, 'View'),
          isActive(j.status) ? h('button', { type: 'button', class: 'btn btn-xs btn-danger-ghost', 'data-testid': 'cloud-cancel', disabled: !!j.cancel_requested, onclick: () => cancel(j) }, 'Cancel') : null));
    }

    function render() {
      renderCounts();
      if (jobs === null) {
        replace(listBox, h('div', { class: 'center pad' }, spinner()));
        return;
      }
      if (!jobs.length) {
        replace(listBox, emptyState('No cloud jobs yet', 'Submit one with the form, or sync to discover the jobs already at Replicate.'));
        return;
      }
      replace(listBox, h('table', { class: 'table', 'data-testid': 'cloud-jobs' },
        h('thead', {}, h('tr', {}, ['Status', 'Job', 'Kind', 'Model', 'Hardware', 'Cost', 'Progress', 'Created', ''].map((c) => h('th', { scope: 'col', class: c === 'Cost' ? 'num' : null }, c)))),
        h('tbody', {}, jobs.map(row))));
    }

    function upsert(job) {
      if (!jobs) jobs = [];
      const i = jobs.findIndex((j) => j.job_id === job.job_id);
      if (i >= 0) {
        if (jobs[i].updated_at && job.updated_at && job.updated_at < jobs[i].updated_at) return;
        jobs[i] = { ...jobs[i], ...job };
      } else {
        jobs.unshift(job);
        total++;
      }
      render();
    }

    async function load() {
      try {
        const res = await api.get('/api/cloud/jobs?limit=100');
        if (destroyed) return;
        jobs = res.jobs || res.items || [];
        total = res.total ?? jobs.length;
      } catch (e) {
        if (destroyed) return;
        jobs = jobs || [];
        if (e.status !== 401 && e.status !== 0) toastError(e, 'Could not load cloud jobs: ');
      }
      render();
    }

    async function validate() {
      try {
        const res = await api.get('/api/cloud/providers/replicate/validate');
        providerBadge.textContent = res.valid ? 'Replicate: connected' : 'Replicate: not connected';
        providerBadge.title = res.detail || '';
        providerBadge.className = `badge ${res.valid ? 'badge-ok' : 'badge-warn'}`;
      } catch (e) {
        providerBadge.textContent = 'Replicate: unknown';
        providerBadge.title = e.message;
      }
    }

    async function sync() {
      syncBtn.disabled = true;
      syncBtn.setAttribute('aria-busy', 'true');
      replace(syncBtn, h('span', { class: 'spinner spinner-sm', 'data-testid': 'sync-spinner', 'aria-hidden': 'true' }), h('span', {}, 'Syncing…'));
      try {
        const res = await api.post('/api/cloud/jobs/sync');
        toast(res.message || `Discovered ${res.synced ?? 0} new jobs`, { kind: 'success' });
        await load();
      } catch (e) {
        toastError(e, 'Sync failed: ');
      } finally {
        if (!destroyed) {
          syncBtn.disabled = false;
          syncBtn.removeAttribute('aria-busy');
          replace(syncBtn, syncLabel);
        }
      }
    }

    async function cancel(j) {
      if (!(await confirm({ title: 'Cancel this cloud job?', body: 'The provider is asked to cancel it.', confirmLabel: 'Cancel job', cancelLabel: 'Keep it', danger: true }))) return;
      try {
        const res = await api.post(`/api/cloud/jobs/${api.enc(j.job_id)}/cancel`);
        if (res.job) upsert(res.job);
        toast('Cancel requested', { kind: 'success' });
      } catch (e) {
        toastError(e, 'Cancel failed: ');
      }
    }

    const offFeed = onJobEvent((ev) => {
      if (!jobs) return;
      if (ev.type === 'job_status_changed' && isCloud(ev.job)) upsert(ev.job);
      else if (ev.type === 'job_progress') {
        const i = jobs.findIndex((j) => j.job_id === ev.job_id);
        if (i >= 0) {
          jobs[i] = applyProgress(jobs[i], ev);
          render();
        }
      }
    });
    const stopFresh = keepFresh(load);

    el.append(h('div', { class: 'page' },
      h('div', { class: 'page-head' },
        h('div', {}, h('h1', { class: 'page-title' }, 'Cloud jobs'),
          h('p', { class: 'muted' }, 'Trainings and predictions run at the provider; status, logs and cost are kept here.')),
        h('div', { class: 'row gap-sm' }, providerBadge, syncBtn)),
      countsBox,
      h('div', { class: 'split split-wide' }, h('section', { class: 'card', 'aria-label': 'Cloud job list' }, listBox), form)));
    render();
    load();
    validate();
    return { destroy() { destroyed = true; offFeed(); stopFresh(); } };
  },
};
