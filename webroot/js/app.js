// Boot: decide signed-in or not (GET /api/me), draw the shell, connect the event bus, route.
import * as api from './api.js';
import * as bus from './bus.js';
import * as live from './live.js';
import * as router from './router.js';
import { session, setMe, onMe } from './session.js';
import { h, replace, toast, toastError, refreshAges, icon, confirm } from './ui.js';
import { installShortcuts, showHelp } from './shortcuts.js';
import { applyTheme, themeToggle } from './theme.js';
import { loginView } from './views/login.js';
import { jobsView } from './views/jobs.js';
import { submitView } from './views/submit.js';
import { templatesView } from './views/templates.js';
import { analyticsView } from './views/analytics.js';
import { cloudView } from './views/cloud.js';
import { usersView } from './views/users.js';
import { nodesView } from './views/nodes.js';
import { notFoundView } from './views/notfound.js';
import { accountView } from './views/account.js';
import { compareView } from './views/compare.js';

const root = document.getElementById('app');
let offBus = null;
let offMe = null;
let offKeys = null;
let offPause = null;
applyTheme();

const NAV = [
  { href: '/jobs', label: 'Jobs', match: /^\/(jobs(\/.*)?)?$/ },
  { href: '/submit/train', label: 'New job', match: /^\/submit/ },
  { href: '/templates', label: 'Templates', match: /^\/templates/ },
  { href: '/analytics', label: 'Analytics', match: /^\/analytics/ },
  { href: '/cloud', label: 'Cloud', match: /^\/cloud/ },
  { href: '/admin/users', label: 'Users', match: /^\/(admin\/)?users/, admin: true },
  { href: '/admin/nodes', label: 'Nodes', match: /^\/admin\/nodes/, admin: true },
];

function logo() {
  return h('a', { href: '/jobs', class: 'brand', 'aria-label': 'Trainyard home' },
    h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, icon('logo', { size: 16 })), h('span', {}, 'Trainyard'));
}

function connectionIndicator() {
  const el = h('span', { class: 'conn', 'data-testid': 'connection', role: 'status', 'aria-live': 'polite' });
  const render = (s) => {
    const st = s.live ? 'live' : s.state === 'connecting' ? 'connecting' : s.state === 'open' ? 'limited' : 'offline';
    el.dataset.state = st;
    const text = { live: 'Live', connecting: 'Connecting…', limited: 'Live (limited) · refreshing', offline: 'Offline · refreshing every 3 s' }[st];
    el.title = {
      live: 'Connected to the event bus: updates are pushed',
      connecting: 'Connecting to the event bus',
      limited: 'The event bus refused a subscription; refreshing every 3 s',
      offline: 'Not connected to the event bus; retrying with backoff and refreshing every 3 s',
    }[st];
    replace(el, h('span', { class: 'conn-dot', 'aria-hidden': 'true' }), h('span', { class: 'conn-text' }, text));
  };
  render(bus.getState());
  offBus = bus.onState(render);
  return el;
}

function modeSwitch(me) {
  const wrap = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'My scheduling mode', 'data-testid': 'mode-switch' });
  const render = (user) => {
    replace(wrap, ['serial', 'parallel'].map((m) => h('button', {
      type: 'button', role: 'radio', 'aria-checked': String(user.schedule_mode === m), 'data-testid': `mode-${m}`,
      class: user.schedule_mode === m ? 'on' : '',
      title: m === 'serial' ? 'Run my jobs one at a time' : 'Run up to 3 of my jobs at once',
      onclick: () => setMode(m),
    }, m === 'serial' ? 'Serial' : 'Parallel')));
  };
  async function setMode(mode) {
    if (session.me.schedule_mode === mode) return;
    const ok = await confirm({
      title: mode === 'serial' ? 'Switch to serial mode?' : 'Switch to parallel mode?', confirmLabel: 'Switch', testid: 'mode-confirm',
      body: mode === 'serial'
        ? 'Your jobs will run one at a time from the next start decision; jobs already running keep running.'
        : 'Up to 3 of your jobs will run at once from the next start decision.',
    });
    if (!ok) return;
    try {
      const res = await api.patch(`/api/users/${session.me.id}`, { schedule_mode: mode });
      setMe({ ...session.me, ...(res.user || { schedule_mode: mode }) });
      toast(mode === 'serial' ? 'Serial mode: your jobs run one at a time' : 'Parallel mode: up to 3 of your jobs run at once', { kind: 'success' });
    } catch (e) {
      toastError(e, 'Could not change mode: ');
    }
  }
  render(me);
  offMe = onMe(render);
  return wrap;
}

/** Pause / resume of the live feed (also the p key): the views hold still while a user reads. */
function pauseButton() {
  const btn = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'data-testid': 'pause-live', onclick: () => live.setPaused(!live.isPaused()) });
  const render = (on, held = 0) => {
    btn.dataset.held = String(held);
    btn.textContent = on ? `▶ Resume${held ? ` (${held})` : ''}` : '❚❚ Pause';
    btn.setAttribute('aria-pressed', String(on));
    btn.title = on ? 'Live updates are paused: resume to apply what arrived meanwhile (p)' : 'Pause live updates (p)';
  };
  render(live.isPaused());
  offPause = live.onPause(render);
  return btn;
}

