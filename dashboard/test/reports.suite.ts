/**
 * Funnels, Journeys and Retention pages: a site of their own with a handful of hand-written
 * identified visits (so every number below is counted by hand), each page's numbers compared
 * with the report API's JSON, plus the empty, error and phone-width states.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunnelReport, JourneysReport, RetentionReport } from '../../contract/reports';
import { ctx, shot } from './harness';

const DAY = 86_400_000;
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const state = {} as { site: string; key: string; day2: string; day1: string };

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${ctx.worker.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ctx.worker.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function ok<T>(res: Response | Promise<Response>): Promise<T> {
  const r = await res;
  if (!r.ok) throw new Error(`${r.status} ${await r.text()}`);
  return r.json() as Promise<T>;
}

/** The report API's answer for the same view, with the site's stats:read key. */
async function reportApi<T>(path: string, body?: unknown): Promise<T> {
  return ok<T>(fetch(`${ctx.worker.url}/api/v1/sites/${state.site}/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${state.key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
}

/**
 * Visits at 10:00 UTC two days and one day ago (the site is in UTC):
 *   a: day-2  / → /pricing → /signup      a again: day-1  /
 *   b: day-2  / → /pricing                c: day-1  /pricing → /signup
 *   d: day-2  / → /pricing  (from Google)
 */
async function seed(): Promise<void> {
  const site = `reports-${Date.now().toString(36)}.test`;
  await ok(admin('POST', '/api/v1/sites', { domain: site, timezone: 'UTC' }));
  expect((await admin('POST', `/api/v1/sites/${site}/members`, { email: ctx.worker.demo.email, role: 'owner' })).status).toBeLessThan(300);
  const writer = await ok<{ token: string; id: string }>(admin('POST', '/api/v1/keys', { name: 'reports seed', sites: [site], scope: 'events:write', expires_in_days: 1, rate_limit: 100_000 }));
  const reader = await ok<{ token: string }>(admin('POST', '/api/v1/keys', { name: 'reports read', sites: [site], scope: 'stats:read', expires_in_days: 1 }));
  const today = Math.floor(Date.now() / DAY) * DAY;
  const at = (daysAgo: number, minute: number) => today - daysAgo * DAY + 10 * 3_600_000 + minute * 60_000;
  const visit = (uid: string, ip: string, daysAgo: number, pages: string[], r = '') =>
    pages.map((p, i) => ({ n: 'pageview', d: site, u: `https://${site}${p}`, r: i === 0 ? r : '', ts: at(daysAgo, i), uid, ip, ua: UA }));
  const events = [
    ...visit('user-a', '198.51.100.1', 2, ['/', '/pricing', '/signup']),
    ...visit('user-a', '198.51.100.1', 1, ['/']),
    ...visit('user-b', '198.51.100.2', 2, ['/', '/pricing']),
    ...visit('user-c', '198.51.100.3', 1, ['/pricing', '/signup']),
    ...visit('user-d', '198.51.100.4', 2, ['/', '/pricing'], 'https://www.google.com/'),
  ];
  const res = await fetch(`${ctx.worker.url}/api/event`, {
    method: 'POST',
    headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  expect(res.status).toBe(202);
  await admin('DELETE', `/api/v1/keys/${writer.id}`);
  Object.assign(state, { site, key: reader.token, day2: new Date(at(2, 0)).toISOString().slice(0, 10), day1: new Date(at(1, 0)).toISOString().slice(0, 10) });
  // SiteDO → Queue → D1 is asynchronous: wait until every event is readable.
  let seen = -1;
  for (let i = 0; i < 40 && seen !== events.length; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 1_500));
    const r = await ok<{ results: { metrics: number[] }[] }>(fetch(`${ctx.worker.url}/api/v2/query`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reader.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ site_id: site, metrics: ['pageviews'], date_range: '7d' }),
    }));
    seen = r.results[0]?.metrics[0] ?? 0;
  }
  if (seen !== events.length) throw new Error(`${seen} of ${events.length} seeded pageviews reached D1 in 60 s`);
}

