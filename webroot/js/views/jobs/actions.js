// What the job list's buttons do: cancel, rerun, archive, unarchive, delete and flush. Each asks the
// server, reports with a toast and then tells the list what changed through the hooks.
import * as api from '../../api.js';
import { navigate } from '../../router.js';
import { session } from '../../session.js';
import { toast, toastError, confirm, dialog, shortId } from '../../ui.js';
import { STATUS, isLocal } from '../../vocabulary.js';

/** "3 jobs archived, 1 still active (skipped)" from a bulk endpoint's answer. */
function summary(res, verb) {
  const n = (res.count ?? (res[verb] || []).length) || 0;
  const parts = [`${n} job${n === 1 ? '' : 's'} ${verb}`];
  if (res.skipped_active && res.skipped_active.length) parts.push(`${res.skipped_active.length} still active (skipped)`);
  if (res.skipped_finished && res.skipped_finished.length) parts.push(`${res.skipped_finished.length} already finished (skipped)`);
  if (res.missing && res.missing.length) parts.push(`${res.missing.length} not found`);
  return parts.join(', ');
}

/** hooks: updateRow(job), removeItems(ids), refreshAll(), scheduleCounts(). */
export function jobActions(state, { updateRow, removeItems, refreshAll, scheduleCounts }) {
  async function cancelJob(job) {
    const ok = await confirm({
      title: 'Cancel this job?', confirmLabel: 'Cancel job', cancelLabel: 'Keep it', danger: true,
      body: job.status === STATUS.RUNNING ? 'Its whole process tree is stopped (SIGTERM, then SIGKILL after a grace period).' : 'It will not start.',
    });
    if (!ok) return;
    try {
      const path = isLocal(job) ? `/api/jobs/${api.enc(job.job_id)}/cancel` : `/api/cloud/jobs/${api.enc(job.job_id)}/cancel`;
      const res = await api.post(path);
      if (res && res.job && state.byId.has(job.job_id)) {
        Object.assign(state.byId.get(job.job_id), res.job);
        updateRow(state.byId.get(job.job_id));
      }
      toast(res && res.job && res.job.status === STATUS.CANCELED ? 'Job canceled' : 'Cancel requested', { kind: 'success' });
      scheduleCounts();
    } catch (e) {
      toastError(e, 'Cancel failed: ');
    }
  }

  async function rerun(job) {
    if (job.status === STATUS.RUNNING || job.status === STATUS.QUEUED) {
      const ok = await confirm({
        title: 'Rerun a job that has not finished?', confirmLabel: 'Rerun anyway', cancelLabel: 'Keep one', testid: 'rerun-confirm',
        body: `${shortId(job.job_id)} is still ${job.status}. A rerun starts a second job with the same parameters beside it.`,
      });
      if (!ok) return;
    }
    try {
      const res = await api.post(`/api/jobs/${api.enc(job.job_id)}/rerun`);
      toast(`Rerun submitted: ${res.job.job_id}`, { kind: 'success' });
      navigate(`/jobs/${encodeURIComponent(res.job.job_id)}`);
    } catch (e) {
      toastError(e, 'Rerun failed: ');
    }
  }

  /** What a bulk target covers, for dialogs: "3 jobs" or "all 1,234 jobs matching the filters". */
  function describe(target) {
    if (target.job_ids) return `${target.job_ids.length} job${target.job_ids.length === 1 ? '' : 's'}`;
    return `all ${Number(state.total).toLocaleString()} jobs matching the filters`;
  }

  /**
   * One bulk route over a target ({job_ids} or {filter}); verb names the result list in its answer.
   * The list is re-read afterwards: a filter's jobs are not all loaded.
   */
  async function bulk(route, target, verb, label) {
    try {
      const res = await api.post(`/api/jobs/${route}`, target);
      toast(summary(res, verb), { kind: 'success' });
      if (verb === 'archived' || verb === 'deleted') removeItems(Array.isArray(res[verb]) ? res[verb] : []);
      state.checked.clear();
      state.allMatching = false;
      if (verb === 'deleted' && state.selectedId && (res.deleted || []).includes(state.selectedId)) navigate('/jobs');
      refreshAll();
      return res;
    } catch (e) {
      toastError(e, `${label} failed: `);
      return null;
    }
  }

  async function bulkArchive(target) {
    return bulk('bulk-archive', target, 'archived', 'Archive');
  }

  async function bulkDelete(target) {
    const ok = await confirm({
      title: `Delete ${describe(target)}?`, confirmLabel: 'Delete', danger: true,
      body: 'Deletes the jobs with their logs, models and results. Active jobs are skipped. This cannot be undone.',
    });
    return ok ? bulk('bulk-delete', target, 'deleted', 'Delete') : null;
  }

  async function bulkCancel(target) {
    const ok = await confirm({
      title: `Cancel ${describe(target)}?`, confirmLabel: 'Cancel jobs', cancelLabel: 'Keep them', danger: true, testid: 'bulk-cancel-confirm',
      body: 'Queued jobs will not start; running ones are stopped (SIGTERM, then SIGKILL). Finished jobs are skipped.',
    });
    return ok ? bulk('bulk-cancel', target, 'canceled', 'Cancel') : null;
  }

  async function bulkRerun(target) {
    const ok = await confirm({
      title: `Rerun ${describe(target)}?`, confirmLabel: 'Rerun', testid: 'bulk-rerun-confirm',
      body: 'Each job is submitted again with the same type, parameters and priority, as a new job of yours.',
    });
    return ok ? bulk('bulk-rerun', target, 'rerun', 'Rerun') : null;
  }

  async function unarchive(ids) {
    let done = 0;
    for (const id of ids) {
      try {
        await api.post(`/api/jobs/${api.enc(id)}/unarchive`);
        done++;
      } catch (e) {
        toastError(e, `Unarchive of ${shortId(id)} failed: `);
      }
    }
    if (done) toast(`${done} job${done === 1 ? '' : 's'} unarchived`, { kind: 'success' });
    state.checked.clear();
    refreshAll();
  }

  async function flush() {
    const v = await dialog({
      title: 'Flush jobs', confirmLabel: 'Flush', danger: true, testid: 'flush-dialog',
      body: 'Stops and removes jobs. This cannot be undone.',
      fields: [...(session.me && session.me.is_admin ? [{
        name: 'everyone', type: 'checkbox', label: 'Every user\'s jobs (admin)', value: false,
        hint: 'Off: only your own jobs are flushed.',
      }] : []), {
        name: 'scope', type: 'radio', label: 'Scope', value: 'active', options: [
          { value: 'active', label: 'Active jobs', hint: 'stop running jobs and remove queued and running ones' },
          { value: 'all', label: 'All jobs', hint: 'also remove finished jobs, their logs, models and results' }],
      }],
    });
    if (!v) return;
    // The server flushes an admin's whole node; an admin who did not tick "every user" gets a filter of their own jobs instead.
    if (session.me && session.me.is_admin && !v.everyone) {
      await bulkFlushOwn(v.scope);
      return;
    }
    try {
      const res = await api.post(`/api/jobs/flush${api.qs({ scope: v.scope })}`);
      const skipped = (res.skipped_running_jobs || []).length;
      toast(`Flushed ${res.deleted_jobs ?? 0} job(s)${skipped ? `, ${skipped} still running skipped` : ''}`, { kind: 'success' });
      if (state.selectedId) navigate('/jobs');
      refreshAll();
    } catch (e) {
      toastError(e, 'Flush failed: ');
    }
  }

  /** An admin's flush of their own jobs only: cancel their active jobs, then (scope all) delete what is left. */
  async function bulkFlushOwn(scope) {
    const own = { owner_user_id: session.me.id };
    const canceled = await bulk('bulk-cancel', { filter: { ...own, status: [STATUS.QUEUED, STATUS.RUNNING] } }, 'canceled', 'Flush');
    if (canceled && scope === 'all') await bulk('bulk-delete', { filter: { ...own, status: [STATUS.SUCCESS, STATUS.FAILED, STATUS.CANCELED] } }, 'deleted', 'Flush');
  }

  return { cancelJob, rerun, bulkArchive, bulkDelete, bulkCancel, bulkRerun, unarchive, flush };
}
