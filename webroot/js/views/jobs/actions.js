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
    try {
      const res = await api.post(`/api/jobs/${api.enc(job.job_id)}/rerun`);
      toast(`Rerun submitted: ${res.job.job_id}`, { kind: 'success' });
      navigate(`/jobs/${encodeURIComponent(res.job.job_id)}`);
    } catch (e) {
      toastError(e, 'Rerun failed: ');
    }
  }

  async function bulkArchive(ids) {
    if (!ids.length) return;
    try {
      const res = await api.post('/api/jobs/bulk-archive', { job_ids: ids });
      toast(summary(res, 'archived'), { kind: 'success' });
      removeItems(Array.isArray(res.archived) ? res.archived : []);
      state.checked.clear();
      refreshAll();
    } catch (e) {
      toastError(e, 'Archive failed: ');
    }
  }

  async function bulkDelete(ids) {
    if (!ids.length) return;
    const ok = await confirm({
      title: `Delete ${ids.length} job${ids.length === 1 ? '' : 's'}?`, confirmLabel: 'Delete', danger: true,
      body: 'Deletes the jobs with their logs, models and results. Active jobs are skipped. This cannot be undone.',
    });
    if (!ok) return;
    try {
      const res = await api.post('/api/jobs/bulk-delete', { job_ids: ids });
      toast(summary(res, 'deleted'), { kind: 'success' });
      removeItems(Array.isArray(res.deleted) ? res.deleted : []);
      state.checked.clear();
      if (state.selectedId && Array.isArray(res.deleted) && res.deleted.includes(state.selectedId)) navigate('/jobs');
      refreshAll();
    } catch (e) {
      toastError(e, 'Delete failed: ');
    }
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
      body: session.me && session.me.is_admin ? 'As an admin this applies to every user\'s jobs.' : 'Applies to your own jobs.',
      fields: [{
        name: 'scope', type: 'radio', label: 'Scope', value: 'active', options: [
          { value: 'active', label: 'Active jobs', hint: 'stop running jobs and remove queued and running ones' },
          { value: 'all', label: 'All jobs', hint: 'also remove finished jobs, their logs, models and results' }],
      }],
    });
    if (!v) return;
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

  return { cancelJob, rerun, bulkArchive, bulkDelete, unarchive, flush };
}
