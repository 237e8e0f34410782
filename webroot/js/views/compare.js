// Compare two to four jobs (/compare?jobs=a,b,c): their metric curves overlaid, one chart per metric,
// and their parameters side by side with the differences marked. Curves of running jobs grow live
// from their job_metrics events.
import * as api from '../api.js';
import * as bus from '../bus.js';
import { loadUPlot, cssVar, SERIES_COLORS, aligned } from '../charts.js';
import { h, replace, shortId, statusChip, num } from '../ui.js';
import { navigate } from '../router.js';

const MAX_JOBS = 4;

function idsOf(query) {
  return [...new Set((query?.get('jobs') || '').split(',').map((s) => s.trim()).filter(Boolean))].slice(0, MAX_JOBS);
}

export const compareView = {
  key: 'compare',
  mount(el, params, query) {
    const ids = idsOf(query);
    const jobs = new Map(); // id -> record
    const metrics = new Map(); // id -> Map(name -> points)
    const charts = h('div', { class: 'compare-charts', 'data-testid': 'compare-charts' });
    const paramsEl = h('div', { class: 'card' });
    const picker = h('input', { type: 'text', class: 'search-input', 'aria-label': 'Add a job by id', placeholder: 'Add a job id…', 'data-testid': 'compare-add' });
    const form = h('form', { class: 'row gap-sm', onsubmit: (e) => {
      e.preventDefault();
      const next = [...ids, picker.value.trim()].filter(Boolean).slice(0, MAX_JOBS);
      navigate(`/compare?jobs=${next.map(encodeURIComponent).join(',')}`);
    } }, picker, h('button', { type: 'submit', class: 'btn btn-sm' }, 'Add'));
    el.append(h('div', { class: 'page' },
      h('div', { class: 'page-head' }, h('div', {}, h('h1', { class: 'page-title' }, 'Compare jobs'),
        h('p', { class: 'muted' }, `Curves and parameters of ${MAX_JOBS > ids.length ? 'two to four' : 'four'} jobs; select jobs in the list and choose Compare, or add ids here.`)), form),
      paramsEl, charts));
    let uPlot = null;
    let plots = [];
    let pending = false;
    const offs = [];

    function renderParams() {
      const keys = [...new Set([...jobs.values()].flatMap((j) => Object.keys(j.params || {})))].sort();
      const cols = ids.filter((id) => jobs.has(id));
      replace(paramsEl, h('h3', { class: 'card-title' }, 'Parameters'),
        h('table', { class: 'table', 'data-testid': 'compare-params' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Parameter'), cols.map((id, i) => h('th', { scope: 'col' },
            h('span', { class: 'legend-swatch', style: { background: SERIES_COLORS[i] }, 'aria-hidden': 'true' }),
            h('a', { href: `/jobs/${encodeURIComponent(id)}`, class: 'mono' }, shortId(id)), ' ', statusChip(jobs.get(id)))))),
          h('tbody', {}, keys.map((k) => {
            const vals = cols.map((id) => JSON.stringify((jobs.get(id).params || {})[k]));
            const differs = new Set(vals).size > 1;
            return h('tr', { class: differs ? 'differs' : '', 'data-testid': differs ? 'param-differs' : 'param-same', 'data-param': k },
              h('th', { scope: 'row' }, k, differs ? h('span', { class: 'muted small' }, ' (differs)') : null),
              cols.map((id) => h('td', { class: 'mono' }, num((jobs.get(id).params || {})[k]))));
          }))));
    }

    function draw() {
      pending = false;
      if (!uPlot) return;
      plots.forEach((p) => p.destroy());
      plots = [];
      const names = [...new Set([...metrics.values()].flatMap((m) => [...m.keys()]))]
        .sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a === 'val_loss' ? -1 : b === 'val_loss' ? 1 : a.localeCompare(b)));
      replace(charts, names.length ? null : h('p', { class: 'muted' }, 'No metrics in these jobs\' logs yet.'));
      const axis = () => ({ stroke: cssVar('--muted'), grid: { stroke: cssVar('--border'), width: 1 }, ticks: { stroke: cssVar('--border'), width: 1 } });
      for (const name of names) {
        const withIt = ids.filter((id) => metrics.get(id)?.has(name));
        const box = h('div', { class: 'compare-plot', 'data-testid': 'compare-chart', 'data-metric': name, 'data-series': String(withIt.length) });
        charts.append(h('section', { class: 'card' }, h('h3', { class: 'card-title' }, name), box));
        plots.push(new uPlot({
          width: Math.max(300, box.clientWidth || 560), height: 220, scales: { x: { time: false } },
          axes: [{ ...axis(), label: 'step' }, axis()],
          series: [{ label: 'step' }, ...withIt.map((id) => ({
            label: shortId(id), stroke: SERIES_COLORS[ids.indexOf(id) % SERIES_COLORS.length], width: 1.5, spanGaps: true, points: { show: false },
          }))],
        }, aligned(withIt.map((id) => metrics.get(id).get(name))), box));
      }
    }

    function schedule() {
      if (pending) return;
      pending = true;
      // Redrawing every chart per pushed chunk is wasteful; a second's delay is invisible here.
      setTimeout(() => requestAnimationFrame(draw), 1000);
    }

    async function load() {
      if (ids.length < 2) replace(charts, h('p', { class: 'muted', 'data-testid': 'compare-hint' }, 'Pick at least two jobs.'));
      const lib = loadUPlot().catch(() => null);
      await Promise.all(ids.map(async (id) => {
        try {
          const [job, m] = await Promise.all([api.get(`/api/jobs/${api.enc(id)}`), api.get(`/api/jobs/${api.enc(id)}/metrics`)]);
          jobs.set(id, job.job);
          metrics.set(id, new Map(Object.entries(m.series || {})));
          offs.push(bus.subscribe(`jobs.log.${id}`, (ev) => {
            if (!ev || ev.type !== 'job_metrics' || ev.job_id !== id) return;
            const mine = metrics.get(id);
            for (const [name, pts] of Object.entries(ev.series || {})) {
              const list = mine.get(name) || [];
              const last = list.length ? list[list.length - 1][0] : -Infinity;
              for (const p of pts) if (p[0] > last) list.push(p);
              mine.set(name, list);
            }
            schedule();
          }));
        } catch (e) {
          // A job that is gone or not ours is left out.
        }
      }));
      uPlot = await lib;
      renderParams();
      if (ids.length >= 2) draw();
    }
    load();
    return { destroy() { offs.forEach((o) => o()); plots.forEach((p) => p.destroy()); } };
  },
};
