// Admin: the cluster's nodes (from PostgreSQL, so every node shows the same), with drain and resume.
import * as api from '../api.js';
import { session } from '../session.js';
import { h, replace, toast, toastError, agoEl, emptyState, spinner, refreshAges } from '../ui.js';

const CHIP = { up: 'chip-success', draining: 'chip-queued', lost: 'chip-failed' };
const REFRESH_MS = 5000;

export const nodesView = {
  key: 'nodes',
  mount(el) {
    if (!(session.me || {}).is_admin) {
      el.append(h('div', { class: 'page narrow' }, emptyState('Administrators only', 'Ask an administrator to drain or resume nodes.')));
      return {};
    }
    let destroyed = false;
    let nodes = null;
    const listBox = h('div', { class: 'table-scroll' });

    async function act(node, action) {
      try {
        await api.post(`/api/admin/nodes/${api.enc(node.node_id)}/${action}`);
        toast(action === 'drain' ? `${node.node_id} starts no new jobs; its running jobs finish`
          : `${node.node_id} starts jobs again`, { kind: 'success' });
      } catch (e) {
        toastError(e, `Could not ${action} ${node.node_id}: `);
      }
      load();
    }

    function render() {
      if (nodes === null) {
        replace(listBox, h('div', { class: 'center pad' }, spinner()));
        return;
      }
      if (!nodes.length) {
        replace(listBox, emptyState('No nodes'));
        return;
      }
      replace(listBox, h('table', { class: 'table', 'data-testid': 'nodes' },
        h('thead', {}, h('tr', {}, ['Node', 'State', 'Running', 'Last heartbeat', 'Version', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, nodes.map((n) => h('tr', { 'data-testid': 'node-row', 'data-node-id': n.node_id, 'data-state': n.state },
          h('td', {}, h('strong', {}, n.node_id)),
          h('td', {}, h('span', { class: `chip ${CHIP[n.state] || ''}`, 'data-testid': 'node-state' },
            h('span', { class: 'chip-dot', 'aria-hidden': 'true' }), n.state)),
          h('td', { 'data-testid': 'node-running' }, `${n.running} of ${n.capacity}`),
          h('td', { class: 'small muted' }, agoEl(n.last_heartbeat_at)),
          h('td', { class: 'small muted' }, n.version),
          h('td', { class: 'actions-cell' },
            n.state === 'up' ? h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'node-drain',
              'aria-label': `Drain ${n.node_id}`, onclick: () => act(n, 'drain') }, 'Drain') : null,
            n.state === 'draining' ? h('button', { type: 'button', class: 'btn btn-xs', 'data-testid': 'node-resume',
              'aria-label': `Resume ${n.node_id}`, onclick: () => act(n, 'resume') }, 'Resume') : null))))));
      refreshAges(listBox);
    }

    async function load() {
      try {
        nodes = (await api.get('/api/admin/nodes')).items || [];
      } catch (e) {
        nodes = nodes || [];
        if (e.status !== 401) toastError(e, 'Could not load nodes: ');
      }
      if (!destroyed) render();
    }

    const timer = setInterval(load, REFRESH_MS);
    el.append(h('div', { class: 'page' },
      h('div', { class: 'page-head' }, h('div', {}, h('h1', { class: 'page-title' }, 'Nodes'),
        h('p', { class: 'muted' }, 'Draining a node stops new starts there while its running jobs finish (for a rolling restart). '
          + 'A node whose heartbeat stops is declared lost; its running jobs fail and their slots free.'))),
      h('section', { class: 'card', 'aria-label': 'Nodes' }, listBox)));
    render();
    load();
    return { destroy() { destroyed = true; clearInterval(timer); } };
  },
};
