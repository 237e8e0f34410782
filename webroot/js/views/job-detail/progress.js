// The status panel: stage, progress, ETA and run time while running; queue position and the reason
// for waiting while queued; the outcome once finished; and the result summary figures.
import { h, replace, duration, secondsBetween, num, progressBar } from '../../ui.js';
import { STATUS } from '../../vocabulary.js';

/** Progress from log text by the contract's rules; used only while the server has no figure yet. */
export function parseProgress(text) {
  const lines = text.split('\n').filter((l) => l.trim()).slice(-50).reverse();
  let progress = null;
  let stage = null;
  for (const line of lines) {
    const l = line.toLowerCase();
    if (progress === null) {
      const m = /step\s+(\d+)\s*\/\s*(\d+)/i.exec(line) || /epoch\s+(\d+)\s*\/\s*(\d+)/i.exec(line);
      if (m && Number(m[2]) > 0) progress = Math.round((1000 * Number(m[1])) / Number(m[2])) / 10;
    }
    if (stage === null) {
      if (/preprocessing|loading/.test(l)) stage = 'Preprocessing';
      else if (/warming up|warmup/.test(l)) stage = 'Warmup';
      else if (/checkpoint/.test(l)) stage = 'Saving checkpoint';
      else if (/validat/.test(l)) stage = 'Validation';
      else if (/step|epoch/.test(l)) stage = 'Training';
    }
    if (progress !== null && stage !== null) break;
  }
  return { progress, stage };
}

function stat(label, value, attrs = {}) {
  return h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value', ...attrs }, value));
}

// Figures with data-elapsed-from (and no -to) keep counting through elapsedClock, without a request.
function runningParts(job, s, progress, stage) {
  const running = s === STATUS.RUNNING;
  const pct = progress == null ? '—' : `${Number(progress).toFixed(1)}%`;
  return [
    h('div', { class: 'status-row' },
      stat('Stage', stage || (running ? 'Starting' : '—'), { 'data-testid': 'job-stage' }),
      stat('Progress', pct, { 'data-testid': 'progress-text' }),
      running ? stat('ETA', job.eta_seconds != null ? duration(job.eta_seconds) : '—', { 'data-testid': 'job-eta' }) : null,
      stat(running ? 'Running for' : 'Ran for', h('span', { 'data-elapsed-from': job.started_at || '', 'data-elapsed-to': job.finished_at || '' },
        duration(secondsBetween(job.started_at, job.finished_at))))),
    progressBar(progress, { running, label: 'Job progress' }),
    job.last_log && running ? h('div', { class: 'last-log mono small truncate', 'data-testid': 'last-log', title: job.last_log }, job.last_log) : null,
    job.cancel_requested && running ? h('div', { class: 'notice notice-warn', 'data-testid': 'cancelling-notice' }, 'Cancelling… waiting for the process tree to exit.') : null,
  ];
}

function waitingParts(job, s) {
  return [
    h('div', { class: 'status-row' },
      stat('Queue position', job.queue_position ? `#${job.queue_position}` : '—', { 'data-testid': 'queue-position' }),
      stat('Waiting', h('span', { 'data-elapsed-from': job.created_at || '' }, duration(secondsBetween(job.created_at))))),
    h('div', { class: 'waiting', 'data-testid': 'waiting-reason' },
      s === STATUS.PENDING ? 'Waiting for the provider to acknowledge the job.'
        : job.waiting_reason || (job.depends_on ? 'Waiting for its dependency to succeed.' : 'Waiting for the scheduler.')),
    progressBar(null, { label: 'Job progress' }),
  ];
}

export function statusPanel() {
  const el = h('section', { class: 'card status-card', 'data-testid': 'status-panel', 'aria-label': 'Status' });

  /** derived: progress and stage parsed from the log, shown while a running job has no server figure. */
  function render(job, derived) {
    const s = job.status;
    const progress = job.progress != null ? job.progress : (s === STATUS.RUNNING ? derived.progress : null);
    const stage = job.stage || (s === STATUS.RUNNING ? derived.stage : null);
    const parts = [];
    if (s === STATUS.RUNNING || (s === STATUS.SUCCESS && progress != null)) parts.push(runningParts(job, s, progress, stage));
    else if (s === STATUS.QUEUED || s === STATUS.PENDING) parts.push(waitingParts(job, s));
    if (s === STATUS.SUCCESS && progress == null) {
      parts.push(h('div', { class: 'status-row' }, stat('Result', 'Succeeded'), stat('Ran for', duration(secondsBetween(job.started_at, job.finished_at)))));
    }
    if (s === STATUS.FAILED) {
      parts.push(h('div', { class: 'error-box', 'data-testid': 'job-error', role: 'alert' },
        h('strong', {}, `Failed${job.exit_code != null ? ` (exit code ${job.exit_code})` : ''}`), job.error ? h('pre', { class: 'mono' }, job.error) : null));
    }
    if (s === STATUS.CANCELED) {
      parts.push(h('div', { class: 'notice notice-warn', 'data-testid': 'canceled-notice' },
        `Canceled${job.started_at ? ` after running ${duration(secondsBetween(job.started_at, job.finished_at))}` : ' before it started'}.`,
        job.error ? ` ${job.error}` : ''));
    }
    const rs = job.result_summary;
    if (rs && typeof rs === 'object' && Object.keys(rs).length) {
      parts.push(h('div', { class: 'status-row', 'data-testid': 'result-summary' },
        Object.entries(rs).slice(0, 6).map(([k, v]) => stat(k.replace(/_/g, ' '), num(v)))));
    }
    el.dataset.status = s;
    replace(el, parts);
  }

  return { el, render };
}

/** Advances the "running for"/"waiting" figures under root every second on the client; returns stop. */
export function elapsedClock(root) {
  const timer = setInterval(() => {
    for (const el of root.querySelectorAll('[data-elapsed-from]')) {
      if (el.dataset.elapsedFrom && !el.dataset.elapsedTo) el.textContent = duration(secondsBetween(el.dataset.elapsedFrom));
    }
  }, 1000);
  return () => clearInterval(timer);
}
