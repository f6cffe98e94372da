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

    it('invites by a link that opens the dashboard\'s accept page, lists it as pending, and revokes one', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('members/'));
      const email = `invitee-${Date.now().toString(36)}@pulse.local`;
      await page.fill('input[name=email]', email);
      await page.selectOption('select[name=role]', 'viewer');
      await page.click('button:has-text("Create invitation")');
      const link = (await (await page.waitForSelector('[data-testid=invitation-link]')).getAttribute('href'))!;
      expect(link.startsWith(`${ctx.dashboard.url}/invitations/accept/?token=`)).toBe(true);
      await page.waitForSelector(`[data-testid=invitations] tr[data-email="${email}"]`);
      // the form is empty again after the save
      await expect.poll(() => page.inputValue('input[name=email]'), { timeout: 10_000 }).toBe('');
      // a second invitation, revoked from the list: it disappears and its link stops working
      const other = `revoked-${Date.now().toString(36)}@pulse.local`;
      await page.fill('input[name=email]', other);
      await page.click('button:has-text("Create invitation")');
      await expect.poll(() => page.getAttribute('[data-testid=invitation-link]', 'href')).not.toBe(link);
      const revokedLink = (await page.getAttribute('[data-testid=invitation-link]', 'href'))!;
      await page.click(`[data-testid=invitations] tr[data-email="${other}"] button:has-text("Revoke")`);
      await expect.poll(() => page.locator(`[data-testid=invitations] tr[data-email="${other}"]`).count(), { timeout: 10_000 }).toBe(0);
      await shot(page, 'members');
      // the copied link, opened signed-out, accepts and signs the invitee in
      const anon = await ctx.browser.newContext();
      const invitee = await anon.newPage();
      await invitee.goto(link);
      await invitee.fill('input[name=password]', 'a long enough password');
      await Promise.all([invitee.waitForURL(/\/sites\/$/), invitee.click('button:has-text("Accept invitation")')]);
      await invitee.waitForSelector(`a[href*="${ctx.worker.demo.site}"]`);
      await invitee.goto(revokedLink);
      await invitee.fill('input[name=password]', 'a long enough password');
      await invitee.click('button:has-text("Accept invitation")');
      await expect.poll(() => invitee.textContent('[role=alert]'), { timeout: 10_000 }).toMatch(/not found|used|expired/);
      await anon.close();
      // accepted: no longer pending
      await page.reload();
      expect(await page.locator(`[data-testid=invitations] tr[data-email="${email}"]`).count()).toBe(0);
      await page.close();
    });

    it('resets the goal form after a save, refuses a funnel that repeats a step, and takes only IANA time zones', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('goals/'));
      const tag = Date.now().toString(36);
      await page.fill('input[name=target]', `Signup${tag}`);
      await page.fill('input[name=display_name]', `Signed up ${tag}`);
      await page.click('button:has-text("Add goal")');
      await page.waitForSelector(`[data-testid=goals] li:has-text("Signed up ${tag}")`);
      expect(await page.inputValue('input[name=display_name]')).toBe('');
      expect(await page.inputValue('input[name=target]')).toBe('');
      // the second goal gets no display name of its own: it is listed under its event name
      await page.fill('input[name=target]', `Trial${tag}`);
      await page.click('button:has-text("Add goal")');
      await page.waitForSelector(`[data-testid=goals] li:has-text("Trial${tag}")`);
      expect(await page.locator(`[data-testid=goals] li:has-text("Signed up ${tag}")`).count()).toBe(1);
      const goalId = await page.$eval(`select[name=s1] option:text-is("Trial${tag}")`, (o) => (o as HTMLOptionElement).value);
      await page.fill('input[name=name]', `Repeat ${tag}`);
      await page.selectOption('select[name=s1]', goalId);
      await page.selectOption('select[name=s2]', goalId);
      await page.click('button:has-text("Add funnel")');
      await expect.poll(() => page.textContent('[role=alert]'), { timeout: 10_000 }).toContain('Step 2 repeats step 1');
      expect(await page.locator(`li:has-text("Repeat ${tag}")`).count()).toBe(0);
      await page.goto(settings());
      const zones = await page.$$eval('#time-zones option', (os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(zones).toContain('Europe/Berlin');
      expect(zones).toContain('America/New_York');
      await page.fill('input[name=timezone]', 'Berlin');
      await page.click(`button[type=submit]:text-is("Save")`);
      await expect.poll(() => page.textContent('[role=alert]'), { timeout: 10_000 }).toContain('Pick a time zone from the list');
      await page.close();
    });

    it('fits a phone on every settings page: no sideways scroll, tap targets of 24 px', async () => {
      const context = await ctx.browser.newContext({ viewport: { width: 360, height: 800 }, storageState: await ctx.signedIn.storageState() });
      const page = await context.newPage();
      for (const sub of ['', 'goals/', 'members/', 'keys/']) {
        await page.goto(settings(sub));
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `settings/${sub}`).toBeLessThanOrEqual(360);
        const small = await page.$$eval('main a, main button, main summary, main select, main input:not([type=hidden])', (els) =>
          els
            .filter((e) => !e.closest('.visually-hidden, p, td.wrap, li span'))
            .map((e) => ({ what: `${e.tagName} ${(e.textContent ?? '').trim().slice(0, 30)}`, box: e.getBoundingClientRect() }))
            .filter(({ box }) => box.width > 0 && (box.height < 24 || box.width < 24))
            .map(({ what, box }) => `${what} ${Math.round(box.width)}x${Math.round(box.height)}`),
        );
        expect(small, `settings/${sub}`).toEqual([]);
      }
      await shot(page, 'keys-phone');
      await context.close();
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
