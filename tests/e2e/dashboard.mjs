// dashboard.mjs — the dashboard end to end: a real tailor server on a free
// loopback port with the prototype's seed data (or a small synthetic bank
// when ../shared is absent), driven in headless Chromium by playwright-core.
// Every page is screenshotted at 1280x800 and 390x844 into
// $TAILOR_E2E_ARTIFACTS. Only /api/v1/reports/bias is ever intercepted (to
// show the bias table with a fixture); everything else is the real server.
//
//   TAILOR_BIN=build/tailor TAILOR_SRC=. node tests/e2e/dashboard.mjs
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(process.env.TAILOR_SRC || path.join(path.dirname(fileURLToPath(import.meta.url)), '../..'));
const BIN = path.resolve(process.env.TAILOR_BIN || path.join(SRC, 'build/tailor'));
const ART = path.resolve(process.env.TAILOR_E2E_ARTIFACTS || path.join(SRC, 'build/e2e-artifacts'));
const CHROMIUM = process.env.TAILOR_CHROMIUM || '/usr/bin/chromium';
const T = 90_000;   // per wait: the server may run under AddressSanitizer

function fail(msg) {
  console.error('e2e_dashboard: ' + msg);
  process.exit(1);
}

if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: run \`make deps\` (installs the Debian package chromium)`);
if (!fs.existsSync(BIN)) fail(`${BIN} is missing: build tailor first`);
let chromium;
try {
  chromium = createRequire(path.join(SRC, 'web/package.json'))('playwright-core').chromium;
} catch {
  fail('playwright-core is missing from web/node_modules: run `make deps`');
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tailor-e2e-'));
const db = path.join(tmp, 'e2e.db');
fs.mkdirSync(ART, { recursive: true });

function run(args) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) fail(`tailor ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

// The data: the prototype's seed when ../shared has it, else a small
// synthetic bank made by tailor itself.
const seed = path.join(SRC, '..', 'shared', 'seed-data');
if (fs.existsSync(path.join(seed, 'customer_profile.json'))) {
  run(['import', '--db', db, '--seed', seed, '--quiet']);
} else {
  const gen = path.join(tmp, 'bank');
  run(['generate', '--out', gen, '--customers', '300', '--monthly-only', '--quiet']);
  const args = ['import', '--db', db, '--quiet'];
  for (const [flag, file] of [['--products', 'products.json'], ['--customers', 'customers.csv'], ['--reviews', 'reviews.csv'],
    ['--posts', 'posts.csv'], ['--holdings', 'holdings.csv'], ['--monthly', 'monthly.csv']]) {
    if (fs.existsSync(path.join(gen, file))) args.push(flag, path.join(gen, file));
  }
  run(args);
}

let server = null;
// Stops the server and resolves to its exit status: a clean stop (0) is
// part of the test, so a leak or sanitizer report at exit fails it.
function stopServer() {
  return new Promise(resolve => {
    if (!server || server.exitCode !== null) { resolve(server ? server.exitCode : 0); return; }
    const killer = setTimeout(() => server.kill('SIGKILL'), 30_000);
    server.once('exit', (code, sig) => { clearTimeout(killer); resolve(code === null ? 128 + (sig === 'SIGKILL' ? 9 : 15) : code); });
    server.kill('SIGTERM');
  });
}
process.on('exit', () => { if (server && server.exitCode === null) server.kill('SIGKILL'); fs.rmSync(tmp, { recursive: true, force: true }); });

// Starts `tailor serve --port 0` and reads the URL it prints.
function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(BIN, ['serve', '--db', db, '--host', '127.0.0.1', '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', errText = '';
    const timer = setTimeout(() => reject(new Error('tailor serve printed no URL within 120 s: ' + errText)), 120_000);
    server.stdout.on('data', d => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
    });
    server.stderr.on('data', d => { errText += d; process.stderr.write(d); });
    server.once('exit', code => { clearTimeout(timer); reject(new Error(`tailor serve exited (${code}): ${errText}`)); });
  });
}

async function waitHealthy(base) {
  const end = Date.now() + 120_000;
  for (;;) {
    try {
      const r = await fetch(base + '/healthz');
      if (r.ok) return;
    } catch { /* not yet */ }
    if (Date.now() > end) throw new Error('/healthz never answered 200');
    await new Promise(r => setTimeout(r, 250));
  }
}

const fixture = fs.readFileSync(path.join(SRC, 'tests/e2e/bias-fixture.json'), 'utf8');

async function shot(page, name) {
  const file = path.join(ART, name + '.png');
  await page.screenshot({ path: file, fullPage: true });
  console.log('screenshot ' + file);
}

// No horizontal scrolling of the whole page (tables scroll in their box).
async function assertFits(page, what) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert.ok(sw <= cw + 1, `${what}: the page is ${sw}px wide in a ${cw}px viewport`);
}

async function pixels(page, selector) {
  return page.$eval(selector, c => {
    const ctx = c.getContext('2d');
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let band = 0, forecast = 0, actual = 0;
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b, a] = [d[i], d[i + 1], d[i + 2], d[i + 3]];
      if (a === 0) continue;
      // The canvas is transparent: colours come unblended, with alpha.
      if (a > 180 && r > 150 && r < 215 && g < 110 && b < 60) forecast++;                 // #c2410c
      else if (a > 180 && r < 80 && g < 110 && b > 170) actual++;                          // #1d4ed8
      else if (a > 20 && a < 120 && r > 200 && g > 60 && g < 120 && b < 40) band++;       // rgba(234,88,12,.18)
    }
    return { band, forecast, actual };
  });
}

// A fresh browser context at viewport vp: its page, the script errors and
// CSP violations it logs (404s too unless `allow404`), and the viewport's tag.
async function openPage(browser, vp, allow404 = false) {
  const ctx = await browser.newContext({ viewport: vp, deviceScaleFactor: 1 });
  ctx.setDefaultTimeout(T);
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', e => problems.push('page error: ' + e.message));
  page.on('console', m => {
    if (m.type() === 'error' && !(allow404 && /status of 404/.test(m.text()))) problems.push('console: ' + m.text());
  });
  return { ctx, page, problems, tag: `${vp.width}x${vp.height}` };
}

async function flows(browser, base, vp, full) {
  const { ctx, page, problems, tag } = await openPage(browser, vp, true);
  await page.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver(l => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
      .observe({ type: 'layout-shift', buffered: true });
  });

  // Customers: the table, then a search.
  await page.goto(base + '/#/customers');
  await page.waitForSelector('#customers-table tbody tr.row-link');
  const total = Number((await page.textContent('#result-count')).match(/of ([\d,]+)/)[1].replace(/,/g, ''));
  assert.ok(total > 0, 'the customer table counts its customers');
  await assertFits(page, `${tag} customers`);
  await shot(page, `${tag}-01-customers`);

  // A segment filter: only dormant customers, fewer than all.
  await page.selectOption('#f-activity', 'Dormant');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('#customers-table tbody tr.row-link')];
    return !document.querySelector('#customers-table[aria-busy]') && rows.length > 0 &&
      rows.every(r => r.textContent.includes('Dormant'));
  });
  const dormant = Number((await page.textContent('#result-count')).match(/of ([\d,]+)/)[1].replace(/,/g, ''));
  assert.ok(dormant > 0 && dormant < total, `the activity filter narrows ${total} customers (got ${dormant})`);
  await page.selectOption('#f-activity', '');
  await page.waitForFunction(t => (document.querySelector('#result-count').textContent.match(/of ([\d,]+)/) || [])[1]?.replace(/,/g, '') === String(t), total);

  const firstName = (await page.textContent('#customers-table tbody tr.row-link .cell-title')).trim();
  const term = firstName.split(' ')[0];
  await page.fill('#customer-search', term);
  await page.waitForFunction(t => {
    const c = document.querySelector('#result-count').textContent;
    const rows = [...document.querySelectorAll('#customers-table tbody tr.row-link')];
    return !document.querySelector('#customers-table[aria-busy]') && /of/.test(c) && rows.length > 0 &&
      rows.every(r => r.textContent.toLowerCase().includes(t.toLowerCase()));
  }, term);
  const found = Number((await page.textContent('#result-count')).match(/of ([\d,]+)/)[1].replace(/,/g, ''));
  assert.ok(found >= 1 && found < total, `searching "${term}" narrows ${total} customers (got ${found})`);
  assert.match(page.url(), new RegExp('q=' + encodeURIComponent(term)), 'the search is kept in the URL');
  await shot(page, `${tag}-02-search`);

  // Open the customer with the keyboard: focus the row's link, press Enter.
  await page.focus('#customers-table tbody tr.row-link a');
  const id = await page.$eval('#customers-table tbody tr.row-link', tr => tr.dataset.id);
  await page.keyboard.press('Enter');
  await page.waitForURL(u => u.hash === '#/customers/' + encodeURIComponent(id));

  // Three recommendations with reasons.
  await page.waitForSelector('#recommendations .rec');
  await page.waitForFunction(() => !document.querySelector('#recommendations [aria-busy]'));
  const before = await page.$$eval('#recommendations .rec', els => els.map(e => ({
    id: e.dataset.productId, reasons: e.querySelectorAll('.reasons li').length })));
  assert.equal(before.length, 3, `customer ${id} is shown three recommendations`);
  for (const r of before) assert.ok(r.reasons >= 1, `recommendation ${r.id} gives its reasons`);
  await page.waitForSelector('#needs .need');
  await page.waitForSelector('#posts .post .senti', { state: 'attached' }).catch(() => {});

  // The chart: actuals, the forecast point and its shaded interval.
  await page.waitForSelector('[data-chart="spending"][data-drawn="true"] canvas');
  const fcMonth = await page.getAttribute('[data-chart="spending"]', 'data-forecast');
  assert.match(fcMonth, /^\d{4}-\d{2}$/, 'the chart has a forecast month');
  assert.match(await page.textContent('#spending .chart-caption'), /Forecast for .*80% interval/);
  await page.waitForTimeout(300);   // one animation frame for the canvas
  const px = await pixels(page, '[data-chart="spending"] canvas');
  console.log(`${tag} chart pixels: ${JSON.stringify(px)}`);
  assert.ok(px.actual > 50, `the chart draws the actual spending line (${JSON.stringify(px)})`);
  assert.ok(px.forecast > 30, `the chart draws the forecast (${JSON.stringify(px)})`);
  assert.ok(px.band > 200, `the chart shades the 80% interval (${JSON.stringify(px)})`);
  await page.waitForSelector('#consent input[role="switch"]');
  await page.waitForSelector('#profile .facts');
  await page.waitForFunction(() => !document.querySelector('[aria-busy]'));
  await assertFits(page, `${tag} customer`);
  await shot(page, `${tag}-03-customer`);

  // No layout shift as the data arrives, measured on a fresh load (a click
  // would hide shifts in the next 500 ms from the measure).
  const freshCls = async (url, ready) => {
    await page.goto('about:blank');
    await page.goto(url);
    await page.waitForSelector(ready);
    await page.waitForFunction(() => !document.querySelector('[aria-busy]') && !document.querySelector('.loading'));
    await page.waitForTimeout(300);
    return page.evaluate(() => window.__cls);
  };
  const cls = await freshCls(`${base}/#/customers/${encodeURIComponent(id)}`, '[data-chart="spending"][data-drawn="true"] canvas');
  console.log(`${tag} customer page: cumulative layout shift ${cls.toFixed(3)}`);
  assert.ok(cls < 0.1, `the customer page does not shift as data arrives (CLS ${cls.toFixed(3)})`);
  await page.waitForSelector('#recommendations .rec');

  if (full) {
    // Dismiss one: it leaves the list at once and another takes its place.
    const gone = before[0].id;
    await page.click(`#recommendations .rec[data-product-id="${gone}"] button[data-action="dismiss"]`);
    await page.waitForFunction(g => {
      const ids = [...document.querySelectorAll('#recommendations .rec')].map(e => e.dataset.productId);
      return ids.length === 3 && !ids.includes(g);
    }, gone);
    const after = await page.$$eval('#recommendations .rec', els => els.map(e => e.dataset.productId));
    assert.ok(!after.includes(gone), `dismissed product ${gone} is gone`);
    assert.ok(after.some(p => !before.map(b => b.id).includes(p)), 'a new recommendation replaced it');
    await page.waitForSelector('#recommendations .flash');
    assert.match(await page.textContent('#recommendations .flash'), /dismissed: .*hidden until \d{4}-\d\d-\d\d/,
      'the flash says until when the contact policy hides the dismissed offer');
    await shot(page, `${tag}-04-after-dismiss`);

    // Accept one: it becomes a holding and leaves the recommendations.
    const taken = after[1];
    const takenName = (await page.textContent(`#recommendations .rec[data-product-id="${taken}"] h3 a`)).trim();
    await page.click(`#recommendations .rec[data-product-id="${taken}"] button[data-action="accept"]`);
    await page.waitForFunction(t => {
      const ids = [...document.querySelectorAll('#recommendations .rec')].map(e => e.dataset.productId);
      return ids.length > 0 && !ids.includes(t) && !document.querySelector('#recommendations [aria-busy]');
    }, taken);
    await page.waitForFunction(n => [...document.querySelectorAll('#holdings a')].some(a => a.textContent.trim() === n), takenName);

    // Channel opt-outs: a bad name is caught before sending; "email" is
    // recorded (the API then holds e-mail offers back) and opted back in.
    const optoutsUrl = `${base}/api/v1/customers/${encodeURIComponent(id)}/contact-optouts`;
    const optedOut = async () => (await (await fetch(optoutsUrl)).json()).opted_out.map(r => r.channel);
    await page.waitForSelector('#optouts .empty');
    await page.fill('#optout-channel', 'e mail');
    await page.click('#optout-add');
    await page.waitForSelector('#optout-form .error');
    assert.deepEqual(await optedOut(), [], 'a bad channel name is not sent');
    await page.fill('#optout-channel', 'email');
    await page.click('#optout-add');
    await page.waitForSelector('#optouts .optout-list li');
    assert.match(await page.textContent('#optouts .optout-list li'), /email\s*no offers since \d{4}-\d\d-\d\d/);
    assert.deepEqual(await optedOut(), ['email'], 'the opt-out is stored');
    const held = await (await fetch(`${base}/api/v1/customers/${encodeURIComponent(id)}/recommendations?channel=email`)).json();
    assert.equal(held.suppressed && held.suppressed.code, 'opted_out', 'offers by e-mail are held back');
    // "*" is every channel, shown in words.
    await page.fill('#optout-channel', '*');
    await page.click('#optout-add');
    await page.waitForFunction(() => document.querySelectorAll('#optouts .optout-list li').length === 2);
    assert.match(await page.textContent('#optouts .optout-list'), /every channel/);
    assert.deepEqual((await optedOut()).sort(), ['*', 'email']);
    await shot(page, `${tag}-04b-optout`);
    await page.click('#optouts .optout-list button');
    await page.waitForFunction(() => document.querySelectorAll('#optouts .optout-list li').length === 1);
    await page.click('#optouts .optout-list button');
    await page.waitForSelector('#optouts .empty');
    assert.deepEqual(await optedOut(), [], 'opted back in');
  }

  // A product page, from a recommendation's link.
  const productId = await page.$eval('#recommendations .rec', e => e.dataset.productId);
  await page.click('#recommendations .rec h3 a');
  await page.waitForURL(u => u.hash === '#/products/' + productId);
  await page.waitForSelector('#suggestions .suggestions li');
  await page.waitForSelector('#rules .card-body table, #rules .card-body .empty');
  await page.waitForSelector('#reviews .review-summary, #reviews .empty');
  await page.waitForSelector('#holders .kpi-value');
  // It was displayed on the customer page: a showing on a staff screen.
  await page.waitForSelector('#offers-staff');
  const holders = Number((await page.textContent('#holders .kpi-value')).replace(/,/g, ''));
  assert.equal(await page.$$eval('#holders .holders li', l => l.length), Math.min(holders, 8), 'the product lists who holds it');
  await page.waitForFunction(() => !document.querySelector('[aria-busy]'));
  const pcls = await freshCls(`${base}/#/products/${encodeURIComponent(productId)}`, '#suggestions .suggestions li');
  console.log(`${tag} product page: cumulative layout shift ${pcls.toFixed(3)}`);
  const pname = (await page.textContent('#page-title')).trim();
  assert.ok(pname && !/^Product /.test(pname), 'the product page names the product');
  assert.ok(pcls < 0.1, `the product page does not shift as data arrives (CLS ${pcls.toFixed(3)})`);
  await assertFits(page, `${tag} product`);
  await shot(page, `${tag}-05-product`);

  // The catalogue.
  await page.click('.nav a[data-section="products"]');
  await page.waitForSelector('#catalogue tbody tr');
  await assertFits(page, `${tag} products`);
  await shot(page, `${tag}-06-products`);

  // A need matched against the catalogue, typed and then from an example:
  // the card lists what the API answers, in its order.
  const matchNames = async text => (await (await fetch(base + '/api/v1/products/match', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text, k: 5 }) })).json()).matches.map(m => m.name);
  const shownMatches = () => page.$$eval('#match-results li .bar-name', l => l.map(a => a.textContent.trim()));
  await page.fill('#match-text', 'Planning my next trip to Asia');
  await page.click('#match-go');
  await page.waitForSelector('#match-results li');
  const asia = await matchNames('Planning my next trip to Asia');
  assert.deepEqual(await shownMatches(), asia, 'the match card lists the API\'s matches in order');
  if (fs.existsSync(path.join(seed, 'products.json'))) assert.equal(asia[0], 'UnionPay', 'a trip to Asia finds the card accepted across Asia');
  await page.click('#match-hint .linkish:nth-of-type(3)');
  const car = await matchNames('My car broke down again');
  await page.waitForFunction(want => JSON.stringify([...document.querySelectorAll('#match-results li .bar-name')]
    .map(a => a.textContent.trim())) === want, JSON.stringify(car));
  assert.equal(await page.inputValue('#match-text'), 'My car broke down again');
  await assertFits(page, `${tag} product match`);
  await shot(page, `${tag}-06b-match`);

  // Overview: portfolio figures from the real server; this server has no
  // bias report, and the page says so.
  const ocls = await freshCls(`${base}/#/overview`, '#kpis [data-kpi="customers"] .kpi-value');
  console.log(`${tag} overview: cumulative layout shift ${ocls.toFixed(3)}`);
  assert.ok(ocls < 0.1, `the overview does not shift as data arrives (CLS ${ocls.toFixed(3)})`);
  const shownCustomers = Number((await page.textContent('#kpis [data-kpi="customers"] .kpi-value')).replace(/,/g, ''));
  const api = await (await fetch(base + '/api/v1/reports/overview')).json();
  assert.equal(shownCustomers, api.customers, 'the overview shows the customer count');
  assert.ok(api.recommendations_served >= 3, 'displayed recommendations were counted as shown');
  await page.waitForSelector('#trend [data-chart="feedback"][data-drawn="true"] canvas');
  // Offers by channel: the API's rows in its order, the dashboard's own
  // showings on a staff channel, tagged.
  await page.waitForSelector('#channel-table tbody tr');
  const shownChannels = await page.$$eval('#channel-table tbody tr', rows => rows.map(r => ({
    channel: r.dataset.channel, staff: !!r.querySelector('.tag'), shown: Number(r.cells[1].textContent.replace(/,/g, '')) })));
  assert.deepEqual(shownChannels, api.by_channel.map(c => ({ channel: c.channel ?? '', staff: c.staff, shown: c.shown })),
    'the channel table shows the report\'s rows');
  assert.ok(api.by_channel.some(c => c.channel === 'dashboard' && c.staff && c.shown >= 3),
    'the dashboard\'s showings are on a staff channel');
  const biasStatus = (await fetch(base + '/api/v1/reports/bias')).status;
  if (biasStatus === 404) {
    await page.waitForSelector('#bias-unavailable');
    assert.match(await page.textContent('#bias-unavailable'), /Bias report not available on this server/);
  } else {
    await page.waitForSelector('#bias-table');
  }
  // No rollout yet: the card says how to start one.
  await page.waitForSelector('#rollout-none');
  await assertFits(page, `${tag} overview`);
  await shot(page, `${tag}-07-overview`);

  // The bias table, drawn from a fixture in the agreed shape.
  await page.route('**/api/v1/reports/bias', r => r.fulfill({ status: 200, contentType: 'application/json', body: fixture }));
  await page.reload();
  await page.waitForSelector('#bias-table > tbody > tr');
  assert.equal(await page.$$eval('#bias-table > tbody > tr', r => r.length), 3, 'one row per item');
  assert.equal(await page.$$eval('#bias-table > tbody > tr.row-flagged', r => r.length), 2, 'flagged items are marked');
  assert.ok(await page.$$eval('#bias-table > tbody > tr > td.flagged', c => c.length) >= 3, 'flagged ratios are highlighted');
  assert.match(await page.textContent('#bias-report'), /2 flagged.*1 to review/s, 'the summary counts flagged items and those to review');
  await page.check('#bias-flagged-only');
  assert.equal(await page.$$eval('#bias-table > tbody > tr', r => r.length), 2, '"Flagged only" hides the rest');
  // Mutual Fund's significant gap is by age, under an age rule: not to review.
  await page.check('#bias-review-only');
  assert.deepEqual(await page.$$eval('#bias-table > tbody > tr', r => r.map(x => x.dataset.id)), ['3'], '"To review only" keeps the unexplained significant gaps');
  await page.uncheck('#bias-review-only');
  await shot(page, `${tag}-08-overview-bias`);
  await page.unroute('**/api/v1/reports/bias');

  // Keyboard: a new page puts focus on its heading, the next Tab reaches
  // its first control; "Skip to content" jumps past the navigation.
  await page.goto(base + '/#/customers');
  await page.waitForSelector('#customers-table tbody tr.row-link');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'page-title', 'focus starts at the page heading');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'customer-search', 'Tab reaches the search field');
  await page.focus('#skip');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'page-title', '"Skip to content" moves focus to the page');

  assert.deepEqual(problems, [], 'no script error or CSP violation in the console');
  await ctx.close();
}

