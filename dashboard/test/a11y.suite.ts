/**
 * axe-core on every page of the dashboard, light and dark, desktop and phone: no critical or
 * serious violation. Each page's screenshot is saved under test-results/ (git-ignored) as the
 * run's artifact. axe is evaluated through the DevTools protocol, so the pages keep their CSP.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ctx, shot } from './harness';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's critical and serious violations on the page as it is now. */
export async function violations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Waits until the page's own loading is over: no skeleton left, the chart drawn if it has one. */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined); // a live socket keeps it busy
  await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'), undefined, { timeout: 30_000 });
}

export function a11ySuite() {
  describe('accessibility (axe) and screenshots of every page', () => {
    const s = () => ctx.worker.demo.site;

    async function shareToken(): Promise<string> {
      const res = await fetch(`${ctx.worker.url}/api/v1/sites/${s()}/shares`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ctx.worker.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'axe' }),
      });
      return ((await res.json()) as { token: string }).token;
    }

    // dark mode on the desktop, the phone in light: the colours and the layout each get a pass
    for (const [width, height, device, scheme] of [[1280, 900, 'desktop', 'light'], [1280, 900, 'desktop', 'dark'], [390, 844, 'phone', 'light']] as const) {
      {
        it(`has no critical or serious violation, ${device}, ${scheme}`, async () => {
          const token = await shareToken();
          const signedIn = await ctx.browser.newContext({ viewport: { width, height }, colorScheme: scheme, storageState: await ctx.signedIn.storageState() });
          const anon = await ctx.browser.newContext({ viewport: { width, height }, colorScheme: scheme });
          const pages: [string, 'in' | 'out', string][] = [
            ['sites', 'in', '/sites/'],
            ['overview', 'in', `/sites/${s()}/?period=7d`],
            ['overview-filtered', 'in', `/sites/${s()}/?period=7d&f=visit:source,is,Google&compare=1`],
            ['realtime', 'in', `/sites/${s()}/realtime/`],
            ['details', 'in', `/sites/${s()}/details/?period=7d&dim=visit:source&tab=source`],
            ['settings', 'in', `/sites/${s()}/settings/`],
            ['settings-goals', 'in', `/sites/${s()}/settings/goals/`],
            ['settings-members', 'in', `/sites/${s()}/settings/members/`],
            ['settings-keys', 'in', `/sites/${s()}/settings/keys/`],
            ['operations', 'in', '/operations/'],
            ['login', 'out', '/login/'],
            ['invitation', 'out', '/invitations/accept/?token=inv_none'],
            ['share', 'out', `/share/${s()}/?auth=${token}&period=7d`],
            ['share-realtime', 'out', `/share/${s()}/realtime/?auth=${token}`],
          ];
          const found: Record<string, string[]> = {};
          for (const [name, who, path] of pages) {
            const page = await (who === 'in' ? signedIn : anon).newPage();
            await page.goto(ctx.dashboard.url + path);
            await settled(page);
            const v = await violations(page);
            if (v.length) found[name] = v;
            await shot(page, `axe-${name}-${device}-${scheme}`);
            await page.close();
          }
          expect(found).toEqual({});
          await signedIn.close();
          await anon.close();
        }, 240_000);
      }
    }
  });
}
