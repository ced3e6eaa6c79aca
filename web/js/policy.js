// policy.js — the overview's contact-policy card: the rules in force in
// words, and a form to change them. The server lets only admins change the
// policy (a 403 says so) and audits every change (docs/contact-policy.md).
import { api, ApiError } from './api.js';
import { h, replace } from './dom.js';
import { card, fill, errorBox, announce } from './ui.js';

export function policyCard(signal) {
  const c = card('Contact policy', { id: 'contact-policy' });
  load(c, signal);
  return c.el;
}

// Channels where staff, not the customer, see offers (absent from older servers).
const staffOf = p => p.staff_channels || [];

// One line per rule, as a relationship manager would say it.
function describe(p) {
  const caps = p.caps.length
    ? p.caps.map(x => `at most ${x.offers} offer${x.offers === 1 ? '' : 's'} in ${x.days} days on ${x.channel === '*' ? 'all channels together' : x.channel}`).join('; ')
    : 'none';
  return [
    ['Dismissed offers', p.dismissal_days ? `hidden for ${p.dismissal_days} days` : 'may come back at once'],
    ['Offer fatigue', p.fatigue ? `rested after ${p.fatigue.showings} showings in ${p.fatigue.days} days with no response` : 'off'],
    ['After a complaint', p.complaint_days ? `no offers for ${p.complaint_days} days` : 'offers continue'],
    ['Channel caps', caps],
    ['Staff views', staffOf(p).length
      ? `not counted as contacts on ${staffOf(p).join(', ')}` : 'counted like any showing'],
  ];
}

// "mobile=2/7, *=6/30" ⇄ caps; null when the text does not read.
function parseCaps(text) {
  const caps = [];
  for (const part of text.split(',').map(s => s.trim()).filter(Boolean)) {
    const m = part.match(/^([A-Za-z0-9._\-]+|\*)\s*=\s*(\d+)\s*\/\s*(\d+)$/);
    if (!m) return null;
    caps.push({ channel: m[1], offers: Number(m[2]), days: Number(m[3]) });
  }
  return caps;
}
const capsText = caps => caps.map(x => `${x.channel}=${x.offers}/${x.days}`).join(', ');

// A channel's name as the server takes it (TL_CONTACT_CHANNEL_RULE).
export const CHANNEL_NAME = /^[A-Za-z0-9._-]{1,32}$/;

// "dashboard, branch" ⇄ staff channels; null when a name does not read.
function parseStaff(text) {
  const names = text.split(',').map(s => s.trim()).filter(Boolean);
  return names.every(n => CHANNEL_NAME.test(n)) ? names : null;
}

function editForm(p, reload) {
  const num = (id, value) => h('input', { id, type: 'number', min: 0, max: 3650, step: 1, value, required: true });
  const dismissal = num('policy-dismissal', p.dismissal_days);
  const complaint = num('policy-complaint', p.complaint_days);
  const showings = h('input', { id: 'policy-showings', type: 'number', min: 0, max: 1000, step: 1, value: p.fatigue ? p.fatigue.showings : 0 });
  const fdays = num('policy-fatigue-days', p.fatigue ? p.fatigue.days : 30);
  const caps = h('input', { id: 'policy-caps', type: 'text', value: capsText(p.caps), placeholder: 'mobile=2/7, email=1/14', autocomplete: 'off' });
  const staff = h('input', { id: 'policy-staff', type: 'text', value: staffOf(p).join(', '), placeholder: 'dashboard', autocomplete: 'off' });
  const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'btn btn-primary', id: 'policy-save' }, 'Save policy');
  const field = (id, label, input) => h('div', { class: 'field' }, h('label', { for: id }, label), input);
  const form = h('form', { class: 'filters', id: 'policy-form' },
    field('policy-dismissal', 'Hide dismissed (days)', dismissal),
    field('policy-showings', 'Rest after showings (0: off)', showings),
    field('policy-fatigue-days', 'within (days)', fdays),
    field('policy-complaint', 'Pause after complaint (days)', complaint),
    field('policy-caps', 'Caps: channel=offers/days', caps),
    field('policy-staff', 'Staff channels (not counted)', staff),
    btn, msg);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    replace(msg);
    const parsed = parseCaps(caps.value);
    if (!parsed) {
      msg.append(h('p', { class: 'error', role: 'alert' }, 'Caps read like mobile=2/7, email=1/14 (* for all channels).'));
      return;
    }
    const staffNames = parseStaff(staff.value);
    if (!staffNames) {
      msg.append(h('p', { class: 'error', role: 'alert' }, 'Staff channels are names like dashboard, branch: letters, digits, - _ or . only.'));
      return;
    }
    btn.disabled = true;
    const body = {
      dismissal_days: Number(dismissal.value), complaint_days: Number(complaint.value),
      fatigue: Number(showings.value) ? { showings: Number(showings.value), days: Number(fdays.value) } : null,
      caps: parsed, staff_channels: staffNames,
    };
    try {
      const r = await api('/contact-policy', { method: 'PUT', body });
      announce(r.changed ? 'Contact policy saved.' : 'Contact policy unchanged.');
      reload();
    } catch (err) {
      btn.disabled = false;
      msg.append(errorBox(err));
    }
  });
  return form;
}

function load(c, signal) {
  const reload = () => load(c, signal);
  fill(c.body, async () => {
    try {
      return await api('/contact-policy', { signal });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;   // an older server
      throw err;
    }
  }, d => {
    if (!d) return h('p', { class: 'empty' }, 'This server has no contact policy.');
    const p = d.policy;
    return h('div', {},
      h('dl', { class: 'policy-rules' }, describe(p).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('details', { class: 'policy-edit' }, h('summary', {}, 'Change the policy'), editForm(p, reload)));
  }, { signal, lines: 4 });
}
