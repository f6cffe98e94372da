/**
 * `GET /api/v1/sites/{site}/insights?period=7d` (DESIGN §4a, `stats:read`): what changed most
 * against the previous period and whether it is beyond normal variation (movers.ts), plus the
 * alert engine's firings in the period, each in a plain sentence with the numbers behind it.
 * Every number is a Stats API v2 query with `comparisons: previous_period` (runQuery), over the
 * top BREAKDOWN_ROWS rows of each dimension in either period: a value that was in the previous
 * period's top rows and fell out of this period's (below the top rows, or gone entirely) is a
 * mover too, with its count this period read by a filtered query (0 when it is gone).
 */
import type { IRequest } from 'itty-router';
import { requireAuth } from '../../auth/access';
import type { Env } from '../../env';
import { HttpError, jsonResponse } from '../../lib/http-error';
import { pathParam } from '../../lib/path-param';
import { siteDb } from '../../lib/site-db';
import { runQuery } from '../../query/run-query';
import type { AlertFiringRow } from '../../db/rows';
import { rankMovers, type MoverRow } from './movers';

export const BREAKDOWN_ROWS = 50;
const PERIODS = ['7d', '28d', '30d', '91d', 'month'];
const DIMENSIONS = ['visit:source', 'event:page', 'visit:country', 'visit:device', 'event:goal'];

function dateRange(url: URL): string | [string, string] {
  const date = url.searchParams.get('date');
  if (date) {
    const parts = date.split(',');
    if (parts.length !== 2) throw new HttpError(400, 'invalid_request', 'date: give two days, date=2026-11-01,2026-11-30');
    return [parts[0]!, parts[1]!];
  }
  const period = url.searchParams.get('period') ?? '7d';
  if (!PERIODS.includes(period)) throw new HttpError(400, 'invalid_request', `period: must be one of ${PERIODS.join(', ')} (or give date=from,to)`);
  return period;
}

const days = (r: [string, string]): [string, string] => [r[0].slice(0, 10), r[1].slice(0, 10)];

/** One dimension's rows: this period's top rows with their previous counts, and the previous period's top rows that are not among them. */
async function moverRows(db: D1Database, site: string, dimension: string, range: string | [string, string], previousRange: [string, string] | undefined, now: number): Promise<MoverRow[]> {
  const top = { metrics: ['visitors'], dimensions: [dimension], order_by: [['visitors', 'desc'], [dimension, 'asc']], pagination: { limit: BREAKDOWN_ROWS } };
  const current = await runQuery(db, site, { site_id: site, ...top, date_range: range, include: { comparisons: { mode: 'previous_period' } } }, now);
  const rows = current.results.map((r): MoverRow => ({ dimension, value: String(r.dimensions[0]), current: Number(r.metrics[0] ?? 0), previous: Number(r.comparison?.metrics[0] ?? 0) }));
  if (!previousRange) return rows;
  const seen = new Set(rows.map((r) => r.value));
  const before = await runQuery(db, site, { site_id: site, ...top, date_range: days(previousRange) }, now);
  const fallen = before.results.map((r) => ({ value: String(r.dimensions[0]), previous: Number(r.metrics[0] ?? 0) })).filter((r) => !seen.has(r.value));
  if (!fallen.length) return rows;
  // their counts now (below this period's top rows, or none at all)
  const stillThere = await runQuery(db, site, { site_id: site, metrics: ['visitors'], dimensions: [dimension], date_range: range, filters: [['is', dimension, fallen.map((r) => r.value)]], pagination: { limit: fallen.length } }, now);
  const counts = new Map(stillThere.results.map((r) => [String(r.dimensions[0]), Number(r.metrics[0] ?? 0)]));
  return [...rows, ...fallen.map((r): MoverRow => ({ dimension, value: r.value, current: counts.get(r.value) ?? 0, previous: r.previous }))];
}

export async function getInsights(request: IRequest, env: Env): Promise<Response> {
  const site = pathParam(request, 'site');
  await requireAuth(request, env, { site, scope: 'stats:read' });
  const db = await siteDb(env, site);
  const range = dateRange(new URL(request.url));
  const now = Date.now();
  const compare = { comparisons: { mode: 'previous_period' } };
  const totals = await runQuery(db, site, { site_id: site, metrics: ['visitors', 'pageviews'], date_range: range, include: compare }, now);
  const hasGoals = (await db.prepare('SELECT 1 FROM goals WHERE site_id = ? LIMIT 1').bind(site).first()) !== null;
  const period = totals.query.date_range as [string, string];
  const compared = totals.meta.comparison_date_range as [string, string];
  const breakdowns = await Promise.all(
    DIMENSIONS.filter((d) => d !== 'event:goal' || hasGoals).map((dimension) => moverRows(db, site, dimension, range, compared, now)),
  );
  const row = totals.results[0];
  const [visitors, pageviews] = [0, 1].map((i) => ({ current: Number(row?.metrics[i] ?? 0), previous: Number(row?.comparison?.metrics[i] ?? 0), change: row?.comparison?.change[i] ?? null }));

  // the alert engine's firings in this period (alerts/), newest first
  const { results: firings } = await db.prepare(
    `SELECT f.*, a.metric FROM alert_firings f JOIN alerts a ON a.id = f.alert_id
     WHERE f.site_id = ?1 AND f.kind = 'fire' AND f.at >= ?2 AND f.at < ?3 ORDER BY f.at DESC LIMIT 20`,
  ).bind(site, Date.parse(period[0]), Date.parse(period[1]) + 1000).all<AlertFiringRow & { metric: string }>();

  return jsonResponse({
    period: { from: period[0].slice(0, 10), to: period[1].slice(0, 10) },
    compared_to: compared ? { from: compared[0].slice(0, 10), to: compared[1].slice(0, 10) } : null,
    summary: {
      visitors, pageviews,
      sentence: `${visitors.current} visitors and ${pageviews.current} pageviews, against ${visitors.previous} and ${pageviews.previous} the period before${visitors.change === null ? '' : ` (${visitors.change > 0 ? '+' : ''}${visitors.change}% visitors)`}.`,
    },
    movers: rankMovers(breakdowns.flat()),
    anomalies: firings.map((f) => ({
      alert_id: f.alert_id, metric: f.metric, period: f.period, observed: f.observed, expected: f.expected, score: f.score, at: new Date(f.at).toISOString(),
      sentence: f.expected === null
        ? `${f.metric} crossed its alert threshold: ${f.observed} in ${f.period}.`
        : `${f.metric} was ${f.observed > f.expected ? 'unusually high' : 'unusually low'} in ${f.period}: ${f.observed} where ${f.expected} is normal (score ${f.score}).`,
    })),
  }, 200, { 'cache-control': 'private, max-age=60' });
}
