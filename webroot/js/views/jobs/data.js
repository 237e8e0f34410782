// Reads behind the job center: pages of the filtered list, status counts and owner names.
import * as api from '../../api.js';
import { session } from '../../session.js';
import { STATUSES } from '../../vocabulary.js';

export const PAGE = 50;
let countsRoute = true; // false once GET /api/jobs/counts answered 404: counts are then derived from the list

/**
 * Whether a pushed job belongs in the list under the current filters. A search cannot be judged here:
 * a job already listed stays, and new ones appear only without one (see store.js).
 */
export function matches(filter, job) {
  if (filter.archived !== !!job.archived_at) return false;
  if (filter.status.length && !filter.status.includes(job.status)) return false;
  if (filter.type && job.job_type !== filter.type) return false;
  if (filter.owner && String(job.owner_user_id) !== filter.owner) return false;
  return true;
}

/** The list's query parameters for the filters (also the bulk routes' filter, see bulkFilter). */
export function listParams(filter) {
  return {
    status: filter.status.join(','), job_type: filter.type, archived: filter.archived ? 'true' : '',
    q: filter.q, owner_user_id: filter.owner, sort: filter.sort, order: filter.order,
  };
}

/** The filter object of a bulk request covering every job the list shows. */
export function bulkFilter(filter) {
  const f = {};
  if (filter.status.length) f.status = filter.status;
  if (filter.type) f.job_type = filter.type;
  if (filter.q) f.q = filter.q;
  if (filter.owner) f.owner_user_id = Number(filter.owner);
  return f;
}

/** One page of jobs under the filters; extra holds limit and cursor or offset. */
export function fetchJobs(filter, extra = {}) {
  return api.get(`/api/jobs${api.qs({ ...listParams(filter), ...extra })}`);
}

/** Counts per status plus total, from the counts route or, on servers without it, from the list. */
export async function fetchCounts() {
  if (countsRoute) {
    try {
      return await api.get('/api/jobs/counts');
    } catch (e) {
      if (e.status !== 404) throw e;
      countsRoute = false;
    }
  }
  const res = await api.get('/api/jobs?limit=1000');
  const c = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const j of res.items || []) if (j.status in c) c[j.status]++;
  c.total = res.total ?? (res.items || []).length;
  return c;
}

/** Fills owners (user id -> username) for admins, who see everyone's jobs; false when not needed or unavailable. */
export async function fetchOwners(owners) {
  if (!session.me || !session.me.is_admin) return false;
  try {
    const res = await api.get('/api/users');
    for (const u of res.items || []) owners.set(u.id, u.username);
    return true;
  } catch (e) {
    return false; // ids are shown instead
  }
}
