// The opt-in modules, loaded by the core from data-modules: links, persist, vitals, errors.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { build } from '../build.mjs';
import { deflateSync } from 'node:zlib';
import { FixtureServer, fixture, launchChromium, openPage, setHidden, sleep } from './harness';

/** An RGB PNG of random pixels. */
function noisyPng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let i = 0; i < rows.length; i++) rows[i] = i % (width * 3 + 1) === 0 ? 0 : Math.floor(Math.random() * 256);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

let server: FixtureServer;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  await build({ types: false });
  server = await new FixtureServer().start();
  browser = await launchChromium();
  origin = server.origin();
  server.page('/landing', '<!doctype html><title>landing</title><p>elsewhere</p>');
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});
beforeEach(() => server.settle());

const base = (path: string) => ({ u: origin + path, d: 'test.example', r: null });

async function moduleLoaded(page: Page, name: string) {
  await page.waitForFunction((n) => performance.getEntriesByType('resource').some((e) => e.name.endsWith(`/pulse.${n}.js`)), name);
  await sleep(100);
}

describe('links module', () => {
  const links = (attrs: string) =>
    fixture({
      attrs: `data-modules="links" ${attrs}`,
      body: `<a id="out" href="${server.origin('other.example')}/landing?x=1">out</a>
        <a id="pdf" href="/files/report.pdf?token=secret">pdf</a>
        <a id="zip" href="/files/site.zip">zip</a>
        <a id="in" href="/landing">in</a>
        <form id="f" action="/landing"><input name="q" required><button id="go">go</button></form>`,
    });

  async function clickOn(path: string, html: string, selector: string, button: 'left' | 'middle' = 'left') {
    server.page(path, html);
    const { context, page } = await openPage(browser);
    await page.goto(origin + path);
    await moduleLoaded(page, 'links');
    await page.click(selector, { button });
    const events = await server.waitForEvents(2, { timeout: 1500 });
    await context.close();
    // leaving the page (the click navigates) also reports its engagement, checked in core tests
    return events.filter((e) => e.n !== 'engagement');
  }

  test('outbound link click, sent before the browser leaves', async () => {
    expect(await clickOn('/l1', links('data-outbound'), '#out')).toEqual([
      { n: 'pageview', ...base('/l1') },
      { n: 'Outbound Link: Click', ...base('/l1'), p: { url: server.origin('other.example') + '/landing?x=1' } },
    ]);
  });

  test('outbound middle click (auxclick)', async () => {
    const events = await clickOn('/l2', links('data-outbound'), '#out', 'middle');
    expect(events[1]).toEqual({ n: 'Outbound Link: Click', ...base('/l2'), p: { url: server.origin('other.example') + '/landing?x=1' } });
  });

  test('file download with the default extensions, without the query string', async () => {
    expect(await clickOn('/l3', links('data-downloads'), '#pdf')).toEqual([
      { n: 'pageview', ...base('/l3') },
      { n: 'File Download', ...base('/l3'), p: { url: origin + '/files/report.pdf' } },
    ]);
  });

  test('data-downloads="zip" tracks only those extensions', async () => {
    expect((await clickOn('/l4', links('data-downloads="zip"'), '#pdf')).map((e) => e.n)).toEqual(['pageview']);
    server.reset();
    expect((await clickOn('/l5', links('data-downloads="zip"'), '#zip'))[1]).toEqual({ n: 'File Download', ...base('/l5'), p: { url: origin + '/files/site.zip' } });
  });

  test('options not set: no outbound or download events; internal links never', async () => {
    expect((await clickOn('/l6', links(''), '#out')).map((e) => e.n)).toEqual(['pageview']);
    server.reset();
    expect((await clickOn('/l7', links('data-outbound data-downloads'), '#in')).map((e) => e.n)).toEqual(['pageview']);
  });

  test('form submission, only once it passes validation', async () => {
    server.page('/form', links('data-forms'));
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/form');
    await moduleLoaded(page, 'links');
    await page.click('#go'); // empty required field: the browser blocks the submit
    await sleep(200);
    await page.fill('input[name=q]', 'hello');
    await page.click('#go');
    const events = (await server.waitForEvents(2)).filter((e) => e.n !== 'engagement');
    expect(events).toEqual([{ n: 'pageview', ...base('/form') }, { n: 'Form: Submission', ...base('/form') }]);
    await context.close();
  });
});

