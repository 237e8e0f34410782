// Submit forms for train (with an optional lr/batch-size sweep) and predict jobs. The server is the
// validator: its problem+json field errors are shown next to their fields.
import * as api from '../api.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { h, field, clearErrors, showErrors, toast, toastError, dialog, shortId, ago, num } from '../ui.js';
import { JOB_TYPE, SUBMIT_TYPES } from '../vocabulary.js';
import { executionFields } from './submit-execution.js';

const numInput = (attrs = {}) => h('input', { type: 'number', inputmode: 'numeric', ...attrs });

/** Reads a form's fields into a request body; `spec` maps name -> 'str'|'int'|'float'|'bool'. */
function readBody(form, spec, bad) {
  const body = {};
  for (const [name, kind] of Object.entries(spec)) {
    const input = form.elements.namedItem(name);
    if (!input) continue;
    if (kind === 'bool') {
      body[name] = input.checked;
      continue;
    }
    if (input.validity && input.validity.badInput) {
      bad.push({ field: name, message: 'must be a number' });
      continue;
    }
    const v = String(input.value || '').trim();
    if (v === '') continue;
    if (kind === 'int') body[name] = /^[+-]?\d+$/.test(v) ? Number(v) : v;
    else if (kind === 'float') body[name] = Number.isFinite(Number(v)) ? Number(v) : v;
    else body[name] = v;
  }
  return body;
}

function parseList(raw, kind) {
  return String(raw || '').split(/[\s,;]+/).filter(Boolean).map((v) => {
    const n = Number(v);
    if (!Number.isFinite(n)) return v;
    return kind === 'int' && !/^[+-]?\d+$/.test(v) ? v : n;
  });
}

const TRAIN_SPEC = {
  dataset_id: 'str', gene_size: 'int', output_dim: 'int', use_drug_structure: 'bool', batch_size: 'int', lr: 'float',
  epochs: 'int', priority: 'int', depends_on: 'str', prepared_dataset_id: 'str', control_dataset_id: 'str',
};
const PREDICT_SPEC = {
  dataset_id: 'str', model_id: 'str', model_path: 'str', gene_size: 'int', output_dim: 'int', use_drug_structure: 'bool',
  priority: 'int', depends_on: 'str',
};

