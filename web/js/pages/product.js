// product.js — #/products/ID: for product managers. Details, eligibility
// rules as the engine parsed them, review sentiment and themes, who holds
// the product, offer outcomes and suggestions.
import { api } from '../api.js';
import { h, replace, fmtNum, fmtPct } from '../dom.js';
import { card, fill, tag, meter, sentimentBar, dl, empty, errorBox, pageHeader, skeleton } from '../ui.js';

const DETAIL_FIELDS = [
  ['annual_fee', 'Annual fee'], ['interest_rate', 'Interest rate'], ['credit_limit', 'Credit limit'],
  ['rewards', 'Rewards'], ['features', 'Features'], ['additional_benefits', 'Benefits'],
  ['late_payment_fee', 'Late payment fee'], ['eligibility', 'Eligibility (as written)'],
  ['customer_feedback', 'Customer feedback'],
];

function valueText(v) {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k.replace(/_/g, ' ')}: ${valueText(x)}`).join('; ');
  return String(v);
}

export function render(root, params, signal, id) {
  const enc = encodeURIComponent(id);
  const head = h('div', { class: 'product-head' }, skeleton(2));
  root.append(h('p', { class: 'crumbs' }, h('a', { href: '#/products' }, '‹ Products')),
              pageHeader('Product ' + id), head);
  const details = card('Details', { id: 'details' });
  const rules = card('Eligibility rules (as parsed)', { id: 'rules' });
  const reviews = card('Reviews', { id: 'reviews' });
  const holders = card('Who holds it', { id: 'holders' });
  const offers = card('Offer outcomes', { id: 'offers' });
  const sugg = card('Suggestions', { id: 'suggestions', class: 'card-accent' });
  root.append(h('div', { class: 'grid-product' },
    h('div', { class: 'col-main' }, sugg.el, details.el, rules.el, reviews.el),
    h('div', { class: 'col-side' }, offers.el, holders.el)));

  const prod = api(`/products/${enc}`, { signal });
  const ins = api(`/products/${enc}/insights`, { signal });

  prod.then(d => {
    if (signal.aborted) return;
    const p = d.product;
    document.title = `${p.name || id} · tailor`;
    replace(root.querySelector('#page-title'), p.name || id);
    replace(head, h('div', { class: 'head-tags' }, h('span', { class: 'muted mono' }, 'ID ' + id), tag(p.category, 'tag-info')),
      p.description ? h('p', { class: 'lead' }, p.description) : null);
  }, err => { if (!signal.aborted) replace(head, errorBox(err, () => location.reload())); });

  fill(details.body, () => prod, d => dl(DETAIL_FIELDS.map(([k, label]) => [label, valueText(d.product[k])]).filter(([, v]) => v)), { signal, lines: 6 });

  fill(rules.body, () => prod, d => {
    const e = d.eligibility;
    if (!e || !e.rules || !e.rules.length) return empty('No eligibility rule: open to every customer.');
    return h('div', {}, h('div', { class: 'table-wrap' }, h('table', { class: 'table compact' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Rule'), h('th', { scope: 'col' }, 'Value'),
        h('th', { scope: 'col' }, 'From the text'), h('th', { scope: 'col' }, 'Source'))),
      h('tbody', {}, e.rules.map(r => h('tr', {}, h('td', {}, r.description),
        h('td', { class: 'mono' }, valueText(r.value) ?? '—'), h('td', { class: 'quote' }, r.text || '—'), h('td', {}, tag(r.source, 'tag-muted'))))))),
      e.unparsed ? h('p', { class: 'warn-text' }, 'Not understood: ', h('span', { class: 'quote' }, valueText(e.unparsed))) : null);
  }, { signal, lines: 3 });

  fill(reviews.body, async () => [await prod, await ins], ([d, i]) => {
    const r = i.reviews;
    if (!r || !r.n) return empty('No reviews.');
    const share = n => r.n ? n / r.n : 0;
    return h('div', {},
      h('div', { class: 'review-summary' },
        h('div', {}, h('span', { class: 'kpi-label' }, `${r.n} reviews, mean sentiment`), sentimentBar(r.mean_score, '')),
        h('ul', { class: 'bars' },
          h('li', {}, h('span', { class: 'bar-name' }, 'Positive'), meter(share(r.positive), `${r.positive}`, { class: 'good', aria: `${r.positive} positive` })),
          h('li', {}, h('span', { class: 'bar-name' }, 'Neutral'), meter(share(r.neutral), `${r.neutral}`, { class: 'muted', aria: `${r.neutral} neutral` })),
          h('li', {}, h('span', { class: 'bar-name' }, 'Negative'), meter(share(r.negative), `${r.negative}`, { class: 'bad', aria: `${r.negative} negative` })))),
      h('h3', {}, 'Themes'),
      r.themes && r.themes.length
        ? h('ul', { class: 'themes' }, r.themes.map(t => h('li', {}, h('strong', {}, t.aspect), ' ',
            tag(`${t.praise} praise`, t.praise ? 'tag-good' : 'tag-muted'), ' ', tag(`${t.complaints} complaints`, t.complaints ? 'tag-bad' : 'tag-muted'))))
        : empty('No recurring theme.'),
      h('h3', {}, 'What customers wrote'),
      h('ul', { class: 'reviews' }, d.reviews.map(x => h('li', { class: 'quote' }, x.text,
        x.rating != null ? h('span', { class: 'muted' }, ` (${fmtNum(x.rating, 1)})`) : null))));
  }, { signal, lines: 6 });

  fill(holders.body, async () => [await ins, await api('/customers', { signal, query: { holds: id, limit: 8, sort: 'name' } })], ([i, list]) => {
    const x = i.holders;
    const bands = Object.entries(x.age_bands || {});
    const max = Math.max(1, ...bands.map(([, n]) => n));
    const target = i.target || {};
    return h('div', {},
      h('div', { class: 'kpis small' },
        h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, 'Holders'), h('span', { class: 'kpi-value' }, fmtNum(x.n))),
        h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, 'Median age'), h('span', { class: 'kpi-value' }, x.median_age ?? '—'))),
      target.min_age != null || target.max_age != null
        ? h('p', { class: 'muted small' }, `Target ages: ${target.min_age ?? 'any'} – ${target.max_age ?? 'any'}`) : null,
      h('h3', {}, 'Holders by age'),
      h('ul', { class: 'bars' }, bands.map(([b, n]) => h('li', {}, h('span', { class: 'bar-name' }, b),
        meter(n / max, String(n), { aria: `${b}: ${n} holders` })))),
      list.items.length ? h('h3', {}, 'Holders') : null,
      list.items.length ? h('ul', { class: 'plain-list holders' }, list.items.map(c => h('li', {},
        h('a', { href: '#/customers/' + encodeURIComponent(c.customer_id) }, c.name || c.customer_id),
        h('span', { class: 'muted' }, ` · ${c.age ?? '—'} · ${c.city || ''}`), ' ', tag(c.risk_profile)))) : null,
      list.total > list.items.length
        ? h('p', { class: 'small' }, h('a', { href: '#/customers?holds=' + encodeURIComponent(id) }, `All ${fmtNum(list.total)} holders ›`)) : null);
  }, { signal, lines: 5 });

  // How many showings were what relationship managers saw, in words.
  const staffLine = (staff, shown) => (staff === shown
    ? (shown === 1 ? 'The one showing was' : `All ${fmtNum(shown)} showings were`)
    : `${fmtNum(staff)} of ${fmtNum(shown)} showings ${staff === 1 ? 'was' : 'were'}`) +
    ' on staff screens (what relationship managers saw).';
  fill(offers.body, () => ins, i => {
    const o = i.offers;
    return h('div', {}, h('div', { class: 'kpis small' },
      h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, 'Shown'), h('span', { class: 'kpi-value' }, fmtNum(o.shown))),
      h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, 'Accepted'), h('span', { class: 'kpi-value' }, fmtNum(o.accepted))),
      h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, 'Dismissed'), h('span', { class: 'kpi-value' }, fmtNum(o.dismissed)))),
      h('ul', { class: 'bars' },
        h('li', {}, h('span', { class: 'bar-name' }, 'Acceptance'), meter(o.acceptance_rate ?? 0, fmtPct(o.acceptance_rate, 1), { class: 'good' })),
        h('li', {}, h('span', { class: 'bar-name' }, 'Dismissal'), meter(o.dismissal_rate ?? 0, fmtPct(o.dismissal_rate, 1), { class: 'bad' }))),
      o.shown ? null : h('p', { class: 'muted small' }, 'Not shown to anyone yet: rates appear once offers are shown.'),
      o.staff_shown ? h('p', { class: 'muted small', id: 'offers-staff' }, staffLine(o.staff_shown, o.shown)) : null);
  }, { signal, lines: 3 });

  fill(sugg.body, () => ins, i => i.suggestions && i.suggestions.length
    ? h('ul', { class: 'suggestions' }, i.suggestions.map(s => h('li', {}, s)))
    : empty('No suggestion.'), { signal, lines: 2 });
}
