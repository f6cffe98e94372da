import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { Fixture, type Step } from '../../../test/helpers/query-fixtures';
import { call, makeKey, makeSite, ok } from '../../../test/helpers/api';
import { refreshRollups } from '../../rollups/refresh';
import { runQuery } from '../../query/run-query';
import { QueryDb } from '../../query/db';
import { loadSite, parseReportRequest } from '../report-request';
import { runVitalsReport, type VitalsOptions } from './report';
import { RowAcc } from './shape';

const SITE = 'vitals-report.test';
const NOW = Date.parse('2024-03-05T18:00:00Z');
const RANGE = 'date=2024-03-04,2024-03-05';

const vitals = (path: string, values: Record<string, number>): Step[] => [
  { path },
  ...Object.entries(values).map(([metric, value]) => ({ name: 'web-vital', path, interactive: false, props: { metric, value: String(value), rating: 'ignored' } })),
];

/**
 * Four page views, hand-computed below (p75 by nearest rank: rank ceil(0.75 n)):
 *   A 03-04 Desktop Chrome DE /pricing  LCP 2000 CLS 0.05 INP 150 FCP 1000 TTFB 300 FP 900 DOM 2500
 *   B 03-04 Mobile Safari US /pricing   LCP 5000 CLS 0.3  INP 600
 *   C 03-04 Mobile Chrome DE /          LCP 3000 CLS 0.12
 *   D 03-05 Desktop Firefox (no country) /  LCP 2600 INP 250
 * B and C arrive (inserted_at) after the first refresh, D after the second: the histograms are
 * then kept incrementally.
 */
function build(site: string, inserted: [number, number, number]): Fixture {
  return new Fixture(site, 'UTC')
    .visit({ visitor: 1, at: '2024-03-04T10:00:00Z', device: 'Desktop', browser: 'Chrome', country: 'DE' }, vitals('/pricing', { LCP: 2000, CLS: 0.05, INP: 150, FCP: 1000, TTFB: 300, FP: 900, DOM: 2500 }), inserted[0])
    .visit({ visitor: 2, at: '2024-03-04T11:00:00Z', device: 'Mobile', browser: 'Safari', country: 'US' }, vitals('/pricing', { LCP: 5000, CLS: 0.3, INP: 600 }), inserted[1])
    .visit({ visitor: 3, at: '2024-03-04T12:00:00Z', device: 'Mobile', browser: 'Chrome', country: 'DE' }, vitals('/', { LCP: 3000, CLS: 0.12 }), inserted[1])
    .visit({ visitor: 4, at: '2024-03-05T09:00:00Z', device: 'Desktop', browser: 'Firefox', country: null }, vitals('/', { LCP: 2600, INP: 250 }), inserted[2]);
}

async function report(opts: Partial<VitalsOptions> & { query?: string } = {}, site = SITE) {
  const db = new QueryDb(env.DB);
  const req = parseReportRequest(new URL(`https://x/?${RANGE}&${opts.query ?? ''}`), await loadSite(db, site), NOW);
  return runVitalsReport(db, req, { dimension: null, limit: 100, timeseries: false, ...opts });
}

const T1 = NOW - 3 * 3_600_000;
const T2 = T1 + 10 * 60_000;
const T3 = T2 + 10 * 60_000;

beforeAll(async () => {
  const f = build(SITE, [T1, T2, T3]);
  await f.insert(env.DB);
  // three runs: the first rebuilds both days (only A had arrived), the others apply deltas
  await env.DB.prepare('DELETE FROM events WHERE site_id = ?1 AND inserted_at > ?2').bind(SITE, T1).run();
  await refreshRollups(env, T1 + 120_000, undefined, undefined, [SITE]);
  await f.write(env.DB); // the consumer is idempotent on ids: A is not written twice
  await refreshRollups(env, T2 + 120_000, undefined, undefined, [SITE]);
  await refreshRollups(env, T3 + 120_000, undefined, undefined, [SITE]);
});

