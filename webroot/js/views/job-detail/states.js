// What the detail pane shows instead of a job: it does not exist (or is not ours), or it could not be read.
import { h } from '../../ui.js';

function emptyPanel(testid, title, text, action) {
  return h('div', { class: 'empty', 'data-testid': testid }, h('div', { class: 'empty-title' }, title), h('p', { class: 'muted' }, text), action);
}

export function notFound() {
  return emptyPanel('not-found', 'Job not found', 'This job does not exist, or it is not yours to see.',
    h('a', { href: '/jobs', class: 'btn' }, 'Back to jobs'));
}

export function loadError(message, retry) {
  return emptyPanel('load-error', 'Could not load this job', message, h('button', { type: 'button', class: 'btn', onclick: retry }, 'Try again'));
}
