// Job center: a sidebar with counts, filters, multi-select and the job list; the main pane shows
// the selected job (/jobs/{id}) or an overview (/jobs). Live over the bridge, polling only offline.
// The parts live in ./jobs/; this file lays them out and connects them to the list state.
import { keepFresh } from '../bus.js';
import { onJobEvent } from '../live.js';
import { navigate } from '../router.js';
import { h, replace } from '../ui.js';
import { mountDetail } from './job-detail.js';
import { jobActions } from './jobs/actions.js';
import { bulkBar } from './jobs/bulk-bar.js';
import { fetchOwners } from './jobs/data.js';
import { jobFilters } from './jobs/filters.js';
import { jobList } from './jobs/list.js';
import { jobTable } from './jobs/table.js';
import { overview } from './jobs/overview.js';
import { throughputCard } from './jobs/throughput.js';
import { jobStore } from './jobs/store.js';
import { emptyFilter, hasFilter, readFilter, writeFilter } from './jobs/url-filter.js';

export { jobSummary } from './jobs/row.js';

// Filters survive navigation between pages of the app, and are kept in the URL (see url-filter.js).
const filter = emptyFilter();

export const jobsView = {
  key: 'jobs',
  mount(el, params, query) {
    let detail = null;
    // A link with filters (/jobs?status=running) sets them; a bare /jobs keeps the ones in use.
    if (hasFilter(query)) readFilter(filter, query);
    const store = jobStore(filter, params.id || null, {
      onList: renderList, onCounts: renderCounts, onRow: (job) => { list.update(job); table.update(job); },
    });
    const { state } = store;

    // ---------- components ----------
    const act = jobActions(state, {
      updateRow: (job) => { list.update(job); table.update(job); }, removeItems: store.removeItems, refreshAll: store.refreshAll,
      scheduleCounts: store.scheduleCounts,
    });
    // A switch between list and table keeps the loaded jobs; any other change loads them again.
    const reload = ({ viewOnly = false } = {}) => {
      writeFilter(filter);
      layout();
      filters.render(state.counts);
      if (!viewOnly) store.reload(); else renderList();
    };
    const filters = jobFilters(filter, reload, state.owners);
    const onCheck = (id, on) => { if (on) state.checked.add(id); else state.checked.delete(id); bulk.render(); };
    const table = jobTable(state, filter, { onSort: reload, onCheck });
    const bulk = bulkBar(state, filter, { onSelectAll: renderList, act });
    const list = jobList(state, filter, {
      onMore: async () => list.focusJob(await store.loadMore()),
      row: { state, act, onCheck },
    });
    const sidebar = h('aside', { class: 'jobs-side', 'aria-label': 'Job list' },
      h('div', { class: 'side-head' },
        h('h1', { class: 'side-title' }, 'Jobs'),
        h('div', { class: 'row gap-sm' },
          h('a', { href: '/submit/train', class: 'btn btn-sm btn-primary', 'data-testid': 'new-job' }, '+ New job'))),
      filters.search,
      filters.pills,
      filters.controls,
      bulk.el,
      h('div', { class: 'list-scroll' }, list.list, table.table, list.footer),
      // Flush is destructive and rare: kept away from "+ New job", at the foot of the list.
      h('div', { class: 'side-foot' },
        h('button', { type: 'button', class: 'btn btn-xs btn-danger-ghost', 'data-testid': 'flush-button', onclick: act.flush }, 'Flush jobs…')));
    const main = h('section', { class: 'jobs-main', 'aria-label': 'Job details' });
    const throughput = throughputCard(); // kept across redraws of the overview: it holds live counts
    const root = h('div', { class: 'jobs-layout' }, sidebar, main);
    el.append(root);

    /** List or table: the table takes the width, and the job's details sit beside it only when one is open. */
    function layout() {
      const tableMode = filter.view === 'table';
      root.classList.toggle('table-mode', tableMode);
      root.classList.toggle('has-detail', !!state.selectedId);
      list.list.hidden = tableMode;
      table.table.hidden = !tableMode;
    }

    // ---------- rendering ----------
    function renderCounts() {
      filters.render(state.counts);
      if (!state.selectedId) renderOverview();
    }

    function renderList() {
      if (filter.view === 'table') table.render(); else list.render();
      list.renderFooter();
      bulk.render();
    }

    function renderOverview() {
      replace(main, overview(state.counts, (status) => { filter.status = status ? [status] : []; filter.archived = false; reload(); }, throughput.el));
    }

    function showMain() {
      const id = state.selectedId;
      if (detail && detail.id === id) return;
      if (detail) detail.destroy();
      detail = null;
      main.replaceChildren();
      if (id) {
        detail = mountDetail(main, id, { onDeleted: () => { store.removeItems([id]); store.loadCounts(); navigate('/jobs'); } });
        detail.id = id;
      } else {
        renderOverview();
      }
    }

    // ---------- start ----------
    const offFeed = onJobEvent(store.applyEvent);
    const stopFresh = keepFresh(store.refreshAll);
    fetchOwners(state.owners).then((ok) => { if (ok) { filters.renderOwners(); if (state.items.length) renderList(); } });
    layout();
    writeFilter(filter);
    renderCounts();
    store.load();
    store.loadCounts();
    showMain();

    return {
      update(p, q) {
        if (hasFilter(q) && readFilter(filter, q)) {
          filters.render(state.counts);
          layout();
          store.reload();
        }
        writeFilter(filter);
        const prev = state.selectedId;
        state.selectedId = p.id || null;
        if (prev !== state.selectedId) {
          for (const id of [prev, state.selectedId]) if (id && state.byId.has(id)) list.update(state.byId.get(id));
          layout();
          showMain();
        }
      },
      destroy() {
        offFeed();
        stopFresh();
        store.destroy();
        throughput.destroy();
        if (detail) detail.destroy();
      },
    };
  },
};
