// Status pills with live counts, the job type select and the archived toggle. They edit the shared
// filter object in place (it outlives the view) and call onChange to reload.
import { h } from '../../ui.js';
import { STATUS, STATUSES, STATUS_LABEL, JOB_TYPES, JOB_TYPE_LABEL } from '../../vocabulary.js';

export function jobFilters(filter, onChange) {
  const countEls = {};
  const statusButtons = ['', ...STATUSES].map((s) => {
    const count = h('span', { class: 'pill-count', 'data-testid': `count-${s || 'total'}` }, '–');
    countEls[s || 'total'] = count;
    return h('button', {
      type: 'button', class: `pill pill-${s || 'all'}`, 'data-testid': `status-filter-${s || 'all'}`, 'data-status': s,
      'aria-pressed': String(filter.status === s),
      onclick: () => { filter.status = s; onChange(); },
    }, s ? h('span', { class: `dot dot-${s}`, 'aria-hidden': 'true' }) : null, s ? STATUS_LABEL[s] : 'All', count);
  });
  const typeSelect = h('select', {
    'aria-label': 'Job type', 'data-testid': 'type-filter', value: filter.type,
    onchange: () => { filter.type = typeSelect.value; onChange(); },
  }, [['', 'All types'], ...JOB_TYPES.map((t) => [t, JOB_TYPE_LABEL[t]])].map(([v, l]) => h('option', { value: v }, l)));
  typeSelect.value = filter.type;
  const archivedBtn = h('button', {
    type: 'button', class: 'btn btn-sm btn-toggle', 'data-testid': 'archived-toggle', 'aria-pressed': String(filter.archived),
    onclick: () => { filter.archived = !filter.archived; onChange(); },
  }, 'Archived');

  /** Reflects the filter and the latest counts (null while unknown). */
  function render(counts) {
    for (const b of statusButtons) b.setAttribute('aria-pressed', String(filter.status === b.dataset.status));
    archivedBtn.setAttribute('aria-pressed', String(filter.archived));
    typeSelect.value = filter.type;
    for (const [k, node] of Object.entries(countEls)) {
      const v = counts ? counts[k] : null;
      node.textContent = v == null ? '–' : String(v);
    }
    // Pending only matters for cloud jobs: hide the pill while there are none.
    const pendingBtn = statusButtons.find((b) => b.dataset.status === STATUS.PENDING);
    pendingBtn.hidden = !!counts && !counts[STATUS.PENDING] && filter.status !== STATUS.PENDING;
  }

  return {
    pills: h('div', { class: 'pills', role: 'group', 'aria-label': 'Filter by status' }, statusButtons),
    controls: h('div', { class: 'side-filters' }, typeSelect, archivedBtn),
    render,
  };
}
