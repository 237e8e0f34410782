// Resources, time limit and retries of a submission. All optional; the server checks a request
// against the node's inventory and names the field (e.g. resources.gpus) when it cannot be met.
import { h, field } from '../ui.js';

const RESOURCE_KEYS = ['gpus', 'cpus', 'memory_mb'];
const LIMIT_KEYS = ['timeout_seconds', 'max_retries', 'retry_backoff_seconds'];

const intInput = (name, attrs = {}) => h('input', {
  type: 'number', inputmode: 'numeric', step: 1, name, autocomplete: 'off', 'data-testid': `field-${name}`, ...attrs,
});

/** The fieldset, with read(form, body, bad) to add what is filled in and fill(form, params) to prefill. */
export function executionFields() {
  const el = h('details', { class: 'advanced', 'data-testid': 'execution-editor' },
    h('summary', {}, 'Resources, time limit and retries ', h('span', { class: 'muted small' }, '— optional')),
    h('div', { class: 'grid-3' },
      field({ label: 'GPUs', name: 'resources.gpus', input: intInput('resources.gpus', { min: 0, placeholder: 'none' }),
        hint: 'Device ids are assigned at start (CUDA_VISIBLE_DEVICES)' }),
      field({ label: 'CPUs', name: 'resources.cpus', input: intInput('resources.cpus', { min: 1, placeholder: 'not counted' }) }),
      field({ label: 'Memory (MB)', name: 'resources.memory_mb', input: intInput('resources.memory_mb', { min: 1, placeholder: 'not counted' }) })),
    h('div', { class: 'grid-3' },
      field({ label: 'Time limit (s)', name: 'timeout_seconds', input: intInput('timeout_seconds', { min: 1, placeholder: 'no limit' }),
        hint: 'Stopped and failed when still running then' }),
      field({ label: 'Retries', name: 'max_retries', input: intInput('max_retries', { min: 0, max: 10, placeholder: 'no retry' }),
        hint: 'Failed runs queued again, 0 to 10' }),
      field({ label: 'Retry backoff (s)', name: 'retry_backoff_seconds', input: intInput('retry_backoff_seconds', { min: 0, placeholder: 'server default' }),
        hint: 'Doubles for each further attempt' })));

  function value(form, name, bad) {
    const input = form.elements.namedItem(name);
    if (!input) return undefined;
    if (input.validity && input.validity.badInput) {
      bad.push({ field: name, message: 'must be a whole number' });
      return undefined;
    }
    const v = String(input.value || '').trim();
    if (v === '') return undefined;
    // Sent as typed when it is not an integer, so the server names the field.
    return /^[+-]?\d+$/.test(v) ? Number(v) : v;
  }

  return {
    el,
    read(form, body, bad) {
      const resources = {};
      for (const k of RESOURCE_KEYS) {
        const v = value(form, `resources.${k}`, bad);
        if (v !== undefined) resources[k] = v;
      }
      if (Object.keys(resources).length) body.resources = resources;
      for (const k of LIMIT_KEYS) {
        const v = value(form, k, bad);
        if (v !== undefined) body[k] = v;
      }
    },
    fill(form, params) {
      const p = params || {};
      const r = p.resources || {};
      let any = false;
      for (const k of RESOURCE_KEYS) {
        if (r[k] != null) { form.elements.namedItem(`resources.${k}`).value = String(r[k]); any = true; }
      }
      for (const k of LIMIT_KEYS) {
        if (p[k] != null) { form.elements.namedItem(k).value = String(p[k]); any = true; }
      }
      if (any) el.open = true;
    },
  };
}