// Starts a rollout from the overview's card: half the customers
// personalised.
async function startRolloutFromCard(browser, base) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  ctx.setDefaultTimeout(T);
  const page = await ctx.newPage();
  await page.goto(base + '/#/overview');
  await page.waitForSelector('#rollout-none #rollout-form');
  assert.equal(await page.inputValue('#rollout-name'), 'pilot-1', 'a first rollout is offered a name');
  await page.fill('#rollout-name', 'e2e-pilot');
  await page.fill('#rollout-share', '50');
  await page.click('#rollout-start');
  await page.waitForSelector('#rollout-report');
  await page.waitForSelector('#rollout-stop');
  const list = await (await fetch(base + '/api/v1/rollouts')).json();
  assert.equal(list.running && list.running.name, 'e2e-pilot', 'the card started the rollout');
  assert.equal(list.running.share, 0.5, 'with the share asked for');
  await ctx.close();
}

// Forty customers are shown their offers through the API and every third
// in each arm accepts one. Returns the server's report.
async function runRollout(base) {
  const post = (path, body) => fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body) });
  const list = await (await fetch(base + '/api/v1/customers?limit=40')).json();
  const seen = { treatment: 0, control: 0 };
  for (const c of list.items) {
    const id = encodeURIComponent(c.customer_id);
    const rec = await (await fetch(`${base}/api/v1/customers/${id}/recommendations`)).json();
    const arm = rec.rollout.arm;
    for (const r of rec.recommendations) {
      assert.equal((await post(`/api/v1/customers/${id}/events`, { kind: 'shown', product_id: r.product_id })).status, 201);
    }
    if (rec.recommendations.length && seen[arm]++ % 3 === 0) {
      assert.equal((await post(`/api/v1/customers/${id}/events`, { kind: 'accepted', product_id: rec.recommendations[0].product_id })).status, 201);
    }
  }
  return (await fetch(base + '/api/v1/rollouts/e2e-pilot/report')).json();
}

