// The dense table view of the job list: one line per job, sortable by the columns the server can sort
// on (a click sorts descending, a second click ascending). It shows the same loaded jobs, selection
// and filters as the list; only the layout differs.
import { session } from '../../session.js';
import { h, replace, agoEl, duration, shortId, statusChip, typeBadge, secondsBetween } from '../../ui.js';
import { isActive } from '../../vocabulary.js';
import { jobSummary } from './row.js';
import { SORT_LABEL } from './filters.js';

const COLUMNS = [
  { key: 'status', label: 'Status', sort: 'status' },
  { key: 'job', label: 'Job' },
  { key: 'type', label: 'Type' },
  { key: 'owner', label: 'Owner', admin: true },
  { key: 'summary', label: 'Parameters' },
  { key: 'priority', label: 'Prio', sort: 'priority', num: true },
  { key: 'created', label: 'Created', sort: 'created_at' },
  { key: 'started', label: 'Started', sort: 'started_at' },
  { key: 'finished', label: 'Finished', sort: 'finished_at' },
  { key: 'run', label: 'Run time', num: true },
  { key: 'progress', label: 'Progress', num: true },
];

function cell(job, col, owners) {
  switch (col.key) {
    case 'status': return statusChip(job);
    case 'job': return h('a', { href: `/jobs/${encodeURIComponent(job.job_id)}`, class: 'mono job-link', 'data-testid': 'job-link', title: job.job_id }, shortId(job.job_id));
    case 'type': return typeBadge(job);
    case 'owner': return owners.get(job.owner_user_id) || `user ${job.owner_user_id}`;
    case 'summary': return h('span', { class: 'truncate', title: jobSummary(job) }, jobSummary(job) || '—');
    case 'priority': return String(job.priority ?? 0);
    case 'created': return agoEl(job.created_at);
    case 'started': return job.started_at ? agoEl(job.started_at) : '—';
    case 'finished': return job.finished_at ? agoEl(job.finished_at) : '—';
    case 'run': return job.started_at ? duration(secondsBetween(job.started_at, job.finished_at)) : '—';
    case 'progress': return isActive(job.status) && job.progress != null ? `${Math.floor(job.progress)}%` : '—';
    default: return '';
  }
}

/** filter: the shared filters; onSort(): after a header changed the sort; onCheck(id, on) after a tick. */
export function jobTable(state, filter, { onSort, onCheck }) {
  const body = h('tbody');
  const head = h('thead');
  const table = h('table', { class: 'table job-table', 'data-testid': 'job-table', 'aria-label': 'Jobs' }, head, body);

  const columns = () => COLUMNS.filter((c) => !c.admin || (session.me && session.me.is_admin));

  function header(col) {
    if (!col.sort) return h('th', { scope: 'col', class: col.num ? 'num' : '' }, col.label);
    const active = (filter.sort || 'created_at') === col.sort;
    const asc = active && filter.order === 'asc';
    return h('th', { scope: 'col', class: col.num ? 'num' : '', 'aria-sort': active ? (asc ? 'ascending' : 'descending') : 'none' },
      h('button', {
        type: 'button', class: 'th-sort', 'data-testid': `sort-${col.sort}`, title: `Sort by ${SORT_LABEL[col.sort].toLowerCase()}`,
        onclick: () => {
          if (active) filter.order = filter.order === 'asc' ? '' : 'asc';
          else { filter.sort = col.sort === 'created_at' ? '' : col.sort; filter.order = ''; }
          onSort();
        },
      }, col.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }, active ? (asc ? ' ▲' : ' ▼') : '')));
  }

  function row(job) {
    const cb = h('input', {
      type: 'checkbox', 'data-testid': 'job-select', 'aria-label': `Select ${job.job_id}`, checked: state.checked.has(job.job_id),
      onchange: () => onCheck(job.job_id, cb.checked),
    });
    const selected = job.job_id === state.selectedId;
    return h('tr', { 'data-testid': 'table-row', 'data-job-id': job.job_id, 'data-status': job.status, class: selected ? 'selected' : '', 'aria-current': selected ? 'true' : null },
      h('td', {}, cb), columns().map((c) => h('td', { class: c.num ? 'num' : c.key === 'summary' ? 'summary' : '' }, cell(job, c, state.owners))));
  }

  function render() {
    replace(head, h('tr', {}, h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Select')), columns().map(header)));
    replace(body, state.items.map(row));
  }

  function update(job) {
    const old = body.querySelector(`tr[data-job-id="${CSS.escape(job.job_id)}"]`);
    if (old) old.replaceWith(row(job));
  }

  return { table, render, update };
}
