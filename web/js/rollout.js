// rollout.js — the overview's rollout card: the running (or latest) rollout's
// two arms side by side, each arm's conversion with its 95% interval drawn
// as a bar and whisker on one scale, the lift with its interval, and the
// verdict in words. A select switches between rollouts; the cumulative
// conversion by day is charted once the rollout has two days of data.
// Starting and stopping are here too; the server lets only admins do it
// (a 403 says so) and audits both.
import { api, ApiError } from './api.js';
import { h, replace, fmtNum, fmtPct } from './dom.js';
import { card, fill, empty, errorBox, announce } from './ui.js';
import { liftChart } from './chart.js';

const ARMS = [['treatment', 'Personalised'], ['control', 'Control (hold-out)']];

export function rolloutCard(signal) {
  const c = card('Rollout: personalised against a hold-out', { id: 'rollout' });
  const reload = () => load(c, signal);
  load(c, signal, reload);
  return c.el;
}

// The form that starts a rollout: a name and the share personalised.
function startForm(reload, lastName) {
  const name = h('input', { id: 'rollout-name', type: 'text', required: true, maxlength: 63,
    pattern: '[A-Za-z0-9._\\-]+', value: nextName(lastName), autocomplete: 'off' });
  const share = h('input', { id: 'rollout-share', type: 'number', required: true, min: 1, max: 99, step: 1, value: 90 });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'rollout-start' }, 'Start rollout');
  const form = h('form', { class: 'filters', id: 'rollout-form' },
    h('div', { class: 'field' }, h('label', { for: 'rollout-name' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'rollout-share' }, 'Personalised (%)'), share),
    btn, msg);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    btn.disabled = true;
    replace(msg);
    try {
      const r = await api('/rollouts', { method: 'POST', body: { name: name.value.trim(), share: Number(share.value) / 100 } });
      announce(`Rollout ${r.name} started: ${fmtPct(r.share, 0)} of customers personalised.`);
      reload();
    } catch (err) {
      btn.disabled = false;
      msg.append(errorBox(err));
    }
  });
  return form;
}

// "pilot-2" after "pilot-1"; a first rollout is "pilot-1".
function nextName(last) {
  if (!last) return 'pilot-1';
  const m = last.match(/^(.*?)(\d+)$/);
  return m ? m[1] + (Number(m[2]) + 1) : last + '-2';
}

function stopButton(reload, name) {
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const btn = h('button', { type: 'button', class: 'btn', id: 'rollout-stop' }, `Stop ${name}`);
  btn.addEventListener('click', async () => {
    if (!confirm(`Stop rollout ${name}? Every customer is then personalised as their consent allows.`)) return;
    btn.disabled = true;
    replace(msg);
    try {
      await api('/rollouts/stop', { method: 'POST' });
      announce(`Rollout ${name} stopped.`);
      reload();
    } catch (err) {
      btn.disabled = false;
      msg.append(errorBox(err));
    }
  });
  return h('div', { class: 'rollout-actions' }, btn, msg);
}

function load(c, signal, reload = () => load(c, signal)) {
  fill(c.body, async () => {
    try {
      return await api('/rollouts', { signal });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;   // an older server
      throw err;
    }
  }, list => {
    if (!list) return empty('Rollouts are not available on this server.');
    const running = list.running;
    const controls = running ? stopButton(reload, running.name)
      : h('details', { class: 'rollout-new', open: !list.rollouts.length }, h('summary', {}, 'Start a rollout'),
        h('p', { class: 'muted small' }, 'Personalises the share you choose; the other customers are held out and get the generally suitable offers, so the difference measures what personalisation adds.'),
        startForm(reload, list.rollouts.length ? list.rollouts[0].name : null));
    if (!list.rollouts.length) {
      return h('div', { id: 'rollout-none' }, empty('No rollout has been started: every customer is personalised as their consent allows.'),
        h('p', { class: 'muted small' }, 'To prove what personalisation adds, start one here or with ',
          h('code', {}, 'tailor rollout start --db FILE --share 0.9 NAME'),
          ' (90% personalised, a 10% hold-out). ',
          'Post "shown" and "accepted" events from every channel; the lift appears here.'), controls);
    }
    const body = h('div', { id: 'rollout-body' });
    const pick = h('select', { id: 'rollout-pick' }, list.rollouts.map(r =>
      h('option', { value: r.name }, r.running ? `${r.name} (running)` : r.name)));
    const show = () => fill(body, () => api(`/rollouts/${encodeURIComponent(pick.value)}/report`, { signal }),
      report, { signal, lines: 6 });
    pick.addEventListener('change', show);
    show();
    return h('div', {}, list.rollouts.length > 1
      ? h('div', { class: 'filters' }, h('div', { class: 'field inline' }, h('label', { for: 'rollout-pick' }, 'Rollout'), pick))
      : null, body, controls);
  }, { signal, lines: 4 });
}