function shell(me) {
  const nav = h('nav', { class: 'nav', 'aria-label': 'Main' },
    NAV.filter((n) => !n.admin || me.is_admin).map((n) => h('a', { href: n.href, class: 'nav-link', 'data-nav': n.href }, n.label)));
  const header = h('header', { class: 'topbar' },
    h('a', { href: '#main', class: 'skip-link' }, 'Skip to content'),
    logo(), nav,
    h('div', { class: 'topbar-right' },
      connectionIndicator(),
      pauseButton(),
      themeToggle(),
      h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'data-testid': 'shortcuts-button', 'aria-label': 'Keyboard shortcuts', title: 'Keyboard shortcuts (?)', onclick: showHelp }, '?'),
      h('span', { class: 'mode-label muted small', id: 'mode-label' }, 'Mode'),
      modeSwitch(me),
      h('a', { href: '/account', class: 'user', 'data-testid': 'current-user', title: `Your account${me.is_admin ? ' (administrator)' : ''}` },
        h('span', { class: 'avatar', 'aria-hidden': 'true' }, (me.username || '?').slice(0, 1).toUpperCase()),
        h('span', { class: 'user-name' }, me.username), me.is_admin ? h('span', { class: 'badge badge-admin' }, 'admin') : null),
      h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'logout', onclick: signOut }, 'Sign out')));
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  return { header, main };
}

function highlightNav(path) {
  for (const a of document.querySelectorAll('.nav-link')) {
    const item = NAV.find((n) => n.href === a.dataset.nav);
    if (item && item.match.test(path)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function registerRoutes() {
  router.route('/', jobsView);
  router.route('/jobs', jobsView);
  router.route('/jobs/:id', jobsView);
  router.route('/submit', submitView);
  router.route('/submit/:kind', submitView);
  router.route('/templates', templatesView);
  router.route('/analytics', analyticsView);
  router.route('/compare', compareView);
  router.route('/cloud', cloudView);
  router.route('/admin/users', usersView);
  router.route('/admin/nodes', nodesView);
  router.route('/users', usersView);
  router.route('/account', accountView);
  router.route('/404', notFoundView);
}

function startApp(me) {
  setMe(me);
  document.body.classList.remove('signed-out');
  const { header, main } = shell(me);
  root.replaceChildren(header, main);
  live.start(me);
  if (offKeys) offKeys();
  offKeys = installShortcuts({ togglePause: () => live.setPaused(!live.isPaused()) });
  registerRoutes();
  router.start(main, {
    before: (path) => (path === '/login' || path === '/' ? '/jobs' : path === '/submit' ? '/submit/train' : null),
    onNavigate: (path) => {
      highlightNav(path);
      const title = path.startsWith('/jobs/') ? 'Job' : (NAV.find((n) => n.match.test(path)) || { label: 'Trainyard' }).label;
      document.title = `${title} · Trainyard`;
    },
  });
}

function teardownApp() {
  router.stop();
  live.stop();
  bus.disconnect();
  if (offBus) offBus();
  if (offMe) offMe();
  if (offKeys) offKeys();
  if (offPause) offPause();
  live.setPaused(false);
  offBus = offMe = offKeys = offPause = null;
  document.querySelectorAll('dialog').forEach((d) => d.remove());
}

function showLogin(message) {
  teardownApp();
  setMe(null);
  document.body.classList.add('signed-out');
  document.title = 'Sign in · Trainyard';
  root.replaceChildren();
  loginView(root, {
    message,
    onSuccess: (user) => {
      if (location.pathname === '/login' || location.pathname === '/') {
        const next = new URLSearchParams(location.search).get('next');
        history.replaceState({}, '', next && next.startsWith('/') && !next.startsWith('//') ? next : '/jobs');
      }
      startApp(user);
    },
  });
}

async function signOut() {
  try {
    await api.post('/api/auth/logout');
  } catch (e) {
    // the session is gone either way
  }
  history.pushState({}, '', '/login');
  showLogin('You have been signed out.');
}

let handlingUnauthorized = false;
api.onUnauthorized(() => {
  if (handlingUnauthorized || !session.me) return;
  handlingUnauthorized = true;
  showLogin('Your session has ended. Please sign in again.');
  handlingUnauthorized = false;
});

async function boot() {
  // Every relative time on screen is redrawn together, often enough that two never disagree for long.
  setInterval(() => refreshAges(), 5000);
  try {
    const { user } = await api.get('/api/me');
    startApp(user);
  } catch (e) {
    if (e.status === 401) {
      showLogin();
    } else {
      root.replaceChildren(h('div', { class: 'fatal' }, h('h1', {}, 'Trainyard is unavailable'), h('p', {}, e.message),
        h('button', { class: 'btn btn-primary', onclick: () => location.reload() }, 'Retry')));
    }
  }
}

boot();
