/**
 * The main chart after the first change of each control on a fresh page: what ApexCharts plots
 * (read from the chart instance itself, `Apex._chartInstances`) must equal what
 * `POST /api/v2/query` answers for the new view. The change is made as soon as the page has
 * loaded, while ApexCharts is still being fetched: the case that used to keep the old series.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axisLabel } from '../src/lib/chart-labels';
import type { Interval } from '../src/lib/view';
import { cardsFilled, ctx, query, shot } from './harness';
import { ROOT } from './servers.mjs';

/** The built chunks that hold a component's symbols (their names are hashed in the chunks themselves). */
function bundlesOf(component: string): string[] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'dashboard/dist/q-manifest.json'), 'utf8')) as { symbols: Record<string, { displayName: string }>; mapping: Record<string, string> };
  return Object.entries(manifest.symbols).filter(([, s]) => s.displayName.includes(component)).map(([name]) => manifest.mapping[name]!);
}

type Row = { metrics: number[]; dimensions: string[]; comparison?: { metrics: number[] } };

/** The series as ApexCharts holds it, with its x labels as drawn: `null` before a chart is drawn. */
export const plottedSeries = (page: Page) =>
  page.evaluate(() => {
    const apex = (window as unknown as { Apex?: { _chartInstances?: { id: string; chart: { w: { config: { series: { data: (number | null)[] }[] }; globals: { categoryLabels: string[] } } } }[] } }).Apex;
    const chart = apex?._chartInstances?.find((c) => c.id === 'main-chart')?.chart;
    return chart ? { labels: chart.w.globals.categoryLabels, series: chart.w.config.series.map((s) => s.data) } : null;
  });

/**
 * The expected series, built from the API's rows: every label of `time_labels`, a bucket without
 * a row is 0; views per visit is pageviews / visits per bucket, rounded to 2 decimals. `compare`:
 * true for the previous period, or the `include.comparisons` object of another mode.
 */
export async function expected(body: Record<string, unknown>, metric: string, compare: boolean | Record<string, unknown> = false) {
  const metrics = metric === 'views_per_visit' ? ['visits', 'pageviews'] : [metric];
  const comparisons = compare === true ? { mode: 'previous_period' } : compare || null;
  const res = (await query({ ...body, metrics, include: { time_labels: true, ...(comparisons ? { comparisons } : {}) } })) as unknown as {
    results: Row[];
    meta: { time_labels: string[] };
  };
  const value = (m: number[] | undefined) => (!m ? 0 : metric === 'views_per_visit' ? (m[0] ? Math.round((m[1]! / m[0]) * 100) / 100 : 0) : m[0]!);
  const by = new Map(res.results.map((r) => [r.dimensions[0], r]));
  const labels = res.meta.time_labels;
  const series = [labels.map((l) => value(by.get(l)?.metrics))];
  const interval = String((body.dimensions as string[])[0]).slice('time:'.length) as Interval;
  if (compare) series.push(labels.map((l) => (by.get(l)?.comparison ? value(by.get(l)!.comparison!.metrics) : 0)));
  // ApexCharts keeps only the formatted labels; axisLabel's own cases are unit-tested
  return { labels: labels.map((l) => axisLabel(l, interval)), series };
}

