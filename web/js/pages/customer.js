// customer.js — #/customers/ID: the customer 360 for a relationship manager.
// Each card loads on its own, so a slow or failing endpoint leaves the rest
// of the page working.
import { api } from '../api.js';
import { catalogue } from '../catalogue.js';
import { h, replace, fmtMoney, fmtNum, fmtPct } from '../dom.js';
import { card, fill, tag, meter, sentimentBar, dl, empty, errorBox, pageHeader, announce, skeleton } from '../ui.js';
import { spendingChart } from '../chart.js';
import { optoutsCard } from '../optouts.js';

const EVIDENCE_LABELS = {
  need: 'Need', figure: 'Figure', field: 'Profile', post: 'Post', rule: 'Rule',
  affordability: 'Affordability', risk_fit: 'Risk fit', holding: 'Holding', propensity: 'Model',
};

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
}

function evidenceText(ev) {
  switch (ev.type) {
    case 'need': return `${ev.need} (strength ${fmtPct(ev.strength)})`;
    case 'rule': return `${ev.description}${ev.checked === false ? ' — not verifiable from the data' : ' — met'}`;
    case 'affordability': return `Annual fee ${fmtNum(ev.annual_fee)}, ${fmtPct(ev.share_of_monthly, 1)} of a month's income or spending`;
    case 'risk_fit': return `Customer risk ${ev.risk_profile}, product risk level ${ev.product_risk}`;
    default: {
      if (ev.text) return ev.text;
      const rest = Object.entries(ev).filter(([k]) => k !== 'type').map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
      return rest.join(', ');
    }
  }
}

function evidenceList(list) {
  // The engine may cite the same post for two reasons; show it once.
  const seen = new Set();
  const items = [];
  for (const ev of list || []) {
    const text = evidenceText(ev);
    const key = ev.type + '|' + text;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(h('li', { class: 'evidence ev-' + ev.type },
      h('span', { class: 'tag tag-muted ev-kind' }, EVIDENCE_LABELS[ev.type] || ev.type),
      h('span', { class: ev.type === 'post' ? 'quote' : '' }, text)));
  }
  return h('ul', { class: 'evidence-list' }, items);
}

