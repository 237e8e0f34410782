// What a local job asked its node for and what it got: resources and assigned GPUs, time limit,
// retries, and the history of its attempts (each with its exit code and error).
import { h, kv, dateTime, duration, secondsBetween } from '../../ui.js';
import { isLocal } from '../../vocabulary.js';

function resourcesText(r) {
  const parts = [`${r.gpus || 0} GPU${r.gpus === 1 ? '' : 's'}`];
  if (r.cpus != null) parts.push(`${r.cpus} CPU${r.cpus === 1 ? '' : 's'}`);
  if (r.memory_mb != null) parts.push(`${r.memory_mb} MB`);
  return parts.join(' · ');
}

export function executionCard(t) {
  if (!isLocal(t) || t.job_type === 'sweep') return null;
  const r = t.resources || { gpus: 0 };
  const gpus = t.assigned_gpus || [];
  const attempts = t.attempts || [];
  const total = 1 + (t.max_retries || 0);
  return h('section', { class: 'card', 'data-testid': 'execution' }, h('h3', { class: 'card-title' }, 'Resources and attempts'),
    kv([
      ['Asked for', h('span', { 'data-testid': 'resources' }, resourcesText(r))],
      ['GPUs held', h('span', { class: 'mono', 'data-testid': 'assigned-gpus' },
        gpus.length ? gpus.join(', ') : (r.gpus ? 'none yet' : '—'))],
      ['Time limit', h('span', { 'data-testid': 'time-limit' }, t.timeout_seconds ? duration(t.timeout_seconds) : 'none')],
      ['Attempt', h('span', { 'data-testid': 'attempt' }, `${t.attempt || 1} of ${total}`)],
    ]),
    attempts.length ? h('table', { class: 'table table-compact', 'data-testid': 'attempts', 'aria-label': 'Finished attempts' },
      h('thead', {}, h('tr', {}, ['#', 'Started', 'Ran', 'Exit', 'Error'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, attempts.map((a) => h('tr', { 'data-testid': 'attempt-row' },
        h('td', {}, String(a.attempt)),
        h('td', { class: 'small' }, a.started_at ? dateTime(a.started_at) : '—'),
        h('td', { class: 'small' }, a.started_at && a.finished_at ? duration(secondsBetween(a.started_at, a.finished_at)) : '—'),
        h('td', { class: 'mono' }, a.exit_code != null ? String(a.exit_code) : '—'),
        h('td', { class: 'small break' }, a.error || '—')))))
      : null);
}
