// A live log that follows the end. First GET /api/jobs/{id}/log?offset=0, then pushed `job_log`
// chunks from jobs.log.<id> are appended when their byte offset is our next_offset; older
// duplicates are dropped and a gap makes us read again from next_offset. Offline, it reads on a timer.
import * as api from '../api.js';
import * as bus from '../bus.js';
import { h, add, toast, toastError, copyText, downloadText, icon } from '../ui.js';

const MAX_CHARS = 2_000_000; // keep the DOM bounded on very long logs
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (s) => encoder.encode(s).length;

export function logViewer(jobId, { onText } = {}) {
  let nextOffset = 0;
  let chars = 0;
  let text = '';
  let busy = false;
  let again = false;
  let queue = [];
  let following = true;
  let started = false;
  let destroyed = false;
  let lastAutoTop = 0;
  let offBus = null;
  let stopFresh = null;

  const pre = h('pre', {
    class: 'log', 'data-testid': 'log-view', tabindex: '0', role: 'log', 'aria-label': `Log of ${jobId}`, 'aria-live': 'off',
  });
  const empty = h('div', { class: 'log-empty muted', 'data-testid': 'log-empty' }, 'No output yet.');
  const followBtn = h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'follow-button', onclick: () => setFollow(!following) });
  const status = h('span', { class: 'small muted', 'data-testid': 'log-status' });
  const el = h('section', { class: 'card log-card', 'aria-labelledby': `log-title-${jobId}` },
    h('div', { class: 'card-head' },
      h('h3', { class: 'card-title', id: `log-title-${jobId}` }, 'Log'),
      status,
      h('span', { class: 'spacer' }),
      followBtn,
      h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'copy-log', onclick: copy }, icon('copy', { size: 14 }), 'Copy'),
      h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'download-log', onclick: download }, icon('download', { size: 14 }), 'Download')),
    h('div', { class: 'log-wrap' }, pre, empty));

  function renderFollow() {
    followBtn.setAttribute('aria-pressed', String(following));
    followBtn.replaceChildren();
    add(followBtn, [icon('follow', { size: 14 }), following ? 'Following' : 'Follow']);
    followBtn.title = following ? 'Stop following the end of the log' : 'Jump to the end and follow new output';
    followBtn.classList.toggle('btn-toggle-on', following);
    pre.dataset.following = String(following);
  }

  function setFollow(on) {
    following = on;
    if (on) scrollToEnd();
    renderFollow();
  }

  function scrollToEnd() {
    pre.scrollTop = pre.scrollHeight;
    lastAutoTop = pre.scrollTop;
  }

  /** After new output: stay at the end, unless the reader moved up since we last put them there. */
  function follow() {
    if (!following) return;
    if (pre.scrollTop < lastAutoTop - 4) {
      following = false;
      renderFollow();
      return;
    }
    scrollToEnd();
  }

  pre.addEventListener('scroll', () => {
    const atEnd = pre.scrollHeight - pre.scrollTop - pre.clientHeight < 8;
    if (atEnd && !following) {
      following = true;
      lastAutoTop = pre.scrollTop;
      renderFollow();
    } else if (!atEnd && following && pre.scrollTop < lastAutoTop - 4) {
      following = false;
      renderFollow();
    }
  });

  function append(chunk) {
    if (!chunk) return;
    text += chunk;
    chars += chunk.length;
    if (chars > MAX_CHARS) {
      text = text.slice(text.length - MAX_CHARS / 2);
      text = text.slice(text.indexOf('\n') + 1);
      chars = text.length;
      pre.textContent = text;
    } else {
      pre.append(document.createTextNode(chunk));
    }
    empty.hidden = true;
    follow();
    if (onText) onText(text, chunk);
  }

  function reset() {
    text = '';
    chars = 0;
    nextOffset = 0;
    pre.textContent = '';
    empty.hidden = false;
  }

  async function readLoop() {
    for (let i = 0; i < 64 && !destroyed; i++) {
      const res = await api.get(`/api/jobs/${api.enc(jobId)}/log?offset=${nextOffset}`);
      const chunk = res.log || '';
      const next = typeof res.next_offset === 'number' ? res.next_offset : nextOffset + bytes(chunk);
      if (next < nextOffset) {
        // The file behind the log changed (e.g. the trainer's own log gave way to output.log): start over.
        reset();
        continue;
      }
      append(chunk);
      nextOffset = next;
      if (!chunk) break;
    }
  }

  async function fetchMore() {
    if (destroyed) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    const before = nextOffset;
    try {
      do {
        again = false;
        await readLoop();
      } while (again && !destroyed);
      status.textContent = '';
    } catch (e) {
      if (e.status === 404) status.textContent = 'log unavailable';
      else if (e.status !== 401) status.textContent = `could not read the log (${e.message})`;
    } finally {
      busy = false;
    }
    const pending = queue;
    queue = [];
    const progressed = nextOffset !== before;
    for (const ev of pending) apply(ev, progressed);
  }

  function apply(ev, mayRefetch = true) {
    if (!ev || typeof ev.offset !== 'number' || typeof ev.text !== 'string') return;
    if (busy) {
      queue.push(ev);
      return;
    }
    const b = encoder.encode(ev.text);
    if (ev.offset === nextOffset) {
      append(ev.text);
      nextOffset += b.length;
    } else if (ev.offset + b.length <= nextOffset) {
      // an older duplicate
    } else if (ev.offset < nextOffset) {
      append(decoder.decode(b.slice(nextOffset - ev.offset)));
      nextOffset = ev.offset + b.length;
    } else if (mayRefetch) {
      fetchMore(); // a gap: we missed something
    }
  }

  function onEvent(body) {
    if (body && body.type === 'job_log' && (!body.job_id || body.job_id === jobId)) apply(body);
  }

  function copy() {
    copyText(text).then(() => toast('Log copied to the clipboard', { kind: 'success' }), (e) => toastError(e, 'Copy failed: '));
  }

  function download() {
    downloadText(`${jobId}.log`, text);
  }

  renderFollow();

  return {
    el,
    /** Subscribes to pushes and reads the log from the start. */
    start() {
      if (started) return;
      started = true;
      offBus = bus.subscribe(`jobs.log.${jobId}`, onEvent);
      busy = false;
      fetchMore();
      stopFresh = bus.keepFresh(fetchMore);
    },
    /** Reads whatever is left after next_offset (e.g. when the job finished). */
    catchUp: fetchMore,
    get text() { return text; },
    get nextOffset() { return nextOffset; },
    destroy() {
      destroyed = true;
      if (offBus) offBus();
      if (stopFresh) stopFresh();
    },
  };
}
