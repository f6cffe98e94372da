/**
 * Several channels of one kind in the alert and digest forms: rows added and removed in the
 * browser, each row checked with a message naming it, and what is saved equal to what the API
 * then holds.
 */
import { describe, expect, it } from 'vitest';
import { ctx } from './harness';

type Channel = { type: string; to?: string; url?: string };

async function apiList<T>(path: string): Promise<T> {
  const res = await fetch(`${ctx.worker.url}/api/v1/sites/${ctx.worker.demo.site}${path}`, { headers: { authorization: `Bearer ${ctx.worker.adminToken}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json() as Promise<T>;
}

export function channelsSuite() {
  describe('several channels of a kind', () => {
    const settings = (sub: string) => `${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/settings/${sub}`;

    it('an alert goes to two emails and two Slack hooks; a bad row is named; the edit form holds every row and removes one', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('alerts/'));
      const form = page.locator('form', { has: page.locator('[data-testid=create-alert]') });
      await page.selectOption('select[name=metric]', 'visitors');
      await page.selectOption('select[name=kind]', 'threshold');
      await page.fill('input[name=value]', '77');
      const emails = form.locator('input[name="email[]"]');
      const slacks = form.locator('input[name="slack_url[]"]');
      // one click at a time: the first may still be fetching the handler when the second lands
      await form.locator('button', { hasText: 'Add another email' }).click();
      await expect.poll(() => emails.count()).toBe(2);
      await form.locator('button', { hasText: 'Add another Slack hook' }).click();
      await expect.poll(() => slacks.count()).toBe(2);
      // each row has its own label
      expect(await form.getByLabel('Email 2', { exact: true }).count()).toBe(1);
      await emails.nth(0).fill('multi-one@example.com');
      await emails.nth(1).fill('multi-two@example.com');
      await slacks.nth(0).fill('https://hooks.slack.com/services/T/B/one');
      // a valid URL for the browser, refused by the row check: it names the row
      await slacks.nth(1).fill('http://hooks.slack.com/services/T/B/two');
      await page.click('[data-testid=create-alert]');
      expect(await (await page.waitForSelector('[data-testid=alert-error]')).textContent()).toBe('Slack 2: a Slack incoming webhook URL starts with https://.');
      // what was typed stays, rows included
      expect(await emails.nth(1).inputValue()).toBe('multi-two@example.com');
      await slacks.nth(1).fill('https://hooks.slack.com/services/T/B/two');
      await page.click('[data-testid=create-alert]');
      await page.waitForSelector('[data-testid=new-alert-secret]');

      const { alerts } = await apiList<{ alerts: { id: string; channels: Channel[] }[] }>('/alerts');
      const saved = alerts.find((a) => a.channels.some((c) => c.to === 'multi-one@example.com'))!;
      // by id: the text changes with the edit below
      const rule = page.locator(`[data-alert="${saved.id}"]`);
      expect(await rule.textContent()).toContain('To email multi-one@example.com, email multi-two@example.com, slack https://hooks.slack.com/services/T/B/one, slack https://hooks.slack.com/services/T/B/two');
      expect(saved.channels).toEqual([
        { type: 'email', to: 'multi-one@example.com' }, { type: 'email', to: 'multi-two@example.com' },
        { type: 'slack', url: 'https://hooks.slack.com/services/T/B/one' }, { type: 'slack', url: 'https://hooks.slack.com/services/T/B/two' },
      ]);

      // the edit form starts from all four rows; drop the first email, add a webhook
      await rule.locator('[data-edit] summary').click();
      const edit = rule.locator('[data-edit]');
      expect(await edit.locator('input[name="email[]"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['multi-one@example.com', 'multi-two@example.com']);
      expect(await edit.locator('input[name="slack_url[]"]').count()).toBe(2);
      await edit.getByRole('button', { name: 'Remove email 1' }).click();
      await expect.poll(() => edit.locator('input[name="email[]"]').count()).toBe(1);
      expect(await edit.locator('input[name="email[]"]').inputValue()).toBe('multi-two@example.com');
      await edit.locator('input[name="webhook_url[]"]').fill('https://example.com/multi-hook');
      // four filled: one more may be added
      expect(await edit.locator('button', { hasText: 'Add another email' }).isDisabled()).toBe(false);
      await edit.locator('[data-testid=save-alert]').click();
      await expect.poll(async () => rule.textContent(), { timeout: 10_000 }).toContain('To email multi-two@example.com, slack https://hooks.slack.com/services/T/B/one, slack https://hooks.slack.com/services/T/B/two, webhook https://example.com/multi-hook');
      const after = (await apiList<{ alerts: { id: string; channels: Channel[] }[] }>('/alerts')).alerts.find((a) => a.id === saved.id)!;
      expect(after.channels.map((c) => c.to ?? c.url)).toEqual(['multi-two@example.com', 'https://hooks.slack.com/services/T/B/one', 'https://hooks.slack.com/services/T/B/two', 'https://example.com/multi-hook']);
      await rule.locator('button', { hasText: 'Delete' }).click();
      await expect.poll(() => page.locator(`[data-alert="${saved.id}"]`).count(), { timeout: 10_000 }).toBe(0);
      await page.close();
    });

    it('a digest goes to two webhooks; at five channels no row can be added', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(settings('reports/'));
      const form = page.locator('form', { has: page.locator('[data-testid=create-report]') });
      await form.locator('button', { hasText: 'Add another webhook' }).click();
      const hooks = form.locator('input[name="webhook_url[]"]');
      await expect.poll(() => hooks.count()).toBe(2);
      await hooks.nth(0).fill('https://example.com/digest-a');
      await hooks.nth(1).fill('https://example.com/digest-b');
      await form.locator('button', { hasText: 'Add another email' }).click();
      await form.locator('input[name="email[]"]').nth(0).fill('five-1@example.com');
      await form.locator('input[name="email[]"]').nth(1).fill('five-2@example.com');
      await form.locator('input[name="slack_url[]"]').fill('https://hooks.slack.com/services/T/B/five');
      await expect.poll(() => form.locator('button', { hasText: 'Add another webhook' }).isDisabled()).toBe(true);
      await form.locator('input[name="email[]"]').nth(1).fill('');
      await form.locator('input[name="slack_url[]"]').fill('');
      await expect.poll(() => form.locator('button', { hasText: 'Add another webhook' }).isDisabled()).toBe(false);
      await form.locator('input[name="email[]"]').nth(0).fill('');
      await page.click('[data-testid=create-report]');
      const report = page.locator('[data-report]', { hasText: 'https://example.com/digest-a' });
      await report.waitFor({ timeout: 10_000 });
      expect(await report.textContent()).toContain('to webhook https://example.com/digest-a, webhook https://example.com/digest-b');
      const { reports } = await apiList<{ reports: { id: string; channels: Channel[] }[] }>('/reports');
      expect(reports.find((r) => r.channels.some((c) => c.url === 'https://example.com/digest-a'))!.channels).toEqual([
        { type: 'webhook', url: 'https://example.com/digest-a' }, { type: 'webhook', url: 'https://example.com/digest-b' },
      ]);
      await report.locator('button', { hasText: 'Delete' }).click();
      await expect.poll(() => page.locator('[data-report]', { hasText: 'https://example.com/digest-a' }).count(), { timeout: 10_000 }).toBe(0);
      await page.close();
    });
  });
}
