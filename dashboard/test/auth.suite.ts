import { describe, expect, it } from 'vitest';
import { cardsFilled, ctx, query, shot, signIn } from './harness';

export function authSuite() {
  describe('sign-in', () => {
    it('sends a signed-out visitor to /login and comes back after signing in', async () => {
      const context = await ctx.browser.newContext();
      const page = await context.newPage();
      await page.goto(`${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/?period=7d`);
      expect(new URL(page.url()).pathname).toBe('/login/');
      await shot(page, 'login');
      await page.fill('input[name=email]', ctx.worker.demo.email);
      await page.fill('input[name=password]', 'not-the-password');
      await page.click('button[type=submit]');
      await expect.poll(() => page.textContent('[data-testid=sign-in-error]'), { timeout: 10_000 }).toContain('Wrong email or password');
      await page.fill('input[name=password]', ctx.worker.demo.password);
      await Promise.all([page.waitForURL(/\/sites\/demo/), page.click('button[type=submit]')]);
      expect(page.url()).toContain('period=7d');
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'pulse_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      await context.close();
    });

    it('validates the form before calling the API', async () => {
      const page = await ctx.browser.newPage();
      await page.goto(`${ctx.dashboard.url}/login/`);
      // bypass the browser's own `required`/`type=email` checks to reach the server-side validation
      await page.evaluate(() => document.querySelector('form')!.setAttribute('novalidate', ''));
      await page.fill('input[name=email]', 'nobody');
      await page.click('button[type=submit]');
      await expect.poll(() => page.textContent('main'), { timeout: 10_000 }).toContain('Enter an email address');
      await page.close();
    });

    it('sends security headers on every page, and the pages still work under them', async () => {
      const context = await ctx.browser.newContext();
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) violations.push(m.text());
      });
      const login = await page.goto(`${ctx.dashboard.url}/login/?next=${encodeURIComponent('/\t/evil.example')}`);
      const headers = login!.headers();
      expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'strict-origin-when-cross-origin', 'x-frame-options': 'DENY' });
      const csp = headers['content-security-policy']!;
      expect(csp).toMatch(/script-src 'self' 'nonce-[\w+/=]+'(;|$)/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain(`connect-src 'self' ${ctx.worker.url.replace(/^http/, 'ws')}`);
      // the nonce on Qwik's inline scripts is the header's (browsers hide it from attribute
      // selectors, so read the `nonce` property)
      const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
      const stamped = await page.evaluate((n) => [...document.scripts].filter((s) => !s.src && s.nonce === n).length, nonce);
      expect(stamped).toBeGreaterThan(0);
      // signing in (a Qwik action), the overview (cards, charts) and the live socket all still run;
      // the tab in next= does not lead off-site
      await page.fill('input[name=email]', ctx.worker.demo.email);
      await page.fill('input[name=password]', ctx.worker.demo.password);
      await Promise.all([page.waitForURL((url) => url.pathname.startsWith('/sites/')), page.click('button[type=submit]')]);
      expect(new URL(page.url()).origin).toBe(new URL(ctx.dashboard.url).origin);
      await page.goto(`${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/?period=7d`);
      await cardsFilled(page);
      await page.goto(`${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/realtime/`);
      await expect.poll(() => page.textContent('[data-testid=live-status]'), { timeout: 15_000 }).toMatch(/^Live/);
      expect(violations).toEqual([]);
      const share = await fetch(`${ctx.dashboard.url}/share/${ctx.worker.demo.site}/`, { redirect: 'manual' });
      expect(share.headers.get('content-security-policy')).toContain('frame-ancestors *');
      expect(share.headers.get('x-frame-options')).toBeNull();
      await context.close();
    });

    it('signs out and revokes the session', async () => {
      const context = await ctx.browser.newContext();
      const page = await context.newPage();
      await signIn(page);
      const token = (await context.cookies()).find((c) => c.name === 'pulse_session')!.value;
      await Promise.all([page.waitForURL(/\/login\//), page.click('[data-testid=sign-out]')]);
      expect((await context.cookies()).find((c) => c.name === 'pulse_session')).toBeUndefined();
      // the old token no longer works against the API either
      const res = await fetch(`${ctx.worker.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      await context.close();
    });
  });

  describe('sites list', () => {
    it('shows the demo site with the visitors of today from the API', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(`${ctx.dashboard.url}/sites/`);
      const card = page.locator('.site-card', { hasText: ctx.worker.demo.site });
      const api = await query({ metrics: ['visitors'], date_range: 'day' });
      expect(await card.locator('[data-testid=visitors-today]').textContent()).toBe(String(api.results[0]!.metrics[0]));
      expect(await card.locator('svg.sparkline polyline').count()).toBe(1);
      await shot(page, 'sites');
      await page.close();
    });
  });
}
