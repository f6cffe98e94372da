/**
 * The range calendar of the period menu (and, through `pickDays`, of the custom comparison) in
 * Chromium: a range picked by clicks and one picked by the keyboard alone, each followed by the
 * URL, the top stats and the main chart, compared with `POST /api/v2/query`; future days that
 * cannot be picked; axe on the open calendar; one month and no sideways overflow at phone width.
 * The demo site's zone is UTC, so its today is the UTC date.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { moveFocus } from '../src/lib/calendar';
import { addDays } from '../src/lib/period-step';
import { violations } from './a11y.suite';
import { expected, plottedSeries } from './chart.suite';
import { ctx, query, shot } from './harness';

const today = () => new Date().toISOString().slice(0, 10);
const overview = (search: string) => `${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/${search}`;
const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

/** The calendar's marked ends, as [edge, day] pairs in page order. */
export const calendarEdges = (page: Page, id: string) =>
  page.$$eval(`[data-calendar=${id}] [data-edge]`, (els) => els.map((e) => [e.getAttribute('data-edge'), e.getAttribute('data-day')]));

/** Clicks `first` then `second` on an open calendar, turning its months until each day shows. */
export async function pickDays(page: Page, id: string, first: string, second: string): Promise<void> {
  for (const day of [first, second]) {
    const cell = page.locator(`[data-calendar=${id}] td[data-day="${day}"]`);
    for (let i = 0; i < 24 && !(await cell.isVisible()); i++) {
      const shown = await page.$$eval(`[data-calendar=${id}] td[data-day]`, (els) => els.filter((e) => (e as HTMLElement).offsetParent).map((e) => e.getAttribute('data-day')!));
      await page.click(`[data-calendar=${id}] [aria-label="${day < shown[0]! ? 'Previous' : 'Next'} month"]`);
    }
    await cell.click();
  }
}

/** The visitors top stat and the main chart must be the API's for these days. */
async function expectView(page: Page, from: string, to: string) {
  await expect.poll(() => [param(page, 'period'), param(page, 'from'), param(page, 'to')], { timeout: 30_000 }).toEqual(['custom', from, to]);
  const res = await query({ metrics: ['visitors'], date_range: [from, to] });
  await expect.poll(() => page.getAttribute('[data-testid=top-stats] [data-metric=visitors]', 'data-value'), { timeout: 30_000 }).toBe(String(res.results[0]!.metrics[0]));
  const chart = await expected({ date_range: [from, to], dimensions: ['time:day'] }, 'visitors');
  await expect.poll(() => plottedSeries(page), { timeout: 45_000, interval: 250 }).toEqual(chart);
}

