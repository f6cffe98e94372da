import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { cardsFilled, ctx, query, shot } from './harness';

const TOP = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'];

export function overviewSuite() {
  describe('overview', () => {
    const overview = (search: string) => `${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/${search}`;

    it('shows the same numbers as /api/v2/query for the range', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d'));
      await cardsFilled(page);
      const api = await query({ metrics: TOP, date_range: '7d' });
      for (const [i, m] of TOP.entries()) {
        const shown = await page.getAttribute(`[data-metric="${m}"]`, 'data-value');
        expect(Number(shown), m).toBe(api.results[0]!.metrics[i]);
      }
      const sources = await query({ metrics: ['visitors', 'percentage'], date_range: '7d', dimensions: ['visit:source'], pagination: { limit: 9 } });
      const rows = await page.$$eval('[data-card=sources] li.row', (els) => els.map((e) => [e.getAttribute('data-value'), Number(e.getAttribute('data-visitors'))]));
      expect(rows).toEqual(sources.results.map((r) => [r.dimensions[0], r.metrics[0]]));
      await shot(page, 'overview');
      await page.close();
    });

    it('loads ApexCharts only once the chart is drawn, and draws every bucket', async () => {
      const page = await ctx.signedIn.newPage();
      const scripts: string[] = [];
      page.on('response', async (r) => {
        if (r.request().resourceType() === 'script') scripts.push(await r.text().catch(() => ''));
      });
      await page.goto(overview('?period=7d&interval=day'));
      await page.waitForSelector('[data-testid=chart][data-drawn]', { timeout: 30_000 });
      expect(await page.getAttribute('[data-testid=chart]', 'data-points')).toBe('7');
      expect(scripts.some((s) => s.includes('apexcharts'))).toBe(true);
      await page.close();
    });

    it('filters every card and the URL when a source is clicked', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d'));
      await cardsFilled(page);
      await page.click('[data-card=sources] li.row[data-value="Google"] a');
      await page.waitForURL(/f=visit%3Asource%2Cis%2CGoogle|f=visit:source,is,Google/);
      await page.waitForSelector('[data-filter="visit:source,is,Google"]');
      const filters = [['is', 'visit:source', ['Google']]];
      const api = await query({ metrics: TOP, date_range: '7d', filters });
      await expect.poll(async () => Number(await page.getAttribute('[data-metric="visitors"]', 'data-value')), { timeout: 15_000 }).toBe(api.results[0]!.metrics[0]);
      const pages = await query({ metrics: ['visitors', 'pageviews'], date_range: '7d', dimensions: ['event:page'], filters, pagination: { limit: 9 } });
      await expect
        .poll(() => page.$$eval('[data-card=pages] li.row', (els) => els.map((e) => [e.getAttribute('data-value'), Number(e.getAttribute('data-visitors'))])), { timeout: 15_000 })
        .toEqual(pages.results.map((r) => [r.dimensions[0], r.metrics[0]]));
      const sources = await page.$$eval('[data-card=sources] li.row', (els) => els.map((e) => e.getAttribute('data-value')));
      expect(sources).toEqual(['Google']);
      await shot(page, 'overview-filtered');
      // the filtered view is a link: opening it fresh shows the same filter
      const again = await ctx.signedIn.newPage();
      await again.goto(page.url());
      await cardsFilled(again);
      expect(Number(await again.getAttribute('[data-metric="visitors"]', 'data-value'))).toBe(api.results[0]!.metrics[0]);
      await again.close();
      await page.close();
    });

    it('switches tabs with the keyboard and exports a card as CSV', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d'));
      await cardsFilled(page);
      await page.focus('[data-card=devices] [role=tab][aria-selected=true]');
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector('[data-card=devices] [data-rows="visit:browser"]');
      const href = await page.getAttribute('[data-card=devices] [data-csv]', 'href');
      const res = await page.request.get(ctx.dashboard.url + href!);
      expect(res.status()).toBe(200);
      const range = await query({ metrics: ['visitors'], date_range: '7d' });
      const [from, to] = ((range as unknown as { query: { date_range: string[] } }).query.date_range).map((d) => d.slice(0, 10));
      expect(res.headers()['content-disposition']).toBe(`attachment; filename="${ctx.worker.demo.site}-browsers-${from}-${to}.csv"`);
      const lines = (await res.text()).trim().split('\r\n');
      expect(lines[0]).toBe('Browser,Visitors,Visitors (%)');
      const api = await query({ metrics: ['visitors', 'percentage'], date_range: '7d', dimensions: ['visit:browser'] });
      expect(lines.slice(1)).toEqual(api.results.map((r) => `${r.dimensions[0]},${r.metrics[0]},${r.metrics[1]}`));
      await page.close();
    });

    it('exports every card as one zip of CSV files', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d&f=visit:source,is,Google'));
      const href = await page.getAttribute('[data-testid=export-all]', 'href');
      const res = await page.request.get(ctx.dashboard.url + href!);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-disposition']).toMatch(new RegExp(`^attachment; filename="${ctx.worker.demo.site.replace(/\./g, '\\.')}-export-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.zip"$`));
      const files = unzipSync(new Uint8Array(await res.body()));
      expect(Object.keys(files)).toEqual(expect.arrayContaining(['visitors.csv', 'sources.csv', 'channels.csv', 'top-pages.csv', 'entry-pages.csv', 'countries.csv', 'browsers.csv', 'goals.csv']));
      const pages = strFromU8(files['top-pages.csv']!).trim().split('\r\n');
      expect(pages[0]).toBe('Page,Visitors,Pageviews,Time on page (s),Scroll depth (%)');
      const api = await query({ metrics: ['visitors', 'pageviews', 'time_on_page', 'scroll_depth'], date_range: '7d', dimensions: ['event:page'], filters: [['is', 'visit:source', ['Google']]] });
      expect(pages.slice(1)).toEqual(api.results.map((r) => [r.dimensions[0], ...r.metrics.map((m) => m ?? '')].join(',')));
      const visitors = strFromU8(files['visitors.csv']!).trim().split('\r\n');
      expect(visitors[0]).toBe('Time,Visitors,Visits,Pageviews,Bounce rate (%),Visit duration (s)');
      expect(visitors).toHaveLength(8); // the header and the 7 days
      await page.close();
    });

    it('switches the top stats to conversions under a goal filter, and shows time on page and scroll depth per page', async () => {
      const res = await fetch(`${ctx.worker.url}/api/v1/sites/${ctx.worker.demo.site}/goals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.worker.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ page_path: '/pricing' }),
      });
      expect(res.status).toBeLessThan(300);
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d&f=' + encodeURIComponent('event:goal,is,Visit /pricing')));
      await page.waitForSelector('[data-metric="conversion_rate"][data-value]');
      const labels = await page.$$eval('.top-stats [data-metric] .label', (els) => els.map((e) => e.textContent?.trim()));
      expect(labels).toEqual(['Current visitors', 'Unique conversions', 'Total conversions', 'Conversion rate']);
      const api = await query({ metrics: ['visitors', 'events', 'conversion_rate'], date_range: '7d', filters: [['is', 'event:goal', ['Visit /pricing']]] });
      expect(api.results[0]!.metrics[0]).toBeGreaterThan(0);
      for (const [i, m] of ['visitors', 'events', 'conversion_rate'].entries()) {
        expect(Number(await page.getAttribute(`.top-stats [data-metric="${m}"]`, 'data-value')), m).toBe(api.results[0]!.metrics[i]);
      }
      // the pages card: time on page and scroll depth as the API gives them
      await page.goto(overview('?period=7d'));
      await cardsFilled(page);
      const pages = await query({ metrics: ['visitors', 'pageviews', 'time_on_page', 'scroll_depth'], date_range: '7d', dimensions: ['event:page'], pagination: { limit: 1 } });
      const top = pages.results[0]!;
      const row = `[data-card=pages] li.row[data-value="${top.dimensions[0]}"]`;
      expect(await page.textContent(`${row} small[data-metric=time_on_page]`)).toBe(`${Math.floor(top.metrics[2]! / 60) ? `${Math.floor(top.metrics[2]! / 60)}m ${Math.round(top.metrics[2]!) % 60}s` : `${Math.round(top.metrics[2]!)}s`}`);
      expect(await page.textContent(`${row} small[data-metric=scroll_depth]`)).toBe(`${top.metrics[3]}%`);
      await page.close();
    });

    it("offers the site's own property keys in the Properties tab", async () => {
      const res = await fetch(`${ctx.worker.url}/api/v1/sites/${ctx.worker.demo.site}/prop-keys?date_range=7d`, { headers: { authorization: `Bearer ${ctx.worker.demo.key}` } });
      const { keys } = (await res.json()) as { keys: { key: string }[] };
      // the demo sends `plan` on signups and `url` on outbound clicks; which is used more is chance
      expect(keys.map((k) => k.key).sort()).toEqual(['plan', 'url']);
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d'));
      await cardsFilled(page);
      await page.click('[data-card=goals] [data-tab=props]');
      await expect.poll(() => page.$$eval('[data-testid=prop-key] option', (os) => os.map((o) => (o as HTMLOptionElement).value)), { timeout: 15_000 }).toEqual(keys.map((k) => k.key));
      // the most used key, even when the placeholder key (`plan`) is one of the site's keys too,
      // and the select names the key whose rows are shown
      await page.waitForSelector(`[data-card=goals] [data-rows="event:props:${keys[0]!.key}"]`);
      expect(await page.inputValue('[data-testid=prop-key]')).toBe(keys[0]!.key);
      // the user's pick wins, and outlives a switch to another tab and back
      await page.selectOption('[data-testid=prop-key]', keys[1]!.key);
      await page.waitForSelector(`[data-card=goals] [data-rows="event:props:${keys[1]!.key}"]`);
      await page.click('[data-card=goals] [data-tab=goal]');
      await page.waitForSelector('[data-card=goals] [data-rows="event:goal"], [data-card=goals] [data-empty]');
      await page.click('[data-card=goals] [data-tab=props]');
      await page.waitForSelector(`[data-card=goals] [data-rows="event:props:${keys[1]!.key}"]`);
      expect(await page.inputValue('[data-testid=prop-key]')).toBe(keys[1]!.key);
      await page.close();
    });

    it('fits a phone in dark mode, with keyboard focus visible', async () => {
      const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', storageState: await ctx.signedIn.storageState() });
      const page = await context.newPage();
      await page.goto(overview('?period=7d'));
      await cardsFilled(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe('rgb(17, 19, 26)');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      await shot(page, 'overview-phone-dark');
      await context.close();
    });
  });
}
