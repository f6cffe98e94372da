// The core script tag (pulse.js / pulse.hash.js) in headless Chromium: exact payloads.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { build } from '../build.mjs';
import { FixtureServer, SNIPPET, fixture, launchChromium, openPage, setHidden, sleep } from './harness';

/** Scrolls and resolves once the page's scroll listeners (the tracker's first) have seen it. */
function scrollAndWait(page: Page, y: number): Promise<void> {
  return page.evaluate(
    (top) => new Promise<void>((done) => {
      addEventListener('scroll', () => done(), { once: true });
      scrollTo(0, top);
    }),
    y,
  );
}

let server: FixtureServer;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  await build({ types: false });
  server = await new FixtureServer().start();
  browser = await launchChromium();
  origin = server.origin();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
beforeEach(() => server.settle());

const base = (path: string) => ({ u: origin + path, d: 'test.example', r: null });

describe('pageviews', () => {
  test('sends one pageview as text/plain JSON with the short keys, no cookie', async () => {
    server.page('/home', fixture());
    const { context, page, errors } = await openPage(browser);
    await page.goto(origin + '/home');
    const events = await server.waitForEvents(1);
    expect(events).toEqual([{ n: 'pageview', ...base('/home') }]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].contentType).toBe('text/plain;charset=UTF-8');
    expect(server.requests[0].cookie).toBeUndefined();
    expect(server.requests[0].host).toBe(`pulse-test.example:${server.port}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('sends the referrer and the full URL with query and hash', async () => {
    server.page('/landing', fixture());
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/landing?utm_source=news#top', { referer: 'https://news.example/story' });
    expect(await server.waitForEvents(1)).toEqual([
      { n: 'pageview', u: origin + '/landing?utm_source=news#top', d: 'test.example', r: 'https://news.example/story' },
    ]);
    await context.close();
  });

  test('data-api overrides the endpoint and data-domain defaults to the hostname', async () => {
    server.page('/api-override', fixture({ attrs: `data-api="${server.origin('collect.example')}/api/event"` }).replace('data-domain="test.example" ', ''));
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/api-override');
    expect(await server.waitForEvents(1)).toEqual([{ n: 'pageview', u: origin + '/api-override', d: 'pulse-test.example', r: null }]);
    expect(server.requests[0].host).toBe(`collect.example:${server.port}`);
    await context.close();
  });
});

describe('SPA navigation', () => {
  test('pushState, replaceState and back each send a pageview, after the previous page engagement, in one request', async () => {
    server.page('*', fixture());
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/app');
    await server.waitForEvents(1);
    server.reset();

    await page.evaluate(() => history.pushState({}, '', '/app/settings'));
    await server.waitForEvents(2);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].body).toEqual([
      { n: 'engagement', ...base('/app'), sd: 100, e: expect.any(Number) },
      { n: 'pageview', ...base('/app/settings') },
    ]);

    // same path, new query string: not a new page
    server.reset();
    await page.evaluate(() => history.replaceState({}, '', '/app/settings?tab=2'));
    expect(await server.waitForEvents(0)).toEqual([]);

    await page.evaluate(() => history.replaceState({}, '', '/app/profile'));
    await server.waitForEvents(2);
    await page.goBack();
    await server.waitForEvents(4);
    expect(server.events()).toEqual([
      { n: 'engagement', ...base('/app/settings'), sd: 100, e: expect.any(Number) },
      { n: 'pageview', ...base('/app/profile') },
      { n: 'engagement', ...base('/app/profile'), sd: 100, e: expect.any(Number) },
      { n: 'pageview', ...base('/app') },
    ]);
    await context.close();
  });

  test('hash routing (pulse.hash.js): hash changes are pageviews with h: 1', async () => {
    server.page('/spa', fixture({ script: 'pulse.hash.js' }));
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/spa#/inbox');
    await server.waitForEvents(1);
    await page.evaluate(() => (location.hash = '#/sent'));
    await server.waitForEvents(3);
    await page.evaluate(() => history.pushState({}, '', '#/drafts'));
    await server.waitForEvents(5);
    expect(server.events()).toEqual([
      { n: 'pageview', ...base('/spa#/inbox'), h: 1 },
      { n: 'engagement', ...base('/spa#/inbox'), h: 1, sd: 100, e: expect.any(Number) },
      { n: 'pageview', ...base('/spa#/sent'), h: 1 },
      { n: 'engagement', ...base('/spa#/sent'), h: 1, sd: 100, e: expect.any(Number) },
      { n: 'pageview', ...base('/spa#/drafts'), h: 1 },
    ]);
    await context.close();
  });

  test('pulse.js ignores hash changes', async () => {
    server.page('/nohash', fixture());
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/nohash');
    await server.waitForEvents(1);
    await page.evaluate(() => (location.hash = '#section'));
    expect(await server.waitForEvents(2, { timeout: 500 })).toHaveLength(1);
    await context.close();
  });
});

describe('custom events', () => {
  test('props, revenue, interactive: false and a URL override', async () => {
    server.page('/shop', fixture());
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/shop');
    await server.waitForEvents(1);
    server.reset();
    await page.evaluate(() => {
      window.pulse!('Purchase', { props: { plan: 'pro', seats: '3' }, revenue: { amount: 29.5, currency: 'EUR' } });
    });
    await server.waitForEvents(1);
    await page.evaluate(() => window.pulse!('Scrolled', { interactive: false, url: 'https://test.example/redacted' }));
    expect(await server.waitForEvents(2)).toEqual([
      { n: 'Purchase', ...base('/shop'), p: { plan: 'pro', seats: '3' }, $: { amount: 29.5, currency: 'EUR' } },
      { n: 'Scrolled', u: 'https://test.example/redacted', d: 'test.example', r: null, i: false },
    ]);
    await context.close();
  });

  test('calls made before the script loads are queued and sent with the pageview in one request', async () => {
    server.page('/early', fixture({ head: `${SNIPPET}<script>pulse('Early', { props: { a: '1' } }); pulse('Early 2')</script>` }));
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/early');
    await server.waitForEvents(3);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].body).toEqual([
      { n: 'pageview', ...base('/early') },
      { n: 'Early', ...base('/early'), p: { a: '1' } },
      { n: 'Early 2', ...base('/early') },
    ]);
    await context.close();
  });

  test('a burst of 120 events goes as batches of at most 50', async () => {
    server.page('/burst', fixture());
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/burst');
    await server.waitForEvents(1);
    server.reset();
    await page.evaluate(() => {
      for (let i = 0; i < 120; i++) window.pulse!('Tick', { props: { i: String(i) } });
    });
    await server.waitForEvents(120);
    // three parallel requests: they may arrive in any order
    expect(server.requests.map((r) => (r.body as unknown[]).length).sort()).toEqual([20, 50, 50]);
    const order = server.events().map((e) => Number((e.p as { i: string }).i));
    expect(order.sort((x, y) => x - y)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    await context.close();
  });

  test("pulse('404') records the path that was not found", async () => {
    server.page('/missing-page', fixture({ body: "<script>pulse('404')</script>", head: SNIPPET }));
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/missing-page');
    expect(await server.waitForEvents(2)).toEqual([
      { n: 'pageview', ...base('/missing-page') },
      { n: '404', ...base('/missing-page'), p: { path: '/missing-page' } },
    ]);
    await context.close();
  });
});

describe('engagement', () => {
  const tall = fixture({ body: '<div style="height:3000px">tall</div>' });

  test('sent when the page is hidden: scroll depth and engaged time; not again when nothing changed', async () => {
    server.page('/article', tall);
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/article');
    await server.waitForEvents(1);
    server.reset();
    await scrollAndWait(page, 900); // bottom at 900 + 600 = 1500 of 3000
    await sleep(400);
    await setHidden(page, true);
    const [engagement] = await server.waitForEvents(1);
    expect(engagement).toEqual({ n: 'engagement', ...base('/article'), sd: 50, e: expect.any(Number) });
    expect(engagement.e).toBeGreaterThanOrEqual(400);
    expect(engagement.e).toBeLessThan(5000);

    // shown and hidden again at once, no deeper scroll, under 3 s: nothing new to report
    server.reset();
    await setHidden(page, false);
    await setHidden(page, true);
    expect(await server.waitForEvents(1, { timeout: 400 })).toEqual([]);

    // visible again, scrolled to the end: reported, with only the time since it was shown
    await setHidden(page, false);
    await scrollAndWait(page, 3000);
    await sleep(200);
    await setHidden(page, true);
    const [again] = await server.waitForEvents(1);
    expect(again).toEqual({ n: 'engagement', ...base('/article'), sd: 100, e: expect.any(Number) });
    expect(again.e).toBeGreaterThanOrEqual(200);
    expect(again.e).toBeLessThan(engagement.e as number + 3000);
    await context.close();
  });

  test('time while hidden does not count', async () => {
    server.page('/hidden-time', tall);
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/hidden-time');
    await server.waitForEvents(1);
    await setHidden(page, true);
    await server.waitForEvents(2);
    server.reset();
    await sleep(1200); // hidden
    await setHidden(page, false);
    await scrollAndWait(page, 600);
    await setHidden(page, true);
    const [e] = await server.waitForEvents(1);
    expect(e).toMatchObject({ n: 'engagement', sd: 40 });
    expect(e.e).toBeLessThan(1000);
    await context.close();
  });
});
