import { describe, expect, it } from 'vitest';
import { ctx, shot } from './harness';
import { countryName } from '../src/lib/format';

/** A site of its own, so no other traffic moves its live number while the test watches it. */
async function freshSite(): Promise<string> {
  const site = `live-${Date.now().toString(36)}.test`;
  const admin = (method: string, path: string, body: unknown) =>
    fetch(`${ctx.worker.url}${path}`, { method, headers: { authorization: `Bearer ${ctx.worker.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await admin('POST', '/api/v1/sites', { domain: site })).status).toBe(201);
  expect((await admin('POST', `/api/v1/sites/${site}/members`, { email: ctx.worker.demo.email, role: 'owner' })).status).toBeLessThan(300);
  return site;
}

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export function realtimeSuite() {
  describe('realtime', () => {
    it('onboards a new site: snippet, localhost hint, and a waiting line that turns live on the first pageview', async () => {
      const site = await freshSite();
      const page = await ctx.signedIn.newPage();
      await page.goto(`${ctx.dashboard.url}/sites/${site}/`);
      await page.waitForSelector('[data-testid=onboarding]');
      expect(await page.textContent('[data-testid=snippet]')).toContain(`data-domain="${site}"`);
      expect(await page.textContent('[data-testid=onboarding]')).toContain('data-allow-localhost');
      await expect.poll(() => page.textContent('[data-testid=onboarding-status]'), { timeout: 15_000 }).toBe('Waiting for the first pageview…');
      await shot(page, 'onboarding');
      const res = await fetch(`${ctx.worker.url}/api/event`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': UA },
        body: JSON.stringify({ n: 'pageview', u: `https://${site}/hello`, d: site }),
      });
      expect(res.status).toBe(202);
      await expect.poll(() => page.getAttribute('[data-testid=onboarding-status]', 'data-state'), { timeout: 15_000 }).toBe('live');
      expect(await page.textContent('[data-testid=onboarding-status]')).toContain('/hello');
      await page.close();
    });

    it('raises the live number and shows the event in the feed when an event arrives', async () => {
      const site = await freshSite();
      const page = await ctx.signedIn.newPage();
      await page.goto(`${ctx.dashboard.url}/sites/${site}/realtime/`);
      await expect.poll(() => page.textContent('[data-testid=live-status]'), { timeout: 15_000 }).toMatch(/^Live/);
      expect(await page.textContent('[data-testid=live-visitors]')).toBe('0');
      const res = await fetch(`${ctx.worker.url}/api/event`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' },
        body: JSON.stringify({ n: 'pageview', u: `https://${site}/live-check`, d: site, r: 'https://news.ycombinator.com/' }),
      });
      expect(res.status).toBe(202);
      await expect.poll(() => page.textContent('[data-testid=live-visitors]'), { timeout: 15_000 }).toBe('1');
      await expect.poll(() => page.textContent('[data-testid=live-feed]'), { timeout: 5_000 }).toContain('/live-check');
      // the 30-minute totals and top lists follow the stream too, without a reload
      await expect.poll(() => page.textContent('[data-testid=live-status]'), { timeout: 15_000 }).toContain('1 visitors, 1 pageviews in the last 30 minutes');
      await expect.poll(() => page.$$eval('[data-testid=live-pages] tr', (rows) => rows.map((r) => r.textContent)), { timeout: 15_000 }).toEqual(['/live-check1']);
      await expect.poll(() => page.$$eval('[data-testid=live-sources] tr', (rows) => rows.map((r) => r.textContent)), { timeout: 15_000 }).toEqual(['Hacker News1']);
      // countries and devices too, as the Worker's realtime snapshot has them (the country is what
      // the local runtime's placeholder `cf` gives: read, not assumed)
      const snap = (await (await fetch(`${ctx.worker.url}/api/v1/sites/${site}/realtime`, { headers: { authorization: `Bearer ${ctx.worker.adminToken}` } })).json()) as { countries: { name: string | null }[] };
      const country = snap.countries[0]?.name ?? null;
      const countryText = country === null ? 'Unknown' : countryName(country);
      await expect.poll(() => page.$$eval('[data-testid=live-devices] tr', (rows) => rows.map((r) => r.textContent)), { timeout: 15_000 }).toEqual(['Desktop1']);
      await expect.poll(() => page.$$eval('[data-testid=live-countries] tr', (rows) => rows.map((r) => r.textContent)), { timeout: 15_000 }).toEqual([`${countryText}1`]);
      // the feed scrolls by keyboard: it takes focus; only the live number is announced
      expect(await page.getAttribute('[data-testid=live-feed]', 'tabindex')).toBe('0');
      expect(await page.$$eval('[aria-live]', (els) => els.map((e) => e.getAttribute('data-testid')))).toEqual(['live-visitors']);
      await shot(page, 'realtime');
      await page.close();
    });
  });
}
