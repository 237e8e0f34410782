// DOM building, formatting and small widgets (toasts, dialogs, chips, progress bars, form fields).
// Text always goes in as text nodes: nothing from the server is parsed as HTML.
import { JOB_TYPE, STATUS_LABEL, isActive } from './vocabulary.js';

const PROPS = new Set(['checked', 'disabled', 'selected', 'hidden', 'multiple', 'required', 'readOnly', 'indeterminate']);

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  let value;
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'value') value = v;
      else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
      else if (PROPS.has(k)) el[k] = !!v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  add(el, children);
  if (value !== undefined) el.value = value;
  return el;
}

export function add(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces el's content, restoring focus to the element with the same data-testid/id if it had it. */
export function replace(el, ...children) {
  const active = document.activeElement;
  let key = null;
  if (active && el.contains(active)) {
    key = active.id ? `#${CSS.escape(active.id)}`
      : active.dataset.testid ? `[data-testid="${CSS.escape(active.dataset.testid)}"]` : null;
  }
  el.replaceChildren();
  add(el, children);
  if (key) el.querySelector(key)?.focus();
}

// ---------- formatting ----------

export function ago(iso) {
  if (!iso) return '—';
  const s = (Date.now() - Date.parse(iso)) / 1000;
  if (s < 5) return 'just now';
  if (s < 60) return `${Math.floor(s)} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** A relative-time element that the app refreshes every 30 s. */
export function agoEl(iso, attrs = {}) {
  return h('time', { datetime: iso || '', 'data-ago': iso || '', title: iso ? dateTime(iso) : '', ...attrs }, ago(iso));
}

export function refreshAges(root = document) {
  for (const el of root.querySelectorAll('[data-ago]')) {
    if (el.dataset.ago) el.textContent = ago(el.dataset.ago);
  }
}

export function duration(sec) {
  if (sec === null || sec === undefined || Number.isNaN(sec)) return '—';
  sec = Math.max(0, sec);
  if (sec < 10 && sec !== Math.round(sec)) return `${sec.toFixed(1)} s`;
  sec = Math.round(sec);
  if (sec < 60) return `${sec} s`;
  if (sec < 3600) return `${Math.floor(sec / 60)} min ${sec % 60 ? `${sec % 60} s` : ''}`.trim();
  const hrs = Math.floor(sec / 3600);
  const min = Math.floor((sec % 3600) / 60);
  return `${hrs} h${min ? ` ${min} min` : ''}`;
}

export function secondsBetween(a, b) {
  if (!a) return null;
  return ((b ? Date.parse(b) : Date.now()) - Date.parse(a)) / 1000;
}

export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function cost(usd) {
  if (usd === null || usd === undefined) return '—';
  const n = Number(usd);
  if (n === 0) return '$0.00';
  return n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

export function num(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v.toLocaleString();
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? Number(v.toPrecision(4)).toExponential() : String(Number(v.toPrecision(5)));
  }
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function shortId(id) {
  if (!id) return '';
  const m = /^([a-z]+_)(.*)$/.exec(id);
  return m && m[2].length > 10 ? `${m[1]}…${m[2].slice(-8)}` : id;
}

// ---------- status and progress ----------

export function statusChip(job, attrs = {}) {
  const cancelling = job.cancel_requested && isActive(job.status);
  const label = cancelling ? 'Cancelling…' : (STATUS_LABEL[job.status] || job.status);
  return h('span', {
    class: `chip chip-${job.status}${cancelling ? ' chip-cancelling' : ''}`,
    'data-testid': 'job-status', 'data-status': job.status, 'data-cancel-requested': cancelling ? 'true' : null, ...attrs,
  }, h('span', { class: 'chip-dot', 'aria-hidden': 'true' }), label);
}

export function progressBar(value, { label = 'Progress', testid = 'progress-bar', running = false } = {}) {
  const known = value !== null && value !== undefined && !Number.isNaN(Number(value));
  const v = known ? Math.max(0, Math.min(100, Number(value))) : 0;
  return h('div', {
    class: `progress${running ? ' progress-running' : ''}${known ? '' : ' progress-unknown'}`,
    role: 'progressbar', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100,
    'aria-valuenow': known ? v : null, 'aria-valuetext': known ? `${v.toFixed(1)}%` : 'unknown', 'data-testid': testid,
  }, h('div', { class: 'progress-fill', style: { width: `${known ? v : 100}%` } }));
}

export function typeBadge(job) {
  const t = job.job_type === JOB_TYPE.CLOUD ? (job.provider || JOB_TYPE.CLOUD) : job.job_type;
  return h('span', { class: `badge badge-${job.job_type}`, 'data-testid': 'job-type' }, t);
}

// ---------- toasts ----------

export function toast(message, { kind = 'info', timeout = 5000 } = {}) {
  const box = document.getElementById('toasts');
  if (!box) return;
  const close = () => el.remove();
  const el = h('div', { class: `toast toast-${kind}`, 'data-testid': 'toast', role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'toast-msg' }, message),
    h('button', { class: 'icon-btn', type: 'button', 'aria-label': 'Dismiss', onclick: close }, '×'));
  box.append(el);
  if (timeout) setTimeout(close, timeout);
}

export function toastError(err, prefix = '') {
  toast(`${prefix}${err && err.message ? err.message : err}`, { kind: 'error', timeout: 8000 });
}

// ---------- dialogs ----------

/**
 * A modal dialog. `body` is a node or text; `fields` ([{name,label,type,value,options,hint}]) turn
 * it into a small form whose values are resolved. Resolves to null when dismissed.
 */
export function dialog({ title, body, fields = [], confirmLabel = 'OK', cancelLabel = 'Cancel', danger = false, testid = 'dialog' }) {
  return new Promise((resolve) => {
    const inputs = {};
    const form = h('form', { method: 'dialog', class: 'dialog-form', novalidate: true });
    const dlg = h('dialog', { class: 'dialog', 'data-testid': testid, 'aria-labelledby': 'dlg-title' });
    const fieldEls = fields.map((f) => {
      const id = `dlg-${f.name}`;
      let input;
      if (f.type === 'select') {
        input = h('select', { id, name: f.name, value: f.value }, f.options.map((o) => h('option', { value: o.value }, o.label)));
      } else if (f.type === 'textarea') {
        input = h('textarea', { id, name: f.name, rows: f.rows || 6, class: 'mono', value: f.value || '' });
      } else if (f.type === 'radio') {
        input = h('div', { class: 'radio-group', role: 'radiogroup', 'aria-label': f.label },
          f.options.map((o, i) => h('label', { class: 'radio' },
            h('input', { type: 'radio', name: f.name, value: o.value, checked: o.value === f.value || (!f.value && i === 0) }),
            h('span', {}, h('strong', {}, o.label), o.hint ? h('span', { class: 'muted small' }, ` — ${o.hint}`) : null))));
      } else if (f.type === 'checkbox') {
        input = h('input', { id, name: f.name, type: 'checkbox', checked: !!f.value });
      } else {
        input = h('input', { id, name: f.name, type: f.type || 'text', value: f.value || '', autocomplete: f.autocomplete || 'off', required: f.required });
      }
      inputs[f.name] = input;
      return h('div', { class: 'field' },
        f.type === 'radio' ? null : h('label', { for: id }, f.label),
        input,
        f.hint ? h('div', { class: 'hint' }, f.hint) : null,
        h('div', { class: 'field-error', 'data-error-for': f.name, hidden: true }));
    });
    const done = (ok) => {
      let values = null;
      if (ok) {
        values = {};
        for (const f of fields) {
          if (f.type === 'radio') values[f.name] = form.querySelector(`input[name="${f.name}"]:checked`)?.value;
          else if (f.type === 'checkbox') values[f.name] = inputs[f.name].checked;
          else values[f.name] = inputs[f.name].value;
        }
        if (!fields.length) values = true;
      }
      dlg.close();
      dlg.remove();
      resolve(values);
    };
    add(form, [
      h('h2', { id: 'dlg-title', class: 'dialog-title' }, title),
      body ? h('div', { class: 'dialog-body' }, body) : null,
      fieldEls,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', 'data-testid': 'confirm-cancel', onclick: () => done(false) }, cancelLabel),
        h('button', { type: 'submit', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, 'data-testid': 'confirm-ok' }, confirmLabel)),
    ]);
    form.addEventListener('submit', (e) => { e.preventDefault(); done(true); });
    dlg.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    dlg.append(form);
    document.body.append(dlg);
    dlg.showModal();
    const first = fields.length ? form.querySelector('input,select,textarea') : form.querySelector('[data-testid="confirm-ok"]');
    first?.focus();
  });
}

export const confirm = (opts) => dialog(opts).then((v) => v !== null);

// ---------- forms ----------

let fieldSeq = 0;

/** A labelled form field with a hint and an error slot `[data-error-for=name]`. */
export function field({ label, name, input, hint, cls = '' }) {
  const id = input.id || `f-${name.replace(/[^a-z0-9]/gi, '-')}-${++fieldSeq}`;
  input.id = id;
  if (!input.name && input.tagName !== 'DIV') input.name = name;
  const errId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  input.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  const isCheck = input.type === 'checkbox';
  return h('div', { class: `field ${isCheck ? 'field-check' : ''} ${cls}`, 'data-field': name },
    isCheck ? h('label', { for: id, class: 'check' }, input, h('span', {}, label)) : [h('label', { for: id }, label), input],
    hint ? h('div', { class: 'hint', id: hintId }, hint) : null,
    h('div', { class: 'field-error', id: errId, 'data-error-for': name, role: 'alert', hidden: true }));
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('[data-error-for]')) {
    el.textContent = '';
    el.hidden = true;
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const summary = form.querySelector('[data-testid="form-error"]');
  if (summary) {
    summary.textContent = '';
    summary.hidden = true;
  }
}

/** Shows a problem+json's per-field messages next to their fields and the rest in the form summary. */
export function showErrors(form, err) {
  clearErrors(form);
  const rest = [];
  let first = null;
  for (const e of (err.fieldErrors || [])) {
    const name = String(e.field || '');
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`)
      || form.querySelector(`[data-error-for="${CSS.escape(name.split('.')[0])}"]`);
    if (!slot) {
      rest.push(`${name}: ${e.message}`);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent}; ${e.message}` : e.message;
    slot.hidden = false;
    const input = form.querySelector(`[name="${CSS.escape(slot.dataset.errorFor)}"]`);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      first = first || input;
    }
  }
  const summary = form.querySelector('[data-testid="form-error"]');
  if (summary) {
    const n = (err.fieldErrors || []).length;
    summary.textContent = n
      ? `Please fix ${n === 1 ? 'the highlighted field' : `${n} fields`}.${rest.length ? ` ${rest.join('; ')}` : ''}`
      : (err.message || 'Request failed');
    summary.hidden = false;
  }
  (first || summary)?.focus?.();
}

export function spinner(label = 'Loading') {
  return h('span', { class: 'spinner', role: 'status', 'aria-label': label });
}

export function emptyState(title, text, ...actions) {
  return h('div', { class: 'empty' }, h('div', { class: 'empty-title' }, title), text ? h('p', { class: 'muted' }, text) : null,
    actions.length ? h('div', { class: 'row gap' }, actions) : null);
}

export function kv(rows) {
  return h('dl', { class: 'kv' }, rows.filter(Boolean).map(([k, v, attrs]) => [h('dt', {}, k), h('dd', attrs || {}, v ?? '—')]));
}

export function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  const ta = h('textarea', { style: { position: 'fixed', opacity: '0' } });
  ta.value = text;
  document.body.append(ta);
  ta.select();
  document.execCommand('copy');
  ta.remove();
  return Promise.resolve();
}

export function downloadText(name, text, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---------- icons (constant SVG markup, never user data) ----------
const ICONS = {
  logo: '<path d="M6 5v14M18 5v14M6 8h12M6 12h12M6 16h12" stroke-width="2.2"/>',
  copy: '<rect x="9" y="9" width="11" height="11" rx="2"/><path d="M5 15V6a2 2 0 0 1 2-2h8"/>',
  download: '<path d="M12 4v11M7 10l5 5 5-5M5 20h14"/>',
  follow: '<path d="M12 5v13M6 12l6 6 6-6"/>',
  plus: '<path d="M12 5v14M5 12h14"/>',
  sync: '<path d="M20 11a8 8 0 0 0-14.6-4.5M4 4v4h4M4 13a8 8 0 0 0 14.6 4.5M20 20v-4h-4"/>',
};

export function icon(name, { size = 16, label } = {}) {
  const tpl = document.createElement('template');
  tpl.innerHTML = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="${size}" height="${size}" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" class="icon">${ICONS[name] || ''}</svg>`;
  const svg = tpl.content.firstChild;
  if (label) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
  } else {
    svg.setAttribute('aria-hidden', 'true');
  }
  return svg;
}
