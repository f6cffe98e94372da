/**
 * The overview's time controls in Chromium, every number compared with `POST /api/v2/query`:
 * comparison modes (top stats and main chart), ← / → and the range calendar, the keyboard
 * shortcuts and their `?` dialog, annotations on the main chart, and the header's live count.
 * The demo site's zone is UTC, so its today is the UTC date.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatMetric } from '../src/lib/format';
import { addDays } from '../src/lib/period-step';
import { expected, plottedSeries } from './chart.suite';
import { ctx, query, shot } from './harness';
import { calendarEdges, pickDays } from './range-calendar.suite';

type Row = { metrics: number[]; comparison?: { metrics: number[]; change: (number | null)[] } };

const today = () => new Date().toISOString().slice(0, 10);
const overview = (search: string) => `${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/${search}`;
const param = (page: Page, name: string) => new URL(page.url()).searchParams.get(name);

/** Worker API call as the operator (annotations and the realtime snapshot are not stats:read). */
const asAdmin = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${ctx.worker.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${ctx.worker.adminToken}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

/** The visitors top stat as the page shows it: its value, its change text and its "was" text. */
const visitorsStat = (page: Page) =>
  page.$eval('[data-testid=top-stats] [data-metric=visitors]', (el) => ({
    value: el.getAttribute('data-value'),
    change: el.querySelector('.change')?.textContent?.replace(/\s+/g, ' ').trim() ?? null,
    prev: el.querySelector('.prev')?.textContent?.trim() ?? null,
  }));

async function expectedVisitors(dateRange: unknown, comparisons: Record<string, unknown>) {
  const res = (await query({ metrics: ['visitors'], date_range: dateRange, include: { comparisons } })) as unknown as { results: Row[] };
  const row = res.results[0]!;
  return { value: String(row.metrics[0]), change: row.comparison!.change[0]!, prev: row.comparison!.metrics[0]! };
}

export function timeControlsSuite() {
  describe('time controls', () => {
    const modes: { name: string; pick(page: Page): Promise<void>; url: Record<string, string>; comparisons: Record<string, unknown> }[] = [
      {
        name: 'year over year',
        pick: (page) => page.click('[data-compare=year_over_year]'),
        url: { compare: 'year_over_year' },
        comparisons: { mode: 'year_over_year' },
      },
      {
        name: 'match day of week',
        pick: (page) => page.click('[data-testid=match-day-of-week]'),
        url: { compare: 'previous_period', match_day_of_week: '1' },
        comparisons: { mode: 'previous_period', match_day_of_week: true },
      },
      {
        name: 'custom range',
        pick: async (page) => {
          await page.click('[data-testid=custom-compare]');
          await pickDays(page, 'compare', addDays(today(), -10), addDays(today(), -4));
          await page.click('[data-calendar=compare] [data-testid=calendar-apply]');
        },
        url: { compare: 'custom' },
        comparisons: { mode: 'custom', date_range: [addDays(today(), -10), addDays(today(), -4)] },
      },
    ];

    for (const m of modes) {
      it(`compares with ${m.name}: top stats and chart follow the API, the URL carries it`, async () => {
        const page = await ctx.signedIn.newPage();
        await page.goto(overview('?period=7d&compare=previous_period'));
        await page.click('[data-testid=compare-mode] summary');
        await m.pick(page);
        await expect.poll(() => Object.entries(m.url).every(([k, v]) => param(page, k) === v), { timeout: 30_000 }).toBe(true);
        const want = await expectedVisitors('7d', m.comparisons);
        await expect
          .poll(() => visitorsStat(page), { timeout: 30_000 })
          .toEqual({ value: want.value, change: expect.stringContaining(`${Math.abs(want.change)}%`), prev: `was ${formatMetric('visitors', want.prev)}` });
        const chart = await expected({ date_range: '7d', dimensions: ['time:day'] }, 'visitors', m.comparisons);
        await expect.poll(() => plottedSeries(page), { timeout: 45_000, interval: 250 }).toEqual(chart);
        // a reload keeps the mode: it lives in the URL
        await page.reload();
        await expect.poll(() => plottedSeries(page), { timeout: 45_000, interval: 250 }).toEqual(chart);
        await page.close();
      });
    }

    it('steps the period with ← / →, never into the future, and prefills the range calendar', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d'));
      const t = today();
      // 7d is the seven days up to yesterday; the calendar opens on them
      await page.click('[data-testid=period]');
      await page.click('[data-testid=custom-period]');
      await expect.poll(() => calendarEdges(page, 'period'), { timeout: 30_000 }).toEqual([['start', addDays(t, -7)], ['end', addDays(t, -1)]]);
      await page.click('[data-calendar=period] [data-testid=calendar-cancel]');
      await page.click('[data-testid=period]');
      expect(await page.getAttribute('[data-testid=step-forward]', 'aria-disabled')).toBe('true');
      await page.click('[data-testid=step-back]');
      await expect.poll(() => [param(page, 'period'), param(page, 'from'), param(page, 'to')], { timeout: 30_000 }).toEqual(['custom', addDays(t, -14), addDays(t, -8)]);
      const back = await expectedVisitors([addDays(t, -14), addDays(t, -8)], { mode: 'previous_period' });
      await expect.poll(() => visitorsStat(page).then((s) => s.value), { timeout: 30_000 }).toBe(back.value);
      await page.click('[data-testid=step-forward]');
      await expect.poll(() => [param(page, 'from'), param(page, 'to')], { timeout: 30_000 }).toEqual([addDays(t, -7), addDays(t, -1)]);
      const week = await expectedVisitors([addDays(t, -7), addDays(t, -1)], { mode: 'previous_period' });
      expect(Number(week.value), 'the seeded week has traffic').toBeGreaterThan(0);
      await expect.poll(() => visitorsStat(page).then((s) => s.value), { timeout: 30_000 }).toBe(week.value);
      // this month: the next month has not begun
      await page.goto(overview('?period=month'));
      expect(await page.getAttribute('[data-testid=step-forward]', 'aria-disabled')).toBe('true');
      await page.close();
    });

    it('binds the keyboard shortcuts (not while typing) and lists them in an accessible ? dialog', async () => {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d'));
      await page.waitForSelector('[data-testid=top-stats] [data-metric=visitors][data-value]');
      // typing in a field is not a shortcut
      await page.click('[data-testid=annotations] summary');
      await page.fill('[data-testid=annotation-form] input[name=text]', 'm');
      await page.press('[data-testid=annotation-form] input[name=text]', 'm');
      await page.click('h2#chart-title');
      expect(param(page, 'period')).toBe('7d');
      await page.keyboard.press('m');
      await expect.poll(() => param(page, 'period'), { timeout: 30_000 }).toBe('month');
      await page.keyboard.press('t');
      await expect.poll(() => param(page, 'period'), { timeout: 30_000 }).toBe('30d');
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => [param(page, 'period'), param(page, 'from')], { timeout: 30_000 }).toEqual(['custom', addDays(today(), -60)]);
      await page.keyboard.press('x');
      await expect.poll(() => param(page, 'compare'), { timeout: 30_000 }).toBe('previous_period');
      await page.keyboard.press('Shift+Slash');
      await page.waitForSelector('[data-testid=shortcuts-dialog][open]', { timeout: 30_000 });
      expect(await page.evaluate(() => document.querySelector('[data-testid=shortcuts-dialog]')!.contains(document.activeElement))).toBe(true);
      const keys = await page.$$eval('[data-testid=shortcuts-dialog] kbd', (els) => els.map((e) => e.textContent));
      expect(keys).toEqual(expect.arrayContaining(['d', 'w', 't', 'm', 'y', 'a', 'c', '←', '→', 'x', '?']));
      await shot(page, 'shortcuts');
      await page.keyboard.press('Escape');
      await expect.poll(() => page.$eval('[data-testid=shortcuts-dialog]', (d) => (d as HTMLDialogElement).open)).toBe(false);
      await page.close();
    });

    it('draws the range annotations on the main chart, adds one from the chart and deletes it', async () => {
      const site = ctx.worker.demo.site;
      const day = addDays(today(), -3);
      const seeded = await asAdmin(`/api/v1/sites/${site}/annotations`, { body: { date: addDays(today(), -5), text: 'Seeded note' }, method: 'POST' });
      expect(seeded.status).toBe(201);
      const seededId = ((await seeded.json()) as { id: string }).id;
      // the day buckets of the 7d chart, from the API: a mark is [its bucket's index, its text]
      const labels = ((await query({ metrics: ['visitors'], date_range: '7d', dimensions: ['time:day'], include: { time_labels: true } })) as unknown as { meta: { time_labels: string[] } }).meta.time_labels;
      const at = (date: string, text: string) => [labels.indexOf(date), text];
      /** Each drawn mark: the index of the point whose x its line stands on, and its label. */
      const marks = (page: Page) =>
        page.evaluate(() => {
          const apex = (window as unknown as { Apex?: { _chartInstances?: { id: string; chart: { w: { globals: { seriesXvalues: number[][] } } } }[] } }).Apex;
          const chart = apex?._chartInstances?.find((c) => c.id === 'main-chart')?.chart;
          const group = document.querySelector('[data-chart=main-chart] .apexcharts-xaxis-annotations');
          if (!chart || !group) return null;
          const xs = chart.w.globals.seriesXvalues[0]!;
          const texts = [...group.querySelectorAll('text')].map((t) => t.textContent);
          return [...group.querySelectorAll('line')].map((l, i) => [xs.findIndex((x) => Math.abs(x - Number(l.getAttribute('x1'))) < 0.5), texts[i]]);
        });
      const page = await ctx.signedIn.newPage();
      await page.goto(overview('?period=7d'));
      expect(labels.indexOf(addDays(today(), -5))).toBeGreaterThan(0);
      await expect.poll(() => marks(page), { timeout: 45_000 }).toEqual([at(addDays(today(), -5), 'Seeded note')]);

      await page.click('[data-testid=annotations] summary');
      await page.fill('[data-testid=annotation-form] input[name=date]', day);
      await page.fill('[data-testid=annotation-form] input[name=text]', 'Launched v2');
      await page.click('[data-testid=annotation-form] button[type=submit]');
      await expect.poll(() => marks(page), { timeout: 45_000 }).toEqual([at(addDays(today(), -5), 'Seeded note'), at(day, 'Launched v2')]);
      const listed = async () => ((await (await asAdmin(`/api/v1/sites/${site}/annotations`)).json()) as { annotations: { date: string; text: string }[] }).annotations.map((a) => [a.date, a.text]);
      expect(await listed()).toEqual(expect.arrayContaining([[day, 'Launched v2']]));
      await shot(page, 'annotations');

      await page.click(`[data-testid=annotations] button[aria-label="Delete annotation ${day} Launched v2"]`);
      await expect.poll(() => marks(page), { timeout: 45_000 }).toEqual([at(addDays(today(), -5), 'Seeded note')]);
      expect(await listed()).not.toEqual(expect.arrayContaining([[day, 'Launched v2']]));
      // a week outside the note's day draws no mark
      await page.goto(overview(`?period=custom&from=${addDays(today(), -30)}&to=${addDays(today(), -20)}`));
      await expect.poll(() => marks(page), { timeout: 45_000 }).toEqual([]);
      expect((await asAdmin(`/api/v1/sites/${site}/annotations/${seededId}`, { method: 'DELETE' })).status).toBe(204);
      await page.close();
    });

    it('shows the current visitors in the header, linked to Realtime', async () => {
      const site = ctx.worker.demo.site;
      const snap = (await (await asAdmin(`/api/v1/sites/${site}/realtime`)).json()) as { visitors: number };
      const page = await ctx.signedIn.newPage();
      await page.goto(`${ctx.dashboard.url}/sites/${site}/settings/`);
      const badge = page.locator('[data-testid=header-live]');
      await expect.poll(() => badge.getAttribute('data-value'), { timeout: 15_000 }).toBe(String(snap.visitors));
      expect(await badge.textContent()).toContain(`${snap.visitors} current visitor`);
      await badge.click();
      await page.waitForURL(/\/realtime\//, { timeout: 30_000 });
      await expect.poll(() => page.$eval('.tabs-nav [aria-current=page]', (e) => e.textContent), { timeout: 15_000 }).toBe('Realtime');
      await page.close();
    });
  });
}
