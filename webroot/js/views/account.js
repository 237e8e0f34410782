// The signed-in user's own page: who they are, and the webhook endpoints told when their jobs end.
// An endpoint's signing secret is shown once, right after it is added (the server never shows it again).
import * as api from '../api.js';
import { session } from '../session.js';
import { h, replace, field, clearErrors, showErrors, toast, toastError, confirm, agoEl, emptyState, spinner, copyText } from '../ui.js';

const EVENTS = [['job.succeeded', 'succeeded'], ['job.failed', 'failed'], ['job.canceled', 'canceled']];

function deliveries(d) {
  if (!d) return '—';
  const parts = [`${d.delivered} delivered`];
  if (d.pending) parts.push(`${d.pending} pending`);
  if (d.given_up) parts.push(`${d.given_up} given up`);
  const last = d.last_status != null ? ` · last answer HTTP ${d.last_status}` : d.last_error ? ` · last error: ${d.last_error}` : '';
  return parts.join(', ') + last;
}

export const accountView = {
  key: 'account',
  mount(el) {
    const me = session.me || {};
    let destroyed = false;
    let items = null;
    const listBox = h('div', { class: 'table-scroll' });
    const secretBox = h('div', { class: 'card callout', 'data-testid': 'notification-secret', hidden: true });

    function render() {
      if (items === null) {
        replace(listBox, h('div', { class: 'center pad' }, spinner()));
        return;
      }
      if (!items.length) {
        replace(listBox, emptyState('No endpoints', 'Add one to have Trainyard POST a signed message when one of your jobs ends.'));
        return;
      }
      replace(listBox, h('table', { class: 'table', 'data-testid': 'notification-endpoints' },
        h('thead', {}, h('tr', {}, ['URL', 'Events', 'Deliveries', 'Added', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, items.map((e) => h('tr', { 'data-testid': 'notification-row', 'data-endpoint-id': e.id },
          h('td', { class: 'mono small break' }, e.url),
          h('td', { class: 'small' }, e.events.map((x) => x.replace('job.', '')).join(', ')),
          h('td', { class: 'small', 'data-testid': 'notification-deliveries' }, deliveries(e.deliveries)),
          h('td', { class: 'small muted' }, agoEl(e.created_at)),
          h('td', { class: 'actions-cell' }, h('button', {
            type: 'button', class: 'btn btn-xs btn-danger', 'data-testid': 'notification-delete',
            'aria-label': `Remove the endpoint ${e.url}`,
            onclick: async () => {
              if (!await confirm({ title: 'Remove this endpoint?', body: `${e.url} will no longer be told when your jobs end.`, confirmLabel: 'Remove', danger: true })) return;
              try {
                await api.del(`/api/notifications/${encodeURIComponent(e.id)}`);
                toast('Endpoint removed', { kind: 'success' });
                load();
              } catch (err) {
                toastError(err, 'Could not remove it: ');
              }
            },
          }, 'Remove')))))));
    }

    async function load() {
      try {
        items = (await api.get('/api/notifications')).items || [];
      } catch (e) {
        items = [];
        if (e.status !== 401) toastError(e, 'Could not load your endpoints: ');
      }
      if (!destroyed) render();
    }

    const url = h('input', { type: 'url', name: 'url', autocomplete: 'off', spellcheck: 'false', placeholder: 'https://ci.example.com/hooks/trainyard', 'data-testid': 'notification-url' });
    const boxes = EVENTS.map(([value, label]) => h('input', { type: 'checkbox', name: 'events', value, checked: value !== 'job.canceled', 'data-testid': `notification-event-${label}`, 'aria-label': `When a job ${label}` }));
    const eventsGroup = h('div', { class: 'row gap', role: 'group', 'aria-label': 'Events' },
      EVENTS.map(([, label], i) => h('label', { class: 'check' }, boxes[i], h('span', {}, label))));
    const summary = h('div', { class: 'form-error', 'data-testid': 'form-error', role: 'alert', tabindex: '-1', hidden: true });
    const form = h('form', { class: 'card form', novalidate: true, 'data-testid': 'notification-form', 'aria-labelledby': 'ntf-new' },
      h('h2', { class: 'card-title', id: 'ntf-new' }, 'Add an endpoint'),
      field({ label: 'URL', name: 'url', input: url, hint: 'http or https; Trainyard POSTs {type, job} signed per Standard Webhooks.' }),
      h('div', { class: 'field', 'data-field': 'events' }, h('span', { class: 'label' }, 'When a job'), eventsGroup,
        h('div', { class: 'field-error', 'data-error-for': 'events', role: 'alert', hidden: true })),
      summary,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'notification-create' }, 'Add endpoint')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        const res = await api.post('/api/notifications', { url: url.value.trim(), events: boxes.filter((b) => b.checked).map((b) => b.value) });
        const secret = res.endpoint.secret;
        replace(secretBox,
          h('h3', { class: 'card-title' }, 'Signing secret'),
          h('p', { class: 'small' }, 'Shown only now. Verify each delivery\u2019s webhook-signature with it.'),
          h('code', { class: 'mono break', 'data-testid': 'notification-secret-value' }, secret), ' ',
          h('button', { type: 'button', class: 'btn btn-xs', onclick: () => copyText(secret).then(() => toast('Secret copied')) }, 'Copy'));
        secretBox.hidden = false;
        url.value = '';
        toast('Endpoint added', { kind: 'success' });
        load();
      } catch (err) {
        showErrors(form, err);
      }
    });

    el.append(h('div', { class: 'page' },
      h('div', { class: 'page-head' }, h('div', {}, h('h1', { class: 'page-title' }, 'Your account'),
        h('p', { class: 'muted' }, `Signed in as ${me.username || '?'} (${me.schedule_mode || 'serial'} mode).`))),
      h('h2', { class: 'section-title' }, 'Notifications'),
      secretBox,
      h('div', { class: 'split' }, h('section', { class: 'card', 'aria-label': 'Notification endpoints' }, listBox), form)));
    render();
    load();
    return { destroy() { destroyed = true; } };
  },
};
