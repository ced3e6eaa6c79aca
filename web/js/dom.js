// dom.js — building the page without innerHTML: every value from the API
// becomes a text node, so a customer's post can never become markup.

// h('a', {href: '#/x', class: 'btn', onclick: fn}, 'text', child, [more])
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') Object.assign(el.style, v);   // CSSOM: allowed by the CSP
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

const numFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const num1Fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function fmtNum(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return (digits ? num1Fmt : numFmt).format(v);
}

export function fmtMoney(v, currency) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (currency && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency,
                                              maximumFractionDigits: 0 }).format(v);
    } catch { /* unknown code: plain number below */ }
  }
  return numFmt.format(v) + (currency ? ' ' + currency : '');
}

export function fmtPct(v, digits = 0) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return (v * 100).toFixed(digits) + '%';
}

// "2024-03" → "Mar 2024"
export function fmtMonth(m) {
  const [y, mo] = String(m).split('-').map(Number);
  if (!y || !mo) return String(m);
  return new Date(Date.UTC(y, mo - 1, 1)).toLocaleDateString('en-US',
    { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

export function debounce(fn, ms) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}
