import { describe, expect, it } from 'vitest';
import { ctx, shot, signIn } from './harness';

const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${ctx.worker.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ctx.worker.adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** `YYYY-MM-DD HH:MM` of a moment in UTC (the demo site's time zone). */
const minuteOf = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export function settingsExtrasSuite() {
  describe('settings extras', () => {
    const settings = (site = ctx.worker.demo.site) => `${ctx.dashboard.url}/sites/${site}/settings/`;

    it('checks the install: the latest pageview from the site, with its time and hostname', async () => {
      // a pageview now, as the tracker on the site sends it
      const sent = Date.now();
      const res = await fetch(`${ctx.worker.url}/api/event`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': CHROME },
        body: JSON.stringify({ n: 'pageview', u: `https://${ctx.worker.demo.site}/install-check`, d: ctx.worker.demo.site, r: '' }),
      });
      expect(res.status).toBe(202);
      const page = await ctx.signedIn.newPage();
      await page.goto(settings());
      await page.waitForSelector('[data-testid=install-check][data-state]');
      // the event reaches D1 within the SiteDO's flush: "Check again" until it is the latest
      const expected = [minuteOf(sent), minuteOf(sent + 60_000)].map((m) => `We saw a pageview from ${ctx.worker.demo.site} at ${m} (UTC): the snippet works.`);
      await expect
        .poll(
          async () => {
            await page.click('[data-testid=install-check] button');
            await page.waitForSelector('[data-testid=install-check] button:not([disabled])');
            return (await page.textContent('[data-testid=install-check]'))!.replace(/\s*Check again$/, '');
          },
          { timeout: 90_000, interval: 3_000 },
        )
        .toSatisfy((text: string) => expected.includes(text));
      await page.close();
    });

    it('copies the snippet, a share link and a new key token to the clipboard', async () => {
      const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] });
      const page = await context.newPage();
      await signIn(page);
      await page.goto(settings());
      const clip = () => page.evaluate(() => navigator.clipboard.readText());

      await page.click('#snippet [data-copy]');
      await page.waitForSelector('#snippet [role=status]:text("Copied to the clipboard.")');
      expect(await clip()).toBe((await page.textContent('[data-testid=snippet]'))!.trim());

      await page.fill('input[name=name][placeholder="Shared link"]', 'copied link');
      await page.click('button:text("Create public link")');
      const item = page.locator('[data-testid=share-links] li', { hasText: 'copied link' }).first();
      await item.waitFor();
      await item.locator('[data-copy]').click();
      await expect.poll(clip, { timeout: 15_000 }).toBe(await item.locator('.token a').getAttribute('href'));

      await page.goto(`${settings()}keys/`);
      await page.fill('input[name=name]', 'copied key');
      await page.click('[data-testid=create-key]');
      const token = (await (await page.waitForSelector('[data-testid=new-key-token]')).textContent())!.trim();
      await page.click('button[data-copy]:text("Copy token")');
      await expect.poll(clip, { timeout: 15_000 }).toBe(token);
      await context.close();
    });

    it('deletes a site only after its domain is typed', async () => {
      const domain = `delete-me-${Date.now().toString(36)}.test`;
      expect((await admin('POST', '/api/v1/sites', { domain, timezone: 'UTC' })).status).toBe(201);
      expect((await admin('POST', `/api/v1/sites/${domain}/members`, { email: ctx.worker.demo.email, role: 'owner' })).status).toBeLessThan(300);
      const page = await ctx.signedIn.newPage();
      await page.goto(settings(domain));
      await page.waitForSelector('[data-testid=danger-zone]');
      await page.fill('[data-testid=delete-site] input[name=confirm]', 'delete-me.test');
      await page.click('[data-testid=delete-site] button[type=submit]');
      await page.waitForSelector('[data-testid=danger-zone] [role=alert]');
      expect(await page.textContent('[data-testid=danger-zone] [role=alert]')).toBe(`Type the domain, ${domain}, to confirm: nothing was deleted.`);
      expect((await admin('GET', `/api/v1/sites/${domain}`)).status).toBe(200);
      await shot(page, 'delete-site-refused');

      await page.fill('[data-testid=delete-site] input[name=confirm]', domain);
      await page.click('[data-testid=delete-site] button[type=submit]');
      await page.waitForURL(/\/sites\/$/, { timeout: 30_000 });
      expect((await admin('GET', `/api/v1/sites/${domain}`)).status).toBe(404);
      await page.close();
    });

    it('resets a site\'s stats only after its domain is typed, keeping the site', async () => {
      const domain = `reset-me-${Date.now().toString(36)}.test`;
      expect((await admin('POST', '/api/v1/sites', { domain, timezone: 'UTC' })).status).toBe(201);
      expect((await admin('POST', `/api/v1/sites/${domain}/members`, { email: ctx.worker.demo.email, role: 'owner' })).status).toBeLessThan(300);
      const sent = await fetch(`${ctx.worker.url}/api/event`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': CHROME },
        body: JSON.stringify({ n: 'pageview', u: `https://${domain}/before-reset`, d: domain, r: '' }),
      });
      expect(sent.status).toBe(202);
      // one pageview from one address: 1 visitor today until the reset, 0 after it
      const visitorsToday = async () => {
        const res = await admin('POST', '/api/v2/query', { site_id: domain, metrics: ['visitors'], date_range: 'day' });
        return ((await res.json()) as { results: { metrics: number[] }[] }).results[0]!.metrics[0];
      };
      await expect.poll(visitorsToday, { timeout: 30_000 }).toBe(1);
      const page = await ctx.signedIn.newPage();
      await page.goto(settings(domain));
      await page.waitForSelector('[data-testid=reset-zone]');
      await page.fill('[data-testid=reset-stats] input[name=confirm]', 'reset-me.test');
      await page.click('[data-testid=reset-stats] button[type=submit]');
      await page.waitForSelector('[data-testid=reset-zone] [role=alert]');
      expect(await page.textContent('[data-testid=reset-zone] [role=alert]')).toBe(`Type the domain, ${domain}, to confirm: no stats were reset.`);
      expect(await visitorsToday()).toBe(1);
      await page.fill('[data-testid=reset-stats] input[name=confirm]', domain);
      await page.click('[data-testid=reset-stats] button[type=submit]');
      await page.waitForSelector('[data-testid=reset-done]', { timeout: 30_000 });
      expect(await visitorsToday()).toBe(0);
      expect((await admin('GET', `/api/v1/sites/${domain}`)).status).toBe(200);
      await shot(page, 'reset-stats');
      await page.close();
    });

  });
}
