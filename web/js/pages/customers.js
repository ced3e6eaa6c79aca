// customers.js — #/customers: the customer table. Search, filters, sorting
// and paging are done by the server (works for millions of customers); the
// state lives in the URL, so Back and a shared link show the same page.
import { api } from '../api.js';
import { catalogue } from '../catalogue.js';
import { h, replace, fmtMoney, debounce } from '../dom.js';
import { errorBox, tag, pageHeader, announce } from '../ui.js';

export const AGE_BANDS = [
  ['', 'Any age'], ['18-24', '18–24'], ['25-34', '25–34'], ['35-44', '35–44'],
  ['45-54', '45–54'], ['55-64', '55–64'], ['65-130', '65+'],
];
const RISKS = [['', 'Any risk'], ['Low', 'Low'], ['Medium', 'Medium'], ['High', 'High']];
const ACTIVITY = [['', 'Any activity'], ['Active', 'Active'], ['Dormant', 'Dormant']];
const SIZES = [25, 50, 100];
const COLUMNS = [
  // key, label, sortable field, class
  ['name', 'Customer', 'name', ''],
  ['age', 'Age', 'age', 'num opt-sm'],
  ['gender', 'Gender', null, 'opt'],
  ['city', 'Location', null, 'opt'],
  ['balance', 'Balance', 'balance', 'num'],
  ['risk', 'Risk', null, ''],
  ['status', 'Activity', null, 'opt-sm'],
];

function readState(params) {
  return {
    q: params.get('q') || '',
    age: params.get('age') || '',
    risk: params.get('risk') || '',
    activity: params.get('activity') || '',
    holds: params.get('holds') || '',
    sort: params.get('sort') || 'name',
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
    page: Math.max(1, parseInt(params.get('page') || '1', 10) || 1),
    size: SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 25,
  };
}

function stateHash(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.age) p.set('age', s.age);
  if (s.risk) p.set('risk', s.risk);
  if (s.activity) p.set('activity', s.activity);
  if (s.holds) p.set('holds', s.holds);
  if (s.sort !== 'name') p.set('sort', s.sort);
  if (s.order !== 'asc') p.set('order', s.order);
  if (s.page !== 1) p.set('page', String(s.page));
  if (s.size !== 25) p.set('size', String(s.size));
  const qs = p.toString();
  return '#/customers' + (qs ? '?' + qs : '');
}

function select(id, label, options, value, onchange) {
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, onchange: e => onchange(e.target.value) },
      options.map(([v, t]) => h('option', { value: v, selected: v === value }, t))));
}

