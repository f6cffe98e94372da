/**
 * The Performance and Errors pages against the reports' JSON (GET /api/v1/sites/{site}/vitals,
 * /errors, /errors/{fp}) for the demo site, whose seed sends web vitals on some page views
 * (slow pages, phones slower) and a few error groups (scripts/demo-reports.mjs).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ErrorDetailReport, ErrorsReport, VitalsReport } from '../../contract/reports';
import { ctx, shot } from './harness';

const VITALS = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'] as const;

async function report<T>(path: string, params: Record<string, string>): Promise<T> {
  const res = await fetch(`${ctx.worker.url}/api/v1/sites/${ctx.worker.demo.site}/${path}?${new URLSearchParams(params)}`, {
    headers: { authorization: `Bearer ${ctx.worker.demo.key}` },
  });
  if (!res.ok) throw new Error(`${path} ${res.status}: ${await res.text()}`);
  return res.json() as Promise<T>;
}

/** An attribute as the API's number (`''` is the API's null). */
const num = (v: string | null) => (v === '' || v === null ? null : Number(v));

async function cardsOf(page: Page) {
  return page.$$eval('[data-vital]', (els) =>
    els.map((e) => ({
      metric: e.getAttribute('data-vital'),
      p75: e.querySelector('[data-p75]')!.getAttribute('data-p75'),
      samples: e.querySelector('[data-samples]')!.getAttribute('data-samples'),
      shares: [...e.querySelectorAll('[data-share]')].map((s) => [s.getAttribute('data-share'), s.getAttribute('data-value')]),
    })),
  );
}

function expectCards(cards: Awaited<ReturnType<typeof cardsOf>>, api: VitalsReport) {
  expect(cards.map((c) => c.metric)).toEqual([...VITALS]);
  for (const c of cards) {
    const a = api.totals[c.metric as (typeof VITALS)[number]];
    expect(num(c.p75), c.metric!).toBe(a.p75);
    expect(Number(c.samples), c.metric!).toBe(a.samples);
    const shares = Object.fromEntries(c.shares.map(([k, v]) => [k, Number(v)]));
    // a zero share draws no segment
    expect({ good: shares.good ?? 0, needs_improvement: shares.needs_improvement ?? 0, poor: shares.poor ?? 0 }, c.metric!).toEqual({
      good: a.good, needs_improvement: a.needs_improvement, poor: a.poor,
    });
  }
}

const tableOf = (page: Page) =>
  page.$$eval('[data-rows] tbody tr', (rows) =>
    rows.map((r) => ({
      dimension: r.getAttribute('data-row'),
      p75: Object.fromEntries([...r.querySelectorAll('td[data-metric]')].map((td) => [td.getAttribute('data-metric'), td.getAttribute('data-value')])),
      samples: r.querySelector('[data-samples]')!.getAttribute('data-samples'),
    })),
  );

function expectTable(rows: Awaited<ReturnType<typeof tableOf>>, api: VitalsReport) {
  expect(rows.map((r) => r.dimension)).toEqual(api.results.map((r) => r.dimension));
  for (const [i, r] of rows.entries()) {
    for (const m of VITALS) expect(num(r.p75[m]!), `${r.dimension} ${m}`).toBe(api.results[i]![m].p75);
    expect(Number(r.samples)).toBe(api.results[i]!.samples);
  }
}

/** The page is no wider than the phone's viewport (nothing scrolls sideways but inner boxes). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
/** The elements sticking out past the viewport, to name the culprit when the check fails. */
const wide = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5).slice(0, 5).map((e) => `${e.tagName}.${e.className}`));

