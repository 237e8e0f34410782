// The job center's main pane when no job is selected: status tiles (each applies its filter),
// the user's scheduling mode and links to the other pages.
import { session } from '../../session.js';
import { h } from '../../ui.js';
import { STATUS, STATUS_LABEL, TERMINAL_STATUSES } from '../../vocabulary.js';

const TILES = [STATUS.RUNNING, STATUS.QUEUED, ...TERMINAL_STATUSES];

/** counts: latest status counts or null; onTile(status): '' for the total tile; chart: the throughput card. */
export function overview(counts, onTile, chart) {
  const c = counts || {};
  const me = session.me || {};
  const tile = (s, label) => h('button', {
    type: 'button', class: `tile tile-${s}`, 'data-testid': `tile-${s}`,
    onclick: () => onTile(s === 'total' ? '' : s),
  }, h('span', { class: 'tile-value' }, c[s] == null ? '–' : String(c[s])), h('span', { class: 'tile-label' }, label));
  return h('div', { class: 'overview', 'data-testid': 'overview' },
    h('div', { class: 'overview-head' },
      h('div', {}, h('h2', { class: 'page-title' }, 'Overview'), h('p', { class: 'muted' }, 'Select a job on the left to see its configuration, progress and live log.')),
      h('div', { class: 'row gap-sm' },
        h('a', { href: '/submit/train', class: 'btn btn-primary' }, 'New train job'),
        h('a', { href: '/submit/predict', class: 'btn' }, 'New predict job'))),
    h('div', { class: 'tiles' }, TILES.map((s) => tile(s, STATUS_LABEL[s])), tile('total', 'Total')),
    chart || null,
    h('div', { class: 'cards-2' },
      h('section', { class: 'card' }, h('h3', { class: 'card-title' }, 'Scheduling'),
        h('p', {}, 'You are in ', h('strong', { 'data-testid': 'overview-mode' }, me.schedule_mode || '—'), ' mode: ',
          me.schedule_mode === 'parallel' ? 'up to 3 of your jobs run at once.' : 'your jobs run one at a time.'),
        h('p', { class: 'muted small' }, 'Queued jobs start by priority, then oldest first. Switch mode in the top bar; it applies to the next start decision.')),
      h('section', { class: 'card' }, h('h3', { class: 'card-title' }, 'Shortcuts'),
        h('ul', { class: 'link-list' },
          h('li', {}, h('a', { href: '/templates' }, 'Templates'), h('span', { class: 'muted small' }, ' — saved configurations, one-click submit')),
          h('li', {}, h('a', { href: '/cloud' }, 'Cloud jobs'), h('span', { class: 'muted small' }, ' — Replicate trainings and predictions, cost')),
          h('li', {}, h('a', { href: '/analytics' }, 'Analytics'), h('span', { class: 'muted small' }, ' — throughput, success rate, wait and run times'))))));
}
