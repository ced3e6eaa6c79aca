// chart.js — the dashboard's charts, drawn by uPlot (web/node_modules,
// embedded with the rest). Each chart has a fixed height, follows its
// container's width, and comes with an HTML legend and a data table for
// readers who cannot see the canvas.
import uPlot from '../vendor/uPlot.esm.js';
import { h, fmtMonth, fmtNum, fmtMoney, fmtPct } from './dom.js';

const COLORS = {
  actual: '#1d4ed8',
  forecast: '#c2410c',
  band: 'rgba(234, 88, 12, 0.18)',
  bars: 'rgba(29, 78, 216, 0.55)',
  rate: '#15803d',
  grid: '#e5e7eb',
  axis: '#4b5563',
};

function axisStyle(extra) {
  return Object.assign({ stroke: COLORS.axis, grid: { stroke: COLORS.grid, width: 1 },
                         ticks: { stroke: COLORS.grid, width: 1 }, font: '12px system-ui, sans-serif' },
                       extra);
}

// Follows the container's width; the height stays fixed so nothing below
// the chart moves.
function mount(container, opts, data) {
  const width = Math.max(280, container.clientWidth || 600);
  const plot = new uPlot(Object.assign({ width }, opts), data, container);
  const ro = new ResizeObserver(() => {
    const w = Math.max(280, container.clientWidth);
    if (Math.abs(w - plot.width) > 2) plot.setSize({ width: w, height: opts.height });
  });
  ro.observe(container);
  return plot;
}

function legend(items) {
  return h('ul', { class: 'legend' }, items.map(([cls, label]) =>
    h('li', {}, h('span', { class: 'swatch ' + cls, 'aria-hidden': 'true' }), label)));
}

// Monthly spending (months: [{month, total}]) with the forecast for the next
// month and its 80% interval as a shaded cone from the last actual month.
export function spendingChart(months, forecast, currency) {
  const wrap = h('figure', { class: 'chart', 'data-chart': 'spending',
                             'data-forecast': forecast ? forecast.month : '' });
  const plotBox = h('div', { class: 'chart-plot' });
  const labels = months.map(m => m.month);
  const fcMonth = forecast ? forecast.month : null;
  if (fcMonth && labels[labels.length - 1] !== fcMonth) {
    // The forecast is for the month after the last one (gaps included).
    labels.push(fcMonth);
  }
  const n = labels.length;
  const x = labels.map((_, i) => i);
  const actual = labels.map(l => { const m = months.find(mm => mm.month === l); return m ? m.total : null; });
  const mean = new Array(n).fill(null), lo = new Array(n).fill(null), hi = new Array(n).fill(null);
  if (forecast && months.length) {
    const last = months.length - 1;
    mean[last] = lo[last] = hi[last] = months[last].total;
    mean[n - 1] = forecast.mean; lo[n - 1] = forecast.lo80; hi[n - 1] = forecast.hi80;
  }
  const money = v => v == null ? '' : fmtNum(v);
  const opts = {
    height: 260,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: (u, mn, mx) => [mn - 0.35, mx + 0.35] } },
    axes: [
      axisStyle({ values: (u, ticks) => ticks.map(t => Number.isInteger(t) && labels[t] ? fmtMonth(labels[t]) : ''),
                  space: 60 }),
      axisStyle({ values: (u, ticks) => ticks.map(money), size: 64 }),
    ],
    series: [
      {},
      { label: 'Spending', stroke: COLORS.actual, width: 2, points: { show: true, size: 6 } },
      { label: 'Forecast', stroke: COLORS.forecast, width: 2, dash: [6, 4],
        points: { show: true, size: 8, fill: COLORS.forecast } },
      { label: 'Low (80%)', stroke: 'transparent', width: 0, points: { show: false } },
      { label: 'High (80%)', stroke: 'transparent', width: 0, points: { show: false } },
    ],
    bands: [{ series: [4, 3], fill: COLORS.band }],
  };
  wrap.append(plotBox);
  const caption = forecast
    ? `Forecast for ${fmtMonth(forecast.month)}: ${fmtMoney(forecast.mean, currency)}, ` +
      `80% interval ${fmtMoney(forecast.lo80, currency)} – ${fmtMoney(forecast.hi80, currency)} (${forecast.method})`
    : 'Not enough history for a forecast.';
  wrap.append(legend([['sw-actual', 'Monthly spending'], ['sw-forecast', 'Forecast'],
                      ['sw-band', '80% interval']]));
  wrap.append(h('figcaption', { class: 'chart-caption' }, caption));
  const rows = labels.map((l, i) => h('tr', {},
    h('th', { scope: 'row' }, fmtMonth(l)), h('td', {}, money(actual[i])),
    h('td', {}, i === n - 1 && forecast ? `${money(forecast.mean)} (${money(forecast.lo80)}–${money(forecast.hi80)})` : '')));
  wrap.append(h('details', { class: 'chart-data' }, h('summary', {}, 'Show the numbers'),
    h('table', { class: 'table compact' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Month'), h('th', { scope: 'col' }, 'Spending'),
                      h('th', { scope: 'col' }, 'Forecast (80%)'))),
      h('tbody', {}, rows))));
  // Drawn once the figure is in the document, so it knows its width.
  requestAnimationFrame(() => {
    mount(plotBox, opts, [x, actual, mean, lo, hi]);
    wrap.dataset.drawn = 'true';
  });
  return wrap;
}

