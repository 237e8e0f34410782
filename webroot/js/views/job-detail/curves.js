// The job's metric curves (loss, val_loss and whatever else its log reports), drawn with uPlot: read
// once from GET /api/jobs/{id}/metrics, then grown by the job_metrics events pushed on jobs.log.<id>
// while it runs. Each series keeps its own steps; the chart aligns them (charts.js).
import * as api from '../../api.js';
import * as bus from '../../bus.js';
import { loadUPlot, cssVar, SERIES_COLORS, aligned } from '../../charts.js';
import { h, replace, num } from '../../ui.js';

/** Series shown at first; the legend switches the others on. */
const FIRST = ['loss', 'val_loss'];

export function curvesCard(jobId) {
  const series = new Map(); // name -> [[step, value], ...]
  const plotEl = h('div', { class: 'curves-plot', 'data-testid': 'metrics-chart', 'data-points': '0', role: 'img', 'aria-label': 'Metric curves' });
  const note = h('div', { class: 'small muted', 'data-testid': 'metrics-note' }, 'Loading metrics…');
  const el = h('section', { class: 'card curves-card', hidden: true, 'aria-labelledby': `curves-${jobId}` },
    h('div', { class: 'card-head' }, h('h3', { class: 'card-title', id: `curves-${jobId}` }, 'Metrics'),
      h('span', { class: 'spacer' }),
      h('a', { class: 'btn btn-xs', href: `/compare?jobs=${encodeURIComponent(jobId)}`, 'data-testid': 'compare-link' }, 'Compare…')),
    plotEl, note);
  let plot = null;
  let names = [];
  let uPlot = null;
  let paused = false;
  let destroyed = false;
  let pending = false;

  function total() {
    let n = 0;
    for (const pts of series.values()) n += pts.length;
    return n;
  }

  function merge(more) {
    for (const [name, pts] of Object.entries(more || {})) {
      if (!Array.isArray(pts)) continue;
      const list = series.get(name) || [];
      const lastStep = list.length ? list[list.length - 1][0] : -Infinity;
      for (const p of pts) if (p[0] > lastStep || !list.length) list.push(p);
      series.set(name, list);
    }
  }

  function draw() {
    pending = false;
    if (destroyed || !uPlot) return;
    el.hidden = series.size === 0;
    plotEl.dataset.points = String(total());
    note.textContent = series.size ? '' : 'No metrics in the log yet.';
    if (!series.size) return;
    const current = [...series.keys()].sort((a, b) => (FIRST.indexOf(a) + 1 || 99) - (FIRST.indexOf(b) + 1 || 99) || a.localeCompare(b));
    const data = aligned(current.map((n) => series.get(n)));
    if (plot && current.join() === names.join()) {
      plot.setData(data);
      return;
    }
    names = current;
    if (plot) plot.destroy();
    const axis = () => ({ stroke: cssVar('--muted'), grid: { stroke: cssVar('--border'), width: 1 }, ticks: { stroke: cssVar('--border'), width: 1 } });
    const anyFirst = names.some((n) => FIRST.includes(n));
    plot = new uPlot({
      width: Math.max(320, plotEl.clientWidth || 600), height: 240,
      scales: { x: { time: false } },
      axes: [{ ...axis(), label: 'step' }, axis()],
      series: [{ label: 'step', value: (u, v) => (v == null ? '' : String(v)) }, ...names.map((n, i) => ({
        label: n, stroke: SERIES_COLORS[i % SERIES_COLORS.length], width: 1.5, spanGaps: true, value: (u, v) => (v == null ? '' : num(v)),
        show: !anyFirst || FIRST.includes(n), points: { show: false },
      }))],
    }, data, plotEl);
  }

  function schedule() {
    if (pending || paused) return;
    pending = true;
    requestAnimationFrame(draw);
  }

  const off = bus.subscribe(`jobs.log.${jobId}`, (ev) => {
    if (ev && ev.type === 'job_metrics' && ev.job_id === jobId) {
      merge(ev.series);
      schedule();
    }
  });

  async function load() {
    try {
      const [res, lib] = await Promise.all([api.get(`/api/jobs/${api.enc(jobId)}/metrics`), loadUPlot()]);
      uPlot = lib;
      // Points pushed while this was loading are newer than the answer's; merge keeps steps increasing.
      const pushed = new Map(series);
      series.clear();
      merge(res.series);
      for (const [name, pts] of pushed) merge({ [name]: pts });
      schedule();
    } catch (e) {
      if (e.status !== 401) replace(note, `Metrics unavailable (${e.message}).`);
    }
  }
  load();

  return {
    el,
    reload: load,
    /** Pause: keep drawing what is there, apply what arrives meanwhile on resume. */
    setPaused(on) { paused = on; if (!on) schedule(); },
    destroy() { destroyed = true; off(); if (plot) plot.destroy(); },
  };
}
