// auditcheck.js — the overview's audit-log card: checks the log's hash
// chain on request (GET /api/v1/audit/verify walks every entry, so it is not
// run on every page view) and shows the head to keep as an anchor
// (docs/governance.md).
import { api } from './api.js';
import { h, replace, fmtNum } from './dom.js';
import { card, errorBox, loading, tag, announce } from './ui.js';

export function auditCard() {
  const c = card('Audit log', { id: 'audit-check' });
  const anchor = h('input', { id: 'audit-anchor', type: 'text', placeholder: 'optional: a head recorded earlier',
                              autocomplete: 'off', spellcheck: 'false' });
  const result = h('div', { class: 'audit-result', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Every served recommendation, consent change and erasure is logged, each entry chained to the one before by a SHA-256 hash. Check that none was changed, inserted or removed since it was written.'));
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'audit-verify' }, 'Check the audit log');
  const form = h('form', { class: 'filters', id: 'audit-form' },
    h('div', { class: 'field' }, h('label', { for: 'audit-anchor' }, 'Anchor'), anchor), btn);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    const a = anchor.value.trim();
    if (a && !/^[0-9a-f]{64}$/.test(a)) {
      replace(result, h('p', { class: 'error', role: 'alert' }, 'An anchor is the 64 lower-case hex digits of a head shown by an earlier check.'));
      return;
    }
    btn.disabled = true;
    replace(result, loading('Checking the audit log…', 2));
    try {
      const v = await api('/audit/verify' + (a ? `?anchor=${a}` : ''));
      replace(result, verdict(v));
      announce(v.intact ? 'Audit log intact.' : 'Audit log check failed.');
    } catch (err) {
      replace(result, errorBox(err));
    } finally {
      btn.disabled = false;
    }
  });
  c.body.append(form, result);
  return c.el;
}

function verdict(v) {
  const counts = `${fmtNum(v.entries)} entries` +
    (v.unchained ? `, ${fmtNum(v.unchained)} of them written before the chain began (not checked)` : '');
  const out = h('div', {},
    h('p', {}, v.intact ? tag('Intact', 'tag-good') : tag('Broken', 'tag-bad'), ' ', counts));
  if (v.broken) {
    out.append(h('p', { class: 'error', role: 'alert' },
      `${fmtNum(v.broken)} ${v.broken === 1 ? 'entry no longer matches' : 'entries no longer match'} the chain: changed, inserted or removed after being written.`));
    out.append(h('ul', { class: 'audit-broken' }, v.first_broken.map(b =>
      h('li', {}, `entry ${b.id}, ${b.at}, ${b.kind}`))));
  }
  if (v.anchor) {
    out.append(h('p', { class: v.anchor.found ? '' : 'error' }, v.anchor.found
      ? 'Anchor found, as written: nothing up to it has changed.'
      : 'Anchor not found: the entry it was taken from is gone or changed.'));
  }
  if (v.head) {
    out.append(h('p', { class: 'muted' }, 'Head (keep it outside tailor to check against later): ',
      h('code', { class: 'audit-head' }, v.head)));
  }
  return out;
}
