/**
 * Journeys (DESIGN §4a): the most common page paths through sessions, from the entry page or from
 * the first view of `start`, and the page-to-page transitions a Sankey draws. Sessions are those
 * whose first pageview falls in the range (their pageviews up to a day past its end are read, so
 * a session across the range's end is not cut into a false exit), filtered by visit filters.
 *
 * Two plans, one answer (`meta.plan`). From the entry page without filters, once the refresh
 * has built every day of the range: `journey_daily`'s settled sessions (preagg-read.ts, exact
 * top-k by the threshold algorithm) and the last half hour's sessions, read raw (`readTail`). As
 * the other pre-aggregates, it trails the raw rows by what the refresh has not counted yet (a
 * late event for an older session). A start page or visit filters: the raw pageviews, bounded
 * like the other reports (workers/reports/README.md).
 */
import type { JourneysReport } from '../../../contract/reports';
import { HttpError } from '../../lib/http-error';
import { DAY_MS } from '../../lib/timezone';
import { echoDateRange } from '../../query/date-range';
import type { QueryDb } from '../../query/db';
import { filtersSql, type FilterContext } from '../../query/filters';
import { guardRawEvents, loadSite, MAX_REPORT_RAW_ROWS, parseVisitFilters, reportContext, resolveReportRange } from '../params';
import { countJourneys, sessionsOf, type PageviewRow, type SessionPages } from './paths';
import { preaggregatedJourneys, type TailRows } from './preagg-read';
import { dayRows, MAX_STEPS, TOTAL_LIST } from './preagg-rows';
import { settledBefore } from './preagg-write';
import { coverRange, spanId, type Period } from './spans';

export { MAX_STEPS };
export const MAX_LIMIT = 100;
/** transitions listed per position: a Sankey of more is unreadable and the answer unbounded */
export const MAX_TRANSITIONS_PER_STEP = 50;

export interface JourneysRequest {
  start: string | null;
  steps: number;
  limit: number;
  dateRange: unknown;
  filters: unknown;
}

export type JourneysPlan = 'raw' | 'pre-aggregated';

export async function runJourneys(db: QueryDb, siteId: string, req: JourneysRequest, now: number, options: { maxRawRows?: number; plan?: JourneysPlan } = {}): Promise<JourneysReport> {
  const site = await loadSite(db, siteId);
  const visitFilters = parseVisitFilters(req.filters);
  const range = await resolveReportRange(db, site, req.dateRange, now);
  const meta = { date_range: echoDateRange(range, site.timezone), start: req.start, steps: req.steps };
  // from the entry page without filters: the pre-aggregate, once it holds every day of the range
  const canPreaggregate = req.start === null && visitFilters.length === 0 && range.wholeDays;
  const coverage = canPreaggregate || options.plan === 'pre-aggregated' ? await journeysCoverage(db, siteId, range.firstDay, range.lastDay) : null;
  const plan = options.plan ?? (coverage?.covered ? 'pre-aggregated' : 'raw');
  if (plan === 'pre-aggregated') {
    if (!canPreaggregate || !coverage) throw new HttpError(400, 'invalid_query', 'journeys: the pre-aggregated plan answers from the entry page without filters only');
    const tail = await readTail(db, siteId, site.timezone, settledBefore(coverage.watermark), range.from, range.to);
    const periods = coverRange(range.firstDay, range.lastDay, coverage.spans);
    const j = await preaggregatedJourneys(db, siteId, periods, req.steps, req.limit, MAX_TRANSITIONS_PER_STEP, tail);
    return { paths: j.paths, transitions: j.transitions, meta: { ...meta, sessions: j.sessions, plan } };
  }
  await guardRawEvents(db, siteId, range, options.maxRawRows ?? MAX_REPORT_RAW_ROWS);
  const { ctx: dim, filters } = await reportContext(db, site, range, visitFilters);
  const ctx: FilterContext = { ...dim, site: siteId, from: range.from, to: range.to, goals: [] };
  const p = ctx.params;
  const scan = `e.site_id = ${p.bind(siteId)} AND e.ts >= ${p.bind(range.from - DAY_MS)} AND e.ts < ${p.bind(range.to + DAY_MS)} AND e.name = ${p.bind('pageview')}`;
  // with a start page, only sessions that viewed it are read
  const withStart = req.start === null ? '' : ` AND e.session_id IN (SELECT e.session_id FROM events e WHERE ${scan} AND e.pathname = ${p.bind(req.start)})`;
  const sql = `SELECT e.session_id AS s, e.visitor_id AS v, e.identified AS i, e.pathname AS page, e.ts AS t FROM events e`
    + ` WHERE ${scan} AND ${filtersSql(filters, 'e', ctx)}${withStart} ORDER BY e.session_id, e.ts, e.id`;
  const rows = await db.all<PageviewRow>(sql, p.values);
  const journeys = countJourneys(sessionsOf(rows, range.from, range.to, site.timezone), req.start, req.steps, req.limit, MAX_TRANSITIONS_PER_STEP);
  return { paths: journeys.paths, transitions: journeys.transitions, meta: { ...meta, sessions: journeys.sessions, plan } };
}

