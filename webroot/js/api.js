// Same-origin REST client. The browser is signed in by its HttpOnly session cookie only:
// no token is ever read, stored or sent by this code.

/** A failed request; `problem` is the server's RFC 9457 body (or a synthesized one). */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

  /** [{field, message}] of a validation error, or []. */
  get fieldErrors() {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

let unauthorizedHandler = null;

/** Called once per 401 from any route except the sign-in itself. */
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

export async function request(method, path, body) {
  const opts = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new ApiError(0, { title: 'Network error', detail: 'The server cannot be reached. Is it running?' });
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (type.includes('json')) {
    data = await res.json().catch(() => null);
  } else if (res.status !== 204) {
    const text = await res.text().catch(() => '');
    data = res.ok ? text : { title: res.statusText, detail: text.slice(0, 300) || res.statusText };
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data && typeof data === 'object' ? data : { detail: String(data) });
    if (res.status === 401 && path !== '/api/auth/login' && unauthorizedHandler) {
      unauthorizedHandler(err);
    }
    throw err;
  }
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body = {}) => request('POST', path, body);
export const patch = (path, body) => request('PATCH', path, body);
export const del = (path) => request('DELETE', path);

/** Builds a query string from the non-empty entries of an object. */
export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const enc = (id) => encodeURIComponent(id);
