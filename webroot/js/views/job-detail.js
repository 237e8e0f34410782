// Job detail: header and actions, status/progress/ETA or queue position, timeline, config,
// result preview, sweep shards and the live log. Updated by pushes; polls only while offline.
import * as api from '../api.js';
import { keepFresh } from '../bus.js';
import { onJobEvent, applyProgress } from '../live.js';
import { navigate } from '../router.js';
import {
  h, replace, agoEl, dateTime, duration, secondsBetween, cost, num, shortId, statusChip, progressBar, typeBadge,
  toast, toastError, confirm, dialog, kv, copyText, spinner, icon,
} from '../ui.js';
import { STATUS, STATUS_LABEL, JOB_TYPE, SUBMIT_TYPES, isActive, isTerminal, isLocal } from '../vocabulary.js';
import { logViewer } from './log-viewer.js';

/** Progress from log text by the contract's rules; used only while the server has no figure yet. */
export function parseProgress(text) {
  const lines = text.split('\n').filter((l) => l.trim()).slice(-50).reverse();
  let progress = null;
  let stage = null;
  for (const line of lines) {
    const l = line.toLowerCase();
    if (progress === null) {
      const m = /step\s+(\d+)\s*\/\s*(\d+)/i.exec(line) || /epoch\s+(\d+)\s*\/\s*(\d+)/i.exec(line);
      if (m && Number(m[2]) > 0) progress = Math.round((1000 * Number(m[1])) / Number(m[2])) / 10;
    }
    if (stage === null) {
      if (/preprocessing|loading/.test(l)) stage = 'Preprocessing';
      else if (/warming up|warmup/.test(l)) stage = 'Warmup';
      else if (/checkpoint/.test(l)) stage = 'Saving checkpoint';
      else if (/validat/.test(l)) stage = 'Validation';
      else if (/step|epoch/.test(l)) stage = 'Training';
    }
    if (progress !== null && stage !== null) break;
  }
  return { progress, stage };
}

const PARAM_ORDER = ['dataset_id', 'prepared_dataset_id', 'control_dataset_id', 'model_id', 'model_path', 'gene_size', 'output_dim',
  'use_drug_structure', 'epochs', 'batch_size', 'lr', 'sweep'];