describe('persist module', () => {
  test('creates an id after consent, sends it as pid on every event and page, deletes it on withdrawal', async () => {
    server.page('/consent', fixture({ attrs: 'data-modules="persist"' }));
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/consent');
    await moduleLoaded(page, 'persist');
    const pid = await page.evaluate(() => localStorage.pulse_pid as string);
    expect(pid).toMatch(/^\d{6,30}$/);
    await page.evaluate(() => window.pulse!('Consented'));
    await page.reload();
    await server.waitForEvents(4);
    await page.evaluate(() => {
      window.pulse!.persist!(false);
      window.pulse!('Withdrawn');
    });
    const events = await server.waitForEvents(5);
    expect(events.filter((e) => e.n !== 'engagement')).toEqual([
      // the first pageview went before the visitor consented
      { n: 'pageview', ...base('/consent') },
      { n: 'Consented', ...base('/consent'), pid },
      { n: 'pageview', ...base('/consent'), pid },
      { n: 'Withdrawn', ...base('/consent') },
    ]);
    expect(events.find((e) => e.n === 'engagement')).toMatchObject({ pid });
    // (the reloaded page loaded the module again, which turned persist back on)
    await context.close();
  });

  test('without the module no pid is sent even if the page calls persist', async () => {
    server.page('/no-consent', fixture());
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/no-consent');
    await page.evaluate(() => window.pulse!('Custom'));
    const events = await server.waitForEvents(2);
    expect(events.every((e) => !('pid' in e))).toBe(true);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await context.close();
  });
});