// The overview's rollout card shows the server's report; with `stop` it
// then stops the rollout from the card.
async function rolloutFlow(browser, base, vp, rep, stop) {
  const { ctx, page, problems, tag } = await openPage(browser, vp);
  page.on('dialog', d => d.accept());
  await page.goto(base + '/#/overview');
  await page.waitForSelector('#rollout-report');
  for (const arm of ['treatment', 'control']) {
    const shown = Number((await page.textContent(`#rollout-table tr[data-arm="${arm}"] td[data-field="customers"]`)).replace(/,/g, ''));
    assert.equal(shown, rep.arms[arm].customers, `the ${arm} arm's customers are the report's`);
    assert.equal(Number(await page.getAttribute(`#rollout-bars .ci-row[data-arm="${arm}"]`, 'data-rate')),
      rep.arms[arm].conversion, `the ${arm} bar shows the report's conversion`);
  }
  assert.equal((await page.textContent('#rollout-verdict')).trim(), rep.lift.verdict, 'the verdict is the report\'s');
  assert.match(await page.textContent('#rollout-lift'), /95% interval/, 'the lift comes with its interval');
  assert.equal(await page.$$eval('#rollout-segments tbody tr', r => r.length), rep.segments.length, 'one row per segment');
  if (stop) {
    // Nothing was recorded since the API's report: the card's is that one, kept.
    assert.equal((await page.textContent('#rollout-generated')).trim(),
      `Counted at ${rep.generated_at}: no event of the rollout's days has been recorded or erased since.`,
      'the card says when its report was counted, and that it was kept');
  }
  assert.match(await page.textContent('#rollout-complaints'),
    new RegExp(`^Complaints \\(guardrail\\): ${rep.arms.treatment.complainers} personalised customers .* and ${rep.arms.control.complainers} in the control`),
    'the complaints guardrail is the report\'s');
  await page.locator('#rollout').scrollIntoViewIfNeeded();
  await assertFits(page, `${tag} rollout`);
  await shot(page, `${tag}-09-rollout`);
  if (stop) {
    await page.click('#rollout-stop');
    await page.waitForSelector('#rollout-start', { state: 'attached' });
    const list = await (await fetch(base + '/api/v1/rollouts')).json();
    assert.equal(list.running, null, 'the card stopped the rollout');
    assert.equal(list.rollouts[0].name, 'e2e-pilot');
    assert.equal(await page.inputValue('#rollout-name'), 'e2e-pilot-2', 'the next stage is offered the next name');
    await page.waitForSelector('#rollout-report');   // the stopped rollout's report stays
  }
  assert.deepEqual(problems, [], 'no script error or CSP violation in the console');
  await ctx.close();
}

