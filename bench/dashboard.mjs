#!/usr/bin/env node
/**
 * `npm run bench:dashboard`: the overview of the seeded demo site in headless Chromium, served by
 * the built dashboard on `wrangler pages dev` in front of a real Worker. Prints, as medians over
 * runs (cold browser cache each run):
 *   - JS bytes loaded before any interaction (transfer size), with ApexCharts shown apart: it loads
 *     only because the chart is in the viewport
 *   - when the server-rendered HTML (numbers included) has arrived, and first contentful paint,
 *     from Chromium's navigation and paint timing
 *   - time until every card shows its rows (navigation start → all cards filled)
 *   - time from a click on a source row until every card shows the filtered numbers again, and
 *     until the main chart has redrawn with the filtered series (read from ApexCharts itself)
 *
 *   npm run bench:dashboard -- [--runs 5] [--days 30]
 */
import { buildDashboard, startDashboard, startWorker } from '../dashboard/test/servers.mjs';
import { launchChromium } from '../test/helpers/browser.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 5);
const DAYS = arg('days', 30);

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const allFilled = () => {
  const cards = [...document.querySelectorAll('[data-card]')];
  return !!document.querySelector('[data-metric="visitors"][data-value]') && cards.length > 0 && cards.every((c) => c.querySelector('[data-rows], [data-empty], .error'));
};

/** The main chart's series as ApexCharts holds them (JSON), in the page. */
const plotted = () => JSON.stringify(window.Apex?._chartInstances?.filter((x) => x.id === 'main-chart').at(-1)?.chart.w.config.series ?? null);

async function measure(context, url) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const scripts = new Map();
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Script') scripts.set(e.requestId, { url: e.response.url, bytes: 0 });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const s = scripts.get(e.requestId);
    if (s) s.bytes = e.encodedDataLength;
  });
  await page.bringToFront(); // a background tab gets no paint timing
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(allFilled, undefined, { timeout: 60_000 });
  const filledAt = await page.evaluate(() => performance.now());
  // whatever loads without input: idle callbacks, the visible-task chart import
  await page.waitForSelector('[data-testid=chart][data-drawn]', { timeout: 60_000 });
  await page.waitForTimeout(1500);
  const { fcp, html } = await page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    html: performance.getEntriesByType('navigation')[0]?.responseEnd ?? NaN,
  }));
  let chartBytes = 0;
  let appBytes = 0;
  const appScripts = [];
  for (const [id, s] of scripts) {
    const body = await cdp.send('Network.getResponseBody', { requestId: id }).catch(() => ({ body: '' }));
    if (body.body.includes('apexcharts')) chartBytes += s.bytes;
    else {
      appBytes += s.bytes;
      appScripts.push({ name: s.url.split('/').pop(), bytes: s.bytes });
    }
  }
  // interaction: filter by the first source; all cards refetch over Qwik's server$ RPC
  const before = await page.evaluate(plotted);
  const t0 = await page.evaluate(() => performance.now());
  await page.click('[data-card=sources] li.row a');
  const [refilledAt, redrawnAt] = await Promise.all([
    page.waitForSelector('[data-filter]').then(() => page.waitForFunction(allFilled, undefined, { timeout: 60_000 })).then(() => page.evaluate(() => performance.now())),
    // the newest chart of that id: a redraw after a filter may mount a new one
    page.waitForFunction((old) => { const c = window.Apex?._chartInstances?.filter((x) => x.id === 'main-chart').at(-1)?.chart; return c && JSON.stringify(c.w.config.series) !== old; }, before, { timeout: 60_000, polling: 'raf' }).then(() => page.evaluate(() => performance.now()), () => NaN),
  ]);
  const instances = await page.evaluate(() => window.Apex?._chartInstances?.filter((x) => x.id === 'main-chart').length ?? 0);
  if (instances > 1) console.log(`note: ${instances} ApexCharts instances named main-chart after the filter (the replaced one was not destroyed)`);
  await page.close();
  return { appBytes, appScripts, chartBytes, fcp, html, filledAt, refilled: refilledAt - t0, redrawn: redrawnAt - t0 };
}

/** The overview's queries straight to the Worker (in parallel, as the cards send them). */
async function apiTime(worker) {
  const q = (body) => ({ site_id: worker.demo.site, date_range: '30d', ...body });
  const bodies = [
    q({ metrics: ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'], include: { comparisons: { mode: 'previous_period' } } }),
    q({ metrics: ['visitors'], dimensions: ['time:day'], include: { time_labels: true } }),
    ...['visit:source', 'event:page', 'visit:country', 'visit:device', 'event:goal'].map((d) => q({ metrics: ['visitors'], dimensions: [d], include: { total_rows: true }, pagination: { limit: 9 } })),
  ];
  const t0 = performance.now();
  await Promise.all(bodies.map(async (body) => {
    const res = await fetch(`${worker.url}/api/v2/query`, { method: 'POST', headers: { authorization: `Bearer ${worker.demo.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`query ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }));
  return performance.now() - t0;
}

async function main() {
  console.log(`starting: dashboard build, Worker seeded with ${DAYS} days of demo traffic…`);
  const [, worker] = await Promise.all([buildDashboard({ force: true }), startWorker({ days: DAYS })]);
  const dashboard = await startDashboard({ apiUrl: worker.url });
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const login = await context.newPage();
    await login.goto(`${dashboard.url}/login/`);
    await login.fill('input[name=email]', worker.demo.email);
    await login.fill('input[name=password]', worker.demo.password);
    await Promise.all([login.waitForURL(/\/sites\//), login.click('button[type=submit]')]);
    await login.close();
    const url = `${dashboard.url}/sites/${worker.demo.site}/?period=30d`;
    await measure(context, url); // warm-up: workerd compiles, D1 pages in
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push({ ...(await measure(context, url)), api: await apiTime(worker) });
    const m = (k) => median(runs.map((r) => r[k]));
    console.log(`\ndashboard overview, ${worker.demo.events} events over ${DAYS} days, ${RUNS} runs (medians), cold cache`);
    console.log(`JS before interaction (app, Qwik)     ${kb(m('appBytes'))}`);
    const largest = runs.at(-1).appScripts.sort((a, b) => b.bytes - a.bytes).slice(0, 4);
    console.log(`  largest of them (last run)          ${largest.map((s) => `${s.name} ${kb(s.bytes)}`).join(', ')}`);
    // --scripts: every one of them, to find what loads before a click
    if (process.argv.includes('--scripts')) for (const s of runs.at(-1).appScripts) console.log(`    ${s.name} ${kb(s.bytes)}`);
    console.log(`JS for the chart (ApexCharts, lazy)   ${kb(m('chartBytes'))}`);
    console.log(`API alone: the overview's 7 queries    ${m('api').toFixed(0)} ms (in parallel, straight to the Worker)`);
    console.log(`HTML complete (SSR with every number)  ${m('html').toFixed(0)} ms`);
    console.log(`first contentful paint                ${m('fcp').toFixed(0)} ms`);
    console.log(`all cards filled                      ${m('filledAt').toFixed(0)} ms after navigation start`);
    console.log(`filter click -> all cards refilled    ${m('refilled').toFixed(0)} ms`);
    const missed = runs.filter((r) => !Number.isFinite(r.redrawn)).length;
    console.log(`filter click -> main chart redrawn    ${m('redrawn')?.toFixed(0) ?? '—'} ms${missed ? ` (${missed} of ${RUNS} runs: no redraw seen within 60 s)` : ''}`);
  } finally {
    await browser.close();
    await Promise.all([dashboard.stop(), worker.stop()]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