export function render(root, params, signal) {
  let state = readState(params);
  // Replaces the hash without a new history entry per keystroke; the router
  // ignores changes it is told about.
  const go = (patch, { push = false } = {}) => {
    state = Object.assign({}, state, patch);
    const hash = stateHash(state);
    if (push) location.hash = hash;
    else history.replaceState(null, '', hash);
    load();
  };

  const holdsLabel = h('span', {}, 'product ' + state.holds);
  const search = h('input', { id: 'customer-search', type: 'search', value: state.q,
                               placeholder: 'Name, ID or city', autocomplete: 'off',
                               'aria-describedby': 'result-count' });
  search.addEventListener('input', debounce(() => go({ q: search.value.trim(), page: 1 }), 300));
  search.addEventListener('keydown', e => { if (e.key === 'Enter') go({ q: search.value.trim(), page: 1 }); });

  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Find customers',
                              onsubmit: e => { e.preventDefault(); go({ q: search.value.trim(), page: 1 }); } },
    h('div', { class: 'field grow' }, h('label', { for: 'customer-search' }, 'Search'), search),
    select('f-age', 'Age band', AGE_BANDS, state.age, v => go({ age: v, page: 1 })),
    select('f-risk', 'Risk profile', RISKS, state.risk, v => go({ risk: v, page: 1 })),
    select('f-activity', 'Activity', ACTIVITY, state.activity, v => go({ activity: v, page: 1 })),
    state.holds ? h('div', { class: 'field chip-field' }, h('span', { class: 'label' }, 'Holding'),
      h('button', { type: 'button', class: 'chip', id: 'f-holds', 'aria-label': 'Stop filtering by product held',
                    onclick: e => { e.currentTarget.parentElement.remove(); go({ holds: '', page: 1 }); } },
        holdsLabel, h('span', { 'aria-hidden': 'true' }, ' ×'))) : null);
  if (state.holds) {
    catalogue().then(cat => { const p = cat.get(state.holds); if (p) holdsLabel.textContent = p.name; }).catch(() => {});
  }

  const count = h('p', { id: 'result-count', class: 'muted', 'aria-live': 'polite' }, '\u00a0');
  const thead = h('thead');
  const tbody = h('tbody');
  const table = h('table', { class: 'table customers', id: 'customers-table' },
    h('caption', { class: 'sr-only' }, 'Customers; column headers with buttons sort the table'), thead, tbody);
  const errorSlot = h('div');
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });

  root.append(pageHeader('Customers'), filters, count, errorSlot,
              h('div', { class: 'table-wrap', tabindex: '0', 'aria-label': 'Customer table' }, table), pager);

  function headers() {
    replace(thead, h('tr', {}, COLUMNS.map(([key, label, field, cls]) => {
      if (!field) return h('th', { scope: 'col', class: cls }, label);
      const active = state.sort === field;
      const next = active && state.order === 'asc' ? 'desc' : 'asc';
      return h('th', { scope: 'col', class: cls, 'aria-sort': active ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none' },
        h('button', { type: 'button', class: 'sort' + (active ? ' active ' + state.order : ''),
                      onclick: () => go({ sort: field, order: active ? next : 'asc', page: 1 }) },
          label, h('span', { class: 'sort-icon', 'aria-hidden': 'true' }, active ? (state.order === 'asc' ? '▲' : '▼') : '↕')));
    })));
  }

  function skeletonRows() {
    replace(tbody, Array.from({ length: state.size }, () =>
      h('tr', { class: 'skeleton-row', 'aria-hidden': 'true' },
        COLUMNS.map(([, , , cls]) => h('td', { class: cls }, h('span', { class: 'skeleton-line' }))))));
  }

  let seq = 0;
  async function load() {
    const mine = ++seq;
    headers();
    table.setAttribute('aria-busy', 'true');
    if (!tbody.rows.length || tbody.querySelector('.empty-row')) skeletonRows();
    else tbody.classList.add('stale');
    replace(errorSlot);
    const [amin, amax] = state.age ? state.age.split('-') : ['', ''];
    try {
      const data = await api('/customers', { signal, query: {
        q: state.q, risk_profile: state.risk, account_status: state.activity, holds: state.holds,
        age_min: amin, age_max: amax, sort: state.sort, order: state.order,
        limit: state.size, offset: (state.page - 1) * state.size } });
      if (mine !== seq || signal.aborted) return;
      rows(data);
    } catch (err) {
      if (mine !== seq || signal.aborted) return;
      replace(tbody);
      replace(count, 'No results: the list could not be loaded.');
      replace(errorSlot, errorBox(err, load));
    } finally {
      if (mine === seq) { table.removeAttribute('aria-busy'); tbody.classList.remove('stale'); }
    }
  }

  function rows(data) {
    const first = data.total ? data.offset + 1 : 0;
    const last = data.offset + data.items.length;
    replace(count, data.total
      ? `${first.toLocaleString('en-US')}–${last.toLocaleString('en-US')} of ${data.total.toLocaleString('en-US')} customers`
      : 'No customer matches these filters.');
    if (!data.items.length) {
      replace(tbody, h('tr', { class: 'empty-row' }, h('td', { colspan: COLUMNS.length }, 'No customers to show.')));
    } else {
      replace(tbody, data.items.map(c => {
        const href = '#/customers/' + encodeURIComponent(c.customer_id);
        const tr = h('tr', { class: 'row-link', dataset: { id: c.customer_id } },
          h('td', {}, h('a', { href, class: 'cell-title' }, c.name || c.customer_id),
            h('span', { class: 'cell-sub' }, c.customer_id)),
          h('td', { class: 'num opt-sm' }, c.age ?? '—'),
          h('td', { class: 'opt' }, c.gender || '—'),
          h('td', { class: 'opt' }, [c.city, c.country].filter(Boolean).join(', ') || '—'),
          h('td', { class: 'num' }, fmtMoney(c.balance, c.currency)),
          h('td', {}, tag(c.risk_profile) || '—'),
          h('td', { class: 'opt-sm' }, tag(c.account_status) || '—'));
        // The whole row opens the customer; the link inside is what the
        // keyboard reaches.
        tr.addEventListener('click', e => { if (!e.target.closest('a')) location.hash = href; });
        return tr;
      }));
    }
    pages(data.total);
    announce(count.textContent);
  }

  function pages(total) {
    const pagesN = Math.max(1, Math.ceil(total / state.size));
    const btn = (label, page, disabled, aria) => h('button', { type: 'button', class: 'btn btn-small',
      disabled: disabled || undefined, 'aria-label': aria, onclick: () => go({ page }) }, label);
    replace(pager,
      btn('‹ Previous', state.page - 1, state.page <= 1, 'Previous page'),
      h('span', { class: 'pager-info' }, `Page ${state.page} of ${pagesN.toLocaleString('en-US')}`),
      btn('Next ›', state.page + 1, state.page >= pagesN, 'Next page'),
      h('div', { class: 'field inline' }, h('label', { for: 'f-size' }, 'Rows'),
        h('select', { id: 'f-size', onchange: e => go({ size: Number(e.target.value), page: 1 }) },
          SIZES.map(s => h('option', { value: s, selected: s === state.size }, s)))));
  }

  load();
}
