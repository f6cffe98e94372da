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


    it('asks for the password of a protected link, made in Settings, and opens it with the right one', async () => {
      const admin = await ctx.signedIn.newPage();
      await admin.goto(`${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/settings/`);
      await admin.fill('input[name=name][placeholder="Shared link"]', 'with password');
      await admin.fill('[data-testid=share-password]', 'open sesame');
      await admin.click('button:has-text("Create public link")');
      const item = admin.locator('[data-testid=share-links] li:has-text("with password")');
      await item.waitFor({ timeout: 15_000 });
      expect(await item.locator('[data-testid=share-has-password]').count()).toBe(1);
      const link = (await item.locator('a').first().getAttribute('href'))!;
      // the form was reset: the next link gets no password by accident
      expect(await admin.inputValue('[data-testid=share-password]')).toBe('');
      await admin.close();

      const context = await ctx.browser.newContext(); // no session cookie
      const page = await context.newPage();
      const first = await page.goto(`${link}&period=7d`);
      expect(first!.status()).toBe(401);
      await page.waitForSelector('[data-testid=share-password-form]');
      expect(await page.locator('[data-metric="visitors"]').count()).toBe(0);
      await shot(page, 'share-password');
      await page.fill('[data-testid=share-password-input]', 'open sesam');
      await page.click('button:has-text("Open dashboard")');
      await expect.poll(() => page.textContent('[data-testid=share-password-error]').catch(() => null), { timeout: 15_000 }).toBe('Wrong password.');
      await page.fill('[data-testid=share-password-input]', 'open sesame');
      await page.click('button:has-text("Open dashboard")');
      await cardsFilled(page);
      const api = await query({ metrics: ['visitors'], date_range: '7d' });
      expect(Number(await page.getAttribute('[data-metric="visitors"]', 'data-value'))).toBe(api.results[0]!.metrics[0]);
      // the unlocked token stays out of reach of page scripts, and is named after this link only
      const cookies = (await context.cookies()).filter((c) => c.name.startsWith('pulse_share_'));
      expect(cookies).toHaveLength(1);
      expect(cookies[0]!.httpOnly).toBe(true);
      // a reload (and the realtime page) stays open for this browser
      expect((await page.reload())!.status()).toBe(200);
      await page.goto(link.replace(`/share/${ctx.worker.demo.site}/?`, `/share/${ctx.worker.demo.site}/realtime/?`));
      await expect.poll(() => page.textContent('[data-testid=live-status]'), { timeout: 15_000 }).toMatch(/^Live/);
      // another browser still gets the form
      const other = await ctx.browser.newContext();
      const stranger = await other.newPage();
      expect((await stranger.goto(link))!.status()).toBe(401);
      await other.close();
      await context.close();
    });
  });
}
