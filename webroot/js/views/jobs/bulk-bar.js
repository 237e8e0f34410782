// Multi-select and the actions that apply to the selection: archive, delete, cancel and rerun, or
// unarchive and delete while the archived jobs are shown. With every loaded job ticked, "Select all N
// matching" widens the selection to every job the filters match (sent to the server as a filter).
import { h, replace } from '../../ui.js';
import { bulkFilter } from './data.js';
import { navigate } from '../../router.js';

/** onSelectAll: after select-all toggled (the rows need redrawing); act: the bulk actions. */
export function bulkBar(state, filter, { onSelectAll, act }) {
  const selectAll = h('input', {
    type: 'checkbox', 'aria-label': 'Select all loaded jobs', 'data-testid': 'select-all',
    onchange: () => {
      state.allMatching = false;
      if (selectAll.checked) state.items.forEach((j) => state.checked.add(j.job_id)); else state.checked.clear();
      onSelectAll();
    },
  });
  const selText = h('span', { class: 'muted small', 'data-testid': 'selection-count', 'aria-live': 'polite' });
  const widen = h('span');
  const buttons = h('div', { class: 'bulk-actions' });
  const el = h('div', { class: 'bulk-bar' }, h('label', { class: 'check' }, selectAll, selText), widen, buttons);

  function button(label, testid, onclick, { danger = false, disabled }) {
    return h('button', { type: 'button', class: `btn btn-xs${danger ? ' btn-danger-ghost' : ''}`, disabled, 'data-testid': testid, onclick }, label);
  }

  /** The selection as a bulk request: the ticked ids, or the filter when all matching jobs are selected. */
  function target() {
    return state.allMatching ? { filter: bulkFilter(filter) } : { job_ids: [...state.checked] };
  }

  function render() {
    const { checked, byId, items } = state;
    // A selection only ever covers jobs that are still loaded (or, all matching, the filter itself).
    for (const id of [...checked]) if (!byId.has(id)) checked.delete(id);
    const n = checked.size;
    const all = n > 0 && n === items.length;
    if (!all) state.allMatching = false;
    selectAll.checked = all;
    selectAll.indeterminate = n > 0 && n < items.length;
    selText.textContent = state.allMatching ? `All ${state.total} matching selected` : n ? `${n} selected` : 'Select';
    // The server acts on at most 1,000 jobs per filter; past that, narrow the filter.
    replace(widen, all && state.total > items.length && !state.allMatching && state.total <= 1000
      ? h('button', {
        type: 'button', class: 'btn btn-xs btn-link', 'data-testid': 'select-all-matching',
        onclick: () => { state.allMatching = true; render(); },
      }, `Select all ${state.total} matching`)
      : null);
    const off = { disabled: !n };
    replace(buttons, filter.archived
      ? [button('Unarchive', 'bulk-unarchive', () => act.unarchive([...checked]), off),
        button('Delete', 'bulk-delete', () => act.bulkDelete(target()), { ...off, danger: true })]
      : [button('Cancel', 'bulk-cancel', () => act.bulkCancel(target()), { ...off, danger: true }),
        button('Rerun', 'bulk-rerun', () => act.bulkRerun(target()), off),
        button('Compare', 'bulk-compare', () => navigate(`/compare?jobs=${[...checked].map(encodeURIComponent).join(',')}`),
          { disabled: state.allMatching || n < 2 || n > 4 }),
        button('Archive', 'bulk-archive', () => act.bulkArchive(target()), off),
        button('Delete', 'bulk-delete', () => act.bulkDelete(target()), { ...off, danger: true })]);
  }

  return { el, render };
}
