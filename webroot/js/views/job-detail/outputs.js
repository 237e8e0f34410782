// What a job produced or spawned: the registered model, the predictions preview and, for a sweep,
// its shard jobs. Shown under the configuration cards once there is something to show.
import * as api from '../../api.js';
import { applyProgress } from '../../live.js';
import { h, num, shortId, statusChip, progressBar, spinner } from '../../ui.js';
import { STATUS, JOB_TYPE } from '../../vocabulary.js';

function modelCard(job) {
  const p = job.params || {};
  return h('section', { class: 'card', 'data-testid': 'model-card' },
    h('div', { class: 'card-head' }, h('h3', { class: 'card-title' }, 'Model'), h('span', { class: 'spacer' }),
      h('a', {
        class: 'btn btn-sm btn-primary', 'data-testid': 'predict-with-model',
        href: `/submit/predict${api.qs({ model_id: job.model_id, dataset_id: p.dataset_id, gene_size: p.gene_size, output_dim: p.output_dim })}`,
      }, 'Predict with this model')),
    h('p', {}, 'Registered as ', h('code', {}, job.model_id), '.'));
}

/** result: the loaded result record, or anything else while it is still loading. */
function resultCard(job, result) {
  const card = h('section', { class: 'card', 'data-testid': 'result-card' },
    h('div', { class: 'card-head' }, h('h3', { class: 'card-title' }, 'Predictions'), h('span', { class: 'spacer' }),
      h('a', { class: 'btn btn-sm', href: `/api/results/${encodeURIComponent(job.result_id)}/download`, download: '', 'data-testid': 'result-download' }, 'Download CSV')));
  if (!result || result.result_id !== job.result_id) {
    card.append(h('div', { class: 'center pad' }, spinner('Loading predictions')));
    return card;
  }
  const rows = Array.isArray(result.preview) ? result.preview : [];
  const cols = rows.length ? Object.keys(rows[0]) : [];
  card.append(h('p', { class: 'small muted' }, `${result.rows != null ? `${result.rows} rows` : ''}${rows.length ? ` · first ${rows.length} shown` : ''}`));
  card.append(rows.length
    ? h('div', { class: 'table-scroll' }, h('table', { class: 'table table-compact mono', 'data-testid': 'result-preview' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: typeof rows[0][c] === 'number' ? 'num' : null }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {}, cols.map((c) => h('td', { class: typeof r[c] === 'number' ? 'num' : null }, num(r[c]))))))))
    : h('p', { class: 'muted' }, 'No preview available.'));
  return card;
}

function shardRow(sj) {
  return h('tr', { 'data-testid': 'shard-row', 'data-job-id': sj.job_id },
    h('td', {}, h('a', { href: `/jobs/${encodeURIComponent(sj.job_id)}`, class: 'mono' }, shortId(sj.job_id))),
    h('td', {}, statusChip(sj)),
    h('td', { class: 'mono' }, num((sj.params || {}).lr)),
    h('td', { class: 'mono' }, num((sj.params || {}).batch_size)),
    h('td', { class: 'cell-progress' }, sj.status === STATUS.RUNNING ? progressBar(sj.progress, { running: true, label: `Progress of ${sj.job_id}` })
      : sj.progress != null ? `${num(sj.progress)}%` : '—'),
    h('td', { class: 'small' }, sj.result_summary ? Object.entries(sj.result_summary).slice(0, 2).map(([k, v]) => `${k} ${num(v)}`).join(' · ') : '—'));
}

/** shards: the sweep's shard jobs, or null while they are still loading. */
function shardsCard(shards) {
  const list = shards || [];
  return h('section', { class: 'card', 'data-testid': 'shards-card' },
    h('div', { class: 'card-head' }, h('h3', { class: 'card-title' }, `Shards (${list.length})`)),
    list.length ? h('div', { class: 'table-scroll' }, h('table', { class: 'table', 'data-testid': 'shards' },
      h('thead', {}, h('tr', {}, ['Shard', 'Status', 'lr', 'batch size', 'Progress', 'Result'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, list.map(shardRow))))
      : h('p', { class: 'muted' }, shards ? 'No shards.' : 'Loading…'));
}

/**
 * Applies a push about one of sweep parentId's shards, including a shard not seen yet; returns the
 * shard list to show, or null when the event is about some other job.
 */
export function mergeShardEvent(shards, ev, parentId) {
  const i = shards ? shards.findIndex((s) => s.job_id === ev.job_id) : -1;
  if (ev.type === 'job_status_changed' && ev.job && (i >= 0 || ev.job.parent_id === parentId)) {
    const next = shards || [];
    if (i >= 0) next[i] = ev.job; else next.push(ev.job);
    return next;
  }
  if (ev.type === 'job_progress' && i >= 0) {
    shards[i] = applyProgress(shards[i], ev);
    return shards;
  }
  return null;
}

/** The cards for job, given its loaded result and shards (each may still be null). */
export function outputCards(job, { result, shards }) {
  return [
    job.model_id ? modelCard(job) : null,
    job.result_id ? resultCard(job, result) : null,
    job.job_type === JOB_TYPE.SWEEP || (shards && shards.length) ? shardsCard(shards) : null,
  ];
}
