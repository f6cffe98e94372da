/**
 * The whole product path in a real browser: a page with the script tag, served next to a real
 * local Worker, sends events that show in the site's realtime snapshot at once and land in D1
 * exactly once with the right fields.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { FixtureServer, launchChromium, sleep } from '../../sdk/test/harness';
import { USER_AGENT } from '../helpers/browser.mjs';
import { startTestWorker, type TestWorker } from './worker-harness';

const SITE = 'shop.example';

let worker: TestWorker;
let pages: FixtureServer;
let browser: Browser;

beforeAll(async () => {
  [worker, pages, browser] = await Promise.all([startTestWorker(), new FixtureServer().start(), launchChromium()]);
  await worker.admin('POST', '/api/v1/sites', { domain: SITE, timezone: 'UTC' });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await pages?.stop();
  await worker?.stop();
});

async function waitForRows<T>(sql: string, want: number, timeoutMs = 30_000): Promise<T[]> {
  const until = Date.now() + timeoutMs;
  let rows: T[] = [];
  while (Date.now() < until) {
    rows = await worker.query<T>(sql, SITE);
    if (rows.length >= want) return rows;
    await sleep(250);
  }
  return rows;
}

it('a page with the script tag shows up in realtime and lands its pageview, SPA navigation and custom event in D1', async () => {
  pages.page(
    '/landing',
    `<!doctype html><html><head><title>Shop</title>
      <script defer data-domain="${SITE}" src="${worker.url}/js/pulse.js"></script></head>
      <body><button id="buy" onclick="pulse('Purchase', { props: { plan: 'pro' }, revenue: { amount: 49, currency: 'EUR' } })">Buy</button>
      <a id="next" href="#" onclick="history.pushState({}, '', '/checkout'); return false">Checkout</a></body></html>`,
  );
  const context = await browser.newContext({ userAgent: USER_AGENT });
  await context.addInitScript('Object.defineProperty(Navigator.prototype, "webdriver", { get: () => false })');
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`http://${SITE}:${pages.port}/landing?utm_source=newsletter&utm_medium=email`, { referer: 'https://news.ycombinator.com/' });
  await page.waitForFunction(() => typeof (window as unknown as { pulse?: unknown }).pulse === 'function');
  await page.click('#next');
  await page.click('#buy');
  await context.close(); // hides the page: the engagement event is sent as it unloads

  const key = await worker.admin('POST', '/api/v1/keys', { sites: [SITE], scope: 'stats:read', expires_in_days: 1 });
  let snapshot: { visitors: number; pageviews: number; pages: { name: string }[]; recent: { name: string; path: string }[] } | null = null;
  for (let i = 0; i < 40 && !(snapshot && snapshot.pageviews >= 2); i++) {
    const res = await fetch(`${worker.url}/api/v1/sites/${SITE}/realtime`, { headers: { authorization: `Bearer ${key.token}` } });
    expect(res.status).toBe(200);
    snapshot = await res.json();
    if (snapshot!.pageviews < 2) await sleep(250);
  }
  expect(snapshot).toMatchObject({ visitors: 1, pageviews: 2 });
  expect(snapshot!.pages.map((p) => p.name).sort()).toEqual(['/checkout', '/landing']);
  expect(snapshot!.recent.filter((e) => e.name !== 'engagement').map((e) => `${e.name} ${e.path}`)).toEqual([
    'Purchase /checkout',
    'pageview /checkout',
    'pageview /landing',
  ]);

  // The SDK may send the SPA pageview and the click in one batch: same server time, and D1 keeps
  // no insertion order (events are keyed by site, time and a random id, migration 0013), so the
  // tie is broken by kind: the page's view before what happened on it.
  const rows = await waitForRows<Record<string, unknown>>(
    "SELECT name, hostname, pathname, source, channel, utm_medium, browser, os, device, props, revenue_amount FROM events WHERE site_id = ? AND name != 'engagement' ORDER BY ts, name != 'pageview'",
    3,
  );
  expect(errors).toEqual([]);
  expect(rows).toMatchObject([
    { name: 'pageview', hostname: SITE, pathname: '/landing', source: 'newsletter', channel: 'Email', utm_medium: 'email', browser: 'Chrome', os: 'GNU/Linux', device: 'Desktop' },
    { name: 'pageview', pathname: '/checkout' },
    { name: 'Purchase', pathname: '/checkout', props: '{"plan":"pro"}', revenue_amount: 49 },
  ]);
  expect(rows).toHaveLength(3);
  const sessions = await waitForRows<Record<string, unknown>>('SELECT pageviews, is_bounce, entry_page, exit_page FROM sessions WHERE site_id = ?', 1);
  expect(sessions).toEqual([{ pageviews: 2, is_bounce: 0, entry_page: '/landing', exit_page: '/checkout' }]);
}, 120_000);