export function render(root, params, signal, id) {
  const head = h('div', { class: 'customer-head' }, skeleton(2));
  root.append(h('p', { class: 'crumbs' }, h('a', { href: '#/customers' }, '‹ Customers')),
              pageHeader('Customer ' + id), head);

  const recs = card('Recommendations', { id: 'recommendations', class: 'card-recs' });
  const needs = card('Needs found', { id: 'needs', class: 'card-needs' });
  const spend = card('Monthly spending and forecast', { id: 'spending', class: 'card-chart' });
  const cats = card('Spending by category', { id: 'categories', class: 'card-cats' });
  const profile = card('Profile', { id: 'profile', class: 'card-profile' });
  const holdings = card('Holdings', { id: 'holdings', class: 'card-holdings' });
  const posts = card('Posts and sentiment', { id: 'posts', class: 'card-posts' });
  const consent = card('Consent', { id: 'consent', class: 'card-consent' });
  const txns = card('Recent transactions', { id: 'transactions', class: 'card-txns' });
  const optouts = optoutsCard(encodeURIComponent(id), signal);

  root.append(h('div', { class: 'grid-customer' },
    h('div', { class: 'col-main' }, recs.el, spend.el, cats.el, txns.el),
    h('div', { class: 'col-side' }, needs.el, profile.el, consent.el, optouts.el, holdings.el,
      posts.el)));

  const enc = encodeURIComponent(id);

  // The 360 feeds the header, profile, chart, categories, holdings and posts.
  const c360 = api(`/customers/${enc}`, { signal });
  c360.then(d => {
    if (signal.aborted) return;
    const c = d.customer;
    document.title = `${c.name || id} · tailor`;
    replace(root.querySelector('#page-title'), c.name || id);
    replace(head,
      h('div', { class: 'head-tags' }, h('span', { class: 'muted mono' }, c.customer_id),
        tag(c.risk_profile ? c.risk_profile + ' risk' : null, { Low: 'tag-good', Medium: 'tag-warn', High: 'tag-bad' }[c.risk_profile]),
        tag(c.account_status), tag(c.gender, 'tag-info'),
        c.age != null ? tag(c.age + ' years', 'tag-info') : null,
        tag([c.city, c.country].filter(Boolean).join(', '), 'tag-info')),
      h('div', { class: 'head-figures' },
        h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, 'Balance'), h('span', { class: 'kpi-value' }, fmtMoney(c.balance, c.currency))),
        h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, 'Avg monthly spend'), h('span', { class: 'kpi-value' }, fmtMoney(d.insights.avg_monthly_spend, c.currency))),
        h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, 'Trend'), h('span', { class: 'kpi-value' },
          d.insights.trend_pct_per_month == null ? '—' : `${d.insights.trend_pct_per_month > 0 ? '+' : ''}${fmtNum(d.insights.trend_pct_per_month, 1)}%/mo`))));
  }, err => { if (!signal.aborted) replace(head, errorBox(err, () => location.reload())); });

  fill(profile.body, () => c360, d => {
    const c = d.customer, p = c.profile || {}, i = d.insights;
    return dl([
      ['Email', p.Email], ['Phone', p.Phone], ['Preferred contact', p.PreferredContactMethod],
      ['Language', p.PreferredLanguage], ['Accounts', p.TotalNumberOfAccounts],
      ['Income (monthly, est.)', i.income_estimate == null ? null : fmtMoney(i.income_estimate, c.currency)],
      ['Savings rate', i.savings_rate == null ? null : fmtPct(i.savings_rate)],
      ['Spending volatility', i.volatility == null ? null : fmtPct(i.volatility)],
      ['Last transaction', p.LastTransactionDate], ['Loan', p.LoanStatus], ['Device', p.DeviceModel],
    ].filter(([, v]) => v !== undefined));
  }, { signal, lines: 6 });

  fill(spend.body, () => c360, d => {
    const months = d.insights.months || [];
    if (!months.length) return empty('No monthly spending on record.');
    return spendingChart(months, d.insights.forecast, d.customer.currency);
  }, { signal, lines: 6 });

  fill(cats.body, () => c360, d => {
    const i = d.insights, cur = d.customer.currency;
    const block = (title, list) => {
      if (!list || !list.length) return h('div', {}, h('h3', {}, title), empty('None on record.'));
      const anyShare = list.some(x => x.share != null);
      return h('div', {}, h('h3', {}, title), h('ul', { class: 'bars' }, list.map(x => h('li', {},
        h('span', { class: 'bar-name' }, x.name),
        anyShare ? meter(x.share ?? 0, `${fmtPct(x.share)} · ${fmtMoney(x.total, cur)}`, { aria: `${x.name} ${fmtPct(x.share)}` })
                 : h('span', { class: 'muted' }, x.count ? `${x.count} transactions` : 'frequently used')))));
    };
    return h('div', { class: 'two-col' }, block('Categories', i.top_categories), block('Payment modes', i.top_payment_modes));
  }, { signal, lines: 4 });

  fill(holdings.body, async () => [await c360, await catalogue().catch(() => new Map())], ([d, cat]) => {
    if (!d.holdings.length) return empty('No products held.');
    return h('ul', { class: 'plain-list' }, d.holdings.map(x => {
      const p = cat.get(x.product_id);
      return h('li', {}, h('a', { href: '#/products/' + encodeURIComponent(x.product_id) }, p ? p.name : 'Product ' + x.product_id),
        p ? h('span', { class: 'muted' }, ' · ' + p.category) : null,
        h('span', { class: 'muted' }, x.since ? ` · since ${x.since}` : ''), ' ', tag(x.source, 'tag-muted'));
    }));
  }, { signal, lines: 2 });

  fill(posts.body, () => c360, d => {
    if (!d.posts.length) return empty('No posts on record.');
    const scores = d.posts.map(p => p.sentiment ? p.sentiment.score : 0);
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    return h('div', {},
      h('div', { class: 'post-summary' }, h('span', {}, `${d.posts.length} posts, mean sentiment`), sentimentBar(mean, '')),
      h('ul', { class: 'posts' }, d.posts.map(p => h('li', { class: 'post' },
        h('div', { class: 'post-meta' }, tag(p.platform, 'tag-info'), h('span', { class: 'muted' }, p.topic),
          p.posted_at ? h('span', { class: 'muted' }, p.posted_at) : null),
        h('p', { class: 'quote' }, p.text),
        p.sentiment ? h('div', { class: 'post-senti' }, sentimentBar(p.sentiment.score, p.sentiment.label),
          (p.sentiment.aspects || []).map(a => tag(a, 'tag-muted'))) : null))));
  }, { signal, lines: 5 });

  fill(txns.body, async () => {
    const d = await api(`/customers/${enc}/transactions`, { signal, query: { limit: 10 } });
    const c = await c360.catch(() => null);   // the customer's currency, when a row has none
    d.currency = c ? c.customer.currency : null;
    return d;
  }, d => {
    if (!d.transactions.length) return empty('No individual transactions on record; the chart uses imported monthly totals.');
    return h('div', { class: 'table-wrap' }, h('table', { class: 'table compact' },
      h('thead', {}, h('tr', {}, ['Date', 'Merchant', 'Category', 'Mode', 'Amount'].map((t, i) => h('th', { scope: 'col', class: i === 4 ? 'num' : '' }, t)))),
      h('tbody', {}, d.transactions.map(t => h('tr', {}, h('td', {}, t.date), h('td', {}, t.merchant || '—'),
        h('td', {}, t.category || '—'), h('td', {}, t.payment_mode || '—'),
        h('td', { class: 'num ' + (t.direction === 'credit' ? 'credit' : '') }, (t.direction === 'credit' ? '+' : '−') + fmtMoney(t.amount, t.currency || d.currency)))))));
  }, { signal, lines: 3 });

  // Recommendations and needs come from one call (explain=true).
  const loadRecs = () => api(`/customers/${enc}/recommendations`, { signal, query: { k: 3, explain: 'true' } });
  let busy = false;

  function renderRecs(d) {
    const list = d.recommendations || [];
    const out = h('div', {});
    // The contact policy held back every offer (a complaint, a channel's cap).
    if (d.suppressed) out.append(h('p', { class: 'notice notice-warn', id: 'suppressed', role: 'status' },
      h('strong', {}, 'No offers. '), `${d.suppressed.reason[0].toUpperCase()}${d.suppressed.reason.slice(1)}.`));
    else if (!list.length) out.append(empty('No eligible product to recommend (consent, eligibility or holdings rule them out).'));
    else out.append(h('ol', { class: 'recs' }, list.map((r, i) => recItem(r, i))));
    if (d.excluded && d.excluded.length) {
      out.append(h('details', { class: 'excluded' }, h('summary', {}, `Not offered (${d.excluded.length})`),
        h('ul', { class: 'plain-list small' }, d.excluded.map(x => h('li', {},
          h('a', { href: '#/products/' + encodeURIComponent(x.product_id) }, x.name), ' — ', x.reason)))));
    }
    if (!d.suppressed) out.append(complaintButton());
    markShown(list);
    return out;
  }

  // A complaint made in the branch or on the phone: the contact policy then
  // holds back every offer for its window (docs/contact-policy.md).
  function complaintButton() {
    const btn = h('button', { type: 'button', class: 'btn btn-small', id: 'record-complaint' }, 'Record a complaint');
    btn.onclick = async () => {
      if (busy) return;
      // A misclick would hold back every offer for weeks: ask first.
      if (!confirm('Record a complaint from this customer? The contact policy then holds back every offer to them for its complaint window.')) return;
      busy = true;
      btn.disabled = true;
      try {
        await api(`/customers/${enc}/events`, { method: 'POST', signal,
          body: { kind: 'complained', channel: 'dashboard', idempotency_key: `complained:${uuid()}` } });
        announce('Complaint recorded. Updating the recommendations.');
        await refreshRecs(true);
      } catch (err) {
        btn.disabled = false;
        btn.after(errorBox(err));
      } finally {
        busy = false;
      }
    };
    return h('div', { class: 'rec-footer' }, btn);
  }

  function recItem(r, i) {
    const feedback = kind => async ev => {
      if (busy) return;
      busy = true;
      const li = ev.target.closest('.rec');
      li.querySelectorAll('button').forEach(b => { b.disabled = true; });
      li.classList.add('pending');
      try {
        await api(`/customers/${enc}/events`, { method: 'POST', signal,
          body: { kind, product_id: r.product_id, channel: 'dashboard', idempotency_key: `${kind}:${uuid()}` } });
        announce(`${r.name} ${kind}. Updating the recommendations.`);
        const d = await refreshRecs(true);
        // The contact policy's reason says until when a dismissed offer stays hidden.
        const held = (d?.excluded || []).find(x => x.product_id === r.product_id && x.code === 'dismissed');
        recs.body.prepend(h('p', { class: 'flash', role: 'status' },
          `${r.name} ${kind === 'accepted' ? 'accepted: it is now a holding' : 'dismissed' + (held ? `: ${held.reason}` : '')}.`));
        if (kind === 'accepted') fill(holdings.body, async () => [await api(`/customers/${enc}`, { signal }), await catalogue()],
          ([dd, cat]) => h('ul', { class: 'plain-list' }, dd.holdings.map(x => h('li', {},
            h('a', { href: '#/products/' + encodeURIComponent(x.product_id) }, cat.get(x.product_id)?.name || x.product_id), ' ', tag(x.source, 'tag-muted')))),
          { signal, keep: true });
      } catch (err) {
        li.classList.remove('pending');
        li.querySelectorAll('button').forEach(b => { b.disabled = false; });
        li.append(errorBox(err));
      } finally {
        busy = false;
      }
    };
    return h('li', { class: 'rec', dataset: { productId: r.product_id } },
      h('div', { class: 'rec-head' },
        h('span', { class: 'rec-rank', 'aria-hidden': 'true' }, String(i + 1)),
        h('div', { class: 'rec-title' },
          h('h3', {}, h('a', { href: '#/products/' + encodeURIComponent(r.product_id) }, r.name)),
          h('span', { class: 'muted' }, r.category), r.need ? tag(r.need, 'tag-info') : null),
        h('div', { class: 'rec-score' }, meter(r.score, `Score ${fmtNum(r.score * 100)}`, { aria: `Score ${r.score}` }))),
      h('ul', { class: 'reasons' }, (r.reasons || []).map(t => h('li', {}, t))),
      r.evidence && r.evidence.length
        ? h('details', { class: 'evidence-box' }, h('summary', {}, `Evidence (${r.evidence.length})`), evidenceList(r.evidence)) : null,
      h('div', { class: 'rec-actions' },
        h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'accept',
                      'aria-label': `Accept ${r.name}`, onclick: feedback('accepted') }, 'Accept'),
        h('button', { type: 'button', class: 'btn', 'data-action': 'dismiss',
                      'aria-label': `Dismiss ${r.name}`, onclick: feedback('dismissed') }, 'Dismiss')));
  }

  // Offers displayed count as "shown" once per customer, product and day.
  function markShown(list) {
    const day = new Date().toISOString().slice(0, 10);
    for (const r of list) {
      api(`/customers/${enc}/events`, { method: 'POST', signal,
        body: { kind: 'shown', product_id: r.product_id, channel: 'dashboard',
                idempotency_key: `shown:${id}:${r.product_id}:${day}` } }).catch(() => {});
    }
  }

  function renderNeeds(d) {
    const list = d.needs || [];
    if (!list.length) return empty('No need stands out in the data.');
    return h('ul', { class: 'needs' }, list.map(n => h('li', { class: 'need' },
      h('div', { class: 'need-head' }, h('span', { class: 'need-label' }, n.label),
        meter(n.strength, fmtPct(n.strength), { aria: `${n.label} strength ${fmtPct(n.strength)}` })),
      h('details', {}, h('summary', {}, `Evidence (${(n.evidence || []).length})`), evidenceList(n.evidence)))));
  }

  // Redraws recommendations and needs; resolves to the answer (null when it failed).
  async function refreshRecs(keep) {
    recs.el.classList.toggle('updating', !!keep);
    const p = loadRecs();
    await Promise.all([
      fill(recs.body, () => p, renderRecs, { signal, lines: 9, keep }),
      fill(needs.body, () => p, renderNeeds, { signal, lines: 6, keep }),
    ]);
    recs.el.classList.remove('updating');
    return p.catch(() => null);
  }
  refreshRecs(false);

  // Consent: three switches; a change is saved at once and the
  // recommendations are recomputed under it.
  const CONSENTS = [['personalisation', 'Personalised recommendations'], ['social_data', 'Use of social-media posts'], ['llm', 'Use of a language model']];
  const renderConsent = d => h('div', {},
    h('ul', { class: 'switches' }, CONSENTS.map(([key, label]) => {
      const input = h('input', { type: 'checkbox', role: 'switch', id: 'consent-' + key, checked: d[key] });
      input.addEventListener('change', async () => {
        input.disabled = true;
        try {
          const nd = await api(`/customers/${enc}/consent`, { method: 'PUT', signal, body: { [key]: input.checked } });
          announce(`${label}: ${nd[key] ? 'allowed' : 'refused'}`);
          replace(consent.body, renderConsent(nd));
          refreshRecs(true);
        } catch (err) {
          input.checked = !input.checked;
          input.disabled = false;
          consent.body.append(errorBox(err));
        }
      });
      return h('li', {}, input, h('label', { for: 'consent-' + key }, label),
        tag(d[key] ? 'allowed' : 'refused', d[key] ? 'tag-good' : 'tag-bad'));
    })),
    h('p', { class: 'muted small' }, d.recorded ? 'Recorded choices of the customer.' : 'No choice recorded: the defaults apply.'));
  fill(consent.body, () => api(`/customers/${enc}/consent`, { signal }), renderConsent, { signal, lines: 3 });
}
