// A live log that follows the end. First GET /api/jobs/{id}/log?offset=0, then pushed `job_log`
// chunks from jobs.log.<id> are appended when their byte offset is our next_offset; older
// duplicates are dropped and a gap makes us read again from next_offset. Offline, it reads on a timer.
// Lines render virtually (log-lines.js) with numbers and ANSI colours; a search marks and steps
// through matches; wrap and full screen are toggles; Download streams the whole file from the server.
import * as api from '../api.js';
import * as bus from '../bus.js';
import { h, add, toast, toastError, copyText, icon } from '../ui.js';
import { logLines } from './log-lines.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (s) => encoder.encode(s).length;

export function logViewer(jobId, { onText } = {}) {
  let nextOffset = 0;
  let busy = false;
  let again = false;
  let queue = [];
  let following = true;
  let started = false;
  let destroyed = false;
  let lastAutoTop = 0;
  let offBus = null;
  let stopFresh = null;

  const pre = h('div', {
    class: 'log', 'data-testid': 'log-view', tabindex: '0', role: 'log', 'aria-label': `Log of ${jobId}`, 'aria-live': 'off',
  });
  const lines = logLines(pre);
  const empty = h('div', { class: 'log-empty muted', 'data-testid': 'log-empty' }, 'No output yet.');
  const followBtn = h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'follow-button', onclick: () => setFollow(!following) });
  const status = h('span', { class: 'small muted', 'data-testid': 'log-status' });
  let hits = [];
  let hit = -1;
  let searchTimer = null;
  const searchBox = h('input', {
    type: 'search', class: 'log-search', 'data-testid': 'log-search', 'aria-label': 'Search the log', placeholder: 'Search log',
    oninput: () => { clearTimeout(searchTimer); searchTimer = setTimeout(runSearch, 200); },
    onkeydown: (e) => {
      if (e.key === 'Enter') { e.preventDefault(); clearTimeout(searchTimer); if (searchBox.value.toLowerCase() !== lastTerm) runSearch(); else step(e.shiftKey ? -1 : 1); }
      if (e.key === 'Escape' && searchBox.value) { e.stopPropagation(); searchBox.value = ''; runSearch(); }
    },
  });
  let lastTerm = '';
  const hitCount = h('span', { class: 'small muted nowrap', 'data-testid': 'log-search-count', 'aria-live': 'polite' });
  const toggle = (label, testid, title, onclick) => h('button', { type: 'button', class: 'btn btn-xs btn-toggle', 'data-testid': testid, title, 'aria-pressed': 'false', onclick }, label);
  let wrapped = false;
  const wrapBtn = toggle('Wrap', 'log-wrap-toggle', 'Wrap long lines', () => {
    wrapped = !wrapped;
    wrapBtn.setAttribute('aria-pressed', String(wrapped));
    lines.setWrap(wrapped);
    if (following) scrollToEnd();
  });
  const fullBtn = toggle('Full screen', 'log-fullscreen', 'Show the log over the whole window (Esc leaves)', () => setFull(!el.classList.contains('log-full')));
  const el = h('section', { class: 'card log-card', 'aria-labelledby': `log-title-${jobId}`, 'data-testid': 'log-card' },
    h('div', { class: 'card-head log-head' },
      h('h3', { class: 'card-title', id: `log-title-${jobId}` }, 'Log'),
      status,
      h('span', { class: 'spacer' }),
      searchBox,
      h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'log-search-prev', 'aria-label': 'Previous match', onclick: () => step(-1) }, '↑'),
      h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'log-search-next', 'aria-label': 'Next match', onclick: () => step(1) }, '↓'),
      hitCount,
      wrapBtn,
      fullBtn,
      followBtn,
      h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'copy-log', onclick: copy }, icon('copy', { size: 14 }), 'Copy'),
      h('a', { class: 'btn btn-xs', 'data-testid': 'download-log', href: `/api/jobs/${encodeURIComponent(jobId)}/log/download`, download: `${jobId}.log` },
        icon('download', { size: 14 }), 'Download')),
    h('div', { class: 'log-wrap' }, pre, empty));

  function runSearch() {
    lastTerm = searchBox.value.toLowerCase();
    hits = lines.search(searchBox.value);
    hit = -1;
    if (hits.length) {
      setFollow(false);
      step(1);
    } else {
      hitCount.textContent = searchBox.value ? 'no match' : '';
    }
  }

  /** Moves to the next (+1) or previous (-1) match, wrapping around. */
  function step(d) {
    if (!hits.length) return;
    hit = (hit + d + hits.length) % hits.length;
    hitCount.textContent = `${hit + 1} of ${hits.length}`;
    setFollow(false);
    lines.reveal(hits[hit]);
  }

  function setFull(on) {
    el.classList.toggle('log-full', on);
    fullBtn.setAttribute('aria-pressed', String(on));
    document.body.classList.toggle('has-full-log', on);
    lines.render();
    if (following) scrollToEnd();
    pre.focus();
  }
  el.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && el.classList.contains('log-full')) { e.stopPropagation(); setFull(false); }
  });

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
    lines.append(chunk);
    lines.render();
    empty.hidden = true;
    follow();
    // Progress is parsed from the newest lines only, never the whole log again.
    if (onText) onText(lines.tail(50), chunk);
  }

  function reset() {
    nextOffset = 0;
    lines.reset();
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
    copyText(lines.text()).then(() => toast('Log copied to the clipboard', { kind: 'success' }), (e) => toastError(e, 'Copy failed: '));
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
    /** Runs fn, which moves the viewer in the page; a moved element forgets its scroll position, so it is put back. */
    move(fn) {
      const top = pre.scrollTop;
      fn();
      if (following) scrollToEnd(); else pre.scrollTop = top;
      lines.render();
    },
    /** Reads whatever is left after next_offset (e.g. when the job finished). */
    catchUp: fetchMore,
    get text() { return lines.text(); },
    get nextOffset() { return nextOffset; },
    destroy() {
      destroyed = true;
      document.body.classList.remove('has-full-log');
      if (offBus) offBus();
      if (stopFresh) stopFresh();
    },
  };
}