const pts = v => (v >= 0 ? '+' : '') + (v * 100).toFixed(1) + ' points';
const pctSigned = v => (v >= 0 ? '+' : '') + (v * 100).toFixed(1) + '%';

function report(d) {
  const ro = d.rollout, lift = d.lift, arms = d.arms;
  const both = arms.treatment.customers > 0 && arms.control.customers > 0;
  const significant = both && lift.p_value != null && lift.p_value < 0.05;
  const good = significant && lift.difference > 0;
  // One scale for both arms: up to the highest interval bound, rounded up.
  const top = Math.min(1, Math.max(0.05, ...ARMS.map(([k]) => arms[k].conversion_ci[1] ?? 0)) * 1.1);
  const at = v => (Math.max(0, Math.min(1, (v ?? 0) / top)) * 100).toFixed(2) + '%';
  const bars = h('div', { class: 'ci-bars', id: 'rollout-bars', role: 'img',
    'aria-label': ARMS.map(([k, label]) => `${label}: ${fmtPct(arms[k].conversion, 1)} converted`).join('; ') },
  ARMS.map(([k, label]) => {
    const a = arms[k];
    return h('div', { class: 'ci-row', dataset: { arm: k, rate: String(a.conversion) } },
      h('span', { class: 'ci-label' }, label),
      h('div', { class: 'ci-track' },
        h('div', { class: 'ci-fill ' + k, style: { width: at(a.conversion) } }),
        h('div', { class: 'ci-whisker', style: { left: at(a.conversion_ci[0]),
          width: `calc(${at(a.conversion_ci[1])} - ${at(a.conversion_ci[0])})` } })),
      h('span', { class: 'ci-value' }, a.customers ? fmtPct(a.conversion, 1) : '—'));
  }));
  const rows = ARMS.map(([k, label]) => {
    const a = arms[k];
    return h('tr', { dataset: { arm: k } }, h('th', { scope: 'row' }, label),
      h('td', { class: 'num', dataset: { field: 'customers' } }, fmtNum(a.customers)),
      h('td', { class: 'num' }, fmtNum(a.converted)),
      h('td', { class: 'num' }, a.customers ? fmtPct(a.conversion, 1) : '—'),
      h('td', { class: 'num opt' }, a.customers ? `${fmtPct(a.conversion_ci[0], 1)} – ${fmtPct(a.conversion_ci[1], 1)}` : '—'),
      h('td', { class: 'num opt' }, fmtNum(a.shown)),
      h('td', { class: 'num opt' }, a.offer_acceptance == null ? '—' : fmtPct(a.offer_acceptance, 1)));
  });
  const split = d.split || {};
  return h('div', { id: 'rollout-report' },
    h('p', {}, h('strong', {}, ro.name), ` — ${fmtPct(ro.share, 0)} of customers personalised, `,
      ro.running ? `running since ${ro.started_at}` : `ran from ${ro.started_at} to ${ro.ended_at}`, '.'),
    h('p', { class: 'verdict ' + (good ? 'verdict-good' : significant ? 'verdict-bad' : 'verdict-open'), id: 'rollout-verdict' }, lift.verdict),
    bars,
    both ? h('p', { id: 'rollout-lift' },
      `Conversion, personalised − control: ${pts(lift.difference)} (95% interval ${pts(lift.difference_ci[0])} to ${pts(lift.difference_ci[1])}), `,
      lift.relative == null ? 'relative lift undefined (the control converted nobody)' : `relative lift ${pctSigned(lift.relative)}`,
      `, p = ${lift.p_value < 0.0001 ? '< 0.0001' : lift.p_value.toFixed(4)}. `,
      `With these group sizes a difference of ${(lift.min_detectable_difference * 100).toFixed(1)} points or more would show.`) : null,
    h('div', { class: 'table-wrap' }, h('table', { class: 'table compact', id: 'rollout-table' },
      // Customers: those shown at least one offer. The last three columns
      // give way on narrow screens (the bars above carry the interval).
      h('thead', {}, h('tr', {}, ['Arm', 'Customers', 'Converted', 'Conversion', '95% interval', 'Offers shown', 'Per offer']
        .map((t, i) => h('th', { scope: 'col', class: i === 0 ? undefined : i >= 4 ? 'num opt' : 'num' }, t)))),
      h('tbody', {}, rows))),
    complaintsLine(d),
    segmentTable(d.segments || []),
    d.daily && d.daily.length >= 2 ? liftChart(d.daily) : h('p', { class: 'muted small' }, 'The cumulative conversion by day is charted once the rollout has two days of data.'),
    split.observed_treatment_share != null ? h('p', { class: 'muted small', id: 'rollout-split' },
      `Split check: ${fmtPct(split.observed_treatment_share, 1)} of the customers shown offers are in the personalised arm, ${fmtPct(split.expected_treatment_share, 0)} by design (p = ${split.p_value.toFixed(3)}).`) : null,
    h('p', { class: 'muted small' }, 'Conversion: the share of customers shown at least one offer during the rollout who accepted one. ',
      'Customers count in their assigned arm, also those whose own consent kept them from personalisation.'),
    d.generated_at ? h('p', { class: 'muted small', id: 'rollout-generated' }, `Counted at ${d.generated_at}`,
      d.cached ? ': no event of the rollout\'s days has been recorded or erased since.' : '.') : null);
}

