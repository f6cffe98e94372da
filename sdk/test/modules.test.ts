// The opt-in modules, loaded by the core from data-modules: links, persist, vitals, errors.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { build } from '../build.mjs';
import { FixtureServer, fixture, launchChromium, openPage, setHidden, sleep } from './harness';

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
  test('LCP, INP, CLS, FCP and TTFB as non-interactive web-vital events with ratings', async () => {
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
    // web-vitals processes interactions in an idle callback (≤ 1 s) before it can report INP
    await sleep(1500);
    await setHidden(page, true);
    await server.waitForEvents(7, { timeout: 5000 });
    const vitals = server.events().filter((e) => e.n === 'web-vital');
    expect(vitals.map((e) => (e.p as { metric: string }).metric).sort()).toEqual(['CLS', 'FCP', 'INP', 'LCP', 'TTFB']);
    for (const v of vitals) {
      expect(v).toEqual({
        n: 'web-vital',
        ...base('/vitals'),
        p: { metric: expect.any(String), value: expect.stringMatching(/^\d+(\.\d+)?$/), rating: expect.stringMatching(/^(good|needs-improvement|poor)$/) },
        i: false,
      });
    }
    const inp = vitals.find((e) => (e.p as { metric: string }).metric === 'INP')!;
    expect(Number((inp.p as { value: string }).value)).toBeGreaterThanOrEqual(100);
    const cls = vitals.find((e) => (e.p as { metric: string }).metric === 'CLS')!;
    expect(Number((cls.p as { value: string }).value)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
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
