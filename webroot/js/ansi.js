// ANSI SGR colours in log lines, as segments the log viewer renders: [{text, cls}] where cls names
// classes from app.css (ansi-fg-1..15, ansi-bold, ansi-dim, ansi-italic, ansi-underline). Other escape
// sequences (cursor moves, erase) are dropped: a log is read, not replayed.
const ESC = /\x1b\[([0-9;]*)([A-Za-z])/g;

export function stripAnsi(line) {
  return line.replace(ESC, '');
}

export function ansiSegments(line) {
  if (line.indexOf('\x1b[') < 0) return [{ text: line, cls: '' }];
  const out = [];
  let fg = null;
  let attrs = new Set();
  let last = 0;
  const cls = () => [fg != null ? `ansi-fg-${fg}` : '', ...attrs].filter(Boolean).join(' ');
  for (const m of line.matchAll(ESC)) {
    if (m.index > last) out.push({ text: line.slice(last, m.index), cls: cls() });
    last = m.index + m[0].length;
    if (m[2] !== 'm') continue;
    const codes = m[1] === '' ? [0] : m[1].split(';').map(Number);
    for (const c of codes) {
      if (c === 0) { fg = null; attrs = new Set(); }
      else if (c === 1) attrs.add('ansi-bold');
      else if (c === 2) attrs.add('ansi-dim');
      else if (c === 3) attrs.add('ansi-italic');
      else if (c === 4) attrs.add('ansi-underline');
      else if (c === 22) { attrs.delete('ansi-bold'); attrs.delete('ansi-dim'); }
      else if (c === 39) fg = null;
      else if (c >= 30 && c <= 37) fg = c - 30;
      else if (c >= 90 && c <= 97) fg = c - 90 + 8;
    }
  }
  if (last < line.length) out.push({ text: line.slice(last), cls: cls() });
  return out;
}
