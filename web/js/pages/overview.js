// overview.js — #/overview: portfolio figures, the rollout's lift, the contact
// policy and, where
// the server has it, the bias report (four-fifths rule per product and category), for product
// managers and compliance staff.
import { api, ApiError } from '../api.js';
import { h, replace, fmtNum, fmtPct } from '../dom.js';
import { card, fill, tag, meter, empty, pageHeader } from '../ui.js';
import { feedbackChart } from '../chart.js';
import { rolloutCard } from '../rollout.js';
import { policyCard } from '../policy.js';
import { auditCard } from '../auditcheck.js';

const KPIS = [
  ['customers', 'Customers', v => fmtNum(v)],
  ['products', 'Products', v => fmtNum(v)],
  ['holdings', 'Holdings', v => fmtNum(v)],
  ['recommendations_served', 'Recommendations served', v => fmtNum(v)],
  ['acceptance_rate', 'Acceptance rate', v => fmtPct(v, 1)],
  ['dismissal_rate', 'Dismissal rate', v => fmtPct(v, 1)],
];
const METRICS = [['offer_di', 'Offer'], ['acceptance_di', 'Acceptance'], ['score_di', 'Score']];
const METRIC_FLAG = { offer_di: 'offer', acceptance_di: 'acceptance', score_di: 'score' };

export function render(root, params, signal) {
  const kpis = h('div', { class: 'kpis', id: 'kpis' });
  const trend = card('Offers shown and acceptance rate, last 90 days', { id: 'trend' });
  const channels = card('Offers by channel', { id: 'channels' });
  const bias = card('Bias report', { id: 'bias' });
  root.append(pageHeader('Overview'), kpis, trend.el, channels.el, rolloutCard(signal), policyCard(signal), bias.el, auditCard());

  const overview = api('/reports/overview', { signal, query: { days: 90 } });
  fill(kpis, () => overview, d => KPIS.map(([k, label, f]) => h('div', { class: 'kpi card', dataset: { kpi: k } },
    h('span', { class: 'kpi-label' }, label), h('span', { class: 'kpi-value' }, f(d[k])))), { signal, lines: 2 });
  fill(trend.body, () => overview, d => d.by_day.length
    ? h('div', {}, feedbackChart(everyDay(d.by_day)), h('p', { class: 'muted small' },
        `Totals: ${fmtNum(d.events.shown)} shown${d.events.staff_shown ? ` (${fmtNum(d.events.staff_shown)} of them on staff screens)` : ''}, ${fmtNum(d.events.clicked)} clicked, ${fmtNum(d.events.accepted)} accepted, ${fmtNum(d.events.dismissed)} dismissed, ${fmtNum(d.events.complained || 0)} complaint${d.events.complained === 1 ? '' : 's'}.`))
    : empty('No offer was shown in the last 90 days: feedback from the channels will appear here.'), { signal, lines: 6 });
  fill(channels.body, () => overview, d => channelTable(d.by_channel || []), { signal, lines: 4 });

  fill(bias.body, async () => {
    try {
      return await api('/reports/bias', { signal });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 501)) return null;
      throw err;
    }
  }, d => d ? biasReport(d) : h('p', { class: 'notice', id: 'bias-unavailable' }, 'Bias report not available on this server.'),
  { signal, lines: 6 });
}

// Feedback per channel, all time: staff screens (what relationship managers
// saw, not the customer) tagged; the acceptance rate as a bar scaled to the
// best channel's, so channels compare at a glance.
function channelTable(rows) {
  if (!rows.length) return empty('No feedback from any channel yet.');
  const best = Math.max(...rows.map(r => r.acceptance_rate || 0)) || 1;
  const num = v => h('td', { class: 'num' }, fmtNum(v));
  return h('div', {},
    h('div', { class: 'table-wrap' }, h('table', { class: 'table compact', id: 'channel-table' },
      h('thead', {}, h('tr', {}, ['Channel', 'Shown', 'Clicked', 'Accepted', 'Dismissed', 'Complaints', 'Acceptance'].map((t, i) =>
        h('th', { scope: 'col', class: i && i < 6 ? 'num' : '' }, t)))),
      h('tbody', {}, rows.map(r => h('tr', { dataset: { channel: r.channel ?? '' } },
        h('th', { scope: 'row' }, r.channel ?? h('span', { class: 'muted' }, 'not named'), r.staff ? ' ' : null, r.staff ? tag('staff', 'tag-muted') : null),
        num(r.shown), num(r.clicked), num(r.accepted), num(r.dismissed), num(r.complained),
        h('td', { class: 'cell-meter' }, r.acceptance_rate == null ? h('span', { class: 'muted' }, '—')
          : meter(r.acceptance_rate / best, fmtPct(r.acceptance_rate, 1), { aria: `Acceptance ${fmtPct(r.acceptance_rate, 1)}` }))))))),
    h('p', { class: 'muted small' }, 'Acceptance is accepted ÷ shown on that channel. Staff screens are the contact policy\'s staff channels: their showings are what staff saw and count as no contact with the customer.'));
}

// The days from the first with events (at least two weeks back) to today,
// zeros where nothing happened, so the time axis is even.
function everyDay(days) {
  const byDay = new Map(days.map(d => [d.day, d]));
  const today = new Date();
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const first = Date.parse(days[0].day + 'T00:00:00Z');
  const start = Math.min(first, end - 13 * 86400000);
  const out = [];
  for (let t = start; t <= end; t += 86400000) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(byDay.get(day) || { day, shown: 0, clicked: 0, accepted: 0, dismissed: 0, acceptance_rate: null });
  }
  return out;
}