export const submitView = {
  key: 'submit',
  mount(el, params, query) {
    const kind = !params.kind ? JOB_TYPE.TRAIN : SUBMIT_TYPES.includes(params.kind) ? params.kind : null;
    if (!kind) {
      navigate('/submit/train', { replace: true });
      return {};
    }
    let destroyed = false;
    let datasets = [];
    let autofilled = { gene_size: null, output_dim: null };

    const datasetSelect = h('select', { name: 'dataset_id', 'data-testid': 'field-dataset_id' }, h('option', { value: '' }, 'Loading datasets…'));
    const geneSize = numInput({ name: 'gene_size', min: 1, step: 1, 'data-testid': 'field-gene_size' });
    const outputDim = numInput({ name: 'output_dim', min: 1, step: 1, 'data-testid': 'field-output_dim' });
    const drug = h('input', { type: 'checkbox', name: 'use_drug_structure', 'data-testid': 'field-use_drug_structure' });
    const priority = numInput({ name: 'priority', step: 1, placeholder: 'default 0', 'data-testid': 'field-priority' });
    const dependsOn = h('input', { type: 'text', name: 'depends_on', list: 'recent-jobs', placeholder: 'job id (optional)', autocomplete: 'off', spellcheck: 'false', 'data-testid': 'field-depends_on' });
    const recentJobs = h('datalist', { id: 'recent-jobs' });
    const summary = h('div', { class: 'form-error', 'data-testid': 'form-error', role: 'alert', tabindex: '-1', hidden: true });
    const submitBtn = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': `submit-${kind}` }, `Submit ${kind} job`);
    const tplBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'save-form-template', onclick: saveAsTemplate }, 'Save as template');

    const common = [
      field({ label: 'Dataset', name: 'dataset_id', input: datasetSelect, hint: 'CSV files in the data directory; shape shown as genes → outputs.' }),
      h('div', { class: 'grid-2' },
        field({ label: 'Gene size', name: 'gene_size', input: geneSize, hint: 'Input features (g0…gN)' }),
        field({ label: 'Output dim', name: 'output_dim', input: outputDim, hint: 'Targets (y0…yM)' })),
      field({ label: 'Use drug structure', name: 'use_drug_structure', input: drug }),
    ];
    let sweepCount = null;
    let specific;
    if (kind === JOB_TYPE.TRAIN) {
      const lrs = h('input', { type: 'text', name: 'sweep.lr', placeholder: 'e.g. 0.001, 0.0001', 'data-testid': 'sweep-lr', oninput: updateSweep });
      const bss = h('input', { type: 'text', name: 'sweep.batch_size', placeholder: 'e.g. 32, 64', 'data-testid': 'sweep-batch_size', oninput: updateSweep });
      sweepCount = h('span', { class: 'small muted', 'data-testid': 'sweep-count' });
      specific = [
        h('div', { class: 'grid-3' },
          field({ label: 'Batch size', name: 'batch_size', input: numInput({ name: 'batch_size', min: 1, step: 1, placeholder: 'default 64', 'data-testid': 'field-batch_size' }) }),
          field({ label: 'Learning rate', name: 'lr', input: h('input', { type: 'text', inputmode: 'decimal', name: 'lr', placeholder: 'default 0.0001', 'data-testid': 'field-lr' }) }),
          field({ label: 'Epochs', name: 'epochs', input: numInput({ name: 'epochs', min: 1, max: 10000, step: 1, placeholder: 'server default', 'data-testid': 'field-epochs' }) })),
        h('details', { class: 'sweep', 'data-testid': 'sweep-editor' },
          h('summary', {}, 'Hyperparameter sweep ', h('span', { class: 'muted small' }, '— one shard job per combination')),
          h('div', { class: 'grid-2' },
            field({ label: 'Learning rates', name: 'sweep.lr', input: lrs, hint: 'Comma-separated; replaces the single learning rate' }),
            field({ label: 'Batch sizes', name: 'sweep.batch_size', input: bss, hint: 'Comma-separated; replaces the single batch size' })),
          h('div', { class: 'field-error', 'data-error-for': 'sweep', role: 'alert', hidden: true }),
          sweepCount),
        h('details', { class: 'advanced' }, h('summary', {}, 'Advanced'),
          h('div', { class: 'grid-2' },
            field({ label: 'Prepared dataset id', name: 'prepared_dataset_id', input: h('input', { type: 'text', name: 'prepared_dataset_id', autocomplete: 'off' }) }),
            field({ label: 'Control dataset id', name: 'control_dataset_id', input: h('input', { type: 'text', name: 'control_dataset_id', autocomplete: 'off' }) }))),
      ];
    } else {
      const modelSelect = h('select', { name: 'model_id', 'data-testid': 'field-model_id' }, h('option', { value: '' }, '— none —'));
      specific = [
        h('div', { class: 'grid-2' },
          field({ label: 'Model', name: 'model_id', input: modelSelect, hint: 'A model registered by one of your train jobs' }),
          field({ label: 'or model path', name: 'model_path', input: h('input', { type: 'text', name: 'model_path', placeholder: 'inside the artifacts directory', autocomplete: 'off', 'data-testid': 'field-model_path' }), hint: 'Give a model or a path — or neither, if it depends on a train job' })),
      ];
      loadModels(modelSelect);
    }
    const execution = executionFields();
    const form = h('form', { class: 'card form', novalidate: true, 'data-testid': `${kind}-form`, 'aria-labelledby': 'submit-title' },
      common, specific, execution.el,
      h('div', { class: 'grid-2' },
        field({ label: 'Priority', name: 'priority', input: priority, hint: 'Higher starts first among your queued jobs' }),
        field({ label: 'Depends on', name: 'depends_on', input: dependsOn, hint: 'Starts after this job succeeds' })),
      recentJobs,
      summary,
      h('div', { class: 'form-actions' }, submitBtn, tplBtn));

    function updateSweep() {
      if (!sweepCount) return;
      const a = parseList(form.elements.namedItem('sweep.lr').value, 'float').length;
      const b = parseList(form.elements.namedItem('sweep.batch_size').value, 'int').length;
      const n = (a || 1) * (b || 1);
      sweepCount.textContent = a || b ? `${n} combination${n === 1 ? '' : 's'} → ${n} shard job${n === 1 ? '' : 's'} under one sweep` : '';
    }

    function buildBody() {
      const bad = [];
      const body = readBody(form, kind === JOB_TYPE.TRAIN ? TRAIN_SPEC : PREDICT_SPEC, bad);
      execution.read(form, body, bad);
      if (kind === JOB_TYPE.TRAIN) {
        const sweep = {};
        const lr = parseList(form.elements.namedItem('sweep.lr').value, 'float');
        const bs = parseList(form.elements.namedItem('sweep.batch_size').value, 'int');
        if (lr.length) sweep.lr = lr;
        if (bs.length) sweep.batch_size = bs;
        if (Object.keys(sweep).length) {
          body.sweep = sweep;
          if (sweep.lr) delete body.lr;
          if (sweep.batch_size) delete body.batch_size;
        }
      }
      return { body, bad };
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const { body, bad } = buildBody();
      if (bad.length) {
        showErrors(form, { fieldErrors: bad, message: 'Invalid input' });
        return;
      }
      submitBtn.disabled = true;
      submitBtn.textContent = 'Submitting…';
      try {
        const res = await api.post(`/api/jobs/${kind}`, body);
        toast(`${body.sweep ? 'Sweep' : kind === JOB_TYPE.TRAIN ? 'Train job' : 'Predict job'} submitted: ${res.job.job_id}`, { kind: 'success' });
        navigate(`/jobs/${encodeURIComponent(res.job.job_id)}`);
      } catch (err) {
        if (destroyed) return;
        showErrors(form, err);
      } finally {
        submitBtn.disabled = false;
        submitBtn.textContent = `Submit ${kind} job`;
      }
    });

    async function saveAsTemplate() {
      const { body, bad } = buildBody();
      if (bad.length) {
        showErrors(form, { fieldErrors: bad, message: 'Invalid input' });
        return;
      }
      const v = await dialog({
        title: 'Save as template', confirmLabel: 'Save template', testid: 'template-dialog',
        fields: [{ name: 'name', label: 'Template name', value: `${kind} ${body.dataset_id || ''}`.trim() }],
      });
      if (!v) return;
      try {
        await api.post('/api/templates', { name: v.name.trim(), job_type: kind, params: body });
        toast(`Template “${v.name.trim()}” saved`, { kind: 'success' });
      } catch (err) {
        toastError(err, 'Could not save the template: ');
      }
    }

    datasetSelect.addEventListener('change', () => autofill(true));
    function autofill(force) {
      const ds = datasets.find((d) => d.dataset_id === datasetSelect.value);
      if (!ds) return;
      for (const [input, key] of [[geneSize, 'gene_size'], [outputDim, 'output_dim']]) {
        if (ds[key] == null) continue;
        if (force ? (input.value === '' || input.value === String(autofilled[key])) : input.value === '') {
          input.value = String(ds[key]);
          autofilled[key] = ds[key];
        }
      }
    }

    async function loadDatasets(preset) {
      try {
        const res = await api.get('/api/datasets');
        datasets = res.items || [];
      } catch (e) {
        datasets = [];
      }
      if (destroyed) return;
      datasetSelect.replaceChildren(...(datasets.length
        ? datasets.map((d) => h('option', { value: d.dataset_id },
          `${d.dataset_id}${d.gene_size != null ? ` — ${d.gene_size} genes → ${d.output_dim} outputs` : ''}${d.rows != null ? `, ${d.rows} rows` : ''}`))
        : [h('option', { value: '' }, 'No datasets found')]));
      if (preset && preset.dataset_id && !datasets.some((d) => d.dataset_id === preset.dataset_id)) {
        datasetSelect.append(h('option', { value: preset.dataset_id }, preset.dataset_id));
      }
      if (preset && preset.dataset_id) datasetSelect.value = preset.dataset_id;
      autofill(false);
    }

    async function loadModels(select) {
      try {
        const res = await api.get('/api/models?limit=200');
        if (destroyed) return;
        const preset = query.get('model_id') || select.dataset.preset;
        for (const m of res.items || []) {
          const metrics = m.metrics && typeof m.metrics === 'object'
            ? Object.entries(m.metrics).filter(([, v]) => typeof v === 'number').slice(0, 1).map(([k, v]) => `${k} ${num(v)}`).join('') : '';
          select.append(h('option', { value: m.model_id },
            [m.model_id, m.job_id ? `from ${shortId(m.job_id)}` : '', metrics, m.created_at ? ago(m.created_at) : ''].filter(Boolean).join(' · ')));
        }
        if (preset) {
          if (![...select.options].some((o) => o.value === preset)) select.append(h('option', { value: preset }, preset));
          select.value = preset;
        }
      } catch (e) {
        // the model list is a convenience; model_path still works
      }
    }

    async function loadRecent() {
      try {
        const res = await api.get('/api/jobs?limit=50');
        if (destroyed) return;
        recentJobs.replaceChildren(...(res.items || []).filter((j) => j.job_type !== JOB_TYPE.CLOUD).map((j) =>
          h('option', { value: j.job_id }, `${j.job_type} · ${j.status} · ${ago(j.created_at)}`)));
      } catch (e) {
        // optional
      }
    }

    function fill(p) {
      for (const [k, v] of Object.entries(p)) {
        const input = form.elements.namedItem(k);
        if (!input || v === null || v === undefined) continue;
        if (input.type === 'checkbox') input.checked = !!v;
        else if (input.tagName === 'SELECT') {
          input.dataset.preset = String(v);
          if (![...input.options].some((o) => o.value === String(v))) input.append(h('option', { value: String(v) }, String(v)));
          input.value = String(v);
        }
        else input.value = String(v);
      }
      if (p.sweep && typeof p.sweep === 'object' && kind === JOB_TYPE.TRAIN) {
        if (Array.isArray(p.sweep.lr)) form.elements.namedItem('sweep.lr').value = p.sweep.lr.join(', ');
        if (Array.isArray(p.sweep.batch_size)) form.elements.namedItem('sweep.batch_size').value = p.sweep.batch_size.join(', ');
        form.querySelector('details.sweep').open = true;
        updateSweep();
      }
      execution.fill(form, p);
    }

    async function prefill() {
      const preset = {};
      for (const k of Object.keys(kind === JOB_TYPE.TRAIN ? TRAIN_SPEC : PREDICT_SPEC)) {
        if (query.has(k)) preset[k] = query.get(k);
      }
      const from = query.get('from');
      if (from) {
        try {
          const { job } = await api.get(`/api/jobs/${api.enc(from)}`);
          Object.assign(preset, job.params || {});
          if (job.priority) preset.priority = job.priority;
          if (job.depends_on) preset.depends_on = job.depends_on;
          toast(`Form filled from ${shortId(from)}`);
        } catch (e) {
          toastError(e, 'Could not load the job to copy: ');
        }
      }
      if (destroyed) return;
      fill(preset);
      await loadDatasets(preset);
    }

    const me = session.me || {};
    el.append(h('div', { class: 'page' },
      h('div', { class: 'page-head' },
        h('div', {}, h('h1', { class: 'page-title', id: 'submit-title' }, 'New job'),
          h('p', { class: 'muted' }, 'Submit a local training or prediction job. It is queued under your account and runs as soon as a slot is free.')),
        h('nav', { class: 'tabs', 'aria-label': 'Job kind' },
          h('a', { href: '/submit/train', class: 'tab', 'aria-current': kind === JOB_TYPE.TRAIN ? 'page' : null, 'data-testid': 'tab-train' }, 'Train'),
          h('a', { href: '/submit/predict', class: 'tab', 'aria-current': kind === JOB_TYPE.PREDICT ? 'page' : null, 'data-testid': 'tab-predict' }, 'Predict'),
          h('a', { href: '/cloud', class: 'tab', 'data-testid': 'tab-cloud' }, 'Cloud'))),
      h('div', { class: 'form-layout' }, form,
        h('aside', { class: 'card help' },
          h('h2', { class: 'card-title' }, 'What happens next'),
          h('ol', { class: 'steps' },
            h('li', {}, 'The job is ', h('strong', {}, 'queued'), '. In ', h('strong', {}, me.schedule_mode || 'serial'),
              ' mode ', me.schedule_mode === 'parallel' ? 'up to 3 of your jobs run at once.' : 'one of your jobs runs at a time.'),
            h('li', {}, 'It ', h('strong', {}, 'runs'), ' as its own process group; stage, progress and the log stream in live.'),
            h('li', {}, kind === JOB_TYPE.TRAIN ? 'On success its model is registered and can be used for predictions.' : 'On success the predictions can be previewed and downloaded as CSV.')),
          kind === JOB_TYPE.TRAIN ? h('p', { class: 'small muted' }, 'A sweep creates one parent job and one shard per combination; cancel, delete and rerun of the parent act on all of them.') : null))));
    prefill();
    loadRecent();
    return { destroy() { destroyed = true; } };
  },
};
