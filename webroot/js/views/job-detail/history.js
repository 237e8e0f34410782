// The state history (GET /api/jobs/{id}/events): every transition with its time, reason and who made
// it, attempts numbered (each start is one), re-read when the job's status changes.
import * as api from '../../api.js';
import { h, replace, dateTime, agoEl, shortId } from '../../ui.js';
import { STATUS_LABEL } from '../../vocabulary.js';

const label = (s) => STATUS_LABEL[s] || s;

function byText(by) {
  if (!by) return '';
  if (by.startsWith('user:')) return 'by the submitter';
  if (by === 'user') return 'by a user';
  return `by ${by.replace('provider:', '')}`;
}

export function historyCard(jobId) {
  const list = h('ol', { class: 'timeline history', 'data-testid': 'history' });
  const lineage = h('div', { class: 'small', 'data-testid': 'lineage' });
  const el = h('section', { class: 'card' }, h('h3', { class: 'card-title' }, 'State history'), lineage, list);
  const link = (id) => h('a', { href: `/jobs/${encodeURIComponent(id)}`, class: 'mono', 'data-testid': 'lineage-link' }, shortId(id));

  function renderLineage(res) {
    const reruns = res.reruns || [];
    replace(lineage,
      res.rerun_of ? h('div', {}, 'Rerun of ', link(res.rerun_of)) : null,
      reruns.length ? h('div', {}, `Rerun as `, reruns.flatMap((id, i) => (i ? [', ', link(id)] : [link(id)]))) : null);
  }
  let seq = 0;

  function render(items) {
    let attempt = 0;
    replace(list, items.map((e) => {
      const start = e.to === 'running' && e.from !== 'running';
      if (start) attempt++;
      const what = e.from == null ? `Created as ${label(e.to)}` : e.from === e.to ? (e.reason || 'noted') : `${label(e.from)} → ${label(e.to)}`;
      return h('li', { class: 'tl-item done', 'data-testid': 'history-item', 'data-to': e.to, 'data-from': e.from || '' },
        h('span', { class: `tl-dot dot-${e.to}`, 'aria-hidden': 'true' }),
        h('div', {},
          h('div', { class: 'tl-label' }, what, start ? h('span', { class: 'muted small', 'data-testid': 'history-attempt' }, ` · attempt ${attempt}`) : null),
          h('div', { class: 'small muted' }, dateTime(e.at), ' · ', agoEl(e.at),
            e.reason && e.from !== e.to ? ` · ${e.reason}` : '', e.by ? ` · ${byText(e.by)}` : '')));
    }));
  }

  async function load() {
    const mine = ++seq;
    try {
      const res = await api.get(`/api/jobs/${api.enc(jobId)}/events`);
      if (mine === seq) {
        render(res.items || []);
        renderLineage(res);
      }
    } catch (e) {
      if (mine === seq && e.status !== 401) replace(list, h('li', { class: 'muted small' }, `History unavailable (${e.message}).`));
    }
  }
  load();
  return { el, reload: load };
}
