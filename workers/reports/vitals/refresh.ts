/**
 * Keeps `vitals_daily` current, beside the rollups and inside the same refresh run
 * (workers/rollups/refresh.ts): for the incremental days, the web-vital events inserted since the
 * last watermark are added to the day's histograms; a rebuilt day is counted from scratch. Both
 * run in the run's guarded batches, so a histogram counts each event exactly once.
 *
 * Rows written: one upsert per (day, dimension value) whose histogram a window changed, five
 * dimensions per event (site total, page, device, browser, country). Popular rows change in every
 * window, rare pages once, so at 10M events a month it is well under one row per event
 * (`npm run bench:query` prints it).
 */
import type { Statement } from '../../query/db';
import { Params, timeSql } from '../../query/sql';
import { offsetSegments } from '../../lib/timezone';
import { deleteDay, dimensionRows } from '../preagg-sql';
import { BUCKET_RATIO, MAX_VALUE, METRICS, THRESHOLDS, UNIT, type VitalMetric } from './histogram';

/** The dimensions kept, with their column on `events` (a country may be unknown). */
export const VITAL_DIMENSIONS = {
  '': "''",
  'event:page': 'x.pathname',
  'visit:device': 'x.device',
  'visit:browser': 'x.browser',
  'visit:country': "coalesce(x.country, '(not set)')",
} as const;
export type VitalDimension = keyof typeof VITAL_DIMENSIONS;

export interface VitalsSpan {
  site: string;
  tz: string;
  /** ts range read: [from, to) */
  from: number;
  to: number;
  /** events inserted in (after, upTo] are counted */
  after: number;
  upTo: number;
}

const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toString());

function unitSql(): string {
  return `CASE x.metric ${METRICS.map((m) => `WHEN '${m}' THEN ${num(UNIT[m])}`).join(' ')} END`;
}

function ratingSql(): string {
  const arms = Object.entries(THRESHOLDS).map(([m, [good, poor]]) => `WHEN '${m}' THEN CASE WHEN x.v <= ${num(good)} THEN 'g' WHEN x.v <= ${num(poor)} THEN 'n' ELSE 'p' END`);
  return `CASE x.metric ${arms.join(' ')} END`;
}

function maxSql(): string {
  return `CASE x.metric ${METRICS.map((m) => `WHEN '${m}' THEN ${num(MAX_VALUE[m as VitalMetric])}`).join(' ')} END`;
}

/**
 * One upsert adding the span's web-vital events to their days' histograms: every event becomes
 * a bucket key and (for the Core Web Vitals) a rating key under each dimension, counted per
 * (dimension, day, value), and an existing row's keys are summed with the new ones.
 */
export function vitalsUpsert(span: VitalsSpan): Statement {
  const p = new Params();
  const ctx = { params: p, segments: offsetSegments(span.from, span.to, span.tz), firstDay: '' };
  const metrics = `(${METRICS.map((m) => `'${m}'`).join(', ')})`;
  const { table: dims, value: val } = dimensionRows(VITAL_DIMENSIONS);
  const bucket = `CASE WHEN x.v / ${unitSql()} < 1 THEN 0 ELSE 1 + CAST(floor(ln(x.v / ${unitSql()}) / ln(${BUCKET_RATIO})) AS INTEGER) END`;
  const samples = `SELECT ${timeSql('time:day', 'e.ts', ctx)} AS day, json_extract(e.props, '$.metric') AS metric,`
    + ` CAST(json_extract(e.props, '$.value') AS REAL) AS v, e.pathname, e.device, e.browser, e.country`
    + ` FROM events e WHERE e.site_id = ${p.bind(span.site)} AND e.ts >= ${p.bind(span.from)} AND e.ts < ${p.bind(span.to)}`
    + ` AND e.name = 'web-vital' AND e.inserted_at > ${p.bind(span.after)} AND e.inserted_at <= ${p.bind(span.upTo)}`;
  const keys = `SELECT t.dim AS dim, x.day AS day, ${val} AS val, x.metric || ':' || CASE k.kind WHEN 0 THEN ${bucket} ELSE ${ratingSql()} END AS key, count(*) AS c`
    + ` FROM (${samples}) x, (${dims}) t, (SELECT 0 AS kind UNION ALL SELECT 1) k`
    + ` WHERE x.metric IN ${metrics} AND x.v >= 0 AND x.v <= ${maxSql()} AND (k.kind = 0 OR x.metric IN ('LCP', 'INP', 'CLS', 'FCP', 'TTFB'))`
    + ' GROUP BY 1, 2, 3, 4';
  const site = p.bind(span.site);
  return {
    // samples: the bucket keys' counts (rating keys count the same samples again)
    sql: `INSERT INTO vitals_daily (site_id, dim, day, val, hist, samples) SELECT ${site}, dim, day, val, json_group_object(key, c),`
      + ` sum(CASE WHEN substr(key, -2) IN (':g', ':n', ':p') THEN 0 ELSE c END) FROM (${keys}) GROUP BY dim, day, val`
      + ' ON CONFLICT (site_id, dim, day, val) DO UPDATE SET samples = samples + excluded.samples, hist = (SELECT json_group_object(key, n) FROM'
      + ' (SELECT key, sum(value) AS n FROM (SELECT key, value FROM json_each(vitals_daily.hist) UNION ALL SELECT key, value FROM json_each(excluded.hist)) GROUP BY key))',
    params: p.values,
  };
}

/** A rebuilt day: its histograms deleted, then counted again from every event inserted up to `upTo`. */
export function vitalsRebuildStatements(site: string, tz: string, day: string, from: number, to: number, upTo: number): Statement[] {
  return [
    deleteDay('vitals_daily', VITAL_DIMENSIONS, site, day),
    vitalsUpsert({ site, tz, from, to, after: -1, upTo }),
  ];
}
