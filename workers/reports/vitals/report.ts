/**
 * The vitals report (DESIGN §4a): parse (report-request.ts) → plan → read → shape (shape.ts).
 *
 * Plan: without filters, the daily histograms (`vitals_daily`, one row per day and value) answer;
 * when they hold few samples (≤ EXACT_MAX_SAMPLES over the range) the raw events are read
 * instead, so small sites get exact percentiles — through a scan bounded to `rawScanLimit` events,
 * falling back to the histograms when the range holds more. Filters need the raw events (a
 * histogram has no visit attributes), bounded by `maxRawRows`: past it, a 400 naming the fix.
 * The raw answer is fresh; the histograms trail by one cron run (5 minutes), like the rollups.
 */
import { HttpError } from '../../lib/http-error';
import type { QueryDb, Statement } from '../../query/db';
import { Params, timeSql } from '../../query/sql';
import { eachDay, offsetSegments } from '../../lib/timezone';
import { eventFiltersSql, type ReportRequest } from '../report-request';
import { preaggCoversSite, UNCOVERED_HINT } from '../preagg-coverage';
import { HISTOGRAM_ERROR, MAX_VALUE, METRICS, VITALS, type VitalMetric } from './histogram';
import { VITAL_DIMENSIONS, type VitalDimension } from './refresh';
import { RowAcc } from './shape';
import type { VitalsReport } from '../../../contract/reports';

export const REPORT_DIMENSIONS = Object.keys(VITAL_DIMENSIONS).filter((d) => d !== '') as Exclude<VitalDimension, ''>[];

export interface VitalsOptions {
  dimension: Exclude<VitalDimension, ''> | null;
  limit: number;
  timeseries: boolean;
  /** histogram samples up to which the raw events are read for exact percentiles */
  exactMaxSamples?: number;
  /** events an exact read may scan before the histograms answer instead */
  rawScanLimit?: number;
  /** events a filtered read may scan (filters have no histogram) */
  maxRawRows?: number;
}

export const EXACT_MAX_SAMPLES = 20_000;
export const RAW_SCAN_LIMIT = 50_000;
export const MAX_RAW_ROWS = 1_000_000;

/** A row key, a day and one sample or one histogram, as both reads produce them. */
interface Gathered {
  rows: Map<string, RowAcc>;
  total: RowAcc;
  days: Map<string, RowAcc>;
}

function gathered(): Gathered {
  return { rows: new Map(), total: new RowAcc(), days: new Map() };
}

const rowOf = (map: Map<string, RowAcc>, key: string) => map.get(key) ?? map.set(key, new RowAcc()).get(key)!;

export async function runVitalsReport(db: QueryDb, req: ReportRequest, opts: VitalsOptions): Promise<VitalsReport> {
  const startRead = db.rowsRead;
  let g: Gathered | null = null;
  let method: 'exact' | 'histogram' = 'exact';
  const covered = req.filters.length ? true : await preaggCoversSite(db, req.site.id);
  if (req.filters.length || !covered) {
    g = await readRaw(db, req, opts, opts.maxRawRows ?? MAX_RAW_ROWS);
    if (!g && !covered) throw new HttpError(400, 'query_too_large', `the range holds more than ${opts.maxRawRows ?? MAX_RAW_ROWS} events and ${UNCOVERED_HINT}`);
    if (!g) throw new HttpError(400, 'query_too_large', `the filtered range holds more than ${opts.maxRawRows ?? MAX_RAW_ROWS} events: narrow the period or drop the filters (unfiltered reports read pre-aggregated histograms)`);
  } else {
    const hist = await readHistograms(db, req, opts);
    const samples = Math.max(0, ...METRICS.map((m) => hist.total.samples(m)));
    if (samples <= (opts.exactMaxSamples ?? EXACT_MAX_SAMPLES)) g = await readRaw(db, req, opts, opts.rawScanLimit ?? RAW_SCAN_LIMIT);
    if (!g) {
      g = hist;
      method = 'histogram';
    }
  }
  // most measurements first (all metrics: what the histograms' top-rows read orders by)
  const results = [...g.rows.entries()]
    .sort(([ka, a], [kb, b]) => b.measurements() - a.measurements() || (ka < kb ? -1 : 1))
    .slice(0, opts.limit)
    .map(([key, acc]) => acc.answer(key));
  const report: VitalsReport = {
    results: opts.dimension ? results : [],
    totals: g.total.answer(),
    meta: { dimension: opts.dimension, date_range: req.dateRange, method, error_bound: method === 'exact' ? 0 : Math.round(HISTOGRAM_ERROR * 1000) / 1000, rows_read: 0 },
  };
  if (opts.timeseries) {
    report.timeseries = [...g.days.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, acc]) => ({
      date, LCP: acc.p75('LCP'), INP: acc.p75('INP'), CLS: acc.p75('CLS'), FCP: acc.p75('FCP'), TTFB: acc.p75('TTFB'),
    }));
  }
  report.meta.rows_read = db.rowsRead - startRead;
  return report;
}

