import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startWebhookReceiver } from '../../test/helpers/webhook-receiver.mjs';
import { ctx, shot } from './harness';

/** No element of the page is wider than a 390 px phone screen. */
async function noHorizontalOverflow(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
}

export function automationSuite() {
  describe('automation settings', () => {
    const settings = (sub: string) => `${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/settings/${sub}`;

    it('creates a webhook, shows its secret once, and logs the delivery of "Send test" that the receiver got signed', async () => {
      const receiver = await startWebhookReceiver();
      const target = `${receiver}/box/dashboard-test`;
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('webhooks/'));
      // an unsafe target is refused by the API, and its message is shown next to the form
      await page.fill('input[name=url]', 'https://10.0.0.1/hook');
      await page.click('[data-testid=create-webhook]');
      expect(await (await page.waitForSelector('[data-testid=webhook-error]')).textContent()).toContain('url:');
      expect(await page.inputValue('input[name=url]')).toBe('https://10.0.0.1/hook');

      await page.fill('input[name=url]', target);
      await page.fill('input[name=events]', 'goal:Signup alert');
      await page.click('[data-testid=create-webhook]');
      const secret = (await (await page.waitForSelector('[data-testid=new-webhook-secret]')).textContent())!.trim();
      expect(secret).toMatch(/^whsec_/);
      // the form is reset after a successful save and the error is gone
      expect(await page.inputValue('input[name=url]')).toBe('');
      expect(await page.locator('[data-testid=webhook-error]').count()).toBe(0);
      const hook = page.locator('[data-webhook]', { hasText: target });
      expect(await hook.textContent()).toContain('goal:Signup, alert');
      expect(await hook.textContent()).toContain('No deliveries yet.');

      await hook.locator('button', { hasText: 'Send test' }).click();
      await page.waitForSelector('[data-testid=test-queued]');
      // the Queue consumer POSTs it; the receiver sees the signed test payload
      await expect.poll(async () => (await (await fetch(target)).json()).length, { timeout: 30_000 }).toBe(1);
      const [got] = (await (await fetch(target)).json()) as { headers: Record<string, string>; body: string }[];
      expect(JSON.parse(got!.body).type).toBe('test');
      expect(got!.headers['pulse-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

      // a reload never shows the secret again, and the log shows the delivered attempt
      await expect.poll(async () => {
        await page.reload();
        return page.locator('[data-webhook] [data-outcome]').count();
      }, { timeout: 30_000 }).toBe(1);
      expect(await page.locator('[data-testid=new-webhook-secret]').count()).toBe(0);
      const entry = await page.locator('[data-webhook] [data-outcome]').first();
      expect(await entry.getAttribute('data-type')).toBe('test');
      expect(await entry.getAttribute('data-outcome')).toBe('ok');
      expect(await entry.textContent()).toContain('HTTP 200');
      await shot(page, 'webhooks');

      await page.setViewportSize({ width: 390, height: 844 });
      await noHorizontalOverflow(page);
      await page.locator('[data-webhook]', { hasText: target }).locator('button', { hasText: 'Delete' }).click();
      await expect.poll(() => page.locator('[data-webhook]').count(), { timeout: 10_000 }).toBe(0);
      await page.close();
    });

    it('creates a threshold alert (after the API refuses a threshold without a value) and lists it', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('alerts/'));
      await page.selectOption('select[name=metric]', 'visitors');
      await page.selectOption('select[name=kind]', 'threshold');
      await page.fill('input[name="email[]"]', 'alerts@example.com');
      await page.click('[data-testid=create-alert]');
      expect(await (await page.waitForSelector('[data-testid=alert-error]')).textContent()).toContain('a threshold needs a value');
      // a refused save keeps what was typed
      expect(await page.inputValue('input[name="email[]"]')).toBe('alerts@example.com');

      await page.selectOption('select[name=op]', 'above');
      await page.fill('input[name=value]', '250');
      await page.selectOption('select[name=window]', '1d');
      await page.fill('input[name=cooldown_minutes]', '120');
      await page.click('[data-testid=create-alert]');
      const rule = page.locator('[data-alert]', { hasText: 'visitors above 250 per day' });
      await page.waitForSelector('[data-alert], [data-testid=alert-error]:not(:has-text("a threshold needs a value"))', { timeout: 10_000 });
      expect(await page.locator('[data-testid=alert-error]').allTextContents()).toEqual([]);
      await rule.waitFor({ timeout: 10_000 });
      expect(await rule.textContent()).toContain('To email alerts@example.com · cooldown 120 min');
      expect(await rule.textContent()).toContain('Never fired.');
      expect(await page.inputValue('input[name=value]')).toBe('');
      expect(await page.locator('[data-testid=alert-error]').count()).toBe(0);
      await shot(page, 'alerts');
      await page.setViewportSize({ width: 390, height: 844 });
      await noHorizontalOverflow(page);
      await rule.locator('button', { hasText: 'Delete' }).click();
      await expect.poll(() => page.locator('[data-alert]', { hasText: 'visitors above 250 per day' }).count(), { timeout: 10_000 }).toBe(0);
      await page.close();
    });

    it('lists the firing of an alert after the hourly cron judged it, with the Stats API\'s number', async () => {
      const receiver = await startWebhookReceiver();
      const target = `${receiver}/box/dashboard-alert`;
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('alerts/'));
      await page.selectOption('select[name=kind]', 'threshold');
      await page.selectOption('select[name=op]', 'below');
      await page.fill('input[name=value]', '1000000');
      await page.selectOption('select[name=window]', '1d');
      await page.fill('input[name="webhook_url[]"]', target);
      await page.click('[data-testid=create-alert]');
      const rule = page.locator('[data-alert]', { hasText: 'visitors below 1000000 per day' });
      await rule.waitFor({ timeout: 10_000 });
      expect(await rule.textContent()).toContain('Never fired.');
      // the hourly cron judges 1h and 1d rules: yesterday had fewer than a million visitors
      // (its answer is not asserted: another hourly task of the local Worker may report a failure)
      await (await fetch(`${ctx.worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('17 * * * *')}`)).text();
      await expect.poll(async () => {
        await page.reload();
        return rule.locator('[data-firing=firing]').count();
      }, { timeout: 30_000 }).toBe(1);
      expect(await rule.locator('[data-state=firing]').count()).toBe(1);
      const text = (await rule.locator('[data-firing=firing] span').textContent())!; // the span alone: the <time> beside it starts with digits too
      const [, day, observed] = /Fired · (\d{4}-\d{2}-\d{2}) · (\d+)\b/.exec(text)!;
      const res = await fetch(`${ctx.worker.url}/api/v2/query`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.worker.demo.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ site_id: ctx.worker.demo.site, metrics: ['visitors'], date_range: [day, day] }),
      });
      const visitors = ((await res.json()) as { results: { metrics: number[] }[] }).results[0]?.metrics[0] ?? 0;
      expect(Number(observed)).toBe(visitors);
      // the rule's webhook channel got the notice, and the firing says so
      await expect.poll(async () => (await (await fetch(target)).json()).length, { timeout: 30_000 }).toBe(1);
      await expect.poll(async () => {
        await page.reload();
        return rule.locator('[data-firing=firing] [data-send=ok][data-channel=webhook]').count();
      }, { timeout: 30_000 }).toBe(1);
      expect(await rule.locator('[data-firing=firing] [data-send=ok]').textContent()).toContain(`webhook ${target}: sent · HTTP 200`);
      // the main chart marks the firing on its day, with the number that fired it
      const overview = await ctx.signedIn.newPage();
      await overview.goto(`${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/?period=7d`);
      await expect.poll(() => overview.locator('[data-chart=main-chart] .apexcharts-xaxis-annotations text').allTextContents(), { timeout: 45_000 })
        .toContain(`Alert: visitors ${observed}`);
      await overview.close();
      await rule.locator('button', { hasText: 'Delete' }).click();
      await expect.poll(() => page.locator('[data-alert]', { hasText: 'visitors below 1000000' }).count(), { timeout: 10_000 }).toBe(0);
      await page.close();
    });

    it('creates a weekly digest, lists it, and "Send now" sends the last complete week', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('reports/'));
      await page.click('[data-testid=create-report]');
      expect(await (await page.waitForSelector('[data-testid=report-error]')).textContent()).toContain('Fill in at least one channel');

      await page.selectOption('select[name=interval]', 'weekly');
      await page.fill('input[name="email[]"]', 'digest@example.com');
      await page.click('[data-testid=create-report]');
      const report = page.locator('[data-report]', { hasText: 'digest@example.com' });
      await report.waitFor({ timeout: 10_000 });
      expect(await report.textContent()).toContain('Weekly to email digest@example.com');
      expect(await report.textContent()).toContain('not sent yet');
      expect(await page.inputValue('input[name="email[]"]')).toBe('');
      // the signing secret of its webhook channels, this once
      expect(await page.locator('[data-testid=new-report-secret]').textContent()).toMatch(/^\s*whsec_[\w-]{20,}\s*$/);

      await report.locator('button', { hasText: 'Send now' }).click();
      const sent = (await (await page.waitForSelector('[data-testid=report-sent]', { timeout: 30_000 })).textContent())!;
      // the last complete Monday–Sunday week
      const [, from, to] = /Sent the digest for (\S+) to (\S+)\./.exec(sent)!;
      expect(new Date(`${from!.slice(0, 10)}T12:00:00Z`).getUTCDay()).toBe(1);
      expect(new Date(`${to!.slice(0, 10)}T12:00:00Z`).getUTCDay()).toBe(0);
      await shot(page, 'reports');
      await page.setViewportSize({ width: 390, height: 844 });
      await noHorizontalOverflow(page);
      await report.locator('button', { hasText: 'Delete' }).click();
      await expect.poll(() => page.locator('[data-report]', { hasText: 'digest@example.com' }).count(), { timeout: 10_000 }).toBe(0);
      await page.close();
    });

    it('edits a webhook: the form starts from its URL and events, a refused target keeps the old one', async () => {
      const receiver = await startWebhookReceiver();
      const target = `${receiver}/box/dashboard-edit`;
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('webhooks/'));
      await page.fill('input[name=url]', target);
      await page.fill('input[name=events]', 'goal:Signup alert');
      await page.click('[data-testid=create-webhook]');
      await page.waitForSelector('[data-testid=new-webhook-secret]');
      const hook = page.locator('[data-webhook]', { hasText: target });
      await hook.locator('[data-edit] summary').click();
      const edit = hook.locator('[data-edit]');
      expect(await edit.locator('input[name=url]').inputValue()).toBe(target);
      expect(await edit.locator('input[name=events]').inputValue()).toBe('goal:Signup alert');
      await edit.locator('input[name=url]').fill('https://10.0.0.1/hook');
      await edit.locator('[data-testid=save-webhook]').click();
      expect(await (await page.waitForSelector('[data-testid=webhook-update-error]')).textContent()).toContain('url: points to a private');
      await expect.poll(async () => (await hook.locator('.token').first().textContent())?.trim(), { timeout: 10_000 }).toBe(target);

      await page.reload();
      await hook.locator('[data-edit] summary').click();
      await edit.locator('input[name=events]').fill('alert event:Purchase');
      await edit.locator('[data-testid=save-webhook]').click();
      await expect.poll(async () => hook.locator('p.muted').first().textContent(), { timeout: 10_000 }).toContain('Events: alert, event:Purchase');
      expect(await page.locator('[data-testid=webhook-update-error]').count()).toBe(0);
      await hook.locator('button', { hasText: 'Delete' }).click();
      await expect.poll(() => page.locator('[data-webhook]', { hasText: target }).count(), { timeout: 10_000 }).toBe(0);
      await page.close();
    });

    it('edits an alert: the form starts from the rule, a bad value is refused, a saved one shows; the signing secret was shown once', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('alerts/'));
      await page.selectOption('select[name=metric]', 'pageviews');
      await page.selectOption('select[name=kind]', 'threshold');
      await page.fill('input[name=value]', '40');
      await page.fill('input[name="email[]"]', 'edit-alert@example.com');
      await page.click('[data-testid=create-alert]');
      expect(await (await page.waitForSelector('[data-testid=new-alert-secret]')).textContent()).toMatch(/whsec_/);
      const rule = page.locator('[data-alert]', { hasText: 'edit-alert@example.com' });
      await rule.locator('[data-edit] summary').click();
      const edit = rule.locator('[data-edit]');
      expect(await edit.locator('select[name=op]').inputValue()).toBe('above');
      expect(await edit.locator('input[name=value]').inputValue()).toBe('40');
      expect(await edit.locator('input[name=cooldown_minutes]').inputValue()).toBe('60');
      expect(await edit.locator('input[name="email[]"]').inputValue()).toBe('edit-alert@example.com');
      await edit.locator('input[name=value]').fill('lots');
      await edit.locator('[data-testid=save-alert]').click();
      expect(await (await page.waitForSelector('[data-testid=alert-update-error]')).textContent()).toContain('The value is a number');

      await page.reload();
      await rule.locator('[data-edit] summary').click();
      await edit.locator('select[name=op]').selectOption('below');
      await edit.locator('input[name=value]').fill('15');
      await edit.locator('input[name=cooldown_minutes]').fill('30');
      await edit.locator('input[name="slack_url[]"]').fill('https://hooks.slack.com/services/T/B/edit');
      await edit.locator('[data-testid=save-alert]').click();
      await expect.poll(async () => rule.locator('strong').first().textContent(), { timeout: 10_000 }).toBe('pageviews below 15 per hour');
      expect(await rule.textContent()).toContain('To email edit-alert@example.com, slack https://hooks.slack.com/services/T/B/edit · cooldown 30 min');
      // the secret is never shown again
      expect(await page.locator('[data-testid=new-alert-secret]').count()).toBe(0);
      await rule.locator('button', { hasText: 'Delete' }).click();
      await expect.poll(() => page.locator('[data-alert]', { hasText: 'edit-alert@example.com' }).count(), { timeout: 10_000 }).toBe(0);
      await page.close();
    });

    it('edits a digest: the form starts from its interval and channels', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('reports/'));
      await page.selectOption('select[name=interval]', 'weekly');
      await page.fill('input[name="email[]"]', 'edit-digest@example.com');
      await page.click('[data-testid=create-report]');
      const report = page.locator('[data-report]', { hasText: 'edit-digest@example.com' });
      await report.waitFor({ timeout: 10_000 });
      await report.locator('[data-edit] summary').click();
      const edit = report.locator('[data-edit]');
      expect(await edit.locator('select[name=interval]').inputValue()).toBe('weekly');
      expect(await edit.locator('input[name="email[]"]').inputValue()).toBe('edit-digest@example.com');
      await edit.locator('input[name="email[]"]').fill('');
      await edit.locator('[data-testid=save-report]').click();
      expect(await (await page.waitForSelector('[data-testid=report-update-error]')).textContent()).toContain('Fill in at least one channel');

      await page.reload();
      await report.locator('[data-edit] summary').click();
      await edit.locator('select[name=interval]').selectOption('monthly');
      await edit.locator('input[name="webhook_url[]"]').fill('https://example.com/digest-hook');
      await edit.locator('[data-testid=save-report]').click();
      await expect.poll(async () => report.textContent(), { timeout: 10_000 }).toContain('Monthly to email edit-digest@example.com, webhook https://example.com/digest-hook');
      await report.locator('button', { hasText: 'Delete' }).click();
      await expect.poll(() => page.locator('[data-report]', { hasText: 'edit-digest@example.com' }).count(), { timeout: 10_000 }).toBe(0);
      await page.close();
    });

    it('shows the insights sentences of the current period on the overview', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(`${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/?period=7d`);
      const summary = await page.waitForSelector('[data-insight=summary]', { timeout: 30_000 });
      // the same sentence the API builds for the same period
      const res = await fetch(`${ctx.worker.url}/api/v1/sites/${ctx.worker.demo.site}/insights?period=7d`, { headers: { authorization: `Bearer ${ctx.worker.demo.key}` } });
      const insights = (await res.json()) as { summary: { sentence: string }; movers: { sentence: string }[] };
      expect(await summary.textContent()).toBe(insights.summary.sentence);
      const movers = await page.locator('[data-insight=mover]').allTextContents();
      expect(movers).toEqual(insights.movers.slice(0, 5).map((m) => m.sentence));
      await page.close();
    });
  });
}
