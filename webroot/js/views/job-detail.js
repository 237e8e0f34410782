// Job detail: header and actions, status/progress/ETA or queue position, timeline, config,
// result preview, sweep shards and the live log. Updated by pushes; polls only while offline.
// The parts live in ./job-detail/ and ./log-viewer.js; this file owns the job record and its loading.
import * as api from '../api.js';
import { keepFresh } from '../bus.js';
import { onJobEvent, applyProgress } from '../live.js';
import { h, replace, spinner } from '../ui.js';
import { STATUS, JOB_TYPE, isActive, isTerminal } from '../vocabulary.js';
import { detailActions } from './job-detail/actions.js';
import { detailsCard, paramsCard } from './job-detail/config.js';
import { executionCard } from './job-detail/execution.js';
import { header } from './job-detail/header.js';
import { outputCards, mergeShardEvent } from './job-detail/outputs.js';
import { statusPanel, parseProgress, elapsedClock } from './job-detail/progress.js';
import { notFound, loadError } from './job-detail/states.js';
import { timelineCard } from './job-detail/timeline.js';
import { curvesCard } from './job-detail/curves.js';
import { historyCard } from './job-detail/history.js';
import { logViewer } from './log-viewer.js';

export { parseProgress };

const isOlder = (next, cur) => !!(cur.updated_at && next.updated_at && next.updated_at < cur.updated_at);

export function mountDetail(container, id, { onDeleted } = {}) {
  let job = null;
  let shards = null;
  let result = null;
  let resultFor = null;
  let derived = { progress: null, stage: null };
  let destroyed = false;
  let loadedOnce = false;

  const root = h('article', { class: 'detail', 'data-testid': 'job-detail', 'data-job-id': id, 'aria-busy': 'true' });
  const head = h('div', { class: 'detail-head' });
  const status = statusPanel();
  const grid = h('div', { class: 'detail-grid' });
  const extras = h('div', { class: 'detail-extras' });
  const curves = curvesCard(id);
  const history = historyCard(id);
  const log = logViewer(id, {
    onText: (text) => {
      if (job && job.status === STATUS.RUNNING && job.progress == null) {
        derived = parseProgress(text);
        renderStatus();
      }
    },
  });
  const act = detailActions({
    id, job: () => job, reload: load, onDeleted,
    onJob: (next) => {
      if (destroyed || isOlder(next, job)) return;
      job = next;
      renderAll();
    },
  });
  root.append(h('div', { class: 'center pad' }, spinner('Loading job')));
  container.append(root);

  // ---------- rendering ----------
  function renderStatus() {
    if (job) status.render(job, derived);
  }

  function renderExtras() {
    replace(extras, outputCards(job, { result, shards }));
  }

  function renderAll() {
    root.removeAttribute('aria-busy');
    root.dataset.status = job.status;
    if (!loadedOnce) {
      loadedOnce = true;
      root.replaceChildren(head, status.el, grid, curves.el, history.el, extras, log.el);
      log.start();
    }
    // A running job's reader looks at its log first: right under the status, above the cards.
    const logFirst = job.status === STATUS.RUNNING;
    if (logFirst && status.el.nextSibling !== log.el) log.move(() => status.el.after(log.el, curves.el));
    else if (!logFirst && root.lastChild !== log.el) log.move(() => root.append(log.el));
    replace(head, header(job, id, act));
    renderStatus();
    replace(grid, timelineCard(job), detailsCard(job), executionCard(job), paramsCard(job));
    renderExtras();
  }

  /** Adopts a newer record; a job that just finished has its last log lines read. */
  function adopt(next) {
    const wasActive = job && isActive(job.status);
    const moved = !job || job.status !== next.status;
    job = next;
    renderAll();
    if (moved) history.reload();
    loadExtras();
    if (wasActive && isTerminal(job.status)) {
      log.catchUp();
      curves.reload(); // the whole log's series, thinned the same way as any finished job's
    }
  }

  // ---------- data ----------
  async function load() {
    try {
      const res = await api.get(`/api/jobs/${api.enc(id)}`);
      if (destroyed) return;
      if (job && isOlder(res.job, job)) return;
      adopt(res.job);
    } catch (e) {
      if (destroyed) return;
      if (e.status === 404) {
        job = null;
        if (!root.querySelector('[data-testid="not-found"]')) {
          root.removeAttribute('aria-busy');
          root.replaceChildren(notFound());
        }
      } else if (e.status !== 401 && !loadedOnce) {
        root.removeAttribute('aria-busy');
        root.replaceChildren(loadError(e.message, load));
      }
    }
  }

  async function loadExtras() {
    if (!job) return;
    if (job.result_id && resultFor !== job.result_id) {
      resultFor = job.result_id;
      try {
        result = await api.get(`/api/results/${api.enc(job.result_id)}`);
      } catch (e) {
        result = { result_id: job.result_id, preview: [] };
      }
      if (!destroyed) renderExtras();
    }
    if (job.job_type === JOB_TYPE.SWEEP) {
      try {
        const res = await api.get(`/api/jobs/${api.enc(id)}/shards`);
        shards = res.shards || [];
      } catch (e) {
        shards = shards || [];
      }
      if (!destroyed) renderExtras();
    }
  }

  // ---------- live ----------
  const offFeed = onJobEvent((ev) => {
    if (!job) return;
    if (ev.job_id === id) {
      if (ev.type === 'job_status_changed') {
        const next = ev.job || { ...job, status: ev.status };
        if (!isOlder(next, job)) adopt(next);
      } else if (ev.type === 'job_progress') {
        job = applyProgress(job, ev);
        renderStatus();
      }
      return;
    }
    const nextShards = mergeShardEvent(shards, ev, id);
    if (nextShards) {
      shards = nextShards;
      renderExtras();
    }
  });
  const stopFresh = keepFresh(load);
  const stopClock = elapsedClock(root);

  load();

  return {
    destroy() {
      destroyed = true;
      offFeed();
      stopFresh();
      stopClock();
      log.destroy();
      curves.destroy();
    },
  };
}