// The overview's contact-policy card: the rules in words; with `change`, the
// form changes them (a bad cap is caught before anything is sent), and a
// complaint recorded on a customer's page holds back all their offers.
async function policyFlow(browser, base, vp, change) {
  const { ctx, page, problems, tag } = await openPage(browser, vp);
  await page.goto(base + '/#/overview');
  await page.waitForSelector('#contact-policy .policy-rules');
  if (change) {
    assert.match(await page.textContent('#contact-policy .policy-rules'), /hidden for 180 days/, 'the default policy is shown');
    assert.match(await page.textContent('#contact-policy .policy-rules'), /not counted as contacts on dashboard/, 'staff views are explained');
    await page.click('#contact-policy .policy-edit summary');
    await page.fill('#policy-showings', '2');
    await page.fill('#policy-fatigue-days', '30');
    await page.fill('#policy-caps', 'mobile=2');
    await page.click('#policy-save');
    await page.waitForSelector('#policy-form .error');
    let p = (await (await fetch(base + '/api/v1/contact-policy')).json()).policy;
    assert.equal(p.fatigue, null, 'a cap that does not read is not sent');
    await page.fill('#policy-caps', 'mobile=2/7, *=6/30');
    await page.fill('#policy-staff', 'dashboard, branch desk');
    await page.click('#policy-save');
    await page.waitForFunction(() => /Staff channels are names/.test(document.querySelector('#policy-form .error')?.textContent || ''));
    p = (await (await fetch(base + '/api/v1/contact-policy')).json()).policy;
    assert.equal(p.fatigue, null, 'a staff channel that does not read is not sent');
    await page.fill('#policy-staff', 'dashboard, branch');
    await page.click('#policy-save');
    await page.waitForFunction(() => /rested after 2 showings in 30 days/.test(document.querySelector('#contact-policy .policy-rules')?.textContent || ''));
    p = (await (await fetch(base + '/api/v1/contact-policy')).json()).policy;
    assert.deepEqual(p.fatigue, { showings: 2, days: 30 }, 'the form set the fatigue rule');
    assert.deepEqual(p.caps, [{ channel: 'mobile', offers: 2, days: 7 }, { channel: '*', offers: 6, days: 30 }], 'the form set the caps');
    assert.deepEqual(p.staff_channels, ['dashboard', 'branch'], 'the form set the staff channels');
    assert.match(await page.textContent('#contact-policy .policy-rules'), /at most 6 offers in 30 days on all channels together/);
  }
  await page.locator('#contact-policy').scrollIntoViewIfNeeded();
  await assertFits(page, `${tag} contact policy`);
  await shot(page, `${tag}-10-contact-policy`);

  // A complaint: every offer is held back, and the card says why.
  const list = await (await fetch(base + '/api/v1/customers?limit=20&sort=name&order=desc')).json();
  const id = list.items[change ? 0 : 1].customer_id;
  await page.goto(`${base}/#/customers/${encodeURIComponent(id)}`);
  await page.waitForSelector('#record-complaint');
  page.once('dialog', d => d.dismiss());   // asked first: "no" records nothing
  await page.click('#record-complaint');
  await page.waitForTimeout(300);
  assert.equal((await (await fetch(`${base}/api/v1/customers/${encodeURIComponent(id)}/recommendations`)).json()).suppressed, null,
    'a complaint the user did not confirm is not recorded');
  page.once('dialog', d => d.accept());
  await page.click('#record-complaint');
  await page.waitForSelector('#recommendations #suppressed');
  assert.match(await page.textContent('#recommendations #suppressed'), /complained on \d{4}-\d\d-\d\d: no offers for 90 days/);
  assert.equal(await page.$$eval('#recommendations .rec', r => r.length), 0, 'no offer is shown after a complaint');
  const rec = await (await fetch(`${base}/api/v1/customers/${encodeURIComponent(id)}/recommendations`)).json();
  assert.equal(rec.suppressed && rec.suppressed.code, 'complaint', 'the API holds the offers back too');
  await page.locator('#recommendations').scrollIntoViewIfNeeded();
  await assertFits(page, `${tag} complaint`);
  await shot(page, `${tag}-11-complaint`);
  assert.deepEqual(problems, [], 'no script error or CSP violation in the console');
  await ctx.close();
}

