// ui.js — the pieces every page is made of: cards that load on their own
// (skeleton of a fixed height while waiting, a message and a Retry button on
// failure), tags, bars, and the status line read out by screen readers.
import { h, replace } from './dom.js';
import { ApiError } from './api.js';

export function announce(text) {
  const s = document.getElementById('status');
  if (s) { s.textContent = ''; setTimeout(() => { s.textContent = text; }, 30); }
}

// A placeholder of `lines` grey bars; the card keeps its height when the
// data arrives (min-height is set per card in CSS).
export function skeleton(lines = 3) {
  const box = h('div', { class: 'skeleton', 'aria-hidden': 'true' });
  for (let i = 0; i < lines; i++) box.append(h('div', { class: 'skeleton-line' }));
  return box;
}

export function loading(label = 'Loading…', lines = 3) {
  return h('div', { class: 'loading', role: 'status' },
    h('span', { class: 'sr-only' }, label), skeleton(lines));
}

export function errorBox(err, retry) {
  const msg = err instanceof ApiError ? err.message : 'Something went wrong while drawing this part.';
  const detail = err instanceof ApiError && err.status ? ` (HTTP ${err.status})` : '';
  return h('div', { class: 'error', role: 'alert' },
    h('p', {}, h('strong', {}, 'Could not load this. '), msg + detail),
    retry ? h('button', { type: 'button', class: 'btn btn-small', onclick: retry }, 'Retry') : null);
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

// card('Title', {id, class, actions}) → {el, body}; body is where content goes.
export function card(title, opts = {}) {
  const body = h('div', { class: 'card-body' });
  const headingId = opts.id ? opts.id + '-title' : undefined;
  const el = h('section', { class: 'card ' + (opts.class || ''), id: opts.id,
                            'aria-labelledby': headingId },
    h('header', { class: 'card-head' }, h('h2', { id: headingId }, title), opts.actions || null),
    body);
  return { el, body };
}

// Runs load() and renders its result into body with render(); shows a
// skeleton meanwhile and an error with Retry if it fails. Returns the
// promise of the data (or null on failure). The render function may be
// async. A page that was left (signal aborted) is not touched.
export async function fill(body, load, render, { lines = 3, signal, keep = false } = {}) {
  if (!keep) replace(body, loading('Loading…', lines));
  body.setAttribute('aria-busy', 'true');
  try {
    const data = await load();
    if (signal && signal.aborted) return null;
    const out = await render(data);
    if (signal && signal.aborted) return null;
    if (out !== undefined) replace(body, out);
    return data;
  } catch (err) {
    if (signal && signal.aborted) return null;
    console.error(err);
    replace(body, errorBox(err, () => fill(body, load, render, { lines, signal })));
    return null;
  } finally {
    body.removeAttribute('aria-busy');
  }
}

const TAG_CLASSES = {
  low: 'tag-good', medium: 'tag-warn', high: 'tag-bad',
  active: 'tag-good', dormant: 'tag-muted', inactive: 'tag-muted', closed: 'tag-bad',
  positive: 'tag-good', neutral: 'tag-muted', negative: 'tag-bad',
  yes: 'tag-good', no: 'tag-muted',
};

export function tag(text, kind) {
  if (text === null || text === undefined || text === '') return null;
  const cls = kind || TAG_CLASSES[String(text).toLowerCase()] || 'tag-info';
  return h('span', { class: 'tag ' + cls }, String(text));
}

// A horizontal bar for a value in [0, 1] with a visible label.
export function meter(value, label, opts = {}) {
  const v = Math.max(0, Math.min(1, Number(value) || 0));
  return h('div', { class: 'meter ' + (opts.class || ''), role: 'meter', 'aria-valuemin': '0',
                    'aria-valuemax': '1', 'aria-valuenow': v.toFixed(3),
                    'aria-label': opts.aria || label },
    h('div', { class: 'meter-track' }, h('div', { class: 'meter-fill', style: { width: (v * 100).toFixed(1) + '%' } })),
    label ? h('span', { class: 'meter-label' }, label) : null);
}

// Sentiment in [-1, 1] as a diverging bar: red to the left of the centre,
// green to the right.
export function sentimentBar(score, label) {
  const s = Math.max(-1, Math.min(1, Number(score) || 0));
  const width = (Math.abs(s) * 50).toFixed(1) + '%';
  const fill = h('div', { class: 'senti-fill ' + (s < 0 ? 'neg' : 'pos'),
                          style: s < 0 ? { right: '50%', width } : { left: '50%', width } });
  return h('div', { class: 'senti', role: 'img',
                    'aria-label': `Sentiment ${label || ''} ${s.toFixed(2)}` },
    h('div', { class: 'senti-track' }, h('div', { class: 'senti-mid' }), fill),
    h('span', { class: 'senti-label' }, `${label || ''} ${s >= 0 ? '+' : ''}${s.toFixed(2)}`));
}

export function dl(pairs) {
  const el = h('dl', { class: 'facts' });
  for (const [k, v] of pairs) {
    if (v === undefined) continue;
    el.append(h('div', { class: 'fact' }, h('dt', {}, k), h('dd', {}, v === null || v === '' ? '—' : v)));
  }
  return el;
}

export function pageHeader(title, ...extra) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1', id: 'page-title' }, title), ...extra);
}
