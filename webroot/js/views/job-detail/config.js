// The job's configuration: the Details card (type, provider, links, ids, node or provider facts)
// and the Parameters card, with the parameters users look for first at the top.
import { h, cost, num, shortId, toast, kv, copyText } from '../../ui.js';
import { isLocal } from '../../vocabulary.js';

const PARAM_ORDER = ['dataset_id', 'prepared_dataset_id', 'control_dataset_id', 'model_id', 'model_path', 'gene_size', 'output_dim',
  'use_drug_structure', 'epochs', 'batch_size', 'lr', 'sweep'];

const jobLink = (id, testid) => h('a', { href: `/jobs/${encodeURIComponent(id)}`, class: 'mono', 'data-testid': testid }, shortId(id));

/** A path that may wrap only after a slash, never inside a name. */
function pathWithBreaks(p) {
  return p.split('/').flatMap((part, i) => (i ? [h('wbr'), `/${part}`] : [part]));
}

export function detailsCard(t) {
  const local = isLocal(t);
  return h('section', { class: 'card' }, h('h3', { class: 'card-title' }, 'Details'), kv([
    ['Type', t.job_type],
    local ? null : ['Provider', t.provider],
    ['Priority', String(t.priority ?? 0)],
    t.depends_on ? ['Depends on', jobLink(t.depends_on, 'depends-on-link')] : ['Depends on', '—'],
    t.parent_id ? ['Sweep', jobLink(t.parent_id, 'parent-id-link')] : null,
    t.model_id ? ['Model', h('span', { class: 'mono', 'data-testid': 'model-id' }, t.model_id)] : null,
    t.result_id ? ['Result', h('span', { class: 'mono', 'data-testid': 'result-id' }, t.result_id)] : null,
    local ? ['Node', t.node_id ? h('span', { class: 'mono' }, t.node_id) : '—'] : ['External id', t.external_id ? h('span', { class: 'mono' }, t.external_id) : '—'],
    local ? ['PID', t.pid != null ? String(t.pid) : '—'] : ['Hardware', t.hardware || '—'],
    ['Exit code', t.exit_code != null ? String(t.exit_code) : '—'],
    local ? null : ['Cost', h('span', { 'data-testid': 'detail-cost' }, cost(t.cost_usd))],
    t.artifacts_dir ? ['Artifacts', h('span', { class: 'mono small path', 'data-testid': 'artifacts-path' }, pathWithBreaks(t.artifacts_dir))] : null,
  ]));
}

export function paramsCard(t) {
  const p = t.params || {};
  const keys = Object.keys(p).filter((k) => p[k] !== null && p[k] !== undefined).sort((a, b) => {
    const ia = PARAM_ORDER.indexOf(a);
    const ib = PARAM_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  return h('section', { class: 'card' },
    h('div', { class: 'card-head' }, h('h3', { class: 'card-title' }, 'Parameters'), h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'copy-params', onclick: () => copyText(JSON.stringify(p, null, 2)).then(() => toast('Parameters copied')) }, 'Copy JSON')),
    keys.length ? h('table', { class: 'table table-compact', 'data-testid': 'job-params' },
      h('tbody', {}, keys.map((k) => h('tr', { 'data-param': k }, h('th', { scope: 'row', class: 'mono' }, k),
        h('td', { class: 'mono break' }, typeof p[k] === 'object' && p[k] !== null ? JSON.stringify(p[k]) : num(p[k]))))))
      : h('p', { class: 'muted' }, 'No parameters.'));
}
