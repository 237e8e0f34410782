// A small client for the Vert.x SockJS event-bus bridge at /eventbus (outbound only).
// Protocol: we send {type:"register"|"unregister", address, headers} and {type:"ping"} every 5 s;
// the server sends {type:"rec", address, body} and {type:"err", body:"access_denied"}.
// The session cookie authenticates the socket. While the bridge is down the caller-supplied
// fallbacks poll every few seconds; while it is up nothing polls.

const PING_MS = 5000;
const MAX_BACKOFF_MS = 10000;

const handlers = new Map(); // address -> Set<fn(body)>
const stateListeners = new Set();
let sock = null;
let pingTimer = null;
let retryTimer = null;
let attempts = 0;
let wanted = false;
let everOpened = false;
let state = 'idle'; // idle | connecting | open | closed | unavailable
let denied = false;

/** True while pushed events can be relied on (socket open and no registration refused). */
export function isLive() {
  return state === 'open' && !denied;
}

export function getState() {
  return { state, denied, live: isLive(), attempts };
}

/** fn({state, denied, live, reconnected}) on every change; returns an unsubscribe function. */
export function onState(fn) {
  stateListeners.add(fn);
  return () => stateListeners.delete(fn);
}

function emit(extra = {}) {
  const s = { ...getState(), ...extra };
  for (const fn of [...stateListeners]) {
    try { fn(s); } catch (e) { console.error(e); }
  }
}

function send(frame) {
  if (sock && sock.readyState === 1) {
    sock.send(JSON.stringify(frame));
  }
}

export function connect() {
  wanted = true;
  if (sock || retryTimer) return;
  open();
}

function open() {
  retryTimer = null;
  if (typeof window.SockJS !== 'function') {
    state = 'unavailable';
    emit();
    return;
  }
  state = 'connecting';
  emit();
  let s;
  try {
    s = new window.SockJS('/eventbus', null, { timeout: 5000 });
  } catch (e) {
    scheduleRetry();
    return;
  }
  sock = s;
  s.onopen = () => {
    if (sock !== s) return;
    const reconnected = everOpened;
    everOpened = true;
    attempts = 0;
    denied = false;
    state = 'open';
    for (const address of handlers.keys()) send({ type: 'register', address, headers: {} });
    clearInterval(pingTimer);
    pingTimer = setInterval(() => send({ type: 'ping' }), PING_MS);
    emit({ reconnected });
  };
  s.onmessage = (e) => {
    if (sock !== s) return;
    let msg;
    try { msg = JSON.parse(e.data); } catch { return; }
    if (msg.type === 'rec' || msg.type === 'send' || msg.type === 'publish') {
      const set = handlers.get(msg.address);
      if (set) {
        for (const fn of [...set]) {
          try { fn(msg.body, msg); } catch (err) { console.error(err); }
        }
      }
    } else if (msg.type === 'err') {
      console.warn('event bus error', msg);
      if (msg.body === 'access_denied' || msg.message === 'access_denied') {
        // We cannot tell which registration was refused; trust pushes no more and fall back to polling.
        denied = true;
        emit();
      }
    }
  };
  s.onclose = () => {
    if (sock !== s) return;
    sock = null;
    clearInterval(pingTimer);
    pingTimer = null;
    if (!wanted) {
      state = 'idle';
      emit();
      return;
    }
    state = 'closed';
    emit();
    scheduleRetry();
  };
}

function scheduleRetry() {
  if (!wanted) return;
  attempts++;
  const base = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(attempts - 1, 5));
  const delay = base / 2 + Math.random() * base / 2;
  retryTimer = setTimeout(open, delay);
}

/** Closes the socket for good (sign-out) and forgets every registration. */
export function disconnect() {
  wanted = false;
  everOpened = false;
  clearTimeout(retryTimer);
  retryTimer = null;
  clearInterval(pingTimer);
  handlers.clear();
  const s = sock;
  sock = null;
  if (s) s.close();
  state = 'idle';
  denied = false;
  emit();
}

/** Registers fn for an address (registering with the server on first use); returns unsubscribe. */
export function subscribe(address, fn) {
  let set = handlers.get(address);
  if (!set) {
    set = new Set();
    handlers.set(address, set);
    send({ type: 'register', address, headers: {} });
  }
  set.add(fn);
  return () => {
    const cur = handlers.get(address);
    if (!cur) return;
    cur.delete(fn);
    if (cur.size === 0) {
      handlers.delete(address);
      send({ type: 'unregister', address, headers: {} });
    }
  };
}

/**
 * Keeps a view's state fresh: `refresh` runs every `ms` only while the bridge is not live, and once
 * whenever it becomes live (a (re)connect may have missed events). Returns a stop function.
 */
export function keepFresh(refresh, ms = 3000) {
  let timer = null;
  let wasLive = isLive();
  const sync = () => {
    if (isLive()) {
      clearInterval(timer);
      timer = null;
    } else if (!timer) {
      timer = setInterval(() => { if (!isLive()) refresh(); }, ms);
    }
  };
  const off = onState((s) => {
    if (s.live && !wasLive) refresh();
    wasLive = s.live;
    sync();
  });
  sync();
  return () => {
    off();
    clearInterval(timer);
  };
}
