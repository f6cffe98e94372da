/**
 * The Operations page in Chromium: for operators only (the demo login is listed in the test
 * Worker's PULSE_OPERATOR_EMAILS, as `npm run dev` lists it), every number equal to what
 * `GET /api/v1/status` answers, the operations alert rules created, fired by the real cron,
 * edited and deleted, axe clean, and a phone's width; anyone else gets the 403 page.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ctx, shot, signIn } from './harness';
import { violations } from './a11y.suite';

interface Status {
  sites: { site: string; outbox_pending: number; outbox_oldest_seconds: number | null; drops: Record<string, number>; events_today: number; rollup_lag_seconds: number | null }[];
  queues: Record<string, { backlog: number | null; dlq_backlog: number | null; dlq: number; reason: string | null }>;
  cron: { name: string; last_run: string; duration_ms: number; ok: boolean }[];
  databases: { binding: string; size_bytes: number; limit_bytes: number }[];
}

async function asAdmin<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`${ctx.worker.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${ctx.worker.adminToken}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

const cell = (page: Page, row: string, col: string) => page.locator(`${row} [data-col=${col}]`).getAttribute('data-value');

export function operationsSuite() {
  describe('operations page', () => {
    it('shows the operator every number of the status API: sites, queues, cron runs, databases against 10 GB', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(`${ctx.dashboard.url}/sites/`);
      await page.click('[data-testid=operations-link]');
      await page.waitForSelector('[data-testid=ops-sites]');
      const status = await asAdmin<Status>('/api/v1/status');
      const site = ctx.worker.demo.site;
      const mine = status.sites.find((s) => s.site === site)!;
      const row = `[data-site="${site}"]`;
      expect(await cell(page, row, 'outbox_pending')).toBe(String(mine.outbox_pending));
      expect(await cell(page, row, 'events_today')).toBe(String(mine.events_today));
      expect(await page.locator(`${row} [data-col=events_today]`).textContent()).toBe(mine.events_today.toLocaleString('en-US'));
      expect(await cell(page, row, 'outbox_oldest_seconds')).toBe(mine.outbox_oldest_seconds === null ? '' : String(mine.outbox_oldest_seconds));
      // the rollups' age moves on by the second between the two reads
      const lag = Number(await cell(page, row, 'rollup_lag_seconds'));
      expect(Math.abs(lag - mine.rollup_lag_seconds!)).toBeLessThanOrEqual(30);
      const drops = await page.locator(`${row} [data-drop]`).evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-drop'), Number(e.getAttribute('data-value'))])));
      expect(drops).toEqual(mine.drops);
      expect(await page.locator('[data-testid=ops-sites] tbody tr').count()).toBe(status.sites.length);

      for (const [name, q] of Object.entries(status.queues)) {
        expect(await cell(page, `[data-queue=${name}]`, 'dlq')).toBe(String(q.dlq));
        expect(await cell(page, `[data-queue=${name}]`, 'backlog')).toBe(q.backlog === null ? '' : String(q.backlog));
        // the test Worker has no CF_ACCOUNT_ID: the page says what to set
        expect(await page.locator(`[data-queue=${name}] [data-col=reason]`).textContent()).toBe(q.reason);
      }
      expect(q(status).reason).toBe('set CF_ACCOUNT_ID and CF_API_TOKEN');

      expect(await page.locator('[data-cron]').evaluateAll((els) => els.map((e) => e.getAttribute('data-cron')))).toEqual(status.cron.map((c) => c.name));
      for (const run of status.cron) {
        expect(await cell(page, `[data-cron="${run.name}"]`, 'duration_ms')).toBe(String(run.duration_ms));
        expect(await cell(page, `[data-cron="${run.name}"]`, 'last_run')).toBe(run.last_run);
        expect(await page.locator(`[data-cron="${run.name}"]`).getAttribute('data-ok')).toBe(String(run.ok));
      }

      const bars = await page.locator('[data-database]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-database'), Number(e.getAttribute('data-size')), Number(e.getAttribute('data-limit')), Number(e.getAttribute('data-percent'))]));
      // the size moves only with writes, and nothing writes between the two reads
      expect(bars).toEqual(status.databases.map((d) => [d.binding, d.size_bytes, 10_000_000_000, Math.round((d.size_bytes / d.limit_bytes) * 10_000) / 100]));
      const first = status.databases[0]!;
      expect(await page.locator(`[data-database=${first.binding}] [data-col=label]`).textContent()).toMatch(new RegExp(`^${first.binding}: [\\d.]+ (kB|MB) of 10 GB \\(\\d+(\\.\\d+)?%\\)$`));
      expect(await page.locator('[data-testid=ops-forbidden]').count()).toBe(0);

      expect(await violations(page)).toEqual([]);
      await shot(page, 'operations');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await page.waitForSelector('[data-testid=ops-sites]');
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
      expect(await violations(page)).toEqual([]);
      await shot(page, 'operations-phone');
      await page.close();
    });

    it('creates an operations alert (secret once), lists its firing after the cron, edits and deletes it', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(`${ctx.dashboard.url}/operations/`);
      expect(await page.locator('section:has(#ops-rules) .empty').textContent()).toBe('No operations alerts yet.');
      // a bad value is refused with the form's message, what was typed stays
      await page.selectOption('select[name=metric]', 'database_used_percent');
      const form = page.locator('form', { has: page.locator('[data-testid=create-ops-alert]') });
      await form.locator('input[name=scope]').fill('DB_9');
      await form.locator('input[name=value]').fill('0');
      await form.locator('input[name="email[]"]').fill('oncall@example.com');
      await page.click('[data-testid=create-ops-alert]');
      expect(await (await page.waitForSelector('[data-testid=ops-alert-error]')).textContent()).toContain('scope: no database bound as DB_9');
      expect(await form.locator('input[name="email[]"]').inputValue()).toBe('oncall@example.com');
      await form.locator('input[name=scope]').fill('DB');
      await page.click('[data-testid=create-ops-alert]');
      const secret = (await (await page.waitForSelector('[data-testid=new-ops-alert-secret]')).textContent())!.trim();
      expect(secret).toMatch(/^whsec_/);
      const { alerts } = await asAdmin<{ alerts: { id: string; scope: string; value: number }[] }>('/api/v1/status/alerts');
      const rule = alerts.find((a) => a.scope === 'DB')!;
      const article = page.locator(`[data-ops-alert="${rule.id}"]`);
      expect(await article.locator('strong').first().textContent()).toBe('D1 database used (DB) above 0 % of 10 GB');
      expect(await article.textContent()).toContain('Never fired.');

      // the */5 cron checks the rule: any database is above 0 % of its limit
      const cron = await fetch(`${ctx.worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
      expect(cron.ok).toBe(true);
      const firingsOf = async () => (await asAdmin<{ firings: { state: string; observed: number }[] }>(`/api/v1/status/alerts/${rule.id}/firings`)).firings;
      await expect.poll(async () => (await firingsOf()).map((f) => f.state), { timeout: 30_000 }).toEqual(['firing']);
      const firings = await firingsOf();
      await page.reload();
      expect(await page.locator('[data-testid=new-ops-alert-secret]').count()).toBe(0);
      expect(await article.locator('[data-state]').getAttribute('data-state')).toBe('firing');
      const fired = article.locator('[data-firing=firing]');
      expect(Number(await fired.getAttribute('data-observed'))).toBe(firings[0]!.observed);

      await article.locator('[data-edit] summary').click();
      const edit = article.locator('[data-edit]');
      expect(await edit.locator('input[name=value]').inputValue()).toBe('0');
      await edit.locator('input[name=value]').fill('90');
      await edit.locator('button', { hasText: 'Add another email' }).click();
      await edit.locator('input[name="email[]"]').nth(1).fill('second-oncall@example.com');
      await edit.locator('[data-testid=save-ops-alert]').click();
      await expect.poll(async () => article.locator('strong').first().textContent(), { timeout: 10_000 }).toBe('D1 database used (DB) above 90 % of 10 GB');
      expect(await article.textContent()).toContain('To email oncall@example.com, email second-oncall@example.com · cooldown 60 min');
      const after = (await asAdmin<{ alerts: { id: string; value: number; channels: unknown[] }[] }>('/api/v1/status/alerts')).alerts.find((a) => a.id === rule.id)!;
      expect(after).toMatchObject({ value: 90, channels: [{ type: 'email', to: 'oncall@example.com' }, { type: 'email', to: 'second-oncall@example.com' }] });
      await article.locator('button', { hasText: 'Delete' }).click();
      await expect.poll(() => page.locator(`[data-ops-alert="${rule.id}"]`).count(), { timeout: 10_000 }).toBe(0);
      await page.close();
    });

    it('is a 403 page, without a link to it, for anyone not listed as an operator', async () => {
      const email = `not-an-operator-${Date.now()}@example.com`;
      const password = 'not-an-operator-password';
      await asAdmin(`/api/v1/sites/${ctx.worker.demo.site}/members`, { body: { email, role: 'owner', password } });
      const context = await ctx.browser.newContext();
      const page = await context.newPage();
      await signIn(page, email, password);
      expect(await page.locator('[data-testid=operations-link]').count()).toBe(0);
      const res = await page.goto(`${ctx.dashboard.url}/operations/`);
      expect(res!.status()).toBe(403);
      expect(await page.locator('[data-testid=ops-forbidden] h1').textContent()).toBe('403 · Operators only');
      expect(await page.locator('[data-testid=ops-sites]').count()).toBe(0);
      expect(await violations(page)).toEqual([]);
      await context.close();
    });
  });
}

const q = (status: Status) => status.queues.events!;
