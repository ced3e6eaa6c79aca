// api.js — every call to /api/v1 goes through api(): it adds the bearer
// token kept in sessionStorage, applies a timeout, and turns any failure
// into an ApiError with a message a person can act on. A 401 also raises
// the "tailor:auth" event, on which the app shows its token form.

const TOKEN_KEY = 'tailor.token';
const TIMEOUT_MS = 30000;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;   // HTTP status, 0 for network errors and timeouts
    this.code = code;
  }
}

export function getToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

export function setToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: the token lives for this call only */ }
}

// api('/customers', {query: {q: 'x'}}) → parsed JSON. Options: method,
// body (sent as JSON), query (object; empty values are left out), signal.
export async function api(path, opts = {}) {
  const url = new URL('/api/v1' + path, location.origin);
  for (const [k, v] of Object.entries(opts.query || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = 'Bearer ' + token;
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new DOMException('timeout', 'TimeoutError')), TIMEOUT_MS);
  if (opts.signal) {
    if (opts.signal.aborted) ctl.abort(opts.signal.reason);
    else opts.signal.addEventListener('abort', () => ctl.abort(opts.signal.reason), { once: true });
  }
  let res;
  try {
    res = await fetch(url, { method: opts.method || 'GET', headers, body, signal: ctl.signal,
                             credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    if (opts.signal && opts.signal.aborted) throw e;   // the caller moved on
    const timedOut = e && e.name === 'TimeoutError' || ctl.signal.reason?.name === 'TimeoutError';
    throw new ApiError(0, timedOut ? 'timeout' : 'network',
      timedOut ? 'The server took too long to answer.' : 'The server cannot be reached.');
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    if (res.status === 401) window.dispatchEvent(new CustomEvent('tailor:auth'));
    throw new ApiError(res.status, err.code || 'http_' + res.status,
      err.message || `The server answered ${res.status} ${res.statusText}.`);
  }
  if (data === null) throw new ApiError(res.status, 'bad_reply', 'The server sent an unreadable answer.');
  return data;
}
