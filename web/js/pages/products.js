// products.js — #/products: a need in a customer's words matched against the
// catalogue (POST /products/match), and the catalogue itself.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { announce, card, empty, fill, meter, pageHeader, tag } from '../ui.js';

const EXAMPLES = ['Planning my next trip to Asia', 'I refuse to work past 60', 'My car broke down again'];

// The match card: a text box, and the products closest in meaning, best
// first, each with its similarity as a bar scaled to the best one.
function matchCard(signal) {
  const box = card('Find products for a need', { id: 'match' });
  const input = h('input', { id: 'match-text', type: 'text', maxlength: '4096', autocomplete: 'off',
                             placeholder: 'What the customer said, e.g. ' + EXAMPLES[0],
                             'aria-describedby': 'match-hint' });
  const results = h('div', { id: 'match-results', 'aria-live': 'polite' });
  const run = text => {
    if (!text) { replace(results, empty('Type what the customer needs, in their words.')); return; }
    fill(results, () => api('/products/match', { method: 'POST', body: { text, k: 5 }, signal }), d => {
      if (!d.matches.length) return empty('The catalogue is empty.');
      const best = Math.max(d.matches[0].similarity, 1e-6);
      announce(`Best match: ${d.matches[0].name}`);
      return h('ol', { class: 'bars match-list' }, d.matches.map(m => h('li', {},
        h('a', { class: 'bar-name', href: '#/products/' + encodeURIComponent(m.product_id) }, m.name),
        tag(m.category, 'tag-info'),
        meter(Math.max(0, m.similarity) / best, `similarity ${m.similarity.toFixed(3)}`,
              { aria: `${m.name}: similarity ${m.similarity.toFixed(3)}` }))));
    }, { signal, lines: 5 });
  };
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Find products for a need',
                           onsubmit: e => { e.preventDefault(); run(input.value.trim()); } },
    h('div', { class: 'field grow' }, h('label', { for: 'match-text' }, 'Need'), input),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'btn', id: 'match-go' }, 'Match')));
  const hint = h('p', { id: 'match-hint', class: 'muted' },
    'Ranks every product by meaning alone, with the encoder the recommendations use; it does not ' +
    'check eligibility or what a customer holds. Try: ',
    ...EXAMPLES.flatMap((t, i) => [i ? ', ' : '', h('button', { type: 'button', class: 'linkish',
      onclick: () => { input.value = t; run(t); } }, t)]), '.');
  replace(box.body, h('div', {}, form, hint, results));
  return box.el;
}

export function render(root, params, signal) {
  const list = card('Catalogue', { id: 'catalogue' });
  root.append(pageHeader('Products'), matchCard(signal), list.el);
  fill(list.body, () => api('/products', { signal }), d => h('div', { class: 'table-wrap' },
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, ['Product', 'Category', 'Annual fee', 'Interest rate', 'Eligibility'].map((t, i) =>
        h('th', { scope: 'col', class: i >= 2 ? 'opt' : '' }, t)))),
      h('tbody', {}, d.items.map(p => h('tr', {},
        h('td', {}, h('a', { href: '#/products/' + encodeURIComponent(p.product_id), class: 'cell-title' }, p.name),
          h('span', { class: 'cell-sub' }, p.description || '')),
        h('td', {}, tag(p.category, 'tag-info')), h('td', { class: 'opt' }, p.annual_fee || '—'),
        h('td', { class: 'opt' }, p.interest_rate || '—'), h('td', { class: 'opt' }, p.eligibility || '—')))))),
  { signal, lines: 8 });
}
