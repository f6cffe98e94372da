import { describe, expect, it } from 'vitest';
import { cardsFilled, ctx, query, shot } from './harness';

export function shareSuite() {
  describe('public share link', () => {
    it('shows the overview signed-out, and nothing once the link is revoked', async () => {
      const res = await fetch(`${ctx.worker.url}/api/v1/sites/${ctx.worker.demo.site}/shares`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.worker.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'test link' }),
      });
      const share = (await res.json()) as { id: string; token: string };
      const context = await ctx.browser.newContext(); // no session cookie
      const page = await context.newPage();
      await page.goto(`${ctx.dashboard.url}/share/${ctx.worker.demo.site}/?auth=${share.token}&period=7d`);
      await cardsFilled(page);
      const api = await query({ metrics: ['visitors'], date_range: '7d' });
      expect(Number(await page.getAttribute('[data-metric="visitors"]', 'data-value'))).toBe(api.results[0]!.metrics[0]);
      expect(await page.locator('[data-testid=sign-out]').count()).toBe(0);
      // a click filters the shared view too, keeping the token in the URL
      await page.click('[data-card=sources] li.row[data-value="Google"] a');
      await page.waitForSelector('[data-filter="visit:source,is,Google"]');
      expect(page.url()).toContain(`auth=${share.token}`);
      await shot(page, 'share');
      // the live view works on the same token
      await page.goto(`${ctx.dashboard.url}/share/${ctx.worker.demo.site}/realtime/?auth=${share.token}`);
      await expect.poll(() => page.textContent('[data-testid=live-status]'), { timeout: 15_000 }).toMatch(/^Live/);
      await fetch(`${ctx.worker.url}/api/v1/sites/${ctx.worker.demo.site}/shares/${share.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${ctx.worker.adminToken}` } });
      await expect
        .poll(async () => {
          await page.goto(`${ctx.dashboard.url}/share/${ctx.worker.demo.site}/?auth=${share.token}`);
          return page.locator('[data-testid=share-error]').count();
        }, { timeout: 15_000 })
        .toBe(1);
      await context.close();
    });
  });
}