// The overview's audit-log card: a check on request says the chain is
// intact and shows the head; a malformed anchor is caught before sending;
// the head given back as the anchor is found.
async function auditFlow(browser, base, vp) {
  const { ctx, page, problems, tag } = await openPage(browser, vp);
  await page.goto(base + '/#/overview');
  await page.waitForSelector('#audit-verify');
  await page.fill('#audit-anchor', 'not-a-head');
  await page.click('#audit-verify');
  await page.waitForSelector('#audit-check .error');
  await page.fill('#audit-anchor', '');
  await page.click('#audit-verify');
  await page.waitForSelector('#audit-check .audit-head');
  assert.match(await page.textContent('#audit-check .audit-result'), /Intact/, 'the chain is intact');
  const head = (await page.textContent('#audit-check .audit-head')).trim();
  assert.match(head, /^[0-9a-f]{64}$/, 'the head is a SHA-256');
  const v = await (await fetch(`${base}/api/v1/audit/verify?anchor=${head}`)).json();
  assert.equal(v.intact, true, 'the API agrees');
  assert.equal(v.anchor.found, true, 'the head shown is an entry of the log');
  await page.fill('#audit-anchor', head);
  await page.click('#audit-verify');
  await page.waitForFunction(() => /Anchor found, as written/.test(document.querySelector('#audit-check .audit-result')?.textContent || ''));
  await page.locator('#audit-check').scrollIntoViewIfNeeded();
  await assertFits(page, `${tag} audit check`);
  await shot(page, `${tag}-12-audit-check`);
  assert.deepEqual(problems, [], 'no script error or CSP violation in the console');
  await ctx.close();
}