describe('vitals module', () => {
  type Vital = { n: string; u: string; p: { metric: string; value: string; rating?: string } };
  const vitalsOf = () => server.events().filter((e) => e.n === 'web-vital') as unknown as Vital[];
  const byMetric = (vitals: Vital[]) => Object.fromEntries(vitals.map((v) => [v.p.metric, v]));

  test('each metric once per page view: TTFB, FCP, LCP, navigation timing, INP and CLS at page hide', async () => {
    server.page(
      '/vitals',
      fixture({
        attrs: 'data-modules="vitals"',
        body: `<h1 style="font-size:64px">Largest text on the page</h1><p>paragraph</p>
          <button id="slow" onclick="const t = performance.now(); while (performance.now() - t < 120) {}">slow</button>
          <script>setTimeout(() => document.body.insertAdjacentHTML('afterbegin', '<div style="height:200px">late banner</div>'), 300)</script>`,
      }),
    );
    const { context, page, errors } = await openPage(browser);
    await page.goto(origin + '/vitals');
    await moduleLoaded(page, 'vitals');
    await sleep(600);
    await page.click('#slow');
    await sleep(300);
    await setHidden(page, true);
    await setHidden(page, false);
    await page.click('#slow'); // after the page view was reported: not sent again
    await setHidden(page, true);
    await server.waitForEvents(7, { timeout: 5000 });
    const vitals = vitalsOf();
    expect(vitals.map((e) => e.p.metric).sort()).toEqual(['CLS', 'DOM', 'FCP', 'FP', 'INP', 'LCP', 'TTFB']);
    for (const v of vitals) {
      const rated = !['FP', 'DOM'].includes(v.p.metric);
      expect(v).toEqual({
        n: 'web-vital',
        ...base('/vitals'),
        p: { metric: expect.any(String), value: expect.stringMatching(/^\d+(\.\d+)?$/), ...(rated ? { rating: expect.stringMatching(/^(good|needs-improvement|poor)$/) } : {}) },
        i: false,
      });
    }
    const m = byMetric(vitals);
    expect(Number(m.INP!.p.value)).toBeGreaterThanOrEqual(100);
    expect(Number(m.CLS!.p.value)).toBeGreaterThan(0);
    expect(Number(m.FP!.p.value)).toBeLessThanOrEqual(Number(m.FCP!.p.value));
    expect(Number(m.DOM!.p.value)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a slow image gives the LCP: it is painted after the image arrives', async () => {
    // a noisy 300x200 PNG (Chromium skips upscaled and low-entropy images for LCP), served after 900 ms
    const png = noisyPng(300, 200);
    server.page('/hero', fixture({ attrs: 'data-modules="vitals"', body: '<p>short</p><img id="hero" src="/hero.png" width="300" height="200">' }));
    const { context, page } = await openPage(browser);
    await page.route('**/hero.png', async (route) => {
      await sleep(900);
      await route.fulfill({ status: 200, contentType: 'image/png', body: png });
    });
    await page.goto(origin + '/hero');
    await moduleLoaded(page, 'vitals');
    await page.waitForFunction(() => (document.getElementById('hero') as HTMLImageElement).complete);
    await sleep(200);
    await setHidden(page, true);
    await server.waitForEvents(6, { timeout: 5000 });
    const m = byMetric(vitalsOf());
    expect(vitalsOf().filter((v) => v.p.metric === 'LCP')).toHaveLength(1);
    expect(Number(m.LCP!.p.value)).toBeGreaterThanOrEqual(900);
    expect(Number(m.LCP!.p.value)).toBeGreaterThan(Number(m.FCP!.p.value));
    await context.close();
  });

  test('an SPA navigation reports the left page under its URL and measures the new page on its own', async () => {
    server.page(
      '/app',
      fixture({
        attrs: 'data-modules="vitals"',
        body: `<h1>app</h1><button id="slow" onclick="const t = performance.now(); while (performance.now() - t < 150) {}">slow</button>
          <button id="go" onclick="history.pushState({}, '', '/app/settings')">go</button>
          <button id="quick" onclick="const t = performance.now(); while (performance.now() - t < 40) {}">quick</button>`,
      }),
    );
    const { context, page } = await openPage(browser);
    await page.goto(origin + '/app');
    await moduleLoaded(page, 'vitals');
    await sleep(300);
    await page.click('#slow');
    await sleep(300);
    await page.click('#go'); // leaves /app: its INP and CLS go now, under /app
    await sleep(300);
    await page.click('#quick');
    await sleep(300);
    await setHidden(page, true);
    await server.waitForEvents(9, { timeout: 5000 });
    const vitals = vitalsOf();
    const at = (path: string) => vitals.filter((v) => v.u === origin + path).map((v) => v.p.metric).sort();
    // the load's metrics belong to the landing page; the new page has its own INP and CLS
    expect(at('/app')).toEqual(['CLS', 'DOM', 'FCP', 'FP', 'INP', 'LCP', 'TTFB']);
    expect(at('/app/settings')).toEqual(['CLS', 'INP']);
    const inp = (path: string) => Number(vitals.find((v) => v.u === origin + path && v.p.metric === 'INP')!.p.value);
    expect(inp('/app')).toBeGreaterThanOrEqual(130);
    // the slow click on /app does not leak into the new page's INP
    expect(inp('/app/settings')).toBeLessThan(130);
    await context.close();
  });
});

describe('errors module', () => {
  test('errors and rejections, deduplicated, at most 10 per page, stack trimmed', async () => {
    server.page(
      '/errors',
      fixture({
        attrs: 'data-modules="links, errors"', // a space after the comma is fine
        body: `<script>
function fail(m) { setTimeout(() => { throw new Error(m) }) }
function failLong() { setTimeout(() => { const e = new Error('long'); e.stack = 'x'.repeat(5000); throw e }) }
</script>`,
      }),
    );
    const { context, page, errors } = await openPage(browser);
    await page.goto(origin + '/errors');
    await moduleLoaded(page, 'errors');
    await page.evaluate(() => void Promise.reject(new Error('nope')));
    await page.evaluate(() => void Promise.reject(new Error('nope'))); // the same rejection again: sent once
    await sleep(200);
    await page.evaluate(() => {
      const w = window as unknown as { fail(m: string): void; failLong(): void };
      w.fail('boom');
      w.fail('boom');
      w.failLong();
      for (let i = 0; i < 15; i++) w.fail('e' + i);
    });
    await sleep(500);
    // one request per error (each in its own task): they may arrive in any order
    const events = server.events().filter((e) => e.n === 'error');
    const byMessage = new Map(events.map((e) => [(e.p as { message: string }).message, e]));
    expect(events).toHaveLength(10);
    expect([...byMessage.keys()].sort()).toEqual(['nope', ...['boom', 'long', 'e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6'].map((m) => 'Uncaught Error: ' + m)].sort());
    expect(byMessage.get('Uncaught Error: boom')).toEqual({
      n: 'error',
      ...base('/errors'),
      p: { message: 'Uncaught Error: boom', source: origin + '/errors', line: '4', stack: expect.stringContaining('Error: boom') },
      i: false,
    });
    expect(byMessage.get('nope')).toEqual({ n: 'error', ...base('/errors'), p: { message: 'nope', stack: expect.stringContaining('Error: nope') }, i: false });
    expect((byMessage.get('Uncaught Error: long')!.p as { stack: string }).stack).toBe('x'.repeat(1000));
    expect(errors.length).toBeGreaterThanOrEqual(18); // the page's own errors still surface as before
    await context.close();
  });
});
