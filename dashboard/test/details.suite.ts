import { describe, expect, it } from 'vitest';
import { ctx, query, shot } from './harness';

export function detailsSuite() {
  describe('details', () => {
    const details = (search: string) => `${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/details/${search}`;

    it('never shows a page past the last, and names the period and filters in force', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(details('?period=7d&f=visit:source,is,Google&dim=event:page&tab=page&page=9'));
      const api = await query({ metrics: ['visitors', 'pageviews'], date_range: '7d', dimensions: ['event:page'], filters: [['is', 'visit:source', ['Google']]], include: { total_rows: true } });
      const total = (api as unknown as { meta: { total_rows: number } }).meta.total_rows;
      const last = Math.max(1, Math.ceil(total / 50));
      expect(await page.textContent('[data-testid=pager]')).toBe(`Page ${last} of ${last}`);
      expect(await page.textContent('[data-testid=details-scope]')).toBe('Last 7 days · Source is Google');
      expect(await page.locator('[data-testid=details] tbody tr').count()).toBeGreaterThan(0);
      await page.close();
    });

    it('sorts by a column, descending first, then ascending', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(details('?period=7d&dim=visit:source&tab=source'));
      const values = () => page.$$eval('[data-testid=details] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-value')));
      const ask = async (order: [string, 'asc' | 'desc']) =>
        (await query({ metrics: ['visitors', 'percentage'], date_range: '7d', dimensions: ['visit:source'], order_by: [order], include: { total_rows: true }, pagination: { limit: 50 } })).results.map((r) => r.dimensions[0]);
      await page.click('[data-sort="visit:source"]');
      await page.waitForURL(/sort=visit%3Asource&dir=desc|sort=visit:source&dir=desc/);
      // the URL changes before the new rows have rendered (the link's data is fetched on the click)
      await expect.poll(values).toEqual(await ask(['visit:source', 'desc']));
      expect(await page.getAttribute('th[aria-sort]', 'aria-sort')).toBe('descending');
      await page.click('[data-sort="visit:source"]');
      await page.waitForURL(/dir=asc/);
      await expect.poll(values).toEqual(await ask(['visit:source', 'asc']));
      await page.click('[data-sort=visitors]');
      await page.waitForURL(/sort=visitors&dir=desc/);
      await expect.poll(values).toEqual(await ask(['visitors', 'desc']));
      await shot(page, 'details');
      await page.close();
    });
  });
}