function diCell(by, metric, threshold) {
  if (!by) return h('td', { class: 'num muted' }, '—');
  const v = by[metric];
  const flagged = (by.flags || []).includes(METRIC_FLAG[metric]) || (v != null && v < threshold);
  return h('td', { class: 'num' + (flagged ? ' flagged' : ''), title: flagged ? 'Below the threshold' : undefined },
    v == null ? '—' : v.toFixed(2), flagged ? h('span', { class: 'flag-mark' }, ' ⚑', h('span', { class: 'sr-only' }, ' flagged')) : null);
}

function groupsDetail(item, dims) {
  return h('details', {}, h('summary', {}, 'Groups'), dims.map(dim => {
    const by = item.by && item.by[dim];
    if (!by) return null;
    return h('table', { class: 'table compact' },
      h('caption', {}, dim.replace('_', ' ')),
      h('thead', {}, h('tr', {}, ['Group', 'Customers', 'Offered', 'Offer rate', 'Accepted', 'Acceptance', 'Mean score'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, (by.groups || []).map(g => h('tr', {}, h('th', { scope: 'row' }, g.group), h('td', { class: 'num' }, fmtNum(g.customers)),
        h('td', { class: 'num' }, fmtNum(g.offered)), h('td', { class: 'num' }, fmtPct(g.offer_rate, 1)), h('td', { class: 'num' }, fmtNum(g.accepted)),
        h('td', { class: 'num' }, fmtPct(g.acceptance_rate, 1)), h('td', { class: 'num' }, g.mean_score == null ? '—' : g.mean_score.toFixed(2))))));
  }));
}

function biasReport(d) {
  const dims = d.dimensions || [];
  const threshold = d.threshold ?? 0.8;
  const items = d.items || [];
  const isFlagged = it => dims.some(dim => it.by && it.by[dim] && (it.by[dim].flags || []).length);
  // To review: a significant flag that is not an age gap on an item whose
  // eligibility restricts age (the server's summary.to_review counts these).
  const isToReview = it => dims.some(dim => {
    const b = it.by && it.by[dim];
    return b && (b.significant || []).length && !(dim === 'age_band' && b.eligibility_restricts_age);
  });
  const body = h('tbody');
  const onlyFlagged = h('input', { type: 'checkbox', id: 'bias-flagged-only' });
  const onlyReview = h('input', { type: 'checkbox', id: 'bias-review-only' });
  const levelSel = h('select', { id: 'bias-level' }, [['', 'Products and categories'], ['product', 'Products'], ['category', 'Categories']].map(([v, t]) => h('option', { value: v }, t)));
  const draw = () => {
    const rows = items.filter(it => (!onlyFlagged.checked || isFlagged(it)) && (!onlyReview.checked || isToReview(it)) &&
      (!levelSel.value || it.level === levelSel.value));
    replace(body, rows.length ? rows.map(it => h('tr', { class: isFlagged(it) ? 'row-flagged' : '', dataset: { id: it.id, level: it.level } },
      h('th', { scope: 'row' }, it.level === 'product' ? h('a', { href: '#/products/' + encodeURIComponent(it.id) }, it.name) : it.name,
        h('span', { class: 'cell-sub' }, it.level === 'product' ? it.category : 'category'), groupsDetail(it, dims)),
      dims.map(dim => METRICS.map(([m]) => diCell(it.by && it.by[dim], m, threshold)))))
      : h('tr', {}, h('td', { colspan: 1 + dims.length * METRICS.length }, 'No item to show.')));
  };
  onlyFlagged.addEventListener('change', draw);
  onlyReview.addEventListener('change', draw);
  levelSel.addEventListener('change', draw);
  draw();
  const s = d.summary || {};
  return h('div', { id: 'bias-report' },
    h('p', {}, `Disparate-impact ratios (lowest group rate ÷ highest) for ${fmtNum(s.items ?? items.length)} products and categories; `,
      h('strong', {}, `${fmtNum(s.flagged ?? items.filter(isFlagged).length)} flagged`),
      ` below the four-fifths threshold (${threshold}), `,
      h('strong', {}, `${fmtNum(s.to_review ?? items.filter(isToReview).length)} to review`),
      ' (a statistically significant gap that an age rule of the product does not explain). ',
      `Generated ${d.generated_at || '—'}.`),
    d.sources ? h('p', { class: 'muted small' }, Object.entries(d.sources).map(([k, v]) => `${k}: ${v}`).join(' · ')) : null,
    h('div', { class: 'filters' },
      h('div', { class: 'field inline' }, onlyFlagged, h('label', { for: 'bias-flagged-only' }, 'Flagged only')),
      h('div', { class: 'field inline' }, onlyReview, h('label', { for: 'bias-review-only' }, 'To review only')),
      h('div', { class: 'field inline' }, h('label', { for: 'bias-level' }, 'Show'), levelSel)),
    h('div', { class: 'table-wrap tall' }, h('table', { class: 'table bias', id: 'bias-table' },
      h('thead', {},
        h('tr', {}, h('th', { scope: 'col', rowspan: 2 }, 'Item'), dims.map(dim => h('th', { scope: 'colgroup', colspan: METRICS.length, class: 'group-head' }, dim.replace('_', ' ')))),
        h('tr', {}, dims.map(() => METRICS.map(([, label]) => h('th', { scope: 'col', class: 'num' }, label))))),
      body)),
    h('p', { class: 'muted small' }, tag('⚑ flagged', 'tag-bad'), ' a ratio below the threshold: that group is offered, accepts or scores markedly less.'));
}
