// One job in the sidebar list: status, id, type, age, a one-line summary, row actions and, for
// active jobs, progress or queue position. Rebuilt whole on every change (see list.js).
import { session } from '../../session.js';
import { h, agoEl, cost, num, shortId, statusChip, progressBar, typeBadge, duration } from '../../ui.js';
import { STATUS, JOB_TYPE, isActive, isTerminal, isLocal } from '../../vocabulary.js';

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

function rowActions(job, act) {
  const acts = [h('a', { href: `/jobs/${encodeURIComponent(job.job_id)}`, class: 'btn btn-xs', 'data-testid': 'view-button' }, 'View')];
  if (job.archived_at) {
    acts.push(h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'unarchive-button', onclick: () => act.unarchive([job.job_id]) }, 'Unarchive'));
  } else if (isActive(job.status)) {
    acts.push(h('button', {
      type: 'button', class: 'btn btn-xs btn-danger-ghost', 'data-testid': 'row-cancel-button', disabled: job.cancel_requested,
      onclick: () => act.cancelJob(job),
    }, job.cancel_requested ? 'Cancelling…' : 'Cancel'));
  } else {
    acts.push(h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'rerun-row-button', onclick: () => act.rerun(job) }, 'Rerun'));
  }
  return acts;
}

/** What a running or queued row shows under its summary; a failed row shows its error. */
function rowExtra(job) {
  const running = job.status === STATUS.RUNNING;
  if (running || (job.status === STATUS.QUEUED && job.progress != null)) {
    const pct = job.progress == null ? '' : `${Number(job.progress).toFixed(1)}%`; // as on the job page: always one decimal
    return h('div', { class: 'row-progress' }, progressBar(job.progress, { running, label: `Progress of ${job.job_id}` }),
      h('span', { class: 'small muted nowrap', 'data-testid': 'row-progress-text' }, [pct, job.stage].filter(Boolean).join(' · ') || 'starting'));
  }
  if (job.status === STATUS.QUEUED) {
    return h('div', { class: 'small muted truncate', 'data-testid': 'row-queue' },
      job.queue_position ? `#${job.queue_position} in queue` : 'queued', job.waiting_reason ? ` · ${job.waiting_reason}` : '');
  }
  if (job.status === STATUS.FAILED && job.error) {
    return h('div', { class: 'small text-failed truncate', title: job.error }, job.error);
  }
  return null;
}

/** state: the job center's selection and owner names; act: row actions; onCheck(id, on) after a tick. */
export function jobRow(job, { state, act, onCheck }) {
  const selected = job.job_id === state.selectedId;
  const cb = h('input', {
    type: 'checkbox', 'data-testid': 'job-select', 'aria-label': `Select ${job.job_id}`, checked: state.checked.has(job.job_id),
    onchange: () => onCheck(job.job_id, cb.checked),
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
        ? h('span', { class: 'owner nowrap', 'data-testid': 'job-owner', title: 'Owner' }, state.owners.get(job.owner_user_id) || `user ${job.owner_user_id}`) : null,
      !isLocal(job) ? h('span', { class: 'cost nowrap', 'data-testid': 'job-cost' }, cost(job.cost_usd)) : null,
      isTerminal(job.status) && job.started_at && job.finished_at ? h('span', { class: 'nowrap', title: 'Run time' }, duration((Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000)) : null,
      h('div', { class: 'job-row-actions' }, rowActions(job, act))),
    rowExtra(job)));
}