/**
 * The range's histograms: the site total's day rows (one per day), and for a breakdown the day
 * rows of its top `limit` values by samples (a column, so `hist` is read only for the values
 * shown). Those rows are read by key, the range's days × the top values (a range scan with
 * `val IN (…)` would step over every value's row of each day), and merged here from their text
 * (`RowAcc.addHistogramText`): `json_each` in SQL would count every JSON key as a row read.
 */
async function readHistograms(db: QueryDb, req: ReportRequest, opts: VitalsOptions): Promise<Gathered> {
  const g = gathered();
  const span = [req.site.id, req.range.firstDay, req.range.lastDay];
  const range = 'site_id = ?1 AND dim = ?4 AND day >= ?2 AND day <= ?3';
  const stmts: Statement[] = [{ sql: `SELECT day, val, hist FROM vitals_daily WHERE ${range}`, params: [...span, ''] }];
  if (opts.dimension) {
    const top = `SELECT val FROM vitals_daily WHERE ${range} GROUP BY val ORDER BY sum(samples) DESC, val LIMIT ?5`;
    const days = JSON.stringify(eachDay(req.range.firstDay, req.range.lastDay));
    stmts.push({
      sql: `SELECT day, val, hist FROM vitals_daily WHERE site_id = ?1 AND dim = ?4 AND day IN (SELECT value FROM json_each(?6)) AND val IN (${top})`,
      params: [...span, opts.dimension, opts.limit, days],
    });
  }
  const [days, rows] = await db.batch<{ day: string; val: string; hist: string }>(stmts);
  for (const r of days!) {
    g.total.addHistogramText(r.hist);
    rowOf(g.days, r.day).addHistogramText(r.hist);
  }
  for (const r of rows ?? []) rowOf(g.rows, r.val).addHistogramText(r.hist);
  return g;
}

/**
 * The range's web-vital events, scanning at most `limit` events of the site (null past it). The
 * scan is a LIMIT inside the key range, so a large site costs at most `limit` rows read here.
 */
async function readRaw(db: QueryDb, req: ReportRequest, opts: VitalsOptions, limit: number): Promise<Gathered | null> {
  const { site, range } = req;
  const p = new Params();
  const ctx = { params: p, segments: offsetSegments(range.from, range.to, site.timezone), firstDay: range.firstDay };
  const scan = `SELECT * FROM events WHERE site_id = ${p.bind(site.id)} AND ts >= ${p.bind(range.from)} AND ts < ${p.bind(range.to)} LIMIT ${p.bind(limit + 1)}`;
  const dim = opts.dimension ? VITAL_DIMENSIONS[opts.dimension].replaceAll('x.', 'e.') : "''";
  const where = `e.name = 'web-vital' AND (${eventFiltersSql(req.filters, p, site.id, range, site.timezone)})`;
  const [count, rows] = await db.batch<{ n: number } & { d: string; day: string; metric: string; v: number }>([
    { sql: `SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE site_id = ?1 AND ts >= ?2 AND ts < ?3 LIMIT ?4)`, params: [site.id, range.from, range.to, limit + 1] },
    {
      sql: `SELECT ${dim} AS d, ${timeSql('time:day', 'e.ts', ctx)} AS day, json_extract(e.props, '$.metric') AS metric, CAST(json_extract(e.props, '$.value') AS REAL) AS v`
        + ` FROM (${scan}) e WHERE ${where}`,
      params: p.values,
    },
  ]);
  if (count![0]!.n > limit) return null;
  const g = gathered();
  for (const r of rows!) {
    const metric = r.metric as VitalMetric;
    if (!(METRICS as readonly string[]).includes(metric) || typeof r.v !== 'number' || !(r.v >= 0 && r.v <= MAX_VALUE[metric])) continue;
    g.total.addValue(metric, r.v);
    if ((VITALS as readonly string[]).includes(metric)) rowOf(g.days, r.day).addValue(metric, r.v);
    if (opts.dimension) rowOf(g.rows, String(r.d)).addValue(metric, r.v);
  }
  return g;
}
