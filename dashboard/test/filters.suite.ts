import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cardsFilled, ctx, query, shot } from './harness';

const TOP = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'];
const TOP_NO_VPV = TOP.filter((m) => m !== 'views_per_visit');

/** Waits until every shown top stat equals the API's answer for `filters`. */
async function topStatsMatch(page: Page, filters: unknown[], metrics = TOP) {
  const api = await query({ metrics, date_range: '7d', filters });
  for (const [i, m] of metrics.entries()) {
    await expect.poll(async () => Number(await page.getAttribute(`[data-metric="${m}"]`, 'data-value')), { timeout: 20_000, message: m }).toBe(api.results[0]!.metrics[i]);
  }
  return api.results[0]!.metrics;
}

/** Opens the Filter menu and applies `dimension op values` through the builder. */
async function build(page: Page, dimension: string, op: string, values: string[], propKey?: string) {
  await page.click('[data-testid=filter-menu] summary');
  const form = '[data-testid=filter-builder]';
  await page.waitForSelector(`${form} select[name=dimension]`, { state: 'visible' });
  await page.selectOption(`${form} select[name=dimension]`, dimension);
  if (propKey) {
    await page.waitForSelector(`${form} input[name=prop_key]`);
    await page.fill(`${form} input[name=prop_key]`, propKey);
    await page.press(`${form} input[name=prop_key]`, 'Tab');
  }
  await page.selectOption(`${form} select[name=op]`, op);
  for (const [i, v] of values.entries()) {
    if (i > 0) {
      await page.click(`${form} [data-add-value]`);
      await page.waitForSelector(`${form} input[aria-label="Value ${i + 1}"]`);
    }
    await page.fill(`${form} input[aria-label="Value ${i + 1}"]`, v);
  }
  await page.click(`${form} button[type=submit]`);
}

