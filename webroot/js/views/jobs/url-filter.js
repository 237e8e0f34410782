// The job center's filters live in the URL too (/jobs?status=running&type=train&archived=true), so a
// link or a reload shows the same list. The contract's filter aliases are accepted on the way in.
import { STATUSES, JOB_TYPES } from '../../vocabulary.js';

const ALIASES = { completed: 'success', cancelled: 'canceled' };

/** Copies the URL's filters into `filter`; answers whether anything changed. Unknown values are ignored. */
export function readFilter(filter, query) {
  const raw = query ? query.get('status') || '' : '';
  const status = ALIASES[raw] || raw;
  const type = query ? query.get('type') || '' : '';
  const next = {
    status: STATUSES.includes(status) ? status : '',
    type: JOB_TYPES.includes(type) ? type : '',
    archived: !!query && query.get('archived') === 'true',
  };
  const changed = next.status !== filter.status || next.type !== filter.type || next.archived !== filter.archived;
  Object.assign(filter, next);
  return changed;
}

/** The query string for `filter` ('' when it shows everything). */
export function filterQuery(filter) {
  const q = new URLSearchParams();
  if (filter.status) q.set('status', filter.status);
  if (filter.type) q.set('type', filter.type);
  if (filter.archived) q.set('archived', 'true');
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Rewrites the current entry's query to `filter` (no new history entry, no navigation). */
export function writeFilter(filter) {
  const next = location.pathname + filterQuery(filter);
  if (next !== location.pathname + location.search) history.replaceState(history.state, '', next);
}
