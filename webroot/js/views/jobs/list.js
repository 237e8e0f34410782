// The sidebar's job list and its footer (load more, "Showing n of m"). Rows are rebuilt rather than
// patched, so update() keeps keyboard focus on the same control of a row that changed under it.
import { h, replace, spinner } from '../../ui.js';
import { jobRow } from './row.js';

/** state: the job center's list state; filter: the shared filters; row: jobRow's options; onMore: load the next page. */
export function jobList(state, filter, { row, onMore }) {
  const list = h('ul', { class: 'job-list', 'data-testid': 'job-list', 'aria-label': 'Jobs' });
  const footer = h('div', { class: 'list-footer' });
  const renderRow = (job) => jobRow(job, row);

  function emptyText() {
    if (filter.archived) return 'No archived jobs.';
    return filter.status.length || filter.type || filter.q || filter.owner ? 'No jobs match these filters.' : 'No jobs yet. Submit one to get started.';
  }

  function render() {
    const { items, loading } = state;
    if (!items.length && !loading) {
      replace(list, h('li', { class: 'list-empty', 'data-testid': 'list-empty' }, emptyText()));
    } else {
      replace(list, items.map(renderRow));
    }
  }

  /** Load more and "Showing n of m", under the list or the table alike. */
  function renderFooter() {
    const { items, loading, total, nextCursor } = state;
    const more = nextCursor || items.length < total;
    replace(footer,
      loading ? h('div', { class: 'center' }, spinner()) : null,
      !loading && more ? h('button', { type: 'button', class: 'btn btn-sm btn-block', 'data-testid': 'load-more', onclick: onMore }, 'Load more') : null,
      h('div', { class: 'small muted center', 'data-testid': 'list-status' }, `Showing ${items.length} of ${total}${state.totalCapped ? '+' : ''}`));
  }

  function update(job) {
    const old = list.querySelector(`li[data-job-id="${CSS.escape(job.job_id)}"]`);
    if (!old) return;
    const focused = old.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
    const fresh = renderRow(job);
    old.replaceWith(fresh);
    if (focused) fresh.querySelector(`[data-testid="${focused}"]`)?.focus();
  }

  /** Moves focus to a job's link, e.g. the first of a page just loaded. */
  function focusJob(id) {
    list.querySelector(`li[data-job-id="${CSS.escape(id || '')}"] a`)?.focus();
  }

  return { list, footer, render, renderFooter, update, focusJob };
}
