// products.js — #/products: the catalogue, grouped by category.
import { api } from '../api.js';
import { h } from '../dom.js';
import { card, fill, pageHeader, tag } from '../ui.js';

export function render(root, params, signal) {
  const list = card('Catalogue', { id: 'catalogue' });
  root.append(pageHeader('Products'), list.el);
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