describe('vitals report, exact (raw samples)', () => {
  it('gives p75 by nearest rank and the threshold shares of the site', async () => {
    const r = await report();
    expect(r.meta).toMatchObject({ method: 'exact', error_bound: 0, date_range: ['2024-03-04', '2024-03-05'] });
    // LCP [2000, 2600, 3000, 5000]: rank 3 → 3000; good 2000; needs improvement 2600, 3000; poor 5000
    expect(r.totals.LCP).toEqual({ p75: 3000, samples: 4, good: 25, needs_improvement: 50, poor: 25 });
    // CLS [0.05, 0.12, 0.3]: rank 3 → 0.3; one in each band: 33.3 %
    expect(r.totals.CLS).toEqual({ p75: 0.3, samples: 3, good: 33.3, needs_improvement: 33.3, poor: 33.3 });
    // INP [150, 250, 600] → 600; 150 good, 250 needs improvement, 600 poor
    expect(r.totals.INP).toEqual({ p75: 600, samples: 3, good: 33.3, needs_improvement: 33.3, poor: 33.3 });
    expect(r.totals.FCP).toEqual({ p75: 1000, samples: 1, good: 100, needs_improvement: 0, poor: 0 });
    expect(r.totals.page_load).toEqual({ ttfb: 300, first_paint: 900, dom_complete: 2500 });
    expect(r.totals.samples).toBe(4);
  });

  it('reads the raw samples for a site counted before vitals_daily existed (reports_preagg = 0)', async () => {
    // the histograms would answer (no exact read allowed), but this site's do not hold its history
    expect((await report({ exactMaxSamples: 0 })).meta.method).toBe('histogram');
    await env.DB.prepare('UPDATE rollup_state SET reports_preagg = 0 WHERE site_id = ?').bind(SITE).run();
    try {
      const r = await report({ exactMaxSamples: 0 });
      expect([r.meta.method, r.totals.LCP.p75, r.totals.LCP.samples]).toEqual(['exact', 3000, 4]);
      await expect(report({ exactMaxSamples: 0, maxRawRows: 3 })).rejects.toMatchObject({ status: 400, code: 'query_too_large' });
    } finally {
      await env.DB.prepare('UPDATE rollup_state SET reports_preagg = 1 WHERE site_id = ?').bind(SITE).run();
    }
  });

  it('breaks down by page, device, browser and country', async () => {
    const byPage = await report({ dimension: 'event:page' });
    // /pricing LCP [2000, 5000] → rank 2 → 5000; / [2600, 3000] → 3000, both needing improvement
    // rows by measurements, all metrics: /pricing 10, / 4
    expect(byPage.results.map((r) => [r.dimension, r.samples, r.LCP.p75, r.LCP.good, r.LCP.needs_improvement, r.LCP.poor])).toEqual([
      ['/pricing', 2, 5000, 50, 0, 50],
      ['/', 2, 3000, 0, 100, 0],
    ]);
    expect((await report({ dimension: 'event:page', limit: 1 })).results.map((r) => r.dimension)).toEqual(['/pricing']);
    const byDevice = await report({ dimension: 'visit:device' });
    expect(byDevice.results.map((r) => [r.dimension, r.LCP.p75, r.INP.p75])).toEqual([['Desktop', 2600, 250], ['Mobile', 5000, 600]]);
    const byCountry = await report({ dimension: 'visit:country' });
    expect(byCountry.results.map((r) => [r.dimension, r.LCP.p75])).toEqual([['DE', 3000], ['US', 5000], ['(not set)', 2600]]);
    const byBrowser = await report({ dimension: 'visit:browser' });
    // Chrome 7 + 2 measurements, Safari 3, Firefox 2
    expect(byBrowser.results.map((r) => [r.dimension, r.samples])).toEqual([['Chrome', 2], ['Safari', 1], ['Firefox', 1]]);
  });

  it('gives daily p75 with include=timeseries', async () => {
    const r = await report({ timeseries: true });
    // 03-04 LCP [2000, 3000, 5000] → rank 3 → 5000; 03-05 [2600]
    expect(r.timeseries).toEqual([
      { date: '2024-03-04', LCP: 5000, INP: 600, CLS: 0.3, FCP: 1000, TTFB: 300 },
      { date: '2024-03-05', LCP: 2600, INP: 250, CLS: null, FCP: null, TTFB: null },
    ]);
  });

  it('applies filters on visit dimensions to the raw samples', async () => {
    const r = await report({ query: `filters=${encodeURIComponent(JSON.stringify([['is', 'visit:device', ['Mobile']]]))}` });
    expect(r.totals.LCP).toEqual({ p75: 5000, samples: 2, good: 0, needs_improvement: 50, poor: 50 });
  });

  it('agrees with the Stats API p75 metrics', async () => {
    const q = await runQuery(env.DB, SITE, { site_id: SITE, metrics: ['lcp_p75', 'inp_p75', 'cls_p75', 'fcp_p75', 'ttfb_p75'], date_range: ['2024-03-04', '2024-03-05'] }, NOW);
    const r = await report();
    expect(q.results[0]!.metrics).toEqual([r.totals.LCP.p75, r.totals.INP.p75, r.totals.CLS.p75, r.totals.FCP.p75, r.totals.TTFB.p75]);
  });
});

