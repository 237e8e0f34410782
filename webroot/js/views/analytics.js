// Analytics: submitted/succeeded/failed per day, success rate, run and wait percentiles (uPlot).
import * as api from '../api.js';
import { loadUPlot, cssVar as css } from '../charts.js';
import { h, replace, toastError, duration, spinner, emptyState } from '../ui.js';
import { STATUS, STATUS_LABEL, TERMINAL_STATUSES, JOB_TYPES, JOB_TYPE_LABEL, statusColorVar } from '../vocabulary.js';

const dayMs = 86400000;

// A day's row counts submissions and, under each terminal status's name, the jobs that ended so.
const COUNTS = ['submitted', ...TERMINAL_STATUSES];
const zeros = () => Object.fromEntries(COUNTS.map((k) => [k, 0]));
const finishedOf = (r) => TERMINAL_STATUSES.reduce((n, s) => n + Number(r[s] || 0), 0);

/** One row per date over the whole range (missing days are zeros), summed over job types. */
export function aggregate(rows, days) {
  const by = new Map();
  for (const r of rows) {
    const a = by.get(r.date) || { date: r.date, ...zeros(), w: 0, run50: 0, run95: 0, wait50: 0, wait95: 0, rw: 0, ww: 0 };
    for (const k of COUNTS) a[k] += Number(r[k] || 0);
    const weight = Math.max(1, finishedOf(r));
    if (r.run_p50_s != null) { a.run50 += r.run_p50_s * weight; a.run95 += (r.run_p95_s ?? r.run_p50_s) * weight; a.rw += weight; }
    if (r.wait_p50_s != null) { a.wait50 += r.wait_p50_s * weight; a.wait95 += (r.wait_p95_s ?? r.wait_p50_s) * weight; a.ww += weight; }
    by.set(r.date, a);
  }
  const end = new Date();
  const out = [];
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), end.getUTCDate()) - i * dayMs).toISOString().slice(0, 10);
    const a = by.get(d) || { date: d, ...zeros(), rw: 0, ww: 0 };
    by.delete(d);
    out.push(a);
  }
  // Dates the server sent outside our computed window (time zones) are kept too.
  for (const a of by.values()) out.push(a);
  out.sort((x, y) => x.date.localeCompare(y.date));
  return out.map((a) => {
    const finished = finishedOf(a);
    return {
      date: a.date, t: Date.parse(`${a.date}T00:00:00Z`) / 1000, ...Object.fromEntries(COUNTS.map((k) => [k, a[k]])),
      success_rate: finished ? (100 * a[STATUS.SUCCESS]) / finished : null,
      run_p50_s: a.rw ? a.run50 / a.rw : null, run_p95_s: a.rw ? a.run95 / a.rw : null,
      wait_p50_s: a.ww ? a.wait50 / a.ww : null, wait_p95_s: a.ww ? a.wait95 / a.ww : null,
    };
  });
}