export function rangeCalendarSuite() {
  describe('range calendar', () => {
    it('picks a range by two clicks (the earlier second click starts it) and shows it everywhere', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d'));
      await page.click('[data-testid=period]');
      await page.click('[data-testid=custom-period]');
      const cal = '[data-calendar=period]';
      await page.waitForSelector(`${cal} [role=grid]`);
      // two months, Monday first, today's month on the right; nothing after today can be picked
      expect(await page.$$eval(`${cal} table[role=grid]`, (els) => els.length)).toBe(2);
      expect(await page.$$eval(`${cal} thead th`, (els) => els.slice(0, 7).map((e) => e.textContent))).toEqual(['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su']);
      // the right month is the range's end's: no later month to turn to when that is today's
      if (addDays(today(), -1).slice(0, 7) === today().slice(0, 7)) expect(await page.isDisabled(`${cal} [aria-label="Next month"]`)).toBe(true);
      const tomorrow = page.locator(`${cal} td[data-day="${addDays(today(), 1)}"]`);
      if (await tomorrow.count()) {
        expect(await tomorrow.getAttribute('aria-disabled')).toBe('true');
        await tomorrow.dispatchEvent('click'); // a real click would wait for it to be enabled
        await page.waitForTimeout(500); // nothing to wait for: the pick must not happen
        expect(await calendarEdges(page, 'period')).toEqual([['start', addDays(today(), -7)], ['end', addDays(today(), -1)]]);
      }
      const [from, to] = [addDays(today(), -12), addDays(today(), -5)];
      await pickDays(page, 'period', to, from);
      // the picks re-render the calendar: poll until they show
      await expect.poll(() => calendarEdges(page, 'period'), { timeout: 30_000 }).toEqual([['start', from], ['end', to]]);
      expect(await page.$$eval(`${cal} td[aria-selected=true]`, (els) => els.length)).toBe(8);
      await shot(page, 'range-calendar');
      await page.click(`${cal} [data-testid=calendar-apply]`);
      await expectView(page, from, to);
      // Apply closed the menu; it opens again on the new range
      expect(await page.evaluate(() => (document.querySelector('[data-testid=period-picker]') as HTMLDetailsElement).open)).toBe(false);
      await page.click('[data-testid=period]');
      await page.click('[data-testid=custom-period]');
      await expect.poll(() => calendarEdges(page, 'period'), { timeout: 30_000 }).toEqual([['start', from], ['end', to]]);
      await page.close();
    });

    it('picks a range with the keyboard alone: c, arrows, Enter, PageUp, Enter, Tab to Apply', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d'));
      await page.waitForSelector('[data-testid=top-stats] [data-metric=visitors][data-value]');
      await page.click('h2#chart-title'); // the page has the focus, no field does
      await page.keyboard.press('c');
      // the calendar takes the focus on the range's end: yesterday for 7d
      const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-day'));
      await expect.poll(focused, { timeout: 30_000 }).toBe(addDays(today(), -1));
      // roving tabindex: the focused day is the grid's one tab stop
      expect(await page.evaluate(() => document.activeElement!.getAttribute('tabindex'))).toBe('0');
      expect(await page.$$eval('[data-calendar=period] td[tabindex="0"]', (els) => els.length)).toBe(1);
      let day = addDays(today(), -1);
      for (const key of ['ArrowLeft', 'ArrowLeft', 'ArrowUp']) {
        await page.keyboard.press(key);
        day = moveFocus(day, key)!;
        await expect.poll(focused).toBe(day);
      }
      // the grid's arrows are not the page's ← / → shortcuts: the period stays until Apply
      expect(param(page, 'period')).toBe('7d');
      await page.keyboard.press('Enter');
      const end = day;
      await page.keyboard.press('PageUp');
      day = moveFocus(day, 'PageUp')!;
      await expect.poll(focused).toBe(day);
      // arrows do not scroll the page while the grid has them
      expect(await page.evaluate(() => window.scrollY)).toBe(0);
      await page.keyboard.press('Enter');
      await expect.poll(() => calendarEdges(page, 'period'), { timeout: 30_000 }).toEqual([['start', day], ['end', end]]);
      await page.keyboard.press('Tab'); // Cancel
      await page.keyboard.press('Tab'); // Apply
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('calendar-apply');
      await page.keyboard.press('Enter');
      await expectView(page, day, end);
      await page.close();
    });

    it('never moves the focus past today, and Escape leaves the view as it was', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=day'));
      await page.click('[data-testid=period]');
      await page.click('[data-testid=custom-period]');
      const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-day'));
      await expect.poll(focused, { timeout: 30_000 }).toBe(today());
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('PageDown');
      await expect.poll(focused).toBe(today());
      await page.keyboard.press('Escape'); // as Cancel (the time controls' test clicks that)
      await page.waitForSelector('[data-testid=custom-period]', { timeout: 30_000 });
      expect(param(page, 'period')).toBe('day');
      await page.close();
    });

    it('is clean under axe, and shows one month without overflow at phone width', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=30d'));
      await page.click('[data-testid=period]');
      await page.click('[data-testid=custom-period]');
      await page.waitForSelector('[data-calendar=period] [role=grid]');
      expect(await violations(page)).toEqual([]);
      await page.close();
      const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await ctx.signedIn.storageState() });
      const phone = await context.newPage();
      await phone.goto(overview('?period=30d&compare=previous_period'));
      for (const [menu, id] of [['[data-testid=period]', 'period'], ['[data-testid=compare-mode] summary', 'compare']] as const) {
        await phone.click(menu);
        await phone.click(`[data-testid=custom-${id}]`);
        await phone.waitForSelector(`[data-calendar=${id}] table[role=grid]:visible`);
        const months = await phone.$$eval(`[data-calendar=${id}] table[role=grid]`, (els) => els.filter((e) => (e as HTMLElement).offsetParent).map((e) => e.querySelector('caption')!.textContent));
        expect(months, id).toHaveLength(1);
        expect(await phone.evaluate(() => document.documentElement.scrollWidth), id).toBeLessThanOrEqual(390);
        expect(await violations(phone), id).toEqual([]);
        await shot(phone, `range-calendar-${id}-phone`);
        await phone.click(`[data-calendar=${id}] [data-testid=calendar-cancel]`);
        await phone.click(menu);
      }
      await context.close();
    });
  });
}