async function freshSite(): Promise<string> {
  const site = `perf-empty-${Date.now().toString(36)}.test`;
  const admin = (path: string, body: unknown) =>
    fetch(`${ctx.worker.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ctx.worker.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await admin('/api/v1/sites', { domain: site })).status).toBe(201);
  expect((await admin(`/api/v1/sites/${site}/members`, { email: ctx.worker.demo.email, role: 'owner' })).status).toBeLessThan(300);
  return site;
}

/**
 * The errors report reads `errors_daily`, which the rollups' cron refresh writes: past days by
 * rebuilds within a time budget per run, today up to a watermark 60 s behind the run. Run the
 * cron (as the `*\/5` trigger would) until the answer is non-empty and stops changing, so the
 * page and the API below read the same state. (`/cdn-cgi/handler/scheduled` is wrangler's
 * route; the harness's `/__scheduled` reaches the Worker's router on a no_bundle config and 404s.)
 */
async function errorsAggregated(): Promise<void> {
  let last = '';
  let same = 0;
  for (let i = 0; i < 25; i++) {
    const res = await fetch(`${ctx.worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 6_000));
    const now = JSON.stringify((await report<ErrorsReport>('errors', { period: '7d' })).results);
    same = now === last && now !== '[]' ? same + 1 : 0;
    if (same >= 2) return;
    last = now;
  }
  throw new Error('the cron refresh never settled the seeded errors');
}

