// The timeline card: created, started (with the time spent waiting) and finished (with the run time).
import { h, agoEl, dateTime, duration, secondsBetween } from '../../ui.js';
import { STATUS, STATUS_LABEL } from '../../vocabulary.js';

function item(label, iso, note, key) {
  return h('li', { class: `tl-item${iso ? ' done' : ''}`, 'data-testid': `timeline-${key}` },
    h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
    h('div', {}, h('div', { class: 'tl-label' }, label),
      h('div', { class: 'small muted' }, iso ? [dateTime(iso), ' · ', agoEl(iso)] : 'not yet', note ? ` · ${note}` : '')));
}

/** The last step is named after a bad ending (Canceled, Failed); otherwise it is Finished. */
function endLabel(status) {
  return status === STATUS.CANCELED || status === STATUS.FAILED ? STATUS_LABEL[status] : 'Finished';
}

export function timelineCard(t) {
  const waited = t.started_at ? secondsBetween(t.created_at, t.started_at) : null;
  return h('section', { class: 'card' }, h('h3', { class: 'card-title' }, 'Timeline'),
    h('ol', { class: 'timeline', 'data-testid': 'timeline' },
      item('Created', t.created_at, null, 'created'),
      item('Started', t.started_at, waited != null ? `waited ${duration(waited)}` : null, 'started'),
      item(endLabel(t.status), t.finished_at,
        t.finished_at && t.started_at ? `ran ${duration(secondsBetween(t.started_at, t.finished_at))}` : null, 'finished')));
}
