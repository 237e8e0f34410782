// Saved job configurations: list, create, delete, submit (optionally with overrides).
import * as api from '../api.js';
import { navigate } from '../router.js';
import { h, replace, field, clearErrors, showErrors, toast, toastError, confirm, dialog, agoEl, emptyState, spinner } from '../ui.js';
import { JOB_TYPE, SUBMIT_TYPES } from '../vocabulary.js';

const EXAMPLE = { [JOB_TYPE.TRAIN]: { dataset_id: 'demo', gene_size: 64, output_dim: 4, epochs: 10, lr: 0.0001, batch_size: 64 },
  [JOB_TYPE.PREDICT]: { dataset_id: 'demo', gene_size: 64, output_dim: 4 } };

export const templatesView = {
  key: 'templates',
  mount(el) {
    let destroyed = false;
    let items = null;
    const tbody = h('tbody');
    const listBox = h('div', { class: 'table-scroll' });

    const name = h('input', { type: 'text', name: 'name', autocomplete: 'off', 'data-testid': 'template-name' });
    const type = h('select', { name: 'job_type', 'data-testid': 'template-job_type' }, SUBMIT_TYPES.map((t) => h('option', { value: t }, t)));
    const params = h('textarea', { name: 'params', rows: 9, class: 'mono', spellcheck: 'false', 'data-testid': 'template-params' });
    params.value = JSON.stringify(EXAMPLE[JOB_TYPE.TRAIN], null, 2);
    type.addEventListener('change', () => {
      const cur = params.value.trim();
      if (!cur || cur === JSON.stringify(EXAMPLE[JOB_TYPE.TRAIN], null, 2) || cur === JSON.stringify(EXAMPLE[JOB_TYPE.PREDICT], null, 2)) {
        params.value = JSON.stringify(EXAMPLE[type.value], null, 2);
      }
    });
    const summary = h('div', { class: 'form-error', 'data-testid': 'form-error', role: 'alert', tabindex: '-1', hidden: true });
    const form = h('form', { class: 'card form', novalidate: true, 'data-testid': 'template-form', 'aria-labelledby': 'tpl-new' },
      h('h2', { class: 'card-title', id: 'tpl-new' }, 'New template'),
      field({ label: 'Name', name: 'name', input: name }),
      field({ label: 'Job type', name: 'job_type', input: type }),
      field({ label: 'Parameters (JSON)', name: 'params', input: params, hint: 'The body of a train or predict submission.' }),
      summary,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'template-create' }, 'Save template')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      let p;
      try {
        p = JSON.parse(params.value || '{}');
        if (!p || typeof p !== 'object' || Array.isArray(p)) throw new Error('must be a JSON object');
      } catch (err) {
        showErrors(form, { fieldErrors: [{ field: 'params', message: `must be a JSON object (${err.message})` }] });
        return;
      }
      try {
        const res = await api.post('/api/templates', { name: name.value.trim(), job_type: type.value, params: p });
        toast(`Template “${res.template ? res.template.name : name.value}” saved`, { kind: 'success' });
        name.value = '';
        load();
      } catch (err) {
        showErrors(form, err);
      }
    });

    function paramsText(p) {
      return Object.entries(p || {}).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join('  ');
    }

    function render() {
      if (items === null) {
        replace(listBox, h('div', { class: 'center pad' }, spinner()));
        return;
      }
      if (!items.length) {
        replace(listBox, emptyState('No templates yet', 'Save one here, from the submit form, or from a job’s page with “Save as template”.'));
        return;
      }
      replace(tbody, items.map((t) => h('tr', { 'data-testid': 'template-row', 'data-template-id': t.template_id },
        h('td', {}, h('strong', {}, t.name)),
        h('td', {}, h('span', { class: `badge badge-${t.job_type}` }, t.job_type)),
        h('td', { class: 'mono small params-cell', title: JSON.stringify(t.params) }, paramsText(t.params)),
        h('td', { class: 'small muted nowrap' }, agoEl(t.created_at)),
        h('td', { class: 'nowrap actions-cell' },
          h('button', { type: 'button', class: 'btn btn-xs btn-primary', 'data-testid': 'template-submit', onclick: () => submit(t, {}) }, 'Submit'),
          h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'template-submit-overrides', onclick: () => submitWithOverrides(t) }, 'With overrides…'),
          h('button', { type: 'button', class: 'btn btn-xs btn-danger-ghost', 'data-testid': 'template-delete', onclick: () => remove(t) }, 'Delete')))));
      replace(listBox, h('table', { class: 'table', 'data-testid': 'templates' },
        h('thead', {}, h('tr', {}, ['Name', 'Type', 'Parameters', 'Created', ''].map((c) => h('th', { scope: 'col' }, c)))), tbody));
    }

    async function load() {
      try {
        const res = await api.get('/api/templates');
        items = res.items || [];
      } catch (e) {
        items = [];
        if (e.status !== 401) toastError(e, 'Could not load templates: ');
      }
      if (!destroyed) render();
    }

    async function submit(t, overrides) {
      try {
        const res = await api.post(`/api/templates/${api.enc(t.template_id)}/submit`, { overrides });
        toast(`Submitted from “${t.name}”: ${res.job.job_id}`, { kind: 'success' });
        navigate(`/jobs/${encodeURIComponent(res.job.job_id)}`);
      } catch (e) {
        const fields = e.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ');
        toastError(fields ? new Error(fields) : e, 'Submit failed: ');
      }
    }

    async function submitWithOverrides(t) {
      const v = await dialog({
        title: `Submit “${t.name}”`, confirmLabel: 'Submit', testid: 'overrides-dialog',
        body: 'Parameters given here replace the template’s for this submission only.',
        fields: [{ name: 'overrides', type: 'textarea', label: 'Overrides (JSON)', value: '{\n  "epochs": 5\n}' }],
      });
      if (!v) return;
      let o;
      try {
        o = JSON.parse(v.overrides || '{}');
      } catch (e) {
        toastError(e, 'Overrides are not valid JSON: ');
        return;
      }
      submit(t, o);
    }

    async function remove(t) {
      if (!(await confirm({ title: `Delete template “${t.name}”?`, confirmLabel: 'Delete', danger: true, body: 'Jobs submitted from it are not affected.' }))) return;
      try {
        await api.del(`/api/templates/${api.enc(t.template_id)}`);
        toast('Template deleted', { kind: 'success' });
        load();
      } catch (e) {
        toastError(e, 'Delete failed: ');
      }
    }

    el.append(h('div', { class: 'page' },
      h('div', { class: 'page-head' }, h('div', {}, h('h1', { class: 'page-title' }, 'Templates'),
        h('p', { class: 'muted' }, 'Saved job configurations. Submit one with a click, or override a few parameters.'))),
      h('div', { class: 'split' }, h('section', { class: 'card', 'aria-label': 'Templates' }, listBox), form)));
    render();
    load();
    return { destroy() { destroyed = true; } };
  },
};