export function performanceSuite() {
  describe('performance and errors', () => {
    beforeAll(errorsAggregated, 200_000);
    const url = (path: string, search: string) => `${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/${path}${search}`;

    it('shows the vitals report’s p75, shares, samples, trend and table by page', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(url('performance/', '?period=7d'));
      await page.waitForSelector('[data-testid=performance]');
      const totals = await report<VitalsReport>('vitals', { period: '7d', include: 'timeseries' });
      expect(totals.totals.LCP.samples, 'the demo seed sends vitals').toBeGreaterThan(0);
      expectCards(await cardsOf(page), totals);
      for (const m of VITALS) {
        const days = await page.$$eval(`[data-trend=${m}] [data-day]`, (els) => els.map((e) => [e.getAttribute('data-day'), e.getAttribute('data-value')]));
        expect(days.map(([d, v]) => [d, num(v)]), m).toEqual(totals.timeseries!.map((d) => [d.date, d[m]]));
      }
      for (const k of ['ttfb', 'first_paint', 'dom_complete'] as const) {
        const shown = await page.textContent(`[data-load=${k}]`);
        const v = totals.totals.page_load[k];
        expect(shown, k).toBe(v === null ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
      }
      const byPage = await report<VitalsReport>('vitals', { period: '7d', dimension: 'event:page' });
      expect(byPage.results.length).toBeGreaterThan(1);
      expectTable(await tableOf(page), byPage);
      await shot(page, 'performance');
      await page.close();
    });

    it('switches the table to devices and links a row to the overview filtered by it', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(url('performance/', '?period=7d'));
      await page.click('a[data-by=device]');
      await page.waitForURL(/by=device/);
      const byDevice = await report<VitalsReport>('vitals', { period: '7d', dimension: 'visit:device' });
      await expect.poll(async () => (await tableOf(page)).map((r) => r.dimension), { timeout: 15_000 }).toEqual(byDevice.results.map((r) => r.dimension));
      expectTable(await tableOf(page), byDevice);
      const first = byDevice.results[0]!.dimension!;
      await page.click(`[data-rows] tr[data-row="${first}"] a`);
      await page.waitForURL((u) => u.pathname === `/sites/${ctx.worker.demo.site}/` && u.searchParams.getAll('f').includes(`visit:device,is,${first}`));
      expect(new URL(page.url()).searchParams.get('period')).toBe('7d');
      expect(new URL(page.url()).searchParams.has('by')).toBe(false);
      await page.close();
    });

    it('applies the overview’s filters from the URL', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(url('performance/', '?period=7d&f=visit:device,is,Mobile'));
      await page.waitForSelector('[data-testid=performance]');
      const filtered = await report<VitalsReport>('vitals', { period: '7d', include: 'timeseries', filters: JSON.stringify([['is', 'visit:device', ['Mobile']]]) });
      const all = await report<VitalsReport>('vitals', { period: '7d' });
      expect(filtered.totals.LCP.samples).toBeLessThan(all.totals.LCP.samples);
      expectCards(await cardsOf(page), filtered);
      await page.close();
    });

    it('lists the error groups with their counts and daily spark lines, and opens a group’s detail', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(url('errors/', '?period=7d'));
      await page.waitForSelector('[data-testid=errors]');
      const list = await report<ErrorsReport>('errors', { period: '7d' });
      expect(list.results.length, 'the demo seed sends error groups').toBeGreaterThan(0);
      expect(Number(await page.getAttribute('[data-groups]', 'data-groups'))).toBe(list.meta.groups);
      const groups = await page.$$eval('[data-group]', (els) =>
        els.map((e) => ({
          fingerprint: e.getAttribute('data-group'),
          events: Number(e.querySelector('[data-events]')!.getAttribute('data-events')),
          visitors: Number(e.querySelector('[data-visitors]')!.getAttribute('data-visitors')),
          last_seen: e.querySelector('[data-last-seen]')!.getAttribute('data-last-seen'),
          message: e.querySelector('.error-message')!.textContent,
          daily: e.querySelector('[data-daily]')!.getAttribute('data-daily')!.split(',').map(Number),
          points: e.querySelector('svg.sparkline polyline')?.getAttribute('points')?.split(' ').length ?? 0,
        })),
      );
      expect(groups.map(({ fingerprint, events, visitors, last_seen, message }) => ({ fingerprint, events, visitors, last_seen, message }))).toEqual(
        list.results.map((g) => ({ fingerprint: g.fingerprint, events: g.events, visitors: g.visitors, last_seen: g.last_seen, message: g.message ?? '(no message)' })),
      );
      const top = list.results[0]!;
      const detail = await report<ErrorDetailReport>(`errors/${top.fingerprint}`, { period: '7d' });
      // one value per day of the range, the detail's daily counts and zeros between them
      const [from, to] = list.meta.date_range;
      const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
      expect(groups[0]!.daily).toHaveLength(days);
      expect(groups[0]!.points).toBe(days);
      expect(groups[0]!.daily.reduce((a, b) => a + b, 0)).toBe(top.events);
      const byDay = new Map(detail.result.daily.map((d) => [d.date, d.events]));
      expect(groups[0]!.daily.filter((n) => n > 0)).toEqual([...byDay.values()].filter((n) => n > 0));
      await shot(page, 'errors');

      await page.click(`[data-group="${top.fingerprint}"] a.error-message`);
      await page.waitForSelector(`[data-testid=error-detail][data-fingerprint="${top.fingerprint}"]`);
      expect(new URL(page.url()).searchParams.get('period')).toBe('7d');
      expect(await page.textContent('[data-message]')).toBe(detail.result.message);
      expect(Number(await page.getAttribute('dd[data-events]', 'data-events'))).toBe(detail.result.events);
      expect(Number(await page.getAttribute('dd[data-visitors]', 'data-visitors'))).toBe(detail.result.visitors);
      const rowsOf = (kind: string) =>
        page.$$eval(`[data-breakdown=${kind}] tbody tr`, (rows) =>
          rows.map((r) => [r.getAttribute('data-row'), Number(r.querySelector('[data-events]')!.getAttribute('data-events')), Number(r.querySelector('[data-visitors]')!.getAttribute('data-visitors'))]),
        );
      expect(await rowsOf('page')).toEqual(detail.result.pages.map((p) => [p.page, p.events, p.visitors]));
      expect(await rowsOf('browser')).toEqual(detail.result.browsers.map((b) => [b.browser, b.events, b.visitors]));
      expect(detail.result.stacks.length).toBeGreaterThan(0);
      expect(await page.$$eval('[data-stack] pre', (els) => els.map((e) => e.textContent))).toEqual(detail.result.stacks.map((s) => s.stack));
      await shot(page, 'error-detail');
      await page.close();
    });

    it('applies the overview’s filters to the error groups and their detail', async () => {
      const all = await report<ErrorsReport>('errors', { period: '7d' });
      const top = all.results[0]!;
      const browser = top.browsers[0]!;
      const f = JSON.stringify([['is', 'visit:browser', [browser.browser]]]);
      const filtered = await report<ErrorsReport>('errors', { period: '7d', filters: f });
      // counted from the events, the group under a browser filter is its pre-aggregated browser row
      const same = filtered.results.find((g) => g.fingerprint === top.fingerprint)!;
      expect([same.events, same.visitors]).toEqual([browser.events, browser.visitors]);
      expect(same.browsers).toEqual([browser]);

      const page = await ctx.signedIn.newPage();
      await page.goto(url('errors/', `?period=7d&f=${encodeURIComponent(`visit:browser,is,${browser.browser}`)}`));
      await page.waitForSelector('[data-testid=errors] [data-filtered]');
      const shown = () =>
        page.$$eval('[data-group]', (els) => els.map((e) => [e.getAttribute('data-group'), Number(e.querySelector('[data-events]')!.getAttribute('data-events')), Number(e.querySelector('[data-visitors]')!.getAttribute('data-visitors'))]));
      await expect.poll(shown, { timeout: 15_000 }).toEqual(filtered.results.map((g) => [g.fingerprint, g.events, g.visitors]));
      expect(Number(await page.getAttribute('[data-groups]', 'data-groups'))).toBe(filtered.meta.groups);

      // the detail keeps the filter (the link carries it) and shows the filtered group
      const detail = await report<ErrorDetailReport>(`errors/${top.fingerprint}`, { period: '7d', filters: f });
      await page.click(`[data-group="${top.fingerprint}"] a.error-message`);
      await page.waitForSelector(`[data-testid=error-detail][data-fingerprint="${top.fingerprint}"]`);
      expect(new URL(page.url()).searchParams.getAll('f')).toEqual([`visit:browser,is,${browser.browser}`]);
      expect(Number(await page.getAttribute('dd[data-events]', 'data-events'))).toBe(detail.result.events);
      expect(detail.result.events).toBe(browser.events);
      const browsers = await page.$$eval('[data-breakdown=browser] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-row')));
      expect(browsers).toEqual([browser.browser]);
      await page.close();
    });

    it('fits a 390 px phone without sideways scrolling', async () => {
      const phone = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await ctx.signedIn.storageState() });
      const page = await phone.newPage();
      const list = await report<ErrorsReport>('errors', { period: '7d' });
      for (const path of ['performance/', 'performance/?by=country', 'errors/', `errors/${list.results[0]!.fingerprint}/`]) {
        await page.goto(url(path, path.includes('?') ? '&period=7d' : '?period=7d'));
        await page.waitForSelector('[data-testid=performance], [data-testid=errors], [data-testid=error-detail]');
        expect(await overflow(page), `${path}: ${await wide(page)}`).toBeLessThanOrEqual(0);
      }
      await shot(page, 'error-detail-phone');
      await phone.close();
    });

    it('shows empty states for a site without vitals or errors, and the API’s message for a period it refuses', async () => {
      const site = await freshSite();
      const page = await ctx.signedIn.newPage();
      for (const path of ['performance/', 'errors/']) {
        await page.goto(`${ctx.dashboard.url}/sites/${site}/${path}?period=7d`);
        expect(await page.textContent('[data-empty]'), path).toMatch(/^No (web vitals|errors) in this range/);
      }
      await page.goto(`${ctx.dashboard.url}/sites/${site}/errors/0123456789abcdef/?period=7d`);
      expect(await page.textContent('[data-empty]')).toContain('no error group 0123456789abcdef');
      // 24 hours is not whole days: the page says what the API said, it does not answer another range
      await page.goto(url('performance/', '?period=24h'));
      expect(await page.textContent('[data-report-error]')).toMatch(/Performance data is unavailable: .*whole days/);
      await page.close();
    });
  });
}