// Offers shown per day (bars) and the acceptance rate (line, right axis).
export function feedbackChart(days) {
  const wrap = h('figure', { class: 'chart', 'data-chart': 'feedback' });
  const plotBox = h('div', { class: 'chart-plot' });
  const x = days.map((_, i) => i);
  const shown = days.map(d => d.shown || null);   // no bar (not a flat line) on quiet days
  const rate = days.map(d => d.acceptance_rate);
  const opts = {
    height: 240,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: (u, mn, mx) => [mn - 0.6, mx + 0.6] }, rate: { range: [0, 1] } },
    axes: [
      axisStyle({ values: (u, t) => t.map(i => Number.isInteger(i) && days[i] ? days[i].day.slice(5) : ''), space: 50 }),
      axisStyle({ values: (u, t) => t.map(v => fmtNum(v)), size: 50 }),
      axisStyle({ scale: 'rate', side: 1, grid: { show: false }, values: (u, t) => t.map(v => fmtPct(v)), size: 50 }),
    ],
    series: [
      {},
      { label: 'Offers shown', fill: COLORS.bars, stroke: COLORS.actual, width: 1,
        paths: uPlot.paths.bars({ size: [0.6, 48] }), points: { show: false } },
      { label: 'Acceptance rate', scale: 'rate', stroke: COLORS.rate, width: 2, points: { show: true, size: 6 } },
    ],
  };
  wrap.append(plotBox);
  wrap.append(legend([['sw-bars', 'Offers shown'], ['sw-rate', 'Acceptance rate']]));
  requestAnimationFrame(() => {
    mount(plotBox, opts, [x, shown, rate]);
    wrap.dataset.drawn = 'true';
  });
  return wrap;
}


// A rollout's cumulative conversion by day (daily: [{day, treatment:
// {customers, converted, conversion}, control: {…}}]), one line per arm.
export function liftChart(daily) {
  const wrap = h('figure', { class: 'chart', 'data-chart': 'lift' });
  const plotBox = h('div', { class: 'chart-plot' });
  const x = daily.map((_, i) => i);
  const treated = daily.map(d => d.treatment.conversion);
  const control = daily.map(d => d.control.conversion);
  const opts = {
    height: 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: (u, mn, mx) => [mn - 0.3, mx + 0.3] }, y: { range: (u, mn, mx) => [0, Math.min(1, Math.max(0.05, mx * 1.15))] } },
    axes: [
      axisStyle({ values: (u, t) => t.map(i => Number.isInteger(i) && daily[i] ? daily[i].day.slice(5) : ''), space: 50 }),
      axisStyle({ values: (u, t) => t.map(v => fmtPct(v)), size: 50 }),
    ],
    series: [
      {},
      { label: 'Personalised', stroke: COLORS.actual, width: 2, points: { show: true, size: 6 } },
      { label: 'Control', stroke: COLORS.forecast, width: 2, dash: [6, 4], points: { show: true, size: 6 } },
    ],
  };
  wrap.append(plotBox);
  wrap.append(legend([['sw-actual', 'Personalised'], ['sw-forecast', 'Control (hold-out)']]));
  wrap.append(h('figcaption', { class: 'chart-caption' }, 'Cumulative conversion of the customers shown offers so far.'));
  wrap.append(h('details', { class: 'chart-data' }, h('summary', {}, 'Show the numbers'),
    h('table', { class: 'table compact' },
      h('thead', {}, h('tr', {}, ['Day', 'Personalised', 'Control'].map(t => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, daily.map(d => h('tr', {}, h('th', { scope: 'row' }, d.day),
        h('td', {}, `${fmtNum(d.treatment.converted)} of ${fmtNum(d.treatment.customers)}`),
        h('td', {}, `${fmtNum(d.control.converted)} of ${fmtNum(d.control.customers)}`)))))));
  requestAnimationFrame(() => {
    mount(plotBox, opts, [x, treated, control]);
    wrap.dataset.drawn = 'true';
  });
  return wrap;
}