describe('vitals report from the daily histograms', () => {
  it('holds every sample after incremental runs: exact counts and shares, p75 within the stated bound', async () => {
    const r = await report({ exactMaxSamples: -1, dimension: 'event:page', timeseries: true });
    expect(r.meta).toMatchObject({ method: 'histogram', error_bound: 0.025 });
    // the p75 sample's bucket midpoint: 3000 lies in bucket 165 = [1.05^164, 1.05^165) = [2962, 3110), midpoint 1.05^164.5 = 3059
    expect(r.totals.LCP).toEqual({ p75: 3059, samples: 4, good: 25, needs_improvement: 50, poor: 25 });
    // 0.3 → 0.3059 (bucket 165 of 0.0001 units); 600 → 611 (bucket 132)
    expect(r.totals.CLS).toEqual({ p75: 0.3059, samples: 3, good: 33.3, needs_improvement: 33.3, poor: 33.3 });
    expect(r.totals.INP.p75).toBe(611);
    expect(r.totals.page_load).toEqual({ ttfb: 294, first_paint: 903, dom_complete: 2517 });
    expect(r.results.map((x) => [x.dimension, x.samples, x.LCP.p75])).toEqual([['/pricing', 2, 4983], ['/', 2, 3059]]);
    expect(r.timeseries!.map((d) => [d.date, d.LCP])).toEqual([['2024-03-04', 4983], ['2024-03-05', 2643]]);
    // limit keeps the values with the most samples: /pricing has 10 (A 7 + B 3), / has 4
    expect((await report({ exactMaxSamples: -1, dimension: 'event:page', limit: 1 })).results.map((x) => x.dimension)).toEqual(['/pricing']);
    for (const [exact, approx] of [[3000, 3059], [5000, 4983], [2600, 2643], [600, 611]]) expect(Math.abs(approx! - exact!) / exact!).toBeLessThanOrEqual(0.0247);
  });

  it('reads a stored histogram from its text exactly as from its parsed JSON', async () => {
    const stored = await env.DB.prepare("SELECT hist FROM vitals_daily WHERE site_id = ?1 AND dim = ''").bind(SITE).all<{ hist: string }>();
    expect(stored.results.length).toBe(2);
    const fromText = new RowAcc();
    const fromJson = new RowAcc();
    for (const { hist } of stored.results) {
      fromText.addHistogramText(hist);
      fromJson.addHistogram(JSON.parse(hist) as Record<string, number>);
    }
    expect(fromText.answer()).toEqual(fromJson.answer());
    // hand-written: LCP buckets 165 ×3 and 170 ×1 (rank ceil(0.75 × 4) = 3 lies in 165 → 3059),
    // ratings 1 good / 3 poor, an unknown metric skipped; whitespace and escapes take JSON.parse
    for (const text of ['{"LCP:165":3,"LCP:170":1,"LCP:g":1,"LCP:p":3,"XYZ:4":9}', '{ "LCP:165": 3, "LCP:170": 1, "LCP:g": 1, "LCP:p": 3 }', '{"LCP:165":3,"LCP:170":1,"LCP:\\u0067":1,"LCP:p":3}']) {
      const acc = new RowAcc();
      acc.addHistogramText(text);
      expect(acc.answer().LCP, text).toEqual({ p75: 3059, samples: 4, good: 25, needs_improvement: 0, poor: 75 });
    }
  });

  it('falls back to the histograms when the exact read would scan more events than its bound, and refuses a filtered read past its own', async () => {
    // 4 pageviews + 14 web-vital events (7 + 3 + 2 + 2) in the range: a bound of 17 is exceeded
    expect((await report({ rawScanLimit: 17 })).meta.method).toBe('histogram');
    expect((await report({ rawScanLimit: 18 })).meta.method).toBe('exact');
    const filtered = report({ maxRawRows: 17, query: `filters=${encodeURIComponent(JSON.stringify([['is', 'visit:device', ['Mobile']]]))}` });
    await expect(filtered).rejects.toMatchObject({ status: 400, code: 'query_too_large' });
  });

  it('incremental histograms equal a rebuild from scratch', async () => {
    const rows = () => env.DB.prepare('SELECT dim, day, val, hist, samples FROM vitals_daily WHERE site_id = ?1 ORDER BY dim, day, val').bind(SITE).all<{ hist: string }>();
    const norm = (rs: { hist: string }[]) => rs.map((r) => ({ ...r, hist: Object.fromEntries(Object.entries(JSON.parse(r.hist) as object).sort()) }));
    const incremental = norm((await rows()).results);
    expect(incremental.length).toBeGreaterThan(10);
    await env.DB.prepare('DELETE FROM rollup_state WHERE site_id = ?1').bind(SITE).run();
    await env.DB.prepare("INSERT INTO arrivals (site_id, minute, side, bucket) SELECT site_id, inserted_at / 60000, 'e', ts / 900000 FROM events WHERE site_id = ?1 ON CONFLICT DO NOTHING").bind(SITE).run();
    await refreshRollups(env, NOW + 86_400_000 * 3, undefined, undefined, [SITE]);
    expect(norm((await rows()).results)).toEqual(incremental);
  });
});

