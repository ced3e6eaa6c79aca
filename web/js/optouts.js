// optouts.js — the customer's channel opt-outs on their 360 page ("no
// offers by e-mail", /api/v1/customers/{id}/contact-optouts): the channels
// opted out of with since when, a button to opt back in to each, and a form
// to record a new one. Every change sends the whole list, which the server
// audits; offers requested for an opted-out channel are held back there.
import { api } from './api.js';
import { h, replace } from './dom.js';
import { card, fill, empty, errorBox, announce } from './ui.js';
import { CHANNEL_NAME } from './policy.js';

const COMMON_CHANNELS = ['email', 'sms', 'mobile', 'push', 'letter', 'phone'];
const MAX_OPTOUTS = 16;
const label = name => name === '*' ? 'every channel' : name;

export function optoutsCard(enc, signal) {
  const c = card('Offers by channel', { id: 'optouts', class: 'card-optouts' });
  const path = `/customers/${enc}/contact-optouts`;

  // Sends the wanted list; redraws from the server's answer.
  async function save(names, msg, done) {
    try {
      const d = await api(path, { method: 'PUT', signal, body: { opted_out: names } });
      announce(done);
      replace(c.body, render(d));
    } catch (err) {
      replace(msg, errorBox(err));
      return false;
    }
    return true;
  }

  function render(d) {
    const rows = d.opted_out || [];
    const names = rows.map(r => r.channel);
    const msg = h('div', { class: 'form-msg', 'aria-live': 'polite' });
    const list = rows.length
      ? h('ul', { class: 'optout-list' }, rows.map(r => {
        const btn = h('button', { type: 'button', class: 'btn btn-small' }, 'Opt back in');
        btn.setAttribute('aria-label', `Opt back in to offers by ${label(r.channel)}`);
        btn.addEventListener('click', async () => {
          btn.disabled = true;
          if (!await save(names.filter(n => n !== r.channel), msg, `Offers by ${label(r.channel)} allowed again.`))
            btn.disabled = false;
        });
        return h('li', {}, h('strong', {}, label(r.channel)),
          h('span', { class: 'muted small' }, 'no offers since ' + String(r.since).slice(0, 10)), btn);
      }))
      : empty('No opt-outs: offers may go to any channel the contact policy allows.');
    const input = h('input', { id: 'optout-channel', type: 'text', list: 'optout-channels', placeholder: 'email, or * for every channel', autocomplete: 'off', maxlength: 32, required: true });
    const btn = h('button', { type: 'submit', class: 'btn', id: 'optout-add' }, 'Opt out');
    const form = h('form', { class: 'filters optout-form', id: 'optout-form' },
      h('div', { class: 'field grow' }, h('label', { for: 'optout-channel' }, 'Customer asks for no offers by'), input,
        h('datalist', { id: 'optout-channels' }, [...COMMON_CHANNELS, '*'].filter(n => !names.includes(n)).map(n => h('option', { value: n, label: label(n) })))),
      btn, msg);
    form.addEventListener('submit', async e => {
      e.preventDefault();
      replace(msg);
      const name = input.value.trim();
      const say = text => msg.append(h('p', { class: 'error', role: 'alert' }, text));
      if (name !== '*' && !CHANNEL_NAME.test(name)) return say('A channel is a name like email or sms: 1 to 32 letters, digits, - _ or . only; * means every channel.');
      if (names.includes(name)) return say(`Already opted out of ${label(name)}.`);
      if (names.length >= MAX_OPTOUTS) return say(`At most ${MAX_OPTOUTS} channels.`);
      btn.disabled = true;
      if (!await save([...names, name], msg, `No more offers by ${label(name)}.`)) btn.disabled = false;
    });
    return h('div', {}, list, form,
      h('p', { class: 'muted small' }, 'The customer\'s own choice, kept until they change it; every change is audited. Offers shown here on the dashboard are not affected.'));
  }

  fill(c.body, () => api(path, { signal }), render, { signal, lines: 3 });
  return c;
}
