// The job feed: status and progress pushes for the signed-in user (and, for admins, every job),
// fanned out to whichever views are mounted.
import * as bus from './bus.js';

const listeners = new Set();
const recent = new Map(); // dedupe key -> time (an admin hears a job on jobs.user.<id> and on jobs.all)
let unsubs = [];
// Paused: events wait here (the newest MAX_HELD) and are applied in order on resume.
let paused = false;
let held = [];
const MAX_HELD = 5000;
const pauseListeners = new Set();

// Only these reach the views from the user channel; job_metrics (also published there, for SSE
// clients) is read per job from jobs.log.<id>, and is frequent: drop it before the dedupe's encoding.
const FEED_TYPES = ['job_status_changed', 'job_progress'];

function dispatch(body) {
  if (!body || typeof body !== 'object' || !body.job_id || !FEED_TYPES.includes(body.type)) return;
  const key = JSON.stringify(body);
  const now = Date.now();
  if (recent.has(key) && now - recent.get(key) < 5000) return;
  recent.set(key, now);
  if (paused) {
    held.push(body);
    if (held.length > MAX_HELD) held = held.slice(-MAX_HELD);
    pauseListeners.forEach((fn) => fn(true, held.length));
    return;
  }
  if (recent.size > 500) {
    for (const [k, t] of recent) if (now - t > 5000) recent.delete(k);
  }
  for (const fn of [...listeners]) {
    try { fn(body); } catch (e) { console.error(e); }
  }
}

export function start(me) {
  stop();
  unsubs.push(bus.subscribe(`jobs.user.${me.id}`, dispatch));
  if (me.is_admin) unsubs.push(bus.subscribe('jobs.all', dispatch));
  bus.connect();
}

export function stop() {
  unsubs.forEach((u) => u());
  unsubs = [];
}

export function isPaused() {
  return paused;
}

/** Pauses or resumes live updates of the views; on resume, what arrived meanwhile is applied. */
export function setPaused(on) {
  if (paused === on) return;
  paused = on;
  pauseListeners.forEach((fn) => fn(on, on ? held.length : 0));
  if (!on) {
    const backlog = held;
    held = [];
    for (const body of backlog) for (const fn of [...listeners]) {
      try { fn(body); } catch (e) { console.error(e); }
    }
  }
}

/** fn(paused, held) when live updates are paused, resumed, or held while paused; returns an unsubscribe function. */
export function onPause(fn) {
  pauseListeners.add(fn);
  return () => pauseListeners.delete(fn);
}

/** fn(event) for every job_status_changed / job_progress event; returns an unsubscribe function. */
export function onJobEvent(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Merges a progress event into a job record (returns a new object). */
export function applyProgress(job, ev) {
  const next = { ...job };
  for (const k of ['stage', 'progress', 'eta_seconds', 'last_log']) {
    if (ev[k] !== undefined) next[k] = ev[k];
  }
  return next;
}
