// Multi-select over the loaded jobs and the actions that apply to the selection: archive and delete,
// or unarchive and delete while the archived jobs are shown.
import { h, replace } from '../../ui.js';

/** onSelectAll: after select-all toggled (the rows need redrawing); act: the bulk actions. */
export function bulkBar(state, filter, { onSelectAll, act }) {
  const selectAll = h('input', {
    type: 'checkbox', 'aria-label': 'Select all loaded jobs', 'data-testid': 'select-all',
    onchange: () => {
      if (selectAll.checked) state.items.forEach((j) => state.checked.add(j.job_id)); else state.checked.clear();
      onSelectAll();
    },
  });
  const selText = h('span', { class: 'muted small', 'data-testid': 'selection-count' });
  const buttons = h('div', { class: 'bulk-actions' });
  const el = h('div', { class: 'bulk-bar' }, h('label', { class: 'check' }, selectAll, selText), buttons);

  function button(label, testid, onclick, { danger = false, disabled }) {
    return h('button', { type: 'button', class: `btn btn-xs${danger ? ' btn-danger-ghost' : ''}`, disabled, 'data-testid': testid, onclick }, label);
  }

  function render() {
    const { checked, byId, items } = state;
    // A selection only ever covers jobs that are still loaded.
    for (const id of [...checked]) if (!byId.has(id)) checked.delete(id);
    const n = checked.size;
    selectAll.checked = n > 0 && n === items.length;
    selectAll.indeterminate = n > 0 && n < items.length;
    selText.textContent = n ? `${n} selected` : 'Select';
    const ids = () => [...checked];
    const off = { disabled: !n };
    replace(buttons, filter.archived
      ? [button('Unarchive', 'bulk-unarchive', () => act.unarchive(ids()), off),
        button('Delete', 'bulk-delete', () => act.bulkDelete(ids()), { ...off, danger: true })]
      : [button('Archive', 'bulk-archive', () => act.bulkArchive(ids()), off),
        button('Delete', 'bulk-delete', () => act.bulkDelete(ids()), { ...off, danger: true })]);
  }

  return { el, render };
}
