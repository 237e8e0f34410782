// What the detail page's buttons do: cancel, rerun, delete and save as template.
import * as api from '../../api.js';
import { navigate } from '../../router.js';
import { toast, toastError, confirm, dialog } from '../../ui.js';
import { STATUS, JOB_TYPE, isActive, isLocal } from '../../vocabulary.js';

/**
 * ctx: id, job() (the current record), onJob(job) (adopt a record the server answered with),
 * reload() and onDeleted (the job center's handler; without one, back to the list).
 */
export function detailActions({ id, job, onJob, reload, onDeleted }) {
  async function cancelJob() {
    const ok = await confirm({
      title: 'Cancel this job?', confirmLabel: 'Cancel job', cancelLabel: 'Keep it', danger: true,
      body: job().status === STATUS.RUNNING
        ? 'The whole process tree gets SIGTERM, and SIGKILL after the grace period. The job ends as canceled.'
        : 'The job will not start.',
    });
    if (!ok) return;
    try {
      const res = await api.post(isLocal(job()) ? `/api/jobs/${api.enc(id)}/cancel` : `/api/cloud/jobs/${api.enc(id)}/cancel`);
      if (res && res.job) onJob(res.job);
      toast(res && res.job && res.job.status === STATUS.CANCELED ? 'Job canceled' : 'Cancel requested: stopping the process tree…', { kind: 'success' });
    } catch (e) {
      toastError(e, 'Cancel failed: ');
      reload();
    }
  }

  async function rerun() {
    const current = job();
    if (current && isActive(current.status)) {
      const ok = await confirm({
        title: 'Rerun a job that has not finished?', confirmLabel: 'Rerun anyway', cancelLabel: 'Keep one', testid: 'rerun-confirm',
        body: `This job is still ${current.status}. A rerun starts a second job with the same parameters beside it.`,
      });
      if (!ok) return;
    }
    try {
      const res = await api.post(`/api/jobs/${api.enc(id)}/rerun`);
      toast(`Rerun submitted as ${res.job.job_id}`, { kind: 'success' });
      navigate(`/jobs/${encodeURIComponent(res.job.job_id)}`);
    } catch (e) {
      toastError(e, 'Rerun failed: ');
    }
  }

  async function deleteJob() {
    const ok = await confirm({
      title: 'Delete this job?', confirmLabel: 'Delete job', danger: true,
      body: `Deletes ${id}${job().job_type === JOB_TYPE.SWEEP ? ' and all its shards' : ''}, its log, model and result records and its artifacts. This cannot be undone.`,
    });
    if (!ok) return;
    try {
      await api.del(`/api/jobs/${api.enc(id)}`);
      toast('Job deleted', { kind: 'success' });
      if (onDeleted) onDeleted(); else navigate('/jobs');
    } catch (e) {
      toastError(e, 'Delete failed: ');
    }
  }

  async function saveTemplate() {
    const j = job();
    // A sweep is a train submission with a sweep parameter, so its template is a train template.
    const jobType = j.job_type === JOB_TYPE.SWEEP ? JOB_TYPE.TRAIN : j.job_type;
    const v = await dialog({
      title: 'Save as template', confirmLabel: 'Save template', testid: 'template-dialog',
      body: `Saves this ${jobType} job's parameters${j.priority ? ' and priority' : ''} for one-click reuse.`,
      fields: [{ name: 'name', label: 'Template name', value: `${jobType} ${(j.params || {}).dataset_id || ''}`.trim(), required: true }],
    });
    if (!v) return;
    const now = job(); // pushes may have replaced the record while the dialog was open
    const params = Object.fromEntries(Object.entries(now.params || {}).filter(([, x]) => x !== null && x !== undefined));
    if (now.priority) params.priority = now.priority;
    try {
      await api.post('/api/templates', { name: v.name.trim(), job_type: jobType, params });
      toast(`Template “${v.name.trim()}” saved`, { kind: 'success' });
    } catch (e) {
      toastError(e, 'Could not save the template: ');
    }
  }

  return { cancelJob, rerun, deleteJob, saveTemplate };
}