export function filtersSuite() {
  describe('filter builder', () => {
    const overview = (search: string) => `${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/${search}`;

    it('applies several values, negations and a property filter as chips in the URL, with the numbers of the API', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d'));
      await cardsFilled(page);
      const all = (await query({ metrics: ['visitors'], date_range: '7d' })).results[0]!.metrics[0]!;

      // Source is Google or Bing: the values are or-ed, as in the API's ["is", dim, [a, b]]
      await build(page, 'visit:source', 'is', ['Google', 'Bing']);
      await page.waitForSelector('[data-filter="visit:source,is,Google|Bing"]', { timeout: 20_000 });
      expect(new URL(page.url()).searchParams.getAll('f')).toEqual(['visit:source,is,Google|Bing']);
      expect((await page.textContent('[data-filter="visit:source,is,Google|Bing"]'))!.replace(/\s+/g, ' ')).toContain('Source is Google or Bing');
      const either = await topStatsMatch(page, [['is', 'visit:source', ['Google', 'Bing']]]);
      const google = (await query({ metrics: ['visitors'], date_range: '7d', filters: [['is', 'visit:source', ['Google']]] })).results[0]!.metrics[0]!;
      // the or really widens the single value, and both are a part of all visitors
      expect(either[0]).toBeGreaterThan(google);
      expect(either[0]).toBeLessThan(all);
      await expect
        .poll(() => page.$$eval('[data-card=sources] li.row', (els) => els.map((e) => e.getAttribute('data-value')).sort()), { timeout: 20_000 })
        .toEqual(['Bing', 'Google']);

      // a second filter: Page does not contain "blog" (an event:page filter: no views per visit)
      await build(page, 'event:page', 'contains_not', ['blog']);
      await page.waitForSelector('[data-filter="event:page,contains_not,blog"]', { timeout: 20_000 });
      expect(await page.textContent('[data-filter="event:page,contains_not,blog"]')).toContain('does not contain');
      const both = [['is', 'visit:source', ['Google', 'Bing']], ['contains_not', 'event:page', ['blog']]];
      await topStatsMatch(page, both, TOP_NO_VPV);
      const pages = await query({ metrics: ['visitors'], date_range: '7d', dimensions: ['event:page'], filters: both, pagination: { limit: 9 } });
      expect(pages.results.some((r) => r.dimensions[0]!.includes('blog'))).toBe(false);
      await expect
        .poll(() => page.$$eval('[data-card=pages] li.row', (els) => els.map((e) => [e.getAttribute('data-value'), Number(e.getAttribute('data-visitors'))])), { timeout: 20_000 })
        .toEqual(pages.results.map((r) => [r.dimensions[0], r.metrics[0]]));
      await shot(page, 'filter-builder');

      // removing the source chip keeps the page filter
      await page.click('[data-filter="visit:source,is,Google|Bing"] [data-remove]');
      await page.waitForSelector('[data-filter="visit:source,is,Google|Bing"]', { state: 'detached', timeout: 20_000 });
      expect(new URL(page.url()).searchParams.getAll('f')).toEqual(['event:page,contains_not,blog']);
      await topStatsMatch(page, [['contains_not', 'event:page', ['blog']]], TOP_NO_VPV);

      // a custom property: plan is not free (Plausible: an event without the key counts as "(none)")
      await build(page, 'event:props', 'is_not', ['free'], 'plan');
      await page.waitForSelector('[data-filter="event:props:plan,is_not,free"]', { timeout: 20_000 });
      await topStatsMatch(page, [['contains_not', 'event:page', ['blog']], ['is_not', 'event:props:plan', ['free']]], TOP_NO_VPV);

      // the filtered view is a link: a fresh load shows the same chips and numbers
      const again = await ctx.signedIn.newPage();
      await again.goto(page.url());
      await cardsFilled(again);
      expect(await again.$$eval('[data-filter]', (els) => els.map((e) => e.getAttribute('data-filter')))).toEqual(['event:page,contains_not,blog', 'event:props:plan,is_not,free']);
      await again.close();
      await page.close();
    });

    it('refuses an empty value and suggests the dimension\'s values', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d'));
      await cardsFilled(page);
      await page.click('[data-testid=filter-menu] summary');
      await page.selectOption('[data-testid=filter-builder] select[name=dimension]', 'visit:device');
      const devices = await query({ metrics: ['visitors'], date_range: '7d', dimensions: ['visit:device'], pagination: { limit: 25 } });
      await expect
        .poll(() => page.$$eval('#filter-suggestions option', (els) => els.map((e) => e.getAttribute('value'))), { timeout: 20_000 })
        .toEqual(devices.results.map((r) => r.dimensions[0]));
      await page.click('[data-testid=filter-builder] button[type=submit]');
      await page.waitForSelector('[data-testid=filter-builder] [role=alert]');
      expect(await page.textContent('[data-testid=filter-builder] [role=alert]')).toBe('Enter at least one value.');
      expect(new URL(page.url()).searchParams.getAll('f')).toEqual([]);
      await page.close();
    });

    it('saves the current filters as a segment that then appears in the menu and applies', async () => {
      const site = ctx.worker.demo.site;
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d&f=visit:device,is,Desktop|Tablet&f=event:page,contains,docs'));
      await cardsFilled(page);
      const filters = [['is', 'visit:device', ['Desktop', 'Tablet']], ['contains', 'event:page', ['docs']]];
      const direct = await topStatsMatch(page, filters, TOP_NO_VPV);

      await page.click('[data-testid=filter-menu] summary');
      await page.fill('[data-testid=save-segment] input[name=name]', 'Big screens reading docs');
      await page.selectOption('[data-testid=save-segment] select[name=scope]', 'site');
      await page.click('[data-testid=save-segment] button[type=submit]');
      await page.waitForURL(/f=segment(%2C|,)is(%2C|,)\d+/, { timeout: 20_000 });
      const f = new URL(page.url()).searchParams.getAll('f');
      expect(f).toHaveLength(1);
      const id = Number(f[0]!.split(',')[2]);

      // the API holds it with the filters of the view, site-wide
      const res = await fetch(`${ctx.worker.url}/api/v1/sites/${site}/segments`, { headers: { authorization: `Bearer ${ctx.worker.adminToken}` } });
      const saved = ((await res.json()) as { segments: { id: number; name: string; scope: string; filters: unknown }[] }).segments.find((s) => s.id === id)!;
      expect(saved).toMatchObject({ name: 'Big screens reading docs', scope: 'site', filters });

      await page.waitForSelector(`[data-filter="segment,is,${id}"]`);
      await expect.poll(() => page.textContent(`[data-filter="segment,is,${id}"]`), { timeout: 20_000 }).toContain('Big screens reading docs');
      // the segment is its filters: the same numbers as before
      const viaSegment = await topStatsMatch(page, [['is', 'segment', [id]]], TOP_NO_VPV);
      expect(viaSegment).toEqual(direct);

      // a fresh load lists it in the menu, marked current
      await page.goto(overview('?period=7d'));
      await cardsFilled(page);
      await page.click('[data-testid=filter-menu] summary');
      await page.click(`[data-segment="${id}"]`);
      await page.waitForSelector(`[data-filter="segment,is,${id}"]`, { timeout: 20_000 });
      expect(await page.getAttribute(`[data-segment="${id}"]`, 'aria-current')).toBe('true');
      await topStatsMatch(page, [['is', 'segment', [id]]], TOP_NO_VPV);
      await shot(page, 'segment-saved');
      await page.close();
    });
  });

  describe('world map', () => {
    it('draws countries shaded by visitors on the Map tab, loaded only then, and filters from the keyboard', async () => {
      const page = await ctx.signedIn.newPage();
      const scripts: string[] = [];
      page.on('response', async (r) => {
        if (r.request().resourceType() === 'script') scripts.push(await r.text().catch(() => ''));
      });
      await page.goto(`${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/?period=7d`);
      await cardsFilled(page);
      // the map's paths are not part of the JS before interaction
      const hasMap = () => scripts.some((s) => s.includes('Kyrgyzstan'));
      expect(hasMap()).toBe(false);

      await page.click('[data-card=locations] [data-tab=map]');
      await page.waitForSelector('[data-testid=world-map] svg', { timeout: 30_000 });
      expect(hasMap()).toBe(true);
      const countries = await query({ metrics: ['visitors'], date_range: '7d', dimensions: ['visit:country'], pagination: { limit: 300 } });
      expect(countries.results.length).toBeGreaterThan(0);
      const max = Math.max(...countries.results.map((r) => r.metrics[0]!));
      // every country of the 1:110m map is drawn, the ones with visitors as links named with their number
      expect(await page.$$eval('[data-testid=world-map] [data-country]', (els) => els.length)).toBe(174);
      const shown = await page.$$eval('[data-testid=world-map] a[data-country]', (els) =>
        els.map((e) => [e.getAttribute('data-country'), Number(e.getAttribute('data-visitors')), e.getAttribute('aria-label'), e.querySelector('title')!.textContent, (e as unknown as HTMLElement).tabIndex]),
      );
      const names = new Intl.DisplayNames(['en'], { type: 'region' });
      expect(shown.sort()).toEqual(
        countries.results
          .map((r) => {
            const label = `${names.of(r.dimensions[0]!)}: ${r.metrics[0]!.toLocaleString('en-US')} ${r.metrics[0] === 1 ? 'visitor' : 'visitors'}`;
            return [r.dimensions[0], r.metrics[0], label, label, 0];
          })
          .sort(),
      );
      // the country with the most visitors is the darkest
      const top = countries.results.find((r) => r.metrics[0] === max)!.dimensions[0]!;
      expect(await page.$eval(`[data-testid=world-map] a[data-country="${top}"] path`, (e) => getComputedStyle(e).fillOpacity)).toBe('1');
      // a country without visitors still has its title, and stays out of the tab order and the reading
      const empty = await page.$eval('[data-testid=world-map] path[data-country="KG"]', (e) => [e.getAttribute('aria-hidden'), e.querySelector('title')!.textContent]);
      expect(empty).toEqual(['true', 'Kyrgyzstan: 0 visitors']);
      await shot(page, 'world-map');

      await page.focus(`[data-testid=world-map] a[data-country="${top}"]`);
      await page.keyboard.press('Enter');
      await page.waitForSelector(`[data-filter="visit:country,is,${top}"]`, { timeout: 20_000 });
      await topStatsMatch(page, [['is', 'visit:country', [top]]]);
      await page.close();
    });
  });

  describe('goals card revenue', () => {
    it('shows conversion rate, and revenue where a goal has revenue, as the API gives them', async () => {
      const site = ctx.worker.demo.site;
      for (const event_name of ['Purchase', 'Signup']) {
        const res = await fetch(`${ctx.worker.url}/api/v1/sites/${site}/goals`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ctx.worker.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ event_name }),
        });
        expect([201, 409]).toContain(res.status);
      }
      type Money = { short: string; value: number; currency: string };
      const api = (await query({ metrics: ['visitors', 'events', 'conversion_rate', 'total_revenue', 'average_revenue'], date_range: '7d', dimensions: ['event:goal'], pagination: { limit: 9 } })) as unknown as {
        results: { dimensions: string[]; metrics: [number, number, number, Money | null, Money | null] }[];
      };
      const purchase = api.results.find((r) => r.dimensions[0] === 'Purchase')!;
      const signup = api.results.find((r) => r.dimensions[0] === 'Signup')!;
      // the demo's purchases carry EUR amounts of 19, 49 or 99; signups carry none
      expect(purchase.metrics[3]!.currency).toBe('EUR');
      // so the total is 19a + 49b + 99c over a + b + c = the purchase events
      const [n, total] = [purchase.metrics[1], purchase.metrics[3]!.value];
      let splits = 0;
      for (let a = 0; a <= n; a++) for (let b = 0; a + b <= n; b++) if (19 * a + 49 * b + 99 * (n - a - b) === total) splits++;
      expect(n).toBeGreaterThan(0);
      expect(splits).toBeGreaterThan(0);
      expect(signup.metrics[3]).toBeNull();

      const page = await ctx.signedIn.newPage();
      await page.goto(`${ctx.dashboard.url}/sites/${site}/?period=7d`);
      await cardsFilled(page);
      const rows = await page.$$eval('[data-card=goals] li.row', (els) =>
        els.map((e) => [e.getAttribute('data-value'), Number(e.getAttribute('data-visitors')), ...['conversion_rate', 'total_revenue', 'average_revenue'].map((m) => e.querySelector(`small[data-metric=${m}]`)?.textContent)]),
      );
      expect(rows).toEqual(api.results.map((r) => [r.dimensions[0], r.metrics[0], `${Math.round(r.metrics[2] * 10) / 10}%`, r.metrics[3]?.short ?? '—', r.metrics[4]?.short ?? '—']));
      // average revenue is total over the purchases: the card shows both as the API formats them
      expect(purchase.metrics[4]!.value).toBeCloseTo(purchase.metrics[3]!.value / purchase.metrics[1], 2);
      await shot(page, 'goals-revenue');

      // the card's CSV carries the amounts
      const href = await page.getAttribute('[data-card=goals] [data-csv]', 'href');
      const csv = (await (await page.request.get(ctx.dashboard.url + href!)).text()).trim().split('\r\n');
      expect(csv[0]).toBe('Goal,Visitors,Events,Conversion rate (%),Revenue,Average revenue');
      expect(csv).toContain(['Purchase', ...purchase.metrics.map((m) => (m !== null && typeof m === 'object' ? m.value : m))].join(','));
      await page.close();
    });
  });
}
