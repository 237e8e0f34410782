// Keyboard shortcuts: / search, j / k next / previous job, ? this help, p pause or resume live
// updates. Ignored while typing in a field or with a dialog open, and never with Ctrl, Alt or Meta.
import { navigate } from './router.js';
import { dialog, h } from './ui.js';

const HELP = [
  ['/', 'Search jobs'],
  ['j', 'Next job in the list'],
  ['k', 'Previous job in the list'],
  ['p', 'Pause or resume live updates'],
  ['?', 'This help'],
  ['Esc', 'Leave a field, a dialog or the full-screen log'],
];

function typing(el) {
  return el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** The jobs shown in the list or the table, in order. */
function jobIds() {
  return [...document.querySelectorAll('[data-testid=job-row], [data-testid=table-row]')]
    .filter((r) => r.offsetParent !== null).map((r) => r.dataset.jobId);
}

function move(d) {
  const ids = jobIds();
  if (!ids.length) return;
  const m = /^\/jobs\/([^/]+)$/.exec(location.pathname);
  const at = m ? ids.indexOf(decodeURIComponent(m[1])) : -1;
  const next = at < 0 ? (d > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, at + d));
  navigate(`/jobs/${encodeURIComponent(ids[next])}${location.search}`);
  requestAnimationFrame(() => document.querySelector(`[data-job-id="${CSS.escape(ids[next])}"]`)?.scrollIntoView({ block: 'nearest' }));
}

export function showHelp() {
  return dialog({
    title: 'Keyboard shortcuts', confirmLabel: 'Close', cancelLabel: 'Back', testid: 'shortcuts-help',
    body: h('dl', { class: 'shortcuts' }, HELP.flatMap(([k, what]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, what)])),
  });
}

/** Installs the handler; togglePause flips live updates. Returns an uninstall function. */
export function installShortcuts({ togglePause }) {
  const onKey = (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target) || document.querySelector('dialog[open]')) return;
    if (e.key === '/') {
      const search = document.querySelector('[data-testid=job-search]');
      e.preventDefault();
      if (search) search.focus();
      else {
        navigate('/jobs');
        requestAnimationFrame(() => document.querySelector('[data-testid=job-search]')?.focus());
      }
    } else if (e.key === 'j') move(1);
    else if (e.key === 'k') move(-1);
    else if (e.key === 'p') togglePause();
    else if (e.key === '?') showHelp();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
