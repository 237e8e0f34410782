// The log's lines, rendered virtually: only the lines in view (plus a margin) are in the DOM, each a
// fixed-height row with its number, ANSI colours and search marks, so a log of millions of lines
// scrolls like a short one. With wrap on, rows have any height, so the newest WRAP_MAX lines are
// rendered whole instead.
import { h } from '../ui.js';
import { ansiSegments, stripAnsi } from '../ansi.js';

export const LINE_H = 19; // px; .log-line's height in app.css
const OVERSCAN = 30;
const WRAP_MAX = 5000;
/** Lines kept in the browser; older ones are dropped (the download has the whole file). */
export const KEEP_LINES = 400_000;

export function logLines(view) {
  let lines = [];
  let dropped = 0; // lines before lines[0]: numbering stays that of the file
  let partial = '';
  let wrap = false;
  let term = '';
  let current = -1; // index (in lines) of the current search match
  let scheduled = false;
  const spacer = h('div', { class: 'log-spacer' });
  const win = h('div', { class: 'log-window' });
  view.append(spacer, win);

  function marked(text, isCurrent) {
    const segs = ansiSegments(text);
    const out = [];
    for (const s of segs) {
      if (!term) { out.push(s.cls ? h('span', { class: s.cls }, s.text) : s.text); continue; }
      const lower = s.text.toLowerCase();
      let at = 0;
      let i;
      const parts = [];
      while ((i = lower.indexOf(term, at)) >= 0) {
        if (i > at) parts.push(s.text.slice(at, i));
        parts.push(h('mark', { class: isCurrent ? 'log-mark current' : 'log-mark' }, s.text.slice(i, i + term.length)));
        at = i + term.length;
      }
      if (at < s.text.length) parts.push(s.text.slice(at));
      out.push(s.cls ? h('span', { class: s.cls }, parts) : parts);
    }
    return out;
  }

  function row(i) {
    return h('div', { class: `log-line${i === current ? ' current' : ''}`, 'data-line': String(dropped + i + 1) },
      h('span', { class: 'ln', 'aria-hidden': 'true' }, String(dropped + i + 1)),
      h('span', { class: 'lt' }, marked(lines[i], i === current)));
  }

  function all() {
    return partial ? lines.length + 1 : lines.length;
  }

  function lineAt(i) {
    return i < lines.length ? lines[i] : partial;
  }

  function render() {
    scheduled = false;
    const n = all();
    if (wrap) {
      spacer.style.height = '0px';
      win.style.transform = '';
      const from = Math.max(0, n - WRAP_MAX);
      win.replaceChildren(...Array.from({ length: n - from }, (_, k) => rowOf(from + k)));
      return;
    }
    spacer.style.height = `${n * LINE_H}px`;
    const first = Math.max(0, Math.floor(view.scrollTop / LINE_H) - OVERSCAN);
    const last = Math.min(n, Math.ceil((view.scrollTop + view.clientHeight) / LINE_H) + OVERSCAN);
    win.style.transform = `translateY(${first * LINE_H}px)`;
    win.replaceChildren(...Array.from({ length: Math.max(0, last - first) }, (_, k) => rowOf(first + k)));
  }

  function rowOf(i) {
    if (i < lines.length) return row(i);
    // the unfinished last line
    lines.push(partial);
    const r = row(i);
    lines.pop();
    return r;
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(render);
  }
  view.addEventListener('scroll', () => { if (!wrap) schedule(); });

  return {
    /** Appends text (any split); answers the number of lines now held. */
    append(text) {
      const parts = (partial + text).split('\n');
      partial = parts.pop();
      for (const p of parts) lines.push(p.endsWith('\r') ? p.slice(0, -1) : p);
      if (lines.length > KEEP_LINES) {
        const cut = lines.length - KEEP_LINES + Math.floor(KEEP_LINES / 10);
        lines = lines.slice(cut);
        dropped += cut;
        current = -1;
      }
      schedule();
      return all();
    },
    reset() {
      lines = [];
      partial = '';
      dropped = 0;
      current = -1;
      schedule();
    },
    get count() { return all(); },
    get dropped() { return dropped; },
    /** The newest lines as plain text (progress parsing reads only these). */
    tail(n) { return lines.slice(-n).concat(partial ? [partial] : []).join('\n'); },
    text() { return lines.join('\n') + (partial ? `\n${partial}` : ''); },
    setWrap(on) { wrap = on; view.classList.toggle('log-wrapped', on); render(); },
    /** Sets the search term; answers the indexes of the lines holding it. */
    search(t) {
      term = t.toLowerCase();
      current = -1;
      const hits = [];
      if (term) for (let i = 0; i < all(); i++) if (stripAnsi(lineAt(i)).toLowerCase().includes(term)) hits.push(i);
      schedule();
      return hits;
    },
    /** Makes line i the current match and scrolls it into the middle of the view. */
    reveal(i) {
      current = i;
      if (wrap) {
        render();
        win.querySelector('.log-line.current')?.scrollIntoView({ block: 'center' });
      } else {
        view.scrollTop = Math.max(0, i * LINE_H - view.clientHeight / 2);
        render();
      }
    },
    render,
  };
}
