import { describe, expect, it } from 'vitest';
import { cardsFilled, ctx, query, shot } from './harness';

const TOP = ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'];

export function segmentsSuite() {
  describe('saved segments', () => {
    it('lists saved segments in the filter menu and applies one with the numbers of the API', async () => {
      const site = ctx.worker.demo.site;
      const res = await fetch(`${ctx.worker.url}/api/v1/sites/${site}/segments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.worker.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Mobile visitors', scope: 'site', filters: [['is', 'visit:device', ['Mobile']]] }),
      });
      expect(res.status).toBe(201);
      const segment = (await res.json()) as { id: number };

      const page = await ctx.signedIn.newPage();
      await page.goto(`${ctx.dashboard.url}/sites/${site}/?period=7d`);
      await cardsFilled(page);
      await page.click('[data-testid=filter-menu] summary');
      await page.click(`[data-segment="${segment.id}"]`);
      await page.waitForURL(new RegExp(`f=segment(%2C|,)is(%2C|,)${segment.id}`));
      await page.waitForSelector(`[data-filter="segment,is,${segment.id}"]`);
      expect(await page.textContent(`[data-filter="segment,is,${segment.id}"]`)).toContain('Mobile visitors');

      const filters = [['is', 'segment', [segment.id]]];
      const api = await query({ metrics: TOP, date_range: '7d', filters });
      // the segment is its filters: the same numbers as the device filter itself
      const direct = await query({ metrics: TOP, date_range: '7d', filters: [['is', 'visit:device', ['Mobile']]] });
      expect(api.results[0]!.metrics).toEqual(direct.results[0]!.metrics);
      const all = await query({ metrics: ['visitors'], date_range: '7d' });
      expect(api.results[0]!.metrics[0]).toBeGreaterThan(0);
      expect(api.results[0]!.metrics[0]).toBeLessThan(all.results[0]!.metrics[0]!);
      for (const [i, m] of TOP.entries()) {
        await expect.poll(async () => Number(await page.getAttribute(`[data-metric="${m}"]`, 'data-value')), { timeout: 15_000 }).toBe(api.results[0]!.metrics[i]);
      }
      const sources = await query({ metrics: ['visitors', 'percentage'], date_range: '7d', dimensions: ['visit:source'], filters, pagination: { limit: 9 } });
      await expect
        .poll(() => page.$$eval('[data-card=sources] li.row', (els) => els.map((e) => [e.getAttribute('data-value'), Number(e.getAttribute('data-visitors'))])), { timeout: 15_000 })
        .toEqual(sources.results.map((r) => [r.dimensions[0], r.metrics[0]]));
      await shot(page, 'segment-applied');
      await page.close();
    });
  });
}