describe('GET /api/v1/sites/{site}/vitals', () => {
  let site: string;
  let token: string;
  beforeAll(async () => {
    site = await makeSite();
    await build(site, [T1, T1, T1]).write(env.DB);
    token = (await makeKey([site], 'stats:read')).token;
  });

  it('answers the report with a stats:read key', async () => {
    const body = await ok<{ results: { dimension: string; LCP: { p75: number } }[]; totals: { LCP: { p75: number } } }>(call(`/api/v1/sites/${site}/vitals?${RANGE}&dimension=visit:device`, { token }));
    expect(body.totals.LCP.p75).toBe(3000);
    expect(body.results.map((r) => [r.dimension, r.LCP.p75])).toEqual([['Desktop', 2600], ['Mobile', 5000]]);
  });

  it('answers 400 naming the bad part, 401 without a key', async () => {
    const bad = async (query: string, pattern: RegExp) => {
      const res = await call(`/api/v1/sites/${site}/vitals?${query}`, { token });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(pattern);
    };
    await bad(`${RANGE}&dimension=visit:os`, /dimension must be one of/);
    await bad('date=2024-03-04', /two dates|date/);
    await bad(`${RANGE}&filters=not-json`, /filters must be/);
    await bad(`${RANGE}&filters=${encodeURIComponent('[["matches","visit:device",["M.*"]]]')}`, /is, is_not/);
    await bad(`${RANGE}&filters=${encodeURIComponent('[["is","event:goal",["Signup"]]]')}`, /cannot filter on event:goal/);
    await bad(`${RANGE}&limit=0`, /limit/);
    await bad(`${RANGE}&include=funnels`, /include/);
    expect((await call(`/api/v1/sites/${site}/vitals?${RANGE}`)).status).toBe(401);
  });
});