let browser;
let code = 0;
try {
  const base = await startServer();
  await waitHealthy(base);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'] });
  await flows(browser, base, { width: 1280, height: 800 }, true);
  await flows(browser, base, { width: 390, height: 844 }, false);
  await startRolloutFromCard(browser, base);
  const rep = await runRollout(base);
  console.log(`e2e_dashboard: rollout: ${rep.arms.treatment.customers} personalised, ${rep.arms.control.customers} control; ${rep.lift.verdict}`);
  await rolloutFlow(browser, base, { width: 1280, height: 800 }, rep, true);
  await rolloutFlow(browser, base, { width: 390, height: 844 }, rep, false);
  await policyFlow(browser, base, { width: 1280, height: 800 }, true);
  await policyFlow(browser, base, { width: 390, height: 844 }, false);
  await auditFlow(browser, base, { width: 1280, height: 800 });
  await auditFlow(browser, base, { width: 390, height: 844 });
  console.log('e2e_dashboard: all flows passed; screenshots in ' + ART);
} catch (err) {
  console.error('e2e_dashboard: FAILED: ' + (err && err.stack || err));
  code = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  const status = await stopServer();
  if (status !== 0) {
    console.error(`e2e_dashboard: FAILED: tailor serve exited with status ${status} when stopped (see its output above)`);
    code = 1;
  }
}
process.exit(code);
