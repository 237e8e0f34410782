// Jobs per minute over the last hour: submitted and finished (by outcome), read from
// GET /api/analytics/throughput and then kept live from the status events, so it moves while you watch.
import * as api from '../../api.js';
import { onJobEvent } from '../../live.js';
import { loadUPlot, cssVar } from '../../charts.js';
import { h, replace } from '../../ui.js';
import { STATUS, STATUS_LABEL, TERMINAL_STATUSES, statusColorVar } from '../../vocabulary.js';

const MINUTES = 60;
const minuteOf = (iso) => Math.floor(Date.parse(iso) / 60000) * 60;

export function throughputCard() {
  const buckets = new Map(); // minute (epoch s) -> {submitted, success, failed, canceled}
  const seen = new Set(); // "job:status" already counted, so a repeated event counts once
  const plotEl = h('div', { class: 'throughput-plot', 'data-testid': 'throughput-chart', 'data-submitted': '0', 'data-finished': '0', role: 'img', 'aria-label': 'Jobs per minute, last hour' });
  const note = h('div', { class: 'small muted' });
  const el = h('section', { class: 'card' }, h('h3', { class: 'card-title' }, 'Throughput, last hour (jobs per minute)'), plotEl, note);
  let plot = null;
  let uPlot = null;
  let pending = false;

  function bucket(sec) {
    if (!buckets.has(sec)) buckets.set(sec, { submitted: 0, success: 0, failed: 0, canceled: 0 });
    return buckets.get(sec);
  }

  function draw() {
    pending = false;
    if (!uPlot) return;
    const now = Math.floor(Date.now() / 60000) * 60;
    const xs = Array.from({ length: MINUTES }, (_, i) => now - (MINUTES - 1 - i) * 60);
    const col = (k) => xs.map((x) => (buckets.get(x) || {})[k] || 0);
    const data = [xs, col('submitted'), ...TERMINAL_STATUSES.map(col)];
    let sub = 0;
    let fin = 0;
    for (const [x, b] of buckets) if (x > now - MINUTES * 60) { sub += b.submitted; fin += b.success + b.failed + b.canceled; }
    plotEl.dataset.submitted = String(sub);
    plotEl.dataset.finished = String(fin);
    note.textContent = `${sub} submitted, ${fin} finished in the last hour`;
    if (plot) { plot.setData(data); return; }
    const axis = () => ({ stroke: cssVar('--muted'), grid: { stroke: cssVar('--border'), width: 1 }, ticks: { stroke: cssVar('--border'), width: 1 } });
    plot = new uPlot({
      width: Math.max(320, plotEl.clientWidth || 600), height: 180, axes: [axis(), axis()], legend: { live: false },
      series: [{}, { label: 'Submitted', stroke: cssVar('--accent'), width: 1.5, points: { show: false } },
        ...TERMINAL_STATUSES.map((s) => ({ label: STATUS_LABEL[s], stroke: cssVar(statusColorVar(s)), width: 1.5, points: { show: false } }))],
    }, data, plotEl);
  }

  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(draw);
  }

  const off = onJobEvent((ev) => {
    if (ev.type !== 'job_status_changed' || !ev.job) return;
    const key = `${ev.job_id}:${ev.status}`;
    if (seen.has(key)) return;
    seen.add(key);
    if ((ev.status === STATUS.QUEUED || ev.status === STATUS.PENDING) && ev.job.created_at) bucket(minuteOf(ev.job.created_at)).submitted++;
    else if (TERMINAL_STATUSES.includes(ev.status) && ev.job.finished_at) bucket(minuteOf(ev.job.finished_at))[ev.status]++;
    schedule();
  });
  const tick = setInterval(schedule, 30_000); // the window slides even when nothing happens

  (async () => {
    try {
      const [res, lib] = await Promise.all([api.get(`/api/analytics/throughput?minutes=${MINUTES}`), loadUPlot()]);
      uPlot = lib;
      for (const m of res.items || []) {
        const b = bucket(minuteOf(m.minute));
        for (const k of ['submitted', ...TERMINAL_STATUSES]) b[k] = Math.max(b[k], m[k] || 0);
      }
      schedule();
    } catch (e) {
      if (e.status !== 401) replace(note, `Throughput unavailable (${e.message}).`);
    }
  })();

  return { el, destroy() { off(); clearInterval(tick); if (plot) plot.destroy(); } };
}