export function mountDetail(container, id, { onDeleted } = {}) {
  let job = null;
  let shards = null;
  let result = null;
  let resultFor = null;
  let derived = { progress: null, stage: null };
  let destroyed = false;
  let loadedOnce = false;

  const root = h('article', { class: 'detail', 'data-testid': 'job-detail', 'data-job-id': id, 'aria-busy': 'true' });
  const head = h('div', { class: 'detail-head' });
  const statusBox = h('section', { class: 'card status-card', 'data-testid': 'status-panel', 'aria-label': 'Status' });
  const grid = h('div', { class: 'detail-grid' });
  const extras = h('div', { class: 'detail-extras' });
  const log = logViewer(id, {
    onText: (text) => {
      if (job && job.status === STATUS.RUNNING && job.progress == null) {
        derived = parseProgress(text);
        renderStatus();
      }
    },
  });
  root.append(h('div', { class: 'center pad' }, spinner('Loading job')));
  container.append(root);

  // ---------- rendering ----------
  function renderHead() {
    const local = isLocal(job);
    const actions = [];
    if (isActive(job.status)) {
      actions.push(h('button', {
        type: 'button', class: 'btn btn-danger', 'data-testid': 'cancel-button', disabled: !!job.cancel_requested, onclick: cancelJob,
      }, job.cancel_requested ? 'Cancelling…' : 'Cancel'));
    }
    if (job.job_type !== JOB_TYPE.CLOUD) {
      actions.push(h('button', { type: 'button', class: 'btn', 'data-testid': 'rerun-button', onclick: rerun }, 'Rerun'));
      if (SUBMIT_TYPES.includes(job.job_type)) {
        actions.push(h('a', { class: 'btn', 'data-testid': 'clone-button', href: `/submit/${job.job_type}?from=${encodeURIComponent(id)}` }, 'Edit & resubmit'));
      }
      actions.push(h('button', { type: 'button', class: 'btn', 'data-testid': 'save-template-button', onclick: saveTemplate }, 'Save as template'));
    }
    if (!isActive(job.status)) {
      actions.push(h('button', { type: 'button', class: 'btn btn-danger-ghost', 'data-testid': 'delete-button', onclick: deleteJob }, 'Delete'));
    }
    replace(head,
      h('nav', { class: 'crumbs small', 'aria-label': 'Breadcrumb' }, h('a', { href: '/jobs' }, 'Jobs'), ' / ',
        job.parent_id ? [h('a', { href: `/jobs/${encodeURIComponent(job.parent_id)}`, 'data-testid': 'parent-link' }, shortId(job.parent_id)), ' / '] : null,
        h('span', {}, shortId(id))),
      h('div', { class: 'detail-title-row' },
        h('div', { class: 'detail-title' },
          h('h2', { class: 'job-id mono', 'data-testid': 'detail-job-id' }, id),
          h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Copy job id', title: 'Copy job id', onclick: () => copyText(id).then(() => toast('Job id copied')) }, icon('copy'))),
        h('div', { class: 'row gap-sm wrap', role: 'toolbar', 'aria-label': 'Job actions' }, actions)),
      h('div', { class: 'row gap-sm wrap detail-meta' },
        statusChip(job), typeBadge(job),
        local ? null : h('span', { class: 'badge' }, job.provider),
        job.archived_at ? h('span', { class: 'badge badge-archived', 'data-testid': 'archived-badge' }, 'archived') : null,
        h('span', { class: 'muted small' }, 'created ', agoEl(job.created_at)),
        job.priority ? h('span', { class: 'muted small' }, `priority ${job.priority}`) : null));
  }

  function stat(label, value, attrs = {}) {
    return h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value', ...attrs }, value));
  }

  function renderStatus() {
    if (!job) return;
    const s = job.status;
    const progress = job.progress != null ? job.progress : (s === STATUS.RUNNING ? derived.progress : null);
    const stage = job.stage || (s === STATUS.RUNNING ? derived.stage : null);
    const parts = [];
    if (s === STATUS.RUNNING || (s === STATUS.SUCCESS && progress != null)) {
      const pct = progress == null ? '—' : `${Number(progress).toFixed(1)}%`;
      parts.push(h('div', { class: 'status-row' },
        stat('Stage', stage || (s === STATUS.RUNNING ? 'Starting' : '—'), { 'data-testid': 'job-stage' }),
        stat('Progress', pct, { 'data-testid': 'progress-text' }),
        s === STATUS.RUNNING ? stat('ETA', job.eta_seconds != null ? duration(job.eta_seconds) : '—', { 'data-testid': 'job-eta' }) : null,
        stat(s === STATUS.RUNNING ? 'Running for' : 'Ran for', h('span', { 'data-elapsed-from': job.started_at || '', 'data-elapsed-to': job.finished_at || '' },
          duration(secondsBetween(job.started_at, job.finished_at))))));
      parts.push(progressBar(progress, { running: s === STATUS.RUNNING, label: 'Job progress' }));
      if (job.last_log && s === STATUS.RUNNING) parts.push(h('div', { class: 'last-log mono small truncate', 'data-testid': 'last-log', title: job.last_log }, job.last_log));
      if (job.cancel_requested && s === STATUS.RUNNING) parts.push(h('div', { class: 'notice notice-warn', 'data-testid': 'cancelling-notice' }, 'Cancelling… waiting for the process tree to exit.'));
    } else if (s === STATUS.QUEUED || s === STATUS.PENDING) {
      parts.push(h('div', { class: 'status-row' },
        stat('Queue position', job.queue_position ? `#${job.queue_position}` : '—', { 'data-testid': 'queue-position' }),
        stat('Waiting', h('span', { 'data-elapsed-from': job.created_at || '' }, duration(secondsBetween(job.created_at))))),
      h('div', { class: 'waiting', 'data-testid': 'waiting-reason' },
        s === STATUS.PENDING ? 'Waiting for the provider to acknowledge the job.'
          : job.waiting_reason || (job.depends_on ? 'Waiting for its dependency to succeed.' : 'Waiting for the scheduler.')),
      progressBar(null, { label: 'Job progress' }));
    }
    if (s === STATUS.SUCCESS && progress == null) {
      parts.push(h('div', { class: 'status-row' }, stat('Result', 'Succeeded'), stat('Ran for', duration(secondsBetween(job.started_at, job.finished_at)))));
    }
    if (s === STATUS.FAILED) {
      parts.push(h('div', { class: 'error-box', 'data-testid': 'job-error', role: 'alert' },
        h('strong', {}, `Failed${job.exit_code != null ? ` (exit code ${job.exit_code})` : ''}`), job.error ? h('pre', { class: 'mono' }, job.error) : null));
    }
    if (s === STATUS.CANCELED) {
      parts.push(h('div', { class: 'notice notice-warn', 'data-testid': 'canceled-notice' },
        `Canceled${job.started_at ? ` after running ${duration(secondsBetween(job.started_at, job.finished_at))}` : ' before it started'}.`,
        job.error ? ` ${job.error}` : ''));
    }
    const rs = job.result_summary;
    if (rs && typeof rs === 'object' && Object.keys(rs).length) {
      parts.push(h('div', { class: 'status-row', 'data-testid': 'result-summary' },
        Object.entries(rs).slice(0, 6).map(([k, v]) => stat(k.replace(/_/g, ' '), num(v)))));
    }
    statusBox.dataset.status = s;
    replace(statusBox, parts);
  }

  function renderGrid() {
    const t = job;
    const waited = t.started_at ? secondsBetween(t.created_at, t.started_at) : null;
    const timeline = h('section', { class: 'card' }, h('h3', { class: 'card-title' }, 'Timeline'),
      h('ol', { class: 'timeline', 'data-testid': 'timeline' },
        tl('Created', t.created_at, null, 'created'),
        tl('Started', t.started_at, waited != null ? `waited ${duration(waited)}` : null, 'started'),
        tl(t.status === STATUS.CANCELED || t.status === STATUS.FAILED ? STATUS_LABEL[t.status] : 'Finished', t.finished_at,
          t.finished_at && t.started_at ? `ran ${duration(secondsBetween(t.started_at, t.finished_at))}` : null, 'finished')));
    const local = isLocal(t);
    const details = h('section', { class: 'card' }, h('h3', { class: 'card-title' }, 'Details'), kv([
      ['Type', t.job_type],
      local ? null : ['Provider', t.provider],
      ['Priority', String(t.priority ?? 0)],
      t.depends_on ? ['Depends on', h('a', { href: `/jobs/${encodeURIComponent(t.depends_on)}`, class: 'mono', 'data-testid': 'depends-on-link' }, shortId(t.depends_on))] : ['Depends on', '—'],
      t.parent_id ? ['Sweep', h('a', { href: `/jobs/${encodeURIComponent(t.parent_id)}`, class: 'mono', 'data-testid': 'parent-id-link' }, shortId(t.parent_id))] : null,
      t.model_id ? ['Model', h('span', { class: 'mono', 'data-testid': 'model-id' }, t.model_id)] : null,
      t.result_id ? ['Result', h('span', { class: 'mono', 'data-testid': 'result-id' }, t.result_id)] : null,
      local ? ['Node', t.node_id ? h('span', { class: 'mono' }, t.node_id) : '—'] : ['External id', t.external_id ? h('span', { class: 'mono' }, t.external_id) : '—'],
      local ? ['PID', t.pid != null ? String(t.pid) : '—'] : ['Hardware', t.hardware || '—'],
      ['Exit code', t.exit_code != null ? String(t.exit_code) : '—'],
      local ? null : ['Cost', h('span', { 'data-testid': 'detail-cost' }, cost(t.cost_usd))],
      t.artifacts_dir ? ['Artifacts', h('span', { class: 'mono small break' }, t.artifacts_dir)] : null,
    ]));
    const p = t.params || {};
    const keys = Object.keys(p).filter((k) => p[k] !== null && p[k] !== undefined).sort((a, b) => {
      const ia = PARAM_ORDER.indexOf(a);
      const ib = PARAM_ORDER.indexOf(b);
      return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
    });
    const params = h('section', { class: 'card' },
      h('div', { class: 'card-head' }, h('h3', { class: 'card-title' }, 'Parameters'), h('span', { class: 'spacer' }),
        h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'copy-params', onclick: () => copyText(JSON.stringify(p, null, 2)).then(() => toast('Parameters copied')) }, 'Copy JSON')),
      keys.length ? h('table', { class: 'table table-compact', 'data-testid': 'job-params' },
        h('tbody', {}, keys.map((k) => h('tr', { 'data-param': k }, h('th', { scope: 'row', class: 'mono' }, k),
          h('td', { class: 'mono break' }, typeof p[k] === 'object' && p[k] !== null ? JSON.stringify(p[k]) : num(p[k]))))))
        : h('p', { class: 'muted' }, 'No parameters.'));
    replace(grid, timeline, details, params);
  }

  function tl(label, iso, note, key) {
    return h('li', { class: `tl-item${iso ? ' done' : ''}`, 'data-testid': `timeline-${key}` },
      h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
      h('div', {}, h('div', { class: 'tl-label' }, label),
        h('div', { class: 'small muted' }, iso ? [dateTime(iso), ' · ', agoEl(iso)] : 'not yet', note ? ` · ${note}` : '')));
  }

  function renderExtras() {
    const parts = [];
    if (job.model_id) {
      const p = job.params || {};
      parts.push(h('section', { class: 'card', 'data-testid': 'model-card' },
        h('div', { class: 'card-head' }, h('h3', { class: 'card-title' }, 'Model'), h('span', { class: 'spacer' }),
          h('a', {
            class: 'btn btn-sm btn-primary', 'data-testid': 'predict-with-model',
            href: `/submit/predict${api.qs({ model_id: job.model_id, dataset_id: p.dataset_id, gene_size: p.gene_size, output_dim: p.output_dim })}`,
          }, 'Predict with this model')),
        h('p', {}, 'Registered as ', h('code', {}, job.model_id), '.')));
    }
    if (job.result_id) {
      const card = h('section', { class: 'card', 'data-testid': 'result-card' },
        h('div', { class: 'card-head' }, h('h3', { class: 'card-title' }, 'Predictions'), h('span', { class: 'spacer' }),
          h('a', { class: 'btn btn-sm', href: `/api/results/${encodeURIComponent(job.result_id)}/download`, download: '', 'data-testid': 'result-download' }, 'Download CSV')));
      if (result && result.result_id === job.result_id) {
        const rows = Array.isArray(result.preview) ? result.preview : [];
        const cols = rows.length ? Object.keys(rows[0]) : [];
        card.append(h('p', { class: 'small muted' }, `${result.rows != null ? `${result.rows} rows` : ''}${rows.length ? ` · first ${rows.length} shown` : ''}`));
        card.append(rows.length
          ? h('div', { class: 'table-scroll' }, h('table', { class: 'table table-compact mono', 'data-testid': 'result-preview' },
            h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: typeof rows[0][c] === 'number' ? 'num' : null }, c)))),
            h('tbody', {}, rows.map((r) => h('tr', {}, cols.map((c) => h('td', { class: typeof r[c] === 'number' ? 'num' : null }, num(r[c]))))))))
          : h('p', { class: 'muted' }, 'No preview available.'));
      } else {
        card.append(h('div', { class: 'center pad' }, spinner('Loading predictions')));
      }
      parts.push(card);
    }
    if (job.job_type === JOB_TYPE.SWEEP || (shards && shards.length)) {
      const list = shards || [];
      parts.push(h('section', { class: 'card', 'data-testid': 'shards-card' },
        h('div', { class: 'card-head' }, h('h3', { class: 'card-title' }, `Shards (${list.length})`)),
        list.length ? h('div', { class: 'table-scroll' }, h('table', { class: 'table', 'data-testid': 'shards' },
          h('thead', {}, h('tr', {}, ['Shard', 'Status', 'lr', 'batch size', 'Progress', 'Result'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, list.map((sj) => h('tr', { 'data-testid': 'shard-row', 'data-job-id': sj.job_id },
            h('td', {}, h('a', { href: `/jobs/${encodeURIComponent(sj.job_id)}`, class: 'mono' }, shortId(sj.job_id))),
            h('td', {}, statusChip(sj)),
            h('td', { class: 'mono' }, num((sj.params || {}).lr)),
            h('td', { class: 'mono' }, num((sj.params || {}).batch_size)),
            h('td', { class: 'cell-progress' }, sj.status === STATUS.RUNNING ? progressBar(sj.progress, { running: true, label: `Progress of ${sj.job_id}` })
              : sj.progress != null ? `${num(sj.progress)}%` : '—'),
            h('td', { class: 'small' }, sj.result_summary ? Object.entries(sj.result_summary).slice(0, 2).map(([k, v]) => `${k} ${num(v)}`).join(' · ') : '—'))))))
          : h('p', { class: 'muted' }, shards ? 'No shards.' : 'Loading…')));
    }
    replace(extras, parts);
  }

  function renderAll() {
    root.removeAttribute('aria-busy');
    root.dataset.status = job.status;
    if (!loadedOnce) {
      loadedOnce = true;
      root.replaceChildren(head, statusBox, grid, extras, log.el);
      log.start();
    }
    renderHead();
    renderStatus();
    renderGrid();
    renderExtras();
  }

  function renderNotFound() {
    root.removeAttribute('aria-busy');
    root.replaceChildren(h('div', { class: 'empty', 'data-testid': 'not-found' },
      h('div', { class: 'empty-title' }, 'Job not found'),
      h('p', { class: 'muted' }, 'This job does not exist, or it is not yours to see.'),
      h('a', { href: '/jobs', class: 'btn' }, 'Back to jobs')));
  }

  // ---------- data ----------
  async function load() {
    try {
      const res = await api.get(`/api/jobs/${api.enc(id)}`);
      if (destroyed) return;
      const fresh = res.job;
      if (job && job.updated_at && fresh.updated_at && fresh.updated_at < job.updated_at) return;
      const wasActive = job && isActive(job.status);
      job = fresh;
      renderAll();
      loadExtras();
      if (wasActive && isTerminal(job.status)) log.catchUp();
    } catch (e) {
      if (destroyed) return;
      if (e.status === 404) {
        job = null;
        if (!root.querySelector('[data-testid="not-found"]')) renderNotFound();
      } else if (e.status !== 401 && !loadedOnce) {
        root.removeAttribute('aria-busy');
        root.replaceChildren(h('div', { class: 'empty', 'data-testid': 'load-error' },
          h('div', { class: 'empty-title' }, 'Could not load this job'),
          h('p', { class: 'muted' }, e.message),
          h('button', { type: 'button', class: 'btn', onclick: load }, 'Try again')));
      }
    }
  }

  async function loadExtras() {
    if (!job) return;
    if (job.result_id && resultFor !== job.result_id) {
      resultFor = job.result_id;
      try {
        result = await api.get(`/api/results/${api.enc(job.result_id)}`);
      } catch (e) {
        result = { result_id: job.result_id, preview: [] };
      }
      if (!destroyed) renderExtras();
    }
    if (job.job_type === JOB_TYPE.SWEEP) {
      try {
        const res = await api.get(`/api/jobs/${api.enc(id)}/shards`);
        shards = res.shards || [];
      } catch (e) {
        shards = shards || [];
      }
      if (!destroyed) renderExtras();
    }
  }

  const offFeed = onJobEvent((ev) => {
    if (!job) return;
    if (ev.job_id === id) {
      if (ev.type === 'job_status_changed') {
        const next = ev.job || { ...job, status: ev.status };
        if (job.updated_at && next.updated_at && next.updated_at < job.updated_at) return;
        const wasActive = isActive(job.status);
        job = next;
        renderAll();
        loadExtras();
        if (wasActive && isTerminal(job.status)) log.catchUp();
      } else if (ev.type === 'job_progress') {
        job = applyProgress(job, ev);
        renderStatus();
      }
      return;
    }
    const i = shards ? shards.findIndex((s) => s.job_id === ev.job_id) : -1;
    if (ev.type === 'job_status_changed' && ev.job && (i >= 0 || ev.job.parent_id === id)) {
      if (i >= 0) shards[i] = ev.job; else (shards = shards || []).push(ev.job);
      renderExtras();
    } else if (ev.type === 'job_progress' && i >= 0) {
      shards[i] = applyProgress(shards[i], ev);
      renderExtras();
    }
  });
  const stopFresh = keepFresh(load);
  // Client-side clock for "running for"/"waiting" figures (no server requests).
  const clock = setInterval(() => {
    for (const el of root.querySelectorAll('[data-elapsed-from]')) {
      if (el.dataset.elapsedFrom && !el.dataset.elapsedTo) el.textContent = duration(secondsBetween(el.dataset.elapsedFrom));
    }
  }, 1000);

  // ---------- actions ----------
  async function cancelJob() {
    const ok = await confirm({
      title: 'Cancel this job?', confirmLabel: 'Cancel job', cancelLabel: 'Keep it', danger: true,
      body: job.status === STATUS.RUNNING
        ? 'The whole process tree gets SIGTERM, and SIGKILL after the grace period. The job ends as canceled.'
        : 'The job will not start.',
    });
    if (!ok) return;
    try {
      const local = isLocal(job);
      const res = await api.post(local ? `/api/jobs/${api.enc(id)}/cancel` : `/api/cloud/jobs/${api.enc(id)}/cancel`);
      if (res && res.job && !destroyed) {
        if (!(job.updated_at && res.job.updated_at && res.job.updated_at < job.updated_at)) {
          job = res.job;
          renderAll();
        }
      }
      toast(res && res.job && res.job.status === STATUS.CANCELED ? 'Job canceled' : 'Cancel requested: stopping the process tree…', { kind: 'success' });
    } catch (e) {
      toastError(e, 'Cancel failed: ');
      load();
    }
  }

  async function rerun() {
    try {
      const res = await api.post(`/api/jobs/${api.enc(id)}/rerun`);
      toast(`Rerun submitted as ${res.job.job_id}`, { kind: 'success' });
      navigate(`/jobs/${encodeURIComponent(res.job.job_id)}`);
    } catch (e) {
      toastError(e, 'Rerun failed: ');
    }
  }

  async function deleteJob() {
    const ok = await confirm({
      title: 'Delete this job?', confirmLabel: 'Delete job', danger: true,
      body: `Deletes ${id}${job.job_type === JOB_TYPE.SWEEP ? ' and all its shards' : ''}, its log, model and result records and its artifacts. This cannot be undone.`,
    });
    if (!ok) return;
    try {
      await api.del(`/api/jobs/${api.enc(id)}`);
      toast('Job deleted', { kind: 'success' });
      if (onDeleted) onDeleted(); else navigate('/jobs');
    } catch (e) {
      toastError(e, 'Delete failed: ');
    }
  }

  async function saveTemplate() {
    const jobType = job.job_type === JOB_TYPE.SWEEP ? JOB_TYPE.TRAIN : job.job_type;
    const v = await dialog({
      title: 'Save as template', confirmLabel: 'Save template', testid: 'template-dialog',
      body: `Saves this ${jobType} job's parameters${job.priority ? ' and priority' : ''} for one-click reuse.`,
      fields: [{ name: 'name', label: 'Template name', value: `${jobType} ${(job.params || {}).dataset_id || ''}`.trim(), required: true }],
    });
    if (!v) return;
    const params = Object.fromEntries(Object.entries(job.params || {}).filter(([, v]) => v !== null && v !== undefined));
    if (job.priority) params.priority = job.priority;
    try {
      await api.post('/api/templates', { name: v.name.trim(), job_type: jobType, params });
      toast(`Template “${v.name.trim()}” saved`, { kind: 'success' });
    } catch (e) {
      toastError(e, 'Could not save the template: ');
    }
  }

  load();

  return {
    destroy() {
      destroyed = true;
      offFeed();
      stopFresh();
      clearInterval(clock);
      log.destroy();
    },
  };
}