// The guardrail: do personalised customers complain more than the hold-out?
function complaintsLine(d) {
  const c = d.complaints;
  if (!c) return null;
  const t = d.arms.treatment, k = d.arms.control;
  const worse = c.difference_ci[0] > 0;
  return h('p', { id: 'rollout-complaints', class: worse ? 'notice notice-warn' : undefined },
    `Complaints (guardrail): ${fmtNum(t.complainers)} personalised customers (${fmtPct(t.complaint_rate, 2)}) `,
    `and ${fmtNum(k.complainers)} in the control (${fmtPct(k.complaint_rate, 2)}) complained; `,
    `difference ${pts(c.difference)} (95% interval ${pts(c.difference_ci[0])} to ${pts(c.difference_ci[1])})`,
    worse ? ': personalised customers complain more.' : '.');
}

// Where personalisation helps: the same comparison per age band and risk
// profile, folded away (small groups, many comparisons).
function segmentTable(segments) {
  if (!segments.length) return null;
  const tested = segments.filter(g => g.tested).length;
  const cell = a => a.customers ? `${fmtPct(a.conversion, 1)} of ${fmtNum(a.customers)}` : '—';
  return h('details', { class: 'chart-data', id: 'rollout-segments' },
    h('summary', {}, `By segment (${segments.length})`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table compact' },
      h('thead', {}, h('tr', {}, ['Segment', 'Personalised', 'Control', 'Difference', '95% interval', 'p']
        .map((t, i) => h('th', { scope: 'col', class: i ? (i >= 4 ? 'num opt' : 'num') : undefined }, t)))),
      h('tbody', {}, segments.map(g => h('tr', { dataset: { segment: g.segment } },
        h('th', { scope: 'row' }, g.segment.replace('age:', 'age ').replace('|risk:', ', risk ')),
        h('td', { class: 'num' }, cell(g.treatment)),
        h('td', { class: 'num' }, cell(g.control)),
        h('td', { class: 'num' }, g.difference == null ? '—' : pts(g.difference)),
        h('td', { class: 'num opt' }, g.difference_ci ? `${pts(g.difference_ci[0])} to ${pts(g.difference_ci[1])}` : '—'),
        h('td', { class: 'num opt' }, g.p_value == null ? 'too few' : g.p_value.toFixed(3))))))),
    h('p', { class: 'muted small' }, `p only where both arms have 30 customers or more. `,
      tested > 1 ? `Of ${tested} segments tested at 5%, about ${(tested / 20).toFixed(1)} may differ by chance alone.` : ''));
}
