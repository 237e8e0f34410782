// The job center's filters live in the URL too (/jobs?status=running,failed&type=train&q=lr%3D0.001
// &owner=3&sort=finished_at&order=asc&view=table), so a link or a reload shows the same list. The
// contract's filter aliases are accepted on the way in.
import { STATUSES, JOB_TYPES } from '../../vocabulary.js';

const ALIASES = { completed: 'success', cancelled: 'canceled' };
export const SORTS = ['created_at', 'started_at', 'finished_at', 'status', 'priority'];
const KEYS = ['status', 'type', 'archived', 'q', 'owner', 'sort', 'order', 'view'];

/** A filter that shows everything, newest first, as a list. */
export function emptyFilter() {
  return { status: [], type: '', archived: false, q: '', owner: '', sort: '', order: '', view: 'list' };
}

/** Copies the URL's filters into `filter`; answers whether anything changed. Unknown values are ignored. */
export function readFilter(filter, query) {
  const get = (k) => (query ? query.get(k) || '' : '');
  const status = [...new Set(get('status').split(',').map((s) => ALIASES[s.trim()] || s.trim()))]
    .filter((s) => STATUSES.includes(s));
  const next = {
    status,
    type: JOB_TYPES.includes(get('type')) ? get('type') : '',
    archived: get('archived') === 'true',
    q: get('q').slice(0, 200),
    owner: /^\d{1,18}$/.test(get('owner')) ? get('owner') : '',
    sort: SORTS.includes(get('sort')) && get('sort') !== 'created_at' ? get('sort') : '',
    order: get('order') === 'asc' ? 'asc' : '',
    view: get('view') === 'table' ? 'table' : 'list',
  };
  const changed = filterQuery(next) !== filterQuery(filter);
  Object.assign(filter, next);
  return changed;
}

/** The query string for `filter` ('' when it shows everything the default way). */
export function filterQuery(filter) {
  const q = new URLSearchParams();
  if (filter.status.length) q.set('status', filter.status.join(','));
  if (filter.type) q.set('type', filter.type);
  if (filter.archived) q.set('archived', 'true');
  if (filter.q) q.set('q', filter.q);
  if (filter.owner) q.set('owner', filter.owner);
  if (filter.sort) q.set('sort', filter.sort);
  if (filter.order) q.set('order', filter.order);
  if (filter.view === 'table') q.set('view', 'table');
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Whether the URL names any filter (a bare /jobs keeps the ones in use). */
export function hasFilter(query) {
  return !!query && KEYS.some((k) => query.has(k));
}

/** Rewrites the current entry's query to `filter` (no new history entry, no navigation). */
export function writeFilter(filter) {
  const next = location.pathname + filterQuery(filter);
  if (next !== location.pathname + location.search) history.replaceState(history.state, '', next);
}
