// The job center's list state: the loaded jobs under the current filters, counts, selection and the
// merging of pushed events. It never touches the DOM; it calls its hooks when something must be redrawn.
import { applyProgress } from '../../live.js';
import { toastError } from '../../ui.js';
import { PAGE, matches, fetchJobs, fetchCounts } from './data.js';

/** hooks: onList() after the list changed, onCounts() after new counts, onRow(job) after one job changed. */
export function jobStore(filter, selectedId, { onList, onCounts, onRow }) {
  const state = {
    items: [], byId: new Map(), total: 0, nextCursor: null, counts: null, loading: false,
    selectedId, checked: new Set(), owners: new Map(), // owners: user id -> username
    allMatching: false, totalCapped: false, // allMatching: the selection is every job the filters match
  };
  let countsTimer = null;
  let loadSeq = 0; // answers to superseded loads are dropped

  function setItems(items) {
    state.items = items;
    state.byId.clear();
    for (const j of items) state.byId.set(j.job_id, j);
  }

  async function load(limit = PAGE) {
    const seq = ++loadSeq;
    state.loading = !state.items.length;
    if (state.loading) onList();
    try {
      const res = await fetchJobs(filter, { limit });
      if (seq !== loadSeq) return;
      setItems(res.items || []);
      state.total = res.total ?? state.items.length;
      state.totalCapped = !!res.total_capped;
      state.nextCursor = res.next_cursor || null;
    } catch (e) {
      // A network error while the server restarts is shown by the connection indicator, not a toast.
      if (seq === loadSeq && e.status !== 401 && e.status !== 0) toastError(e, 'Could not load jobs: ');
    } finally {
      if (seq === loadSeq) {
        state.loading = false;
        onList();
      }
    }
  }

  /** Appends the next page; resolves to the id of its first new job (for focus), if any. */
  async function loadMore() {
    const seq = loadSeq;
    try {
      const res = await fetchJobs(filter, state.nextCursor ? { limit: PAGE, cursor: state.nextCursor } : { limit: PAGE, offset: state.items.length });
      if (seq !== loadSeq) return undefined;
      const fresh = (res.items || []).filter((j) => !state.byId.has(j.job_id));
      setItems(state.items.concat(fresh));
      state.total = res.total ?? state.total;
      state.nextCursor = res.next_cursor || null;
      if (!fresh.length && !state.nextCursor) state.total = state.items.length;
      onList();
      return fresh[0]?.job_id;
    } catch (e) {
      toastError(e, 'Could not load more jobs: ');
      return undefined;
    }
  }

  async function loadCounts() {
    try {
      state.counts = await fetchCounts();
      onCounts();
    } catch (e) {
      if (e.status !== 401) console.warn('counts', e);
    }
  }

  /** Status pushes come in bursts; one counts request follows the burst. */
  function scheduleCounts() {
    clearTimeout(countsTimer);
    countsTimer = setTimeout(loadCounts, 250);
  }

  /** Starts over after the filters changed. */
  function reload() {
    state.checked.clear();
    setItems([]);
    state.total = 0;
    state.nextCursor = null;
    onCounts();
    load();
    loadCounts();
  }

  /** Re-reads everything loaded so far, e.g. after a bulk action or a reconnect. */
  function refreshAll() {
    load(Math.min(1000, Math.max(PAGE, state.items.length)));
    loadCounts();
  }

  function removeItems(ids) {
    const gone = new Set(ids);
    const before = state.items.length;
    setItems(state.items.filter((j) => !gone.has(j.job_id)));
    state.total = Math.max(0, state.total - (before - state.items.length));
    ids.forEach((id) => state.checked.delete(id));
    onList();
  }

  /** Merges a job_status_changed or job_progress push. */
  function applyEvent(ev) {
    const known = state.byId.get(ev.job_id);
    if (ev.type === 'job_status_changed') {
      const job = ev.job ? ev.job : known ? { ...known, status: ev.status } : null;
      scheduleCounts();
      if (!job) return;
      if (known) {
        // A pushed record may be older than one we just fetched; never go back in time.
        if (known.updated_at && job.updated_at && job.updated_at < known.updated_at) return;
        Object.assign(known, job);
        if (!matches(filter, known) && known.job_id !== state.selectedId) removeItems([known.job_id]);
        else onRow(known);
      } else if (matches(filter, job) && !filter.q && !filter.sort && !filter.order && !state.loading) {
        // New jobs go on top of the default order; a searched or sorted list shows them on its next load.
        state.byId.set(job.job_id, job);
        state.items.unshift(job);
        state.items.sort((a, b) => (b.created_at || '').localeCompare(a.created_at || ''));
        state.total++;
        onList();
      }
    } else if (ev.type === 'job_progress' && known) {
      Object.assign(known, applyProgress(known, ev));
      onRow(known);
    }
  }

  return {
    state, load, loadMore, loadCounts, scheduleCounts, reload, refreshAll, removeItems, applyEvent,
    destroy() { clearTimeout(countsTimer); },
  };
}
