// Admin: users, their scheduling mode and admin flag, password resets, new users.
import * as api from '../api.js';
import { session, setMe } from '../session.js';
import { h, replace, field, clearErrors, showErrors, toast, toastError, dialog, agoEl, emptyState, spinner } from '../ui.js';

export const usersView = {
  key: 'users',
  mount(el) {
    const me = session.me || {};
    if (!me.is_admin) {
      el.append(h('div', { class: 'page narrow' }, emptyState('Administrators only', 'Ask an administrator to add users or change their modes.')));
      return {};
    }
    let destroyed = false;
    let users = null;
    const listBox = h('div', { class: 'table-scroll' });

    async function patch(u, body, okMessage) {
      try {
        const res = await api.patch(`/api/users/${u.id}`, body);
        const updated = res.user || { ...u, ...body };
        users = users.map((x) => (x.id === u.id ? updated : x));
        if (u.id === session.me.id) setMe({ ...session.me, ...updated });
        toast(okMessage, { kind: 'success' });
      } catch (e) {
        toastError(e, `Could not update ${u.username}: `);
      }
      render();
    }

    function render() {
      if (users === null) {
        replace(listBox, h('div', { class: 'center pad' }, spinner()));
        return;
      }
      if (!users.length) {
        replace(listBox, emptyState('No users'));
        return;
      }
      replace(listBox, h('table', { class: 'table', 'data-testid': 'users' },
        h('thead', {}, h('tr', {}, ['User', 'Mode', 'Admin', 'Created', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, users.map((u) => {
          const mode = h('select', {
            'aria-label': `Scheduling mode of ${u.username}`, 'data-testid': 'user-mode', value: u.schedule_mode,
            onchange: () => patch(u, { schedule_mode: mode.value }, `${u.username} is now in ${mode.value} mode`),
          }, h('option', { value: 'serial' }, 'serial (1 at a time)'), h('option', { value: 'parallel' }, 'parallel (up to 3)'));
          mode.value = u.schedule_mode;
          const admin = h('input', {
            type: 'checkbox', checked: u.is_admin, 'aria-label': `${u.username} is an administrator`, 'data-testid': 'user-admin',
            disabled: u.id === me.id,
            onchange: () => patch(u, { is_admin: admin.checked }, `${u.username} is ${admin.checked ? 'now' : 'no longer'} an administrator`),
          });
          return h('tr', { 'data-testid': 'user-row', 'data-user-id': u.id, 'data-username': u.username },
            h('td', {}, h('span', { class: 'avatar avatar-sm', 'aria-hidden': 'true' }, u.username.slice(0, 1).toUpperCase()), ' ',
              h('strong', {}, u.username), u.id === me.id ? h('span', { class: 'muted small' }, ' (you)') : null),
            h('td', {}, mode),
            h('td', {}, admin),
            h('td', { class: 'small muted' }, agoEl(u.created_at)),
            h('td', { class: 'actions-cell' }, h('button', {
              type: 'button', class: 'btn btn-xs', 'data-testid': 'user-password',
              onclick: async () => {
                const v = await dialog({
                  title: `New password for ${u.username}`, confirmLabel: 'Set password',
                  fields: [{ name: 'password', type: 'password', label: 'New password', autocomplete: 'new-password' }],
                });
                if (v && v.password) patch(u, { password: v.password }, `Password of ${u.username} changed`);
              },
            }, 'Set password')));
        }))));
    }

    async function load() {
      try {
        const res = await api.get('/api/users');
        users = res.items || [];
      } catch (e) {
        users = [];
        if (e.status !== 401) toastError(e, 'Could not load users: ');
      }
      if (!destroyed) render();
    }

    const username = h('input', { type: 'text', name: 'username', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', 'data-testid': 'new-username' });
    const password = h('input', { type: 'password', name: 'password', autocomplete: 'new-password', 'data-testid': 'new-password' });
    const mode = h('select', { name: 'schedule_mode', 'data-testid': 'new-mode' }, h('option', { value: 'serial' }, 'serial'), h('option', { value: 'parallel' }, 'parallel'));
    const isAdmin = h('input', { type: 'checkbox', name: 'is_admin', 'data-testid': 'new-admin' });
    const summary = h('div', { class: 'form-error', 'data-testid': 'form-error', role: 'alert', tabindex: '-1', hidden: true });
    const form = h('form', { class: 'card form', novalidate: true, 'data-testid': 'user-form', 'aria-labelledby': 'user-new' },
      h('h2', { class: 'card-title', id: 'user-new' }, 'Add user'),
      field({ label: 'Username', name: 'username', input: username }),
      field({ label: 'Password', name: 'password', input: password }),
      field({ label: 'Scheduling mode', name: 'schedule_mode', input: mode }),
      field({ label: 'Administrator', name: 'is_admin', input: isAdmin }),
      summary,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-user' }, 'Add user')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      try {
        const res = await api.post('/api/users', { username: username.value.trim(), password: password.value, schedule_mode: mode.value });
        if (isAdmin.checked && res.user) await api.patch(`/api/users/${res.user.id}`, { is_admin: true });
        toast(`User ${username.value.trim()} added`, { kind: 'success' });
        username.value = '';
        password.value = '';
        isAdmin.checked = false;
        load();
      } catch (err) {
        showErrors(form, err);
      }
    });

    el.append(h('div', { class: 'page' },
      h('div', { class: 'page-head' }, h('div', {}, h('h1', { class: 'page-title' }, 'Users'),
        h('p', { class: 'muted' }, 'Serial users run one job at a time, parallel users up to three. Changes apply to the next start decision.'))),
      h('div', { class: 'split' }, h('section', { class: 'card', 'aria-label': 'Users' }, listBox), form)));
    render();
    load();
    return { destroy() { destroyed = true; } };
  },
};