/**
 * Whether `journey_daily` holds every day of the range: the refresh has nothing pending and each
 * day the rollups hold has its journeys' total row (days counted before the table existed have
 * none, so such a range stays raw); the refresh's watermark (which sessions are settled); and
 * the spans built within the range. A few rows read: a day each, a span each.
 */
async function journeysCoverage(db: QueryDb, site: string, firstDay: string, lastDay: string): Promise<{ covered: boolean; watermark: number; spans: Set<string> }> {
  const [state, spans] = await db.batch<{ pending: string | null; watermark: number | null; missing: number } & Period>([
    {
      sql: 'SELECT (SELECT pending FROM rollup_state WHERE site_id = ?1 AND watermark >= 0) AS pending, (SELECT watermark FROM rollup_state WHERE site_id = ?1) AS watermark,'
        + " (SELECT count(*) FROM rollup_daily r WHERE r.site_id = ?1 AND r.dim = '' AND r.dim2 = '' AND r.day >= ?2 AND r.day <= ?3 AND r.val = '' AND r.val2 = ''"
        + ` AND NOT EXISTS (SELECT 1 FROM journey_daily j WHERE j.site_id = ?1 AND j.day = r.day AND j.list = '${TOTAL_LIST}' AND j.key = '')) AS missing`,
      params: [site, firstDay, lastDay],
    },
    { sql: 'SELECT start, days FROM journey_spans WHERE site_id = ?1 AND start >= ?2 AND start <= ?3', params: [site, firstDay, lastDay] },
  ]);
  const r = state![0];
  return { covered: r?.pending === '[]' && r.missing === 0, watermark: r?.watermark ?? -1, spans: new Set(spans!.map(spanId)) };
}

/**
 * The sessions `journey_daily` does not hold yet, those started at or after `settled` (found by
 * the start index: a half hour's), whose first pageview is in [from, to), as rows per day.
 * All their events are at or after `settled`, so only that stretch of events is read.
 */
async function readTail(db: QueryDb, site: string, tz: string, settled: number, from: number, to: number): Promise<TailRows> {
  if (settled >= to) return new Map();
  const rows = await db.all<PageviewRow>(
    'SELECT e.session_id AS s, e.visitor_id AS v, e.identified AS i, e.pathname AS page, e.ts AS t FROM events e'
      + " WHERE e.site_id = ?1 AND e.ts >= ?2 AND e.ts < ?3 AND e.name = 'pageview'"
      + ' AND e.session_id IN (SELECT id FROM sessions INDEXED BY sessions_site_start WHERE site_id = ?1 AND start >= ?2) ORDER BY e.session_id, e.ts, e.id',
    [site, settled, to + DAY_MS],
  );
  const byDay = new Map<string, SessionPages[]>();
  for (const s of sessionsOf(rows, from, to, tz)) {
    const list = byDay.get(s.day);
    if (list) list.push(s);
    else byDay.set(s.day, [s]);
  }
  return new Map([...byDay].map(([day, sessions]) => [day, dayRows(sessions)]));
}

/** `steps` and `limit` as URL parameters: whole numbers within bounds, or a 400 naming them. */
export function boundedInt(raw: string | null, name: string, fallback: number, min: number, max: number): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new HttpError(400, 'invalid_query', `${name}: expected a whole number from ${min} to ${max}`);
  return n;
}
