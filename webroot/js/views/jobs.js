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
import { overview } from './jobs/overview.js';
import { jobStore } from './jobs/store.js';
import { readFilter, writeFilter } from './jobs/url-filter.js';

export { jobSummary } from './jobs/row.js';

// Filters survive navigation between pages of the app, and are kept in the URL (see url-filter.js).
const filter = { status: '', type: '', archived: false };

export const jobsView = {
  key: 'jobs',
  mount(el, params, query) {
    let detail = null;
    // A link with filters (/jobs?status=running) sets them; a bare /jobs keeps the ones in use.
    if (query && [...query.keys()].length) readFilter(filter, query);
    const store = jobStore(filter, params.id || null, { onList: renderList, onCounts: renderCounts, onRow: (job) => list.update(job) });
    const { state } = store;

    // ---------- components ----------
    const act = jobActions(state, {
      updateRow: (job) => list.update(job), removeItems: store.removeItems, refreshAll: store.refreshAll, scheduleCounts: store.scheduleCounts,
    });
    const reload = () => { writeFilter(filter); store.reload(); };
    const filters = jobFilters(filter, reload);
    const bulk = bulkBar(state, filter, { onSelectAll: renderList, act });
    const list = jobList(state, filter, {
      onMore: async () => list.focusJob(await store.loadMore()),
      row: { state, act, onCheck: (id, on) => { if (on) state.checked.add(id); else state.checked.delete(id); bulk.render(); } },
    });
    const sidebar = h('aside', { class: 'jobs-side', 'aria-label': 'Job list' },
      h('div', { class: 'side-head' },
        h('h1', { class: 'side-title' }, 'Jobs'),
        h('div', { class: 'row gap-sm' },
          h('button', { type: 'button', class: 'btn btn-sm btn-ghost', 'data-testid': 'flush-button', onclick: act.flush }, 'Flush…'),
          h('a', { href: '/submit/train', class: 'btn btn-sm btn-primary', 'data-testid': 'new-job' }, '+ New job'))),
      filters.pills,
      filters.controls,
      bulk.el,
      h('div', { class: 'list-scroll' }, list.list, list.footer));
    const main = h('section', { class: 'jobs-main', 'aria-label': 'Job details' });
    el.append(h('div', { class: 'jobs-layout' }, sidebar, main));

    // ---------- rendering ----------
    function renderCounts() {
      filters.render(state.counts);
      if (!state.selectedId) renderOverview();
    }

    function renderList() {
      list.render();
      bulk.render();
    }

    function renderOverview() {
      replace(main, overview(state.counts, (status) => { filter.status = status; filter.archived = false; reload(); }));
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
    fetchOwners(state.owners).then((ok) => { if (ok && state.items.length) renderList(); });
    writeFilter(filter);
    renderCounts();
    store.load();
    store.loadCounts();
    showMain();

    return {
      update(p, q) {
        if (q && [...q.keys()].length && readFilter(filter, q)) {
          filters.render(state.counts);
          store.reload();
        }
        writeFilter(filter);
        const prev = state.selectedId;
        state.selectedId = p.id || null;
        if (prev !== state.selectedId) {
          for (const id of [prev, state.selectedId]) if (id && state.byId.has(id)) list.update(state.byId.get(id));
          showMain();
        }
      },
      destroy() {
        offFeed();
        stopFresh();
        store.destroy();
        if (detail) detail.destroy();
      },
    };
  },
};