export const analyticsView = {
  key: 'analytics',
  mount(el) {
    let destroyed = false;
    let plots = [];
    let observer = null;
    const state = { days: 30, job_type: '' };
    const body = h('div', { class: 'analytics-body' });
    const daysSel = h('select', { 'aria-label': 'Period', 'data-testid': 'analytics-days', value: '30', onchange: () => { state.days = Number(daysSel.value); load(); } },
      [[7, 'Last 7 days'], [30, 'Last 30 days'], [90, 'Last 90 days']].map(([v, l]) => h('option', { value: v }, l)));
    daysSel.value = '30';
    const typeSel = h('select', { 'aria-label': 'Job type', 'data-testid': 'analytics-type', onchange: () => { state.job_type = typeSel.value; load(); } },
      [['', 'All types'], ...JOB_TYPES.map((t) => [t, JOB_TYPE_LABEL[t]])].map(([v, l]) => h('option', { value: v }, l)));
    el.append(h('div', { class: 'page' },
      h('div', { class: 'page-head' },
        h('div', {}, h('h1', { class: 'page-title' }, 'Analytics'), h('p', { class: 'muted' }, 'Throughput, outcomes and latency of your jobs per day (UTC).')),
        h('div', { class: 'row gap-sm' }, daysSel, typeSel,
          h('button', { type: 'button', class: 'btn', 'data-testid': 'analytics-refresh', onclick: () => load() }, 'Refresh'))),
      body));

    function clearPlots() {
      plots.forEach((p) => p.destroy());
      plots = [];
      if (observer) observer.disconnect();
      observer = null;
    }

    function tile(label, value, testid) {
      return h('div', { class: 'tile tile-static', 'data-testid': testid }, h('span', { class: 'tile-value' }, value), h('span', { class: 'tile-label' }, label));
    }

    function chartCard(title, testid, note) {
      const box = h('div', { class: 'chart', 'data-testid': testid });
      return { card: h('section', { class: 'card chart-card' }, h('h2', { class: 'card-title' }, title), note ? h('p', { class: 'small muted' }, note) : null, box), box };
    }

    async function load() {
      clearPlots();
      replace(body, h('div', { class: 'center pad' }, spinner('Loading analytics')));
      let res;
      let uPlot;
      try {
        [res, uPlot] = await Promise.all([api.get(`/api/analytics${api.qs({ days: state.days, job_type: state.job_type })}`), loadUPlot().catch(() => null)]);
      } catch (e) {
        if (destroyed) return;
        replace(body, emptyState('Analytics are unavailable', e.message));
        if (e.status !== 404 && e.status !== 401) toastError(e, 'Could not load analytics: ');
        return;
      }
      if (destroyed) return;
      const rows = aggregate(res.days || [], state.days);
      const sum = (k) => rows.reduce((a, r) => a + (r[k] || 0), 0);
      const finished = TERMINAL_STATUSES.reduce((n, s) => n + sum(s), 0);
      const wavg = (k) => {
        let n = 0; let w = 0;
        for (const r of rows) if (r[k] != null) { const x = Math.max(1, finishedOf(r)); n += r[k] * x; w += x; }
        return w ? n / w : null;
      };
      const tiles = h('div', { class: 'tiles' },
        tile('Submitted', String(sum('submitted')), 'stat-submitted'),
        // The success rate is over every finished job, canceled ones included, so all three are shown.
        TERMINAL_STATUSES.map((s) => tile(STATUS_LABEL[s], String(sum(s)), `stat-${s}`)),
        tile('Success rate', finished ? `${((100 * sum(STATUS.SUCCESS)) / finished).toFixed(1)}%` : '—', 'stat-success-rate'),
        tile('Median run', duration(wavg('run_p50_s')), 'stat-run'),
        tile('Median wait', duration(wavg('wait_p50_s')), 'stat-wait'));
      if (!sum('submitted') && !finished) {
        replace(body, tiles, emptyState('No jobs in this period', 'Submit a job and its figures appear here the same day.'));
        return;
      }
      const jobs = chartCard('Jobs per day', 'chart-jobs');
      const rate = chartCard('Success rate', 'chart-success', 'Succeeded among finished jobs.');
      const run = chartCard('Run time', 'chart-runtime', 'p50 and p95, seconds.');
      const wait = chartCard('Queue wait', 'chart-wait', 'From submission to start; p50 and p95, seconds.');
      const table = h('details', { class: 'card' }, h('summary', {}, 'Daily figures'),
        h('div', { class: 'table-scroll' }, h('table', { class: 'table table-compact', 'data-testid': 'analytics-table' },
          h('thead', {}, h('tr', {}, ['Date', 'Submitted', ...TERMINAL_STATUSES.map((s) => STATUS_LABEL[s]), 'Success rate', 'Run p50', 'Run p95', 'Wait p50', 'Wait p95']
            .map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, rows.filter((r) => r.submitted || finishedOf(r)).reverse().map((r) => h('tr', {},
            h('td', { class: 'nowrap' }, r.date), h('td', {}, r.submitted), TERMINAL_STATUSES.map((s) => h('td', {}, r[s])),
            h('td', {}, r.success_rate == null ? '—' : `${r.success_rate.toFixed(1)}%`),
            h('td', {}, duration(r.run_p50_s)), h('td', {}, duration(r.run_p95_s)), h('td', {}, duration(r.wait_p50_s)), h('td', {}, duration(r.wait_p95_s))))))));
      replace(body, tiles, h('div', { class: 'charts' }, jobs.card, rate.card, run.card, wait.card), table);
      if (!uPlot) {
        for (const c of [jobs, rate, run, wait]) c.box.append(h('p', { class: 'muted' }, 'Charts are unavailable (the chart library did not load); see the daily figures below.'));
        return;
      }
      const xs = rows.map((r) => r.t);
      const col = (k) => rows.map((r) => (r[k] == null ? null : r[k]));
      const axis = () => ({ stroke: css('--muted'), grid: { stroke: css('--border'), width: 1 }, ticks: { stroke: css('--border'), width: 1 } });
      const make = (box, series, data, yOpts = {}) => {
        const opts = {
          width: Math.max(280, box.clientWidth), height: 220,
          scales: { x: { time: true, range: (u, min, max) => [min - 43200, max + 43200] }, y: { range: yOpts.range || ((u, min, max) => [0, Math.max(1, max * 1.1)]) } },
          axes: [axis(), { ...axis(), size: 50, values: yOpts.values }],
          // A live legend shows "--" wherever the cursor is not on a value; the tooltip-free legend names the series only.
          legend: { live: false },
          cursor: { points: { size: 6 } },
          series: [{ label: 'Date', value: (u, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 10)) }, ...series],
        };
        const plot = new uPlot(opts, [xs, ...data], box);
        plots.push(plot);
        return plot;
      };
      const bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.6, 24] }) : undefined;
      // Counts are lines without markers; sparse figures (null on idle days) get markers so one day shows.
      const line = (label, color, extra = {}) => ({ label, stroke: color, width: 2, spanGaps: false, points: { show: true, size: 6 }, ...extra });
      const countLine = (label, color) => line(label, color, { points: { show: false } });
      make(jobs.box, [
        { label: 'Submitted', stroke: css('--accent'), fill: `${css('--accent')}33`, width: 1, paths: bars, points: { show: false } },
        ...TERMINAL_STATUSES.map((s) => countLine(STATUS_LABEL[s], css(statusColorVar(s)))),
      ], COUNTS.map(col));
      make(rate.box, [line('Success rate %', css(statusColorVar(STATUS.SUCCESS)), { value: (u, v) => (v == null ? '—' : `${v.toFixed(1)}%`) })], [col('success_rate')],
        { range: () => [0, 100], values: (u, vals) => vals.map((v) => `${v}%`) });
      const secs = { values: (u, vals) => vals.map((v) => (v < 60 ? `${+v.toFixed(1)} s` : v < 3600 ? `${+(v / 60).toFixed(1)} min` : `${+(v / 3600).toFixed(1)} h`)) };
      make(run.box, [line('p50', css('--accent')), line('p95', css('--st-canceled'), { dash: [6, 4] })], [col('run_p50_s'), col('run_p95_s')], secs);
      make(wait.box, [line('p50', css('--accent')), line('p95', css('--st-canceled'), { dash: [6, 4] })], [col('wait_p50_s'), col('wait_p95_s')], secs);
      observer = new ResizeObserver(() => {
        for (const p of plots) {
          const w = Math.max(280, p.root.parentElement.clientWidth);
          if (Math.abs(p.width - w) > 4) p.setSize({ width: w, height: 220 });
        }
      });
      for (const c of [jobs, rate, run, wait]) observer.observe(c.box);
    }

    load();
    return { destroy() { destroyed = true; clearPlots(); } };
  },
};
