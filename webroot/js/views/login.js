// Sign-in page. The server answers with an HttpOnly session cookie; the token in the body is ignored.
import * as api from '../api.js';
import { h, field, icon } from '../ui.js';

export function loginView(root, { onSuccess, message }) {
  const username = h('input', { type: 'text', autocomplete: 'username', required: true, 'data-testid': 'login-username', autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'login-password' });
  const error = h('div', { class: 'form-error', 'data-testid': 'login-error', role: 'alert', hidden: true });
  const notice = message ? h('div', { class: 'notice', 'data-testid': 'login-notice' }, message) : null;
  const button = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'login-submit' }, 'Sign in');
  const form = h('form', { class: 'login-form', novalidate: true, 'aria-labelledby': 'login-title' },
    h('div', { class: 'login-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, icon('logo', { size: 16 })), 'Trainyard'),
    h('h1', { id: 'login-title', class: 'login-title' }, 'Sign in'),
    h('p', { class: 'muted' }, 'Training and prediction jobs, queued and followed live.'),
    notice,
    field({ label: 'Username', name: 'username', input: username }),
    field({ label: 'Password', name: 'password', input: password }),
    error,
    button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    if (!username.value.trim() || !password.value) {
      error.textContent = 'Enter your username and password.';
      error.hidden = false;
      (username.value.trim() ? password : username).focus();
      return;
    }
    button.disabled = true;
    button.textContent = 'Signing in…';
    try {
      await api.post('/api/auth/login', { username: username.value.trim(), password: password.value });
      const { user } = await api.get('/api/me');
      onSuccess(user);
    } catch (err) {
      error.textContent = err.status === 401 ? 'Wrong username or password.' : err.message;
      error.hidden = false;
      password.select();
      password.focus();
      button.disabled = false;
      button.textContent = 'Sign in';
    }
  });
  root.append(h('div', { class: 'login-page' }, form));
  username.focus();
}
