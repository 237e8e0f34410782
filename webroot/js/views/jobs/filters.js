// The list's controls: a search box, status pills (several may be on) with live counts, type and (for
// admins) owner selects, the sort, the archived toggle and the list/table switch. They edit the shared
// filter object in place (it outlives the view) and call onChange to reload.
import { h } from '../../ui.js';
import { STATUS, STATUSES, STATUS_LABEL, JOB_TYPES, JOB_TYPE_LABEL } from '../../vocabulary.js';
import { SORTS } from './url-filter.js';

export const SORT_LABEL = { created_at: 'Created', started_at: 'Started', finished_at: 'Finished', status: 'Status', priority: 'Priority' };

function select(label, testid, options, get, set) {
  const el = h('select', { 'aria-label': label, 'data-testid': testid, onchange: () => set(el.value) },
    options.map(([v, l]) => h('option', { value: v }, l)));
  el.value = get();
  return el;
}

export function jobFilters(filter, onChange, owners) {
  const countEls = {};
  const statusButtons = ['', ...STATUSES].map((s) => {
    const count = h('span', { class: 'pill-count', 'data-testid': `count-${s || 'total'}` }, '–');
    countEls[s || 'total'] = count;
    return h('button', {
      type: 'button', class: `pill pill-${s || 'all'}`, 'data-testid': `status-filter-${s || 'all'}`, 'data-status': s,
      title: s ? `Show ${STATUS_LABEL[s].toLowerCase()} jobs too (click again to drop them)` : 'Show every status',
      onclick: () => {
        if (!s) filter.status = [];
        else if (filter.status.includes(s)) filter.status = filter.status.filter((x) => x !== s);
        else filter.status = [...filter.status, s];
        onChange();
      },
    }, s ? h('span', { class: `dot dot-${s}`, 'aria-hidden': 'true' }) : null, s ? STATUS_LABEL[s] : 'All', count);
  });

  let searchTimer = null;
  const search = h('input', {
    type: 'search', class: 'search-input', 'data-testid': 'job-search', 'aria-label': 'Search jobs',
    placeholder: 'Search: id, lr=0.001, error text  ( / )', maxlength: 200, value: filter.q,
    oninput: () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => { filter.q = search.value.trim(); onChange(); }, 300);
    },
    onkeydown: (e) => {
      if (e.key === 'Enter') { clearTimeout(searchTimer); filter.q = search.value.trim(); onChange(); }
      if (e.key === 'Escape') { search.value = ''; filter.q = ''; search.blur(); onChange(); }
    },
  });
  const typeSelect = select('Job type', 'type-filter', [['', 'All types'], ...JOB_TYPES.map((t) => [t, JOB_TYPE_LABEL[t]])],
    () => filter.type, (v) => { filter.type = v; onChange(); });
  const ownerSelect = select('Owner', 'owner-filter', [['', 'All owners']], () => filter.owner, (v) => { filter.owner = v; onChange(); });
  ownerSelect.hidden = true;
  const sortSelect = select('Sort by', 'sort-select', SORTS.map((k) => [k === 'created_at' ? '' : k, `Sort: ${SORT_LABEL[k]}`]),
    () => filter.sort, (v) => { filter.sort = v; onChange(); });
  const orderBtn = h('button', {
    type: 'button', class: 'btn btn-sm btn-toggle', 'data-testid': 'order-toggle',
    onclick: () => { filter.order = filter.order === 'asc' ? '' : 'asc'; onChange(); },
  });
  const archivedBtn = h('button', {
    type: 'button', class: 'btn btn-sm btn-toggle', 'data-testid': 'archived-toggle', 'aria-pressed': String(filter.archived),
    onclick: () => { filter.archived = !filter.archived; onChange(); },
  }, 'Archived');
  const viewBtn = h('button', {
    type: 'button', class: 'btn btn-sm btn-toggle', 'data-testid': 'view-toggle', title: 'Switch between the list and a dense, sortable table',
    onclick: () => { filter.view = filter.view === 'table' ? 'list' : 'table'; onChange({ viewOnly: true }); },
  });

  /** Shows the owner select (admins) once the user names are known. */
  function renderOwners() {
    if (!owners.size) return;
    const keep = filter.owner;
    ownerSelect.replaceChildren(h('option', { value: '' }, 'All owners'),
      ...[...owners.entries()].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => h('option', { value: String(id) }, name)));
    ownerSelect.value = keep;
    ownerSelect.hidden = false;
  }

  /** Reflects the filter and the latest counts (null while unknown). */
  function render(counts) {
    for (const b of statusButtons) {
      const s = b.dataset.status;
      b.setAttribute('aria-pressed', String(s ? filter.status.includes(s) : !filter.status.length));
    }
    archivedBtn.setAttribute('aria-pressed', String(filter.archived));
    typeSelect.value = filter.type;
    ownerSelect.value = filter.owner;
    sortSelect.value = filter.sort;
    if (document.activeElement !== search) search.value = filter.q;
    orderBtn.textContent = filter.order === 'asc' ? '↑ Ascending' : '↓ Descending';
    orderBtn.setAttribute('aria-label', `Order: ${filter.order === 'asc' ? 'ascending' : 'descending'}; click to reverse`);
    viewBtn.textContent = filter.view === 'table' ? 'List view' : 'Table view';
    viewBtn.setAttribute('aria-pressed', String(filter.view === 'table'));
    for (const [k, node] of Object.entries(countEls)) {
      const v = counts ? counts[k] : null;
      node.textContent = v == null ? '–' : String(v);
    }
    // Pending only matters for cloud jobs: hide the pill while there are none.
    const pendingBtn = statusButtons.find((b) => b.dataset.status === STATUS.PENDING);
    pendingBtn.hidden = !!counts && !counts[STATUS.PENDING] && !filter.status.includes(STATUS.PENDING);
  }

  return {
    search: h('div', { class: 'side-search' }, search),
    searchInput: search,
    pills: h('div', { class: 'pills', role: 'group', 'aria-label': 'Filter by status' }, statusButtons),
    controls: h('div', { class: 'side-filters' }, typeSelect, ownerSelect, sortSelect, orderBtn, archivedBtn, viewBtn),
    render,
    renderOwners,
  };
}
