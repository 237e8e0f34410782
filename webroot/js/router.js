// History-API routing. Every non-API path is served index.html by the server, so deep links and
// reloads land here and are resolved on the client.

const routes = [];
let current = null; // {route, instance, params}
let outlet = null;
let guard = null;
let afterNavigate = () => {};

/** pattern: '/jobs/:id'; view: {key, mount(el, params, query) -> {update?(params, query), destroy?()}} */
export function route(pattern, view) {
  const names = [];
  const re = new RegExp(`^${pattern.replace(/\/:([a-z_]+)/g, (_, n) => { names.push(n); return '/([^/]+)'; })}/?$`);
  routes.push({ re, names, view, pattern });
}

export function start(el, { onNavigate, before } = {}) {
  outlet = el;
  guard = before || null;
  afterNavigate = onNavigate || (() => {});
  window.addEventListener('popstate', render);
  document.addEventListener('click', intercept);
  render();
}

export function stop() {
  window.removeEventListener('popstate', render);
  document.removeEventListener('click', intercept);
  teardown();
  routes.length = 0;
}

function teardown() {
  if (current && current.instance && current.instance.destroy) {
    try { current.instance.destroy(); } catch (e) { console.error(e); }
  }
  current = null;
}

export function navigate(path, { replace = false } = {}) {
  if (path === location.pathname + location.search) {
    if (!replace) render();
    return;
  }
  history[replace ? 'replaceState' : 'pushState']({}, '', path);
  render();
}

function intercept(e) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || /^\/(api|eventbus|webjars|metrics)(\/|$)/.test(url.pathname)) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
}

function match(path) {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { route: r, params };
    }
  }
  return null;
}

export function render() {
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  if (guard) {
    const redirect = guard(path);
    if (redirect && redirect !== path) {
      history.replaceState({}, '', redirect);
      return render();
    }
  }
  const found = match(path) || match('/404');
  if (!found) return undefined;
  const { route: r, params } = found;
  if (current && current.route.view.key === r.view.key && current.instance && current.instance.update) {
    current.route = r;
    current.instance.update(params, query);
  } else {
    teardown();
    outlet.replaceChildren();
    const instance = r.view.mount(outlet, params, query) || {};
    current = { route: r, instance };
  }
  afterNavigate(path);
  return undefined;
}
