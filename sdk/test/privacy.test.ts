// What the tracker must not send (opt-out, GPC, automation, localhost) and that it never breaks
// the page when the endpoint is down, failing, or misconfigured.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { build } from '../build.mjs';
import { FixtureServer, fixture, launchChromium, openPage, sleep, type PageOptions } from './harness';

let server: FixtureServer;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  await build({ types: false });
  server = await new FixtureServer().start();
  browser = await launchChromium();
  origin = server.origin();
  server.page('/page', fixture({ body: '<a id="out" href="https://elsewhere.example/">x</a>' }));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
beforeEach(() => server.settle());

/** Loads /page, then tries a custom event too; returns the events the server got. */
async function visit(url: string, options: PageOptions = {}) {
  const { context, page, errors } = await openPage(browser, options);
  await page.goto(url);
  await page.waitForFunction(() => typeof window.pulse === 'function');
  await page.evaluate(() => window.pulse!('Custom'));
  const events = await server.waitForEvents(2, { timeout: 800 });
  const storage = await page.evaluate(() => ({ ...localStorage }));
  await context.close();
  return { events, errors, storage };
}

describe('ignored browsers send nothing', () => {
  test('control: a regular browser sends the pageview and the event', async () => {
    const { events } = await visit(origin + '/page');
    expect(events.map((e) => e.n)).toEqual(['pageview', 'Custom']);
  });

  test('localStorage pulse_ignore = "true"', async () => {
    const { events } = await visit(origin + '/page', { init: 'localStorage.pulse_ignore = "true"' });
    expect(events).toEqual([]);
  });

  test('window.pulseOptOut', async () => {
    expect((await visit(origin + '/page', { init: 'window.pulseOptOut = true' })).events).toEqual([]);
  });

  test('an opt-out set while the page is open applies to the next event', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/page');
    await server.waitForEvents(1);
    await page.evaluate(() => {
      localStorage.pulse_ignore = 'true';
      window.pulse!('After opt-out');
    });
    expect((await server.waitForEvents(2, { timeout: 500 })).map((e) => e.n)).toEqual(['pageview']);
    await context.close();
  });

  test('Global Privacy Control', async () => {
    const gpc = 'Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true })';
    expect((await visit(origin + '/page', { init: gpc })).events).toEqual([]);
  });

  test('automation: navigator.webdriver', async () => {
    expect((await visit(origin + '/page', { automation: true })).events).toEqual([]);
  });

  test('localhost and 127.0.0.1, unless data-allow-localhost', async () => {
    expect((await visit(`http://localhost:${server.port}/page`)).events).toEqual([]);
    expect((await visit(`http://127.0.0.1:${server.port}/page`)).events).toEqual([]);
    server.page('/allowed', fixture({ attrs: 'data-allow-localhost' }));
    const { events } = await visit(`http://localhost:${server.port}/allowed`);
    expect(events).toEqual([
      { n: 'pageview', u: `http://localhost:${server.port}/allowed`, d: 'test.example', r: null },
      { n: 'Custom', u: `http://localhost:${server.port}/allowed`, d: 'test.example', r: null },
    ]);
  });

  test('nothing is stored in the browser without the persist module', async () => {
    const { storage } = await visit(origin + '/page');
    expect(storage).toEqual({});
  });
});

describe('transport', () => {
  test('without sendBeacon it falls back to fetch keepalive, still text/plain', async () => {
    const { events } = await visit(origin + '/page', { init: 'delete Navigator.prototype.sendBeacon' });
    expect(events.map((e) => e.n)).toEqual(['pageview', 'Custom']);
    // (closing the page also sent its engagement, through fetch keepalive while unloading)
    expect(new Set(server.requests.map((r) => r.contentType))).toEqual(new Set(['text/plain;charset=UTF-8']));
  });

  const broken = {
    'endpoint down': 'http://127.0.0.1:9/api/event',
    'endpoint answers 500': '/api/fail',
    'invalid endpoint URL': 'http://[bad',
  };
  for (const [name, api] of Object.entries(broken)) {
    for (const beacon of [true, false]) {
      test(`${name}, ${beacon ? 'sendBeacon' : 'fetch'}: no error reaches the page`, async () => {
        server.page('/broken', fixture({ attrs: `data-api="${api}"`, body: '<div style="height:2000px"></div>' }));
        const { context, page, errors } = await openPage(browser, { init: beacon ? '' : 'delete Navigator.prototype.sendBeacon' });
        const rejections: string[] = [];
        page.on('console', (m) => m.text().includes('Uncaught') && rejections.push(m.text()));
        await page.goto(origin + '/broken');
        await page.waitForFunction(() => typeof window.pulse === 'function');
        await page.evaluate(() => {
          window.pulse!('Custom');
          history.pushState({}, '', '/broken/2');
        });
        await sleep(600);
        expect(errors).toEqual([]);
        expect(rejections).toEqual([]);
        // the page still works after the failures
        expect(await page.evaluate(() => location.pathname)).toBe('/broken/2');
        if (api === '/api/fail') expect(server.requests.length).toBeGreaterThan(0);
        await context.close();
      });
    }
  }
});