async function open(path: string, width = 1280): Promise<Page> {
  const page = await ctx.signedIn.newPage();
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${ctx.dashboard.url}/sites/${state.site}/${path}`);
  await page.waitForSelector('[data-report] [data-rows], [data-report] [data-empty], [data-report] [data-error]');
  return page;
}

/** Each step as the page shows it: visitors and % of step 1. */
const pageSteps = (page: Page) =>
  page.$$eval('[data-step]', (els) => els.map((e) => ({ visitors: Number(e.getAttribute('data-visitors')), conversion: Number(e.getAttribute('data-conversion')), text: e.textContent })));

export function reportsSuite() {
  describe('behaviour reports', () => {
    beforeAll(seed, 120_000);

    it('builds a funnel inline with the numbers of POST funnels/query, and applies visit filters', async () => {
      const page = await open('funnels/?period=7d&step=/&step=/pricing&step=/signup');
      const api = await reportApi<FunnelReport>('funnels/query', { steps: [['is', 'event:page', ['/']], ['is', 'event:page', ['/pricing']], ['is', 'event:page', ['/signup']]], date_range: '7d', window: 'session' });
      // by hand: / then /pricing then /signup within a visit — a, b, d reach 2 steps, only a the third
      expect(api.steps.map((s) => [s.visitors, s.conversion_rate, s.dropoff])).toEqual([[3, 100, 0], [3, 100, 0], [1, 33.3, 2]]);
      const shown = await pageSteps(page);
      expect(shown.map((s) => [s.visitors, s.conversion])).toEqual(api.steps.map((s) => [s.visitors, s.conversion_rate]));
      expect(shown[2]!.text).toContain('2 dropped off');
      expect(shown[2]!.text).toContain(`${api.steps[2]!.step_conversion_rate}% continued`);
      await shot(page, 'funnels');
      // the overview's filter chip syntax: only d came from Google
      await page.goto(`${ctx.dashboard.url}/sites/${state.site}/funnels/?period=7d&step=/&step=/pricing&step=/signup&f=visit:source,is,Google`);
      await page.waitForSelector('[data-step]');
      const filtered = await reportApi<FunnelReport>('funnels/query', { steps: [['is', 'event:page', ['/']], ['is', 'event:page', ['/pricing']], ['is', 'event:page', ['/signup']]], date_range: '7d', filters: [['is', 'visit:source', ['Google']]] });
      expect(filtered.steps.map((s) => s.visitors)).toEqual([1, 1, 0]);
      expect((await pageSteps(page)).map((s) => s.visitors)).toEqual([1, 1, 0]);
      await page.close();
    });

    it('shows a saved funnel by default, with the numbers of GET funnels/{id}', async () => {
      const g1 = await ok<{ id: string }>(admin('POST', `/api/v1/sites/${state.site}/goals`, { page_path: '/pricing' }));
      const g2 = await ok<{ id: string }>(admin('POST', `/api/v1/sites/${state.site}/goals`, { page_path: '/signup' }));
      const f = await ok<{ id: string }>(admin('POST', `/api/v1/sites/${state.site}/funnels`, { name: 'Pricing to signup', steps: [g1.id, g2.id] }));
      const page = await open('funnels/?period=7d');
      const api = await reportApi<FunnelReport>(`funnels/${f.id}?period=7d`);
      // a, b, c, d saw /pricing; a and c went on to /signup
      expect(api.steps.map((s) => s.visitors)).toEqual([4, 2]);
      expect(await page.textContent('[data-report] h3')).toBe('Pricing to signup');
      expect((await pageSteps(page)).map((s) => [s.visitors, s.conversion])).toEqual(api.steps.map((s) => [s.visitors, s.conversion_rate]));
      await page.close();
    });

    it('opens the overview for the visitors who reached a clicked step, as a sequence filter the API answers', async () => {
      const visitorsOf = async (filters: unknown[]) => {
        const res = await fetch(`${ctx.worker.url}/api/v2/query`, {
          method: 'POST',
          headers: { authorization: `Bearer ${state.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ site_id: state.site, metrics: ['visitors'], date_range: '7d', filters }),
        });
        return (await ok<{ results: { metrics: number[] }[] }>(res)).results[0]!.metrics[0];
      };
      const shownVisitors = (page: Page) => page.getAttribute('[data-testid=top-stats] [data-metric=visitors]', 'data-value').then(Number);
      // the saved funnel (Visit /pricing → Visit /signup): a and c reached step 2
      const page = await open('funnels/?period=7d');
      await Promise.all([page.waitForURL(/\/sites\/[^/]+\/\?.*f=sequence/), page.click('[data-step="2"] [data-step-link]')]);
      const sequence = JSON.parse(new URL(page.url()).searchParams.get('f')!.replace(/^sequence,is,/, ''));
      expect(sequence).toEqual([['is', 'event:goal', ['Visit /pricing']], ['is', 'event:goal', ['Visit /signup']]]);
      expect(await visitorsOf([['sequence', sequence]])).toBe(2);
      await expect.poll(() => shownVisitors(page)).toBe(2);
      expect(await page.textContent('[data-testid=filters] .chip')).toContain('Visits through Visit /pricing → Visit /signup');
      expect(await page.isVisible('[data-testid=sequence-note]')).toBe(true);
      await page.close();
      // an inline funnel keeps the view's visit filter and leaves out the event filter it ignored
      const inline = await open('funnels/?period=7d&step=/&step=/pricing&f=visit:source,is,Google&f=event:page,is,/signup');
      const href = new URL((await inline.getAttribute('[data-step="2"] [data-step-link]', 'href'))!, ctx.dashboard.url);
      expect(href.searchParams.getAll('f')).toEqual(['visit:source,is,Google', `sequence,is,${JSON.stringify([['is', 'event:page', ['/']], ['is', 'event:page', ['/pricing']]])}`]);
      await Promise.all([inline.waitForURL(/f=sequence/), inline.click('[data-step="2"] [data-step-link]')]);
      // only d came from Google and went / → /pricing
      expect(await visitorsOf([['is', 'visit:source', ['Google']], ['sequence', [['is', 'event:page', ['/']], ['is', 'event:page', ['/pricing']]]]])).toBe(1);
      await expect.poll(() => shownVisitors(inline)).toBe(1);
      // a page step drops views per visit from the top stats, as the API refuses it then
      expect(await inline.$$('[data-testid=top-stats] [data-metric=views_per_visit]')).toEqual([]);
      await inline.close();
      // a funnel across visits has no such filter: its steps are not links
      const across = await open('funnels/?period=7d&step=/&step=/pricing&window=24h');
      expect(await across.$$('[data-step-link]')).toEqual([]);
      await across.close();
    });

    it('lists journeys from the entry page and from a start page, as GET journeys answers', async () => {
      const page = await open('journeys/?period=7d');
      const rows = () => page.$$eval('[data-path]', (els) => els.map((e) => [e.getAttribute('data-path'), Number(e.getAttribute('data-sessions')), Number(e.getAttribute('data-visitors'))]));
      const api = await reportApi<JourneysReport>('journeys?period=7d&steps=5');
      expect(api.meta.sessions).toBe(5);
      expect(api.paths.find((p) => p.pages.join() === '/,/pricing,(exit)')).toMatchObject({ sessions: 2, visitors: 2 });
      expect(await rows()).toEqual(api.paths.map((p) => [p.pages.join(' → '), p.sessions, p.visitors]));
      const transitions = await page.$$eval('[data-transitions] [data-from]', (els) => els.length);
      // each position's column lists its 8 most common transitions
      const steps = [...new Set(api.transitions.map((t) => t.step))];
      expect(transitions).toBe(steps.reduce((n, s) => n + Math.min(8, api.transitions.filter((t) => t.step === s).length), 0));
      await page.fill('input[name=start]', '/pricing');
      await Promise.all([page.waitForURL(/start=%2Fpricing/), page.click('[data-testid=journeys-form] button[type=submit]')]);
      await page.waitForSelector('[data-path]');
      const fromPricing = await reportApi<JourneysReport>('journeys?period=7d&steps=5&start=/pricing');
      // a and c went on to /signup, b and d left
      expect(fromPricing.paths.map((p) => [p.pages.join(), p.sessions])).toEqual([['/pricing,(exit)', 2], ['/pricing,/signup,(exit)', 2]]);
      expect(await rows()).toEqual(fromPricing.paths.map((p) => [p.pages.join(' → '), p.sessions, p.visitors]));
      await shot(page, 'journeys');
      await page.close();
    });

    it('shows errors and empty states on funnels and retention', async () => {
      const one = await open('funnels/?period=7d&step=/pricing');
      expect(await one.textContent('[data-error]')).toContain('at least two steps');
      await one.close();
      const nobody = await open('funnels/?period=7d&step=/checkout&step=/signup');
      expect(await nobody.textContent('[data-empty]')).toContain('Visit /checkout');
      await nobody.close();
      // 365 daily cohorts: more than the API's 180
      const api = await fetch(`${ctx.worker.url}/api/v1/sites/${state.site}/retention?interval=day&period=12mo`, { headers: { authorization: `Bearer ${state.key}` } });
      expect(api.status).toBe(400);
      const { error } = (await api.json()) as { error: string };
      const wide = await open('retention/?interval=day&period=12mo');
      expect(await wide.textContent('[data-error]')).toBe(error);
      await wide.close();
    });

    it('shows the API error and the empty state on journeys', async () => {
      const bad = await open('journeys/?period=7d&start=pricing');
      expect(await bad.textContent('[data-error]')).toContain('start');
      await bad.close();
      const none = await open('journeys/?period=7d&start=/nowhere');
      expect(await none.textContent('[data-empty]')).toContain('/nowhere');
      await none.close();
    });

    it('draws the daily cohort triangle with the numbers of GET retention, and says anonymous visitors are left out', async () => {
      const page = await open('retention/?interval=day');
      const api = await reportApi<RetentionReport>('retention?interval=day');
      const two = api.cohorts.find((c) => c.cohort === state.day2)!;
      // a, b, d first seen two days ago; only a came back the next day
      expect([two.visitors, two.retained, two.percent]).toEqual([3, [3, 1, 0], [100, 33.3, 0]]);
      expect(api.cohorts.find((c) => c.cohort === state.day1)).toMatchObject({ visitors: 1, retained: [1, 0] });
      const shown = await page.$$eval('[data-cohort]', (rows) =>
        rows.map((r) => ({
          cohort: r.getAttribute('data-cohort'),
          visitors: Number(r.getAttribute('data-visitors')),
          retained: [...r.querySelectorAll('[data-k]')].map((c) => Number(c.getAttribute('data-retained'))),
          percent: [...r.querySelectorAll('[data-k]')].map((c) => Number(c.getAttribute('data-percent'))),
          text: [...r.querySelectorAll('[data-k]')].map((c) => c.textContent),
        })),
      );
      expect(shown.map(({ text: _, ...c }) => c)).toEqual(api.cohorts.map(({ cohort, visitors, retained, percent }) => ({ cohort, visitors, retained, percent })));
      expect(shown.find((c) => c.cohort === state.day2)!.text).toEqual(['100%3', '33.3%1', '0%0']);
      expect(await page.textContent('[data-note]')).toBe(api.meta.note);
      await shot(page, 'retention');
      await page.click('a:text("Monthly")');
      // a client-side navigation: the daily table stays until the monthly one replaces it
      await page.waitForSelector('th:text-is("Month 0")');
      const monthly = await reportApi<RetentionReport>('retention?interval=month');
      expect(await page.$$eval('[data-cohort]', (r) => r.map((e) => Number(e.getAttribute('data-visitors'))))).toEqual(monthly.cohorts.map((c) => c.visitors));
      await page.close();
    });

    it('shows an empty retention for a site with anonymous traffic only (the demo site)', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(`${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/retention/`);
      await page.waitForSelector('[data-empty]');
      expect(await page.textContent('[data-note]')).toMatch(/anonymous/i);
      await page.close();
    });

    it('fits every report page in a 390 px phone and links them from the site header', async () => {
      for (const path of ['funnels/?period=7d&step=/&step=/pricing&step=/signup', 'journeys/?period=7d', 'retention/?interval=day']) {
        const page = await open(path, 390);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
        await shot(page, `phone-${path.split('/')[0]}`);
        await page.close();
      }
      const page = await open('retention/?interval=week&period=7d');
      const nav = await page.$$eval('.tabs-nav a', (as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('aria-current')]));
      // the layout writes aria-current 'false' rather than omitting it (Qwik kept stale ones)
      expect(nav).toEqual(expect.arrayContaining([
        ['Funnels', `/sites/${state.site}/funnels/?period=7d`, 'false'],
        ['Journeys', `/sites/${state.site}/journeys/?period=7d`, 'false'],
        ['Retention', `/sites/${state.site}/retention/?period=7d`, 'page'],
      ]));
      await page.close();
    });
  });
}
