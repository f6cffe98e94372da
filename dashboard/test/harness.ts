/**
 * Shared state of the dashboard's browser tests: one seeded Worker, one built dashboard on
 * `wrangler pages dev`, one headless Chromium. `dashboard.test.ts` starts them once; the suites
 * (`*.suite.ts`) use them through `ctx`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../test/helpers/browser.mjs';
import { buildDashboard, ROOT, startDashboard, startWorker } from './servers.mjs';

export const RESULTS = join(ROOT, 'test-results');

interface Server {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

export const ctx = {} as {
  worker: Server & { demo: { site: string; email: string; password: string; key: string; events: number }; adminToken: string };
  dashboard: Server;
  browser: Browser;
  /** a signed-in browser context (the demo owner), shared by read-only suites */
  signedIn: BrowserContext;
};

export async function startAll(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const [, worker] = await Promise.all([buildDashboard(), startWorker({ days: 7 })]);
  ctx.worker = worker;
  ctx.dashboard = await startDashboard({ apiUrl: worker.url });
  ctx.browser = await launchChromium();
  ctx.signedIn = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.signedIn.newPage();
  await signIn(page);
  await page.close();
}

export async function stopAll(): Promise<void> {
  await ctx.browser?.close();
  await Promise.all([ctx.dashboard?.stop(), ctx.worker?.stop()]);
}

export async function signIn(page: Page, email = ctx.worker.demo.email, password = ctx.worker.demo.password): Promise<void> {
  await page.goto(`${ctx.dashboard.url}/login/`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(/\/sites\//), page.click('button[type=submit]')]);
}

/** `POST /api/v2/query` straight to the Worker with the demo's stats:read key. */
export async function query(body: Record<string, unknown>): Promise<{ results: { metrics: number[]; dimensions: string[] }[] }> {
  const res = await fetch(`${ctx.worker.url}/api/v2/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ctx.worker.demo.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ site_id: ctx.worker.demo.site, ...body }),
  });
  if (!res.ok) throw new Error(`query ${res.status}: ${await res.text()}`);
  return res.json() as Promise<{ results: { metrics: number[]; dimensions: string[] }[] }>;
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(RESULTS, `dashboard-${name}.png`), fullPage: true });

/** Waits until every card of the overview shows rows, "no data" or an error. */
export async function cardsFilled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const cards = [...document.querySelectorAll('[data-card]')];
    const stats = document.querySelector('[data-metric="visitors"]');
    return stats && cards.length > 0 && cards.every((c) => c.querySelector('[data-rows], [data-empty], .error'));
  }, undefined, { timeout: 30_000 });
}
