import { describe, expect, it } from 'vitest';
import { ctx, shot } from './harness';

export function settingsSuite() {
  describe('settings', () => {
    const settings = (sub = '') => `${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/settings/${sub}`;

    it('creates an API key, shows its token once, and revokes it', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('keys/'));
      await page.fill('input[name=name]', 'ui test key');
      await page.selectOption('select[name=scope]', 'stats:read');
      await page.click('[data-testid=create-key]');
      const token = (await page.waitForSelector('[data-testid=new-key-token]')).textContent();
      const key = (await token)!.trim();
      expect(key.split('.')).toHaveLength(3);
      await shot(page, 'keys');
      // the new key works against the Stats API
      const ask = () =>
        fetch(`${ctx.worker.url}/api/v2/query`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ site_id: ctx.worker.demo.site, metrics: ['visitors'], date_range: '7d' }),
        });
      expect((await ask()).status).toBe(200);
      // a reload never shows the token again
      await page.reload();
      expect(await page.locator('[data-testid=new-key-token]').count()).toBe(0);
      const row = page.locator('tr', { hasText: 'ui test key' });
      await row.locator('button', { hasText: 'Revoke' }).click();
      await expect.poll(() => row.locator('[data-status=revoked]').count(), { timeout: 10_000 }).toBe(1);
      await expect.poll(async () => (await ask()).status, { timeout: 10_000 }).toBe(401);
      await page.close();
    });

    it('shows the tracking snippet and creates a public link that works signed-out', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(settings());
      expect(await page.textContent('[data-testid=snippet]')).toContain(`data-domain="${ctx.worker.demo.site}"`);
      await page.fill('input[name=name][placeholder="Shared link"]', 'from the UI');
      await page.click('button:has-text("Create public link")');
      const link = await (await page.waitForSelector('[data-testid=share-links] li:has-text("from the UI") a')).getAttribute('href');
      expect(link).toContain(`${ctx.dashboard.url}/share/${ctx.worker.demo.site}/?auth=`);
      await shot(page, 'settings');
      const anon = await ctx.browser.newContext();
      const shared = await anon.newPage();
      await shared.goto(link!);
      await shared.waitForSelector('[data-metric="visitors"][data-value]');
      await anon.close();
      await page.close();
    });
  });
}
