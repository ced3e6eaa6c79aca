// app.js — the dashboard's entry: hash routing (#/customers, #/customers/ID,
// #/products, #/products/ID, #/overview), the navigation, and the token form
// shown when the API answers 401.
import { h, replace } from './dom.js';
import { getToken, setToken } from './api.js';
import { errorBox } from './ui.js';
import * as customers from './pages/customers.js';
import * as customer from './pages/customer.js';
import * as products from './pages/products.js';
import * as product from './pages/product.js';
import * as overview from './pages/overview.js';

const ROUTES = [
  [/^\/customers$/, customers, 'customers'],
  [/^\/customers\/([^/]+)$/, customer, 'customers'],
  [/^\/products$/, products, 'products'],
  [/^\/products\/([^/]+)$/, product, 'products'],
  [/^\/overview$/, overview, 'overview'],
];

let current = null;   // AbortController of the page on screen

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/customers';
  const [path, qs] = raw.split('?');
  return { path, params: new URLSearchParams(qs || '') };
}

function route() {
  const { path, params } = parseHash();
  if (!path.startsWith('/')) return;   // an in-page anchor, not a route
  if (current) current.abort();
  current = new AbortController();
  const view = document.getElementById('view');
  replace(view);
  view.scrollTop = 0;
  let page = null, section = null, arg = null;
  for (const [re, mod, sec] of ROUTES) {
    const m = path.match(re);
    if (m) { page = mod; section = sec; arg = m[1] ? decodeURIComponent(m[1]) : null; break; }
  }
  for (const a of document.querySelectorAll('.nav a')) {
    if (a.dataset.section === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (!page) {
    document.title = 'Not found · tailor';
    view.append(h('div', { class: 'page-head' }, h('h1', { tabindex: '-1', id: 'page-title' }, 'Page not found')),
      h('p', {}, 'No page at this address. ', h('a', { href: '#/customers' }, 'Go to the customers.')));
  } else {
    document.title = ({ customers: 'Customers', products: 'Products', overview: 'Overview' })[section] + ' · tailor';
    try {
      page.render(view, params, current.signal, arg);
    } catch (err) {
      console.error(err);
      view.append(errorBox(err, route));
    }
  }
  // Focus moves to the new page's heading, so keyboard and screen-reader
  // users start at the top of what changed.
  const title = document.getElementById('page-title');
  if (title && document.activeElement !== document.getElementById('customer-search')) title.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

function tokenForm() {
  const dlg = document.getElementById('auth');
  if (!dlg.hidden) return;
  const input = h('input', { id: 'token-input', type: 'password', autocomplete: 'off', required: true,
                             'aria-describedby': 'token-help' });
  replace(dlg, h('form', { class: 'card auth-card', 'aria-labelledby': 'auth-title',
    onsubmit: e => { e.preventDefault(); setToken(input.value.trim()); dlg.hidden = true; route(); } },
    h('h2', { id: 'auth-title' }, 'This server needs an API token'),
    h('p', { id: 'token-help', class: 'muted' }, getToken()
      ? 'The token you gave was refused. Enter another one.'
      : 'Enter the bearer token you were given. It is kept for this browser tab only.'),
    h('div', { class: 'field' }, h('label', { for: 'token-input' }, 'API token'), input),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Use this token'),
      getToken() ? h('button', { type: 'button', class: 'btn', onclick: () => { setToken(''); dlg.hidden = true; route(); } }, 'Forget the token') : null)));
  dlg.hidden = false;
  input.focus();
}

function start() {
  document.getElementById('skip').addEventListener('click', e => {
    e.preventDefault();
    const t = document.getElementById('page-title') || document.getElementById('main');
    t.focus();
  });
  window.addEventListener('hashchange', route);
  window.addEventListener('tailor:auth', tokenForm);
  document.getElementById('noscript-note')?.remove();
  if (!location.hash) history.replaceState(null, '', '#/customers');
  route();
}

start();
