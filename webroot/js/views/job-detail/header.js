// The detail page's head: breadcrumbs, the job id with a copy button, the actions that apply to the
// job in its current state, and a line of status, type, provider and age badges.
import { h, agoEl, shortId, statusChip, typeBadge, toast, copyText, icon } from '../../ui.js';
import { JOB_TYPE, SUBMIT_TYPES, isActive, isLocal } from '../../vocabulary.js';

function actionButtons(job, id, act) {
  const actions = [];
  if (isActive(job.status)) {
    actions.push(h('button', {
      type: 'button', class: 'btn btn-danger', 'data-testid': 'cancel-button', disabled: !!job.cancel_requested, onclick: act.cancelJob,
    }, job.cancel_requested ? 'Cancelling…' : 'Cancel'));
  }
  // Cloud jobs are submitted from the cloud page; the local resubmit paths do not apply to them.
  if (job.job_type !== JOB_TYPE.CLOUD) {
    actions.push(h('button', { type: 'button', class: 'btn', 'data-testid': 'rerun-button', onclick: act.rerun }, 'Rerun'));
    if (SUBMIT_TYPES.includes(job.job_type)) {
      actions.push(h('a', { class: 'btn', 'data-testid': 'clone-button', href: `/submit/${job.job_type}?from=${encodeURIComponent(id)}` }, 'Edit & resubmit'));
    }
    actions.push(h('button', { type: 'button', class: 'btn', 'data-testid': 'save-template-button', onclick: act.saveTemplate }, 'Save as template'));
  }
  if (!isActive(job.status)) {
    actions.push(h('button', { type: 'button', class: 'btn btn-danger-ghost', 'data-testid': 'delete-button', onclick: act.deleteJob }, 'Delete'));
  }
  return actions;
}

/** The head's children for job (id is the page's job id); act: the detail actions. */
export function header(job, id, act) {
  return [
    h('nav', { class: 'crumbs small', 'aria-label': 'Breadcrumb' }, h('a', { href: '/jobs' }, 'Jobs'), ' / ',
      job.parent_id ? [h('a', { href: `/jobs/${encodeURIComponent(job.parent_id)}`, 'data-testid': 'parent-link' }, shortId(job.parent_id)), ' / '] : null,
      h('span', {}, shortId(id))),
    h('div', { class: 'detail-title-row' },
      h('div', { class: 'detail-title' },
        h('h2', { class: 'job-id mono', 'data-testid': 'detail-job-id' }, id),
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Copy job id', title: 'Copy job id', onclick: () => copyText(id).then(() => toast('Job id copied')) }, icon('copy'))),
      h('div', { class: 'row gap-sm wrap', role: 'toolbar', 'aria-label': 'Job actions' }, actionButtons(job, id, act))),
    h('div', { class: 'row gap-sm wrap detail-meta' },
      statusChip(job), typeBadge(job),
      isLocal(job) ? null : h('span', { class: 'badge' }, job.provider),
      job.archived_at ? h('span', { class: 'badge badge-archived', 'data-testid': 'archived-badge' }, 'archived') : null,
      h('span', { class: 'muted small' }, 'created ', agoEl(job.created_at)),
      job.priority ? h('span', { class: 'muted small' }, `priority ${job.priority}`) : null),
  ];
}
