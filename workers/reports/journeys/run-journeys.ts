/**
 * Journeys (DESIGN §4a): the most common page paths through sessions, from the entry page or from
 * the first view of `start`, and the page-to-page transitions a Sankey draws. Sessions are those
 * whose first pageview falls in the range (their pageviews up to a day past its end are read, so
 * a session across the range's end is not cut into a false exit), filtered by visit filters.
 *
 * Served from raw pageviews, bounded like the other reports (pre-aggregated daily transitions are
 * not built yet; see workers/reports/README.md).
 */
import type { JourneysReport } from '../../../contract/reports';
import { HttpError } from '../../lib/http-error';
import { DAY_MS } from '../../lib/timezone';
import { echoDateRange } from '../../query/date-range';
import type { QueryDb } from '../../query/db';
import { filtersSql, type FilterContext } from '../../query/filters';
import { guardRawEvents, loadSite, MAX_REPORT_RAW_ROWS, parseVisitFilters, reportContext, resolveReportRange } from '../params';
import { countJourneys, type SessionPages } from './paths';

export const MAX_STEPS = 10;
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

export async function runJourneys(db: QueryDb, siteId: string, req: JourneysRequest, now: number, options: { maxRawRows?: number } = {}): Promise<JourneysReport> {
  const site = await loadSite(db, siteId);
  const visitFilters = parseVisitFilters(req.filters);
  const range = await resolveReportRange(db, site, req.dateRange, now);
  await guardRawEvents(db, siteId, range, options.maxRawRows ?? MAX_REPORT_RAW_ROWS);
  const { ctx: dim, filters } = await reportContext(db, site, range, visitFilters);
  const ctx: FilterContext = { ...dim, site: siteId, from: range.from, to: range.to, goals: [] };
  const p = ctx.params;
  const scan = `e.site_id = ${p.bind(siteId)} AND e.ts >= ${p.bind(range.from - DAY_MS)} AND e.ts < ${p.bind(range.to + DAY_MS)} AND e.name = ${p.bind('pageview')}`;
  // with a start page, only sessions that viewed it are read
  const withStart = req.start === null ? '' : ` AND e.session_id IN (SELECT e.session_id FROM events e WHERE ${scan} AND e.pathname = ${p.bind(req.start)})`;
  const sql = `SELECT e.session_id AS s, e.visitor_id AS v, e.identified AS i, e.pathname AS page, e.ts AS t FROM events e`
    + ` WHERE ${scan} AND ${filtersSql(filters, 'e', ctx)}${withStart} ORDER BY e.session_id, e.ts, e.id`;
  const rows = await db.all<{ s: string; v: number; i: number; page: string; t: number }>(sql, p.values);

  const sessions: SessionPages[] = [];
  let firstTs = 0;
  for (const r of rows) {
    const last = sessions.at(-1);
    if (last?.session === r.s) {
      last.pages.push(r.page);
      continue;
    }
    if (last && (firstTs < range.from || firstTs >= range.to)) sessions.pop();
    sessions.push({ session: r.s, visitor: `${r.i ? 'i' : 'a'}:${r.v}`, pages: [r.page] });
    firstTs = r.t;
  }
  if (sessions.length && (firstTs < range.from || firstTs >= range.to)) sessions.pop();

  const journeys = countJourneys(sessions, req.start, req.steps, req.limit, MAX_TRANSITIONS_PER_STEP);
  return {
    paths: journeys.paths,
    transitions: journeys.transitions,
    meta: { date_range: echoDateRange(range, site.timezone), start: req.start, steps: req.steps, sessions: journeys.sessions },
  };
}

/** `steps` and `limit` as URL parameters: whole numbers within bounds, or a 400 naming them. */
export function boundedInt(raw: string | null, name: string, fallback: number, min: number, max: number): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new HttpError(400, 'invalid_query', `${name}: expected a whole number from ${min} to ${max}`);
  return n;
}