export function chartSuite() {
  describe('main chart', () => {
    const overview = (search: string) => `${ctx.dashboard.url}/sites/${ctx.worker.demo.site}/${search}`;

    async function freshPage(search = '?period=7d') {
      const page = await ctx.signedIn.newPage();
      await page.goto(overview(search));
      return page;
    }

    const cases: { control: string; change(page: Page): Promise<void>; body: Record<string, unknown>; metric: string; compare?: boolean }[] = [
      {
        control: 'period',
        change: async (page) => {
          await page.click('[data-testid=period]');
          await page.click('[data-period="30d"]');
        },
        body: { date_range: '30d', dimensions: ['time:day'] },
        metric: 'visitors',
      },
      { control: 'interval', change: (page) => page.click('[data-interval=hour]'), body: { date_range: '7d', dimensions: ['time:hour'] }, metric: 'visitors' },
      { control: 'metric', change: (page) => page.click('[data-metric=pageviews]'), body: { date_range: '7d', dimensions: ['time:day'] }, metric: 'pageviews' },
      {
        control: 'metric views per visit',
        change: (page) => page.click('[data-metric=views_per_visit]'),
        body: { date_range: '7d', dimensions: ['time:day'] },
        metric: 'views_per_visit',
      },
      {
        control: 'filter',
        change: (page) => page.click('[data-card=sources] li.row[data-value="Google"] a'),
        body: { date_range: '7d', dimensions: ['time:day'], filters: [['is', 'visit:source', ['Google']]] },
        metric: 'visitors',
      },
      { control: 'comparison', change: (page) => page.click('[data-testid=compare]'), body: { date_range: '7d', dimensions: ['time:day'] }, metric: 'visitors', compare: true },
    ];

    for (const c of cases) {
      it(`redraws on the first change of the ${c.control}`, async () => {
        const page = await freshPage();
        // the sources card must be there to click; the chart library may still be loading
        if (c.control === 'filter') await cardsFilled(page);
        await c.change(page);
        const want = await expected(c.body, c.metric, c.compare);
        expect(want.series[0]!.some((v) => v > 0), 'the seeded range has traffic').toBe(true);
        await expect.poll(() => plottedSeries(page), { timeout: 45_000, interval: 250 }).toEqual(want);
        await page.close();
      });
    }

    it('redraws on a filter click made once the chart has drawn and the page has gone idle', async () => {
      // the benchmark's case: every bundle a click needs is fetched only then (no idle preload)
      const page = await freshPage();
      const errors: string[] = [];
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      page.on('pageerror', (e) => void errors.push(String(e)));
      await cardsFilled(page);
      await page.waitForSelector('[data-testid=chart][data-drawn]', { timeout: 30_000 });
      await page.waitForLoadState('networkidle', { timeout: 30_000 });
      await page.click('[data-card=sources] li.row[data-value="Google"] a');
      const want = await expected({ date_range: '7d', dimensions: ['time:day'], filters: [['is', 'visit:source', ['Google']]] }, 'visitors');
      await expect.poll(() => plottedSeries(page), { timeout: 45_000, interval: 250, message: errors.join('\n') }).toEqual(want);
      expect(errors).toEqual([]);
      await page.close();
    });

    it('fetches no route data and no menu, filter, map or calendar code before an interaction', async () => {
      // Qwik's idle preload (every QRL of the page) is off, and no <Link> prefetches its q-data.json
      const page = await ctx.signedIn.newPage();
      const data: string[] = [];
      const scripts = new Set<string>();
      page.on('request', (r) => {
        if (r.url().includes('q-data.json')) data.push(r.url());
        if (r.resourceType() === 'script') scripts.add(new URL(r.url()).pathname.split('/').pop()!);
      });
      await page.goto(overview('?period=7d'));
      await cardsFilled(page);
      await page.waitForSelector('[data-testid=chart][data-drawn]', { timeout: 30_000 });
      await page.waitForLoadState('networkidle', { timeout: 30_000 });
      expect(data).toEqual([]);
      const fetched = (component: string) => bundlesOf(component).filter((b) => scripts.has(b));
      for (const c of ['RangeCalendar_component', 'CustomRange_component', 'FilterBuilder_component', 'WorldMap_component', 'Shortcuts_component']) expect(fetched(c), c).toEqual([]);
      await page.click('[data-testid=period]');
      await page.click('[data-testid=custom-period]');
      await page.waitForSelector('[data-calendar=period] [role=grid]', { timeout: 30_000 });
      expect(fetched('RangeCalendar_component').length).toBeGreaterThan(0);
      await page.close();
    });

    it('marks the current period, interval and metric, and closes the period menu', async () => {
      const page = await freshPage();
      await page.click('[data-testid=period]');
      await page.click('[data-period="30d"]');
      await page.waitForURL(/period=30d/);
      await expect.poll(() => page.evaluate(() => (document.querySelector('details.picker') as HTMLDetailsElement).open)).toBe(false);
      await expect.poll(() => page.$$eval('.picker [aria-current=true]', (els) => els.map((e) => e.getAttribute('data-period'))), { timeout: 15_000 }).toEqual(['30d']);
      await page.click('[data-interval=week]');
      await page.waitForURL(/interval=week/);
      await expect.poll(() => page.$$eval('[data-interval][aria-current=true]', (els) => els.map((e) => e.getAttribute('data-interval'))), { timeout: 15_000 }).toEqual(['week']);
      // selected means visibly selected: its background differs from the others'
      const bg = (sel: string) => page.$eval(sel, (e) => getComputedStyle(e).backgroundColor);
      expect(await bg('[data-interval=week]')).not.toBe(await bg('[data-interval=day]'));
      await page.click('[data-metric=bounce_rate]');
      await page.waitForURL(/metric=bounce_rate/);
      await expect.poll(() => page.$$eval('[data-metric][aria-current=true]', (els) => els.map((e) => e.getAttribute('data-metric'))), { timeout: 30_000 }).toEqual(['bounce_rate']);
      // aria-pressed belongs to buttons only
      expect(await page.$$eval('[aria-pressed]', (els) => els.filter((e) => e.tagName !== 'BUTTON').length)).toBe(0);
      await page.close();
    });

    it('leaves the days of this month that have not come yet undrawn, and labels months "Jan 2026"', async () => {
      const page = await freshPage('?period=month&interval=day');
      const today = new Date().toISOString().slice(0, 10); // the demo site's zone is UTC
      await expect.poll(() => plottedSeries(page), { timeout: 45_000 }).not.toBeNull();
      const { series } = (await plottedSeries(page))!;
      // the bucket dates, from the API: ApexCharts keeps only the formatted labels
      const month = (await query({ metrics: ['visitors'], date_range: 'month', dimensions: ['time:day'], include: { time_labels: true } })) as unknown as { meta: { time_labels: string[] } };
      expect(series[0]).toHaveLength(month.meta.time_labels.length);
      const drawn = month.meta.time_labels.map((l, i) => [l, series[0]![i]] as const);
      expect(drawn.filter(([l]) => l > today).every(([, v]) => v === null)).toBe(true);
      expect(drawn.filter(([l]) => l <= today).every(([, v]) => typeof v === 'number')).toBe(true);
      await page.goto(overview('?period=12mo'));
      await expect.poll(() => page.$$eval('[data-chart=main-chart] .apexcharts-xaxis-label', (els) => els.length), { timeout: 45_000 }).toBeGreaterThan(0);
      const texts = await page.$$eval('[data-chart=main-chart] .apexcharts-xaxis-label tspan', (els) => els.map((e) => e.textContent));
      for (const t of texts) expect(t).toMatch(/^[A-Z][a-z]{2} \d{4}$/);
      await page.close();
    });

    it('keeps x labels apart at phone width and formats y labels as the stats do', async () => {
      const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await ctx.signedIn.storageState() });
      const page = await context.newPage();
      await page.goto(overview('?period=30d'));
      await page.waitForSelector('[data-chart=main-chart] .apexcharts-xaxis-label', { timeout: 45_000 });
      const boxes = await page.$$eval('[data-chart=main-chart] .apexcharts-xaxis-label', (els) =>
        els.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => [r.left, r.right]),
      );
      expect(boxes.length).toBeGreaterThan(1);
      for (let i = 1; i < boxes.length; i++) expect(boxes[i]![0]!, `label ${i} starts after label ${i - 1} ends`).toBeGreaterThanOrEqual(boxes[i - 1]![1]!);
      const ylabels = await page.$$eval('[data-chart=main-chart] .apexcharts-yaxis-label tspan', (els) => els.map((e) => e.textContent ?? ''));
      // formatNumber: plain integers below 10,000 (no "1.0", no thousands commas)
      for (const t of ylabels) expect(t).toMatch(/^\d+(\.\d+)?$|^\d+(\.\d)?K$/);
      await shot(page, 'chart-phone');
      await context.close();
    });
  });
}
