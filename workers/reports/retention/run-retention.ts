/**
 * Retention (DESIGN §4a): cohorts of identified visitors (uid, or the SDK's consented persistent
 * id) by the local interval of their first session, and how many of each cohort started a
 * session in each later interval. Anonymous visitors get a new id every day (daily salts), so
 * they cannot be followed and are left out; the answer says so in `meta.note`.
 *
 * The range is widened to whole intervals (a week range starting on a Wednesday covers that
 * Monday's week), so no cohort is cut short at either end. Filters are visit filters on the
 * visitor's first session: "visitors who came from Google, and how many came back".
 *
 * Two plans with one answer. Pre-aggregated (`meta.plan: "pre-aggregated"`, preagg.ts): the
 * cohort members from `behaviour_visitor_first` (by its day index; a filter tests each member's
 * first session by its key), then each member's active months from `behaviour_visitor_days`:
 * rows read grow with identified visitors, not with sessions. It is used once the rollup refresh
 * has caught up with the site (a watermark, no day pending a rebuild) and trails the raw rows by
 * what the refresh has not counted yet (its five-minute run, as rollup answers). Raw (`"raw"`, the
 * ground truth the property tests compare with): the sessions table, bounded: a site with more
 * than `MAX_REPORT_RAW_ROWS` sessions is refused rather than scanned.
 */
import type { RetentionCohort, RetentionReport } from '../../../contract/reports';
import { HttpError } from '../../lib/http-error';
import { localDay } from '../../lib/timezone';
import { dayRange, echoDateRange } from '../../query/date-range';
import type { QueryDb } from '../../query/db';
import { filtersSql, type FilterContext } from '../../query/filters';
import type { Filter } from '../../query/types';
import { localDaySql } from '../../query/sql';
import { bad, loadSite, MAX_REPORT_RAW_ROWS, parseVisitFilters, reportContext, resolveReportRange } from '../params';
import { defaultRange, intervalEnd, intervalsBetween, intervalStart, MAX_COHORTS, nextInterval, type Interval } from './intervals';

export interface RetentionRequest {
  interval: Interval;
  /** a Stats API date range (`30d`, `[date, date]`, …), or null for the interval's default */
  dateRange: unknown;
  filters: unknown;
}

type Cohort = RetentionCohort;
type RetentionAnswer = RetentionReport;

export const RETENTION_NOTE = 'Only identified visitors (a uid, or the SDK\'s persistent id given with consent) are counted: '
  + 'anonymous visitors get a new id every day, so they cannot be followed from one day to the next.';

const dayName = (dayNumber: number) => new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

export type RetentionPlan = 'pre-aggregated' | 'raw';

export interface RetentionOptions {
  maxRawRows?: number;
  /** force a plan (tests, the benchmark); default: pre-aggregated when the refresh has caught up */
  plan?: RetentionPlan;
}

export async function runRetention(db: QueryDb, siteId: string, req: RetentionRequest, now: number, options: RetentionOptions = {}): Promise<RetentionAnswer> {
  const site = await loadSite(db, siteId);
  const visitFilters = parseVisitFilters(req.filters);
  const today = localDay(now, site.timezone);
  const asked = await resolveReportRange(db, site, req.dateRange ?? defaultRange(today, req.interval), now);
  const { firstDay, lastDay } = asked;
  const first = intervalStart(firstDay, req.interval);
  const last = intervalStart(lastDay, req.interval);
  const count = intervalsBetween(first, last, req.interval) + 1;
  if (count > MAX_COHORTS[req.interval]) {
    throw bad(`date: the range holds ${count} ${req.interval}s; a retention report holds at most ${MAX_COHORTS[req.interval]} cohorts`);
  }
  const range = dayRange(first, intervalEnd(last, req.interval), site.timezone);
  const plan = options.plan ?? ((await refreshCaughtUp(db, siteId)) ? 'pre-aggregated' : 'raw');
  if (plan === 'raw') await guardSessions(db, siteId, range.to, options.maxRawRows ?? MAX_REPORT_RAW_ROWS);

  const { ctx: dim, filters } = await reportContext(db, site, range, visitFilters);
  const ctx: FilterContext = { ...dim, site: siteId, from: range.from, to: range.to, goals: [] };
  const meta = { interval: req.interval, date_range: echoDateRange(range, site.timezone), note: RETENTION_NOTE, plan };
  if (plan === 'pre-aggregated') {
    const rows = await preaggregatedRows(db, siteId, filters, ctx, first, intervalEnd(last, req.interval));
    return { cohorts: buildCohorts(rows, first, count, req.interval), meta };
  }
  const p = ctx.params;
  const siteP = p.bind(siteId);
  const toP = p.bind(range.to);
  // first-ever session per identified visitor (before the range's end), kept when it falls in the
  // range and passes the filters; then the local day of each of their later sessions
  const sql = `WITH firsts AS (SELECT visitor_id, min(start) AS first FROM sessions WHERE site_id = ${siteP} AND identified = 1 AND start < ${toP}`
    + ` GROUP BY visitor_id HAVING first >= ${p.bind(range.from)}),`
    + ` kept AS (SELECT DISTINCT f.visitor_id, f.first FROM firsts f JOIN sessions s ON s.site_id = ${siteP} AND s.visitor_id = f.visitor_id`
    + ` AND s.identified = 1 AND s.start = f.first WHERE ${filtersSql(filters, 's', ctx)})`
    + ` SELECT DISTINCT k.visitor_id AS v, ${localDaySql('k.first', ctx)} AS f, ${localDaySql('s.start', ctx)} AS d FROM kept k`
    + ` JOIN sessions s ON s.site_id = ${siteP} AND s.visitor_id = k.visitor_id AND s.identified = 1 AND s.start >= k.first AND s.start < ${toP}`;
  const rows = await db.all<{ v: number; f: number; d: number }>(sql, p.values);
  return { cohorts: buildCohorts(rows, first, count, req.interval), meta };
}

/**
 * The refresh has a watermark for the site, no day waiting for a rebuild (a backfill, the first
 * run), and the pre-aggregates hold the site's whole history (../preagg-coverage.ts).
 */
async function refreshCaughtUp(db: QueryDb, site: string): Promise<boolean> {
  // one read of the state row: its coverage flag is the one preaggCoversSite reads for vitals and errors
  const [state] = await db.all<{ pending: string; reports_preagg: number }>('SELECT pending, reports_preagg FROM rollup_state WHERE site_id = ?1 AND watermark >= 0', [site]);
  return state?.pending === '[]' && state.reports_preagg !== 0;
}

/**
 * Cohort members first seen in [firstDay, lastDay] (passing the filters on that first session,
 * read by its key), with each of their active days up to `lastDay`, as (visitor, first day,
 * active day) day numbers, as the raw plan returns them.
 */
async function preaggregatedRows(db: QueryDb, site: string, filters: Filter[], ctx: FilterContext, firstDay: string, lastDay: string): Promise<{ v: number; f: number; d: number }[]> {
  const p = ctx.params;
  const siteP = p.bind(site);
  const onFirst = filters.length
    ? ` JOIN sessions s ON s.site_id = ${siteP} AND s.visitor_id = f.visitor_id AND s.id = f.session_id AND ${filtersSql(filters, 's', ctx)}`
    : '';
  const sql = `WITH members AS (SELECT f.visitor_id, f.day FROM behaviour_visitor_first f INDEXED BY behaviour_visitor_first_day${onFirst}`
    + ` WHERE f.site_id = ${siteP} AND f.day >= ${p.bind(firstDay)} AND f.day <= ${p.bind(lastDay)})`
    + ` SELECT m.visitor_id AS v, m.day AS f, d.month AS m, d.days AS b FROM members m JOIN behaviour_visitor_days d`
    + ` ON d.site_id = ${siteP} AND d.visitor_id = m.visitor_id AND d.month >= substr(m.day, 1, 7) AND d.month <= ${p.bind(lastDay.slice(0, 7))}`;
  const rows = await db.all<{ v: number; f: string; m: string; b: number }>(sql, p.values);
  const out: { v: number; f: number; d: number }[] = [];
  const last = dayNumber(lastDay);
  for (const r of rows) {
    const f = dayNumber(r.f);
    const monthStart = dayNumber(`${r.m}-01`);
    for (let bit = 0; bit < 31; bit++) {
      if (Math.floor(r.b / 2 ** bit) % 2 === 0) continue;
      const d = monthStart + bit;
      if (d >= f && d <= last) out.push({ v: r.v, f, d });
    }
  }
  return out;
}

/** The triangle: cohort i has `count - i` cells, cell k = members active k intervals after joining. */
export function buildCohorts(rows: { v: number; f: number; d: number }[], first: string, count: number, interval: Interval): Cohort[] {
  const members = Array.from({ length: count }, () => new Set<number>());
  const active = Array.from({ length: count }, (_, i) => Array.from({ length: count - i }, () => new Set<number>()));
  // a day's interval, counted from `first`, once per distinct day: rows are visitors × active days
  // (90k at 10M events a month), days a few hundred
  const intervalOf = new Map<number, number>();
  const at = (day: number) => {
    let i = intervalOf.get(day);
    if (i === undefined) intervalOf.set(day, (i = intervalsBetween(first, intervalStart(dayName(day), interval), interval)));
    return i;
  };
  for (const r of rows) {
    const c = at(r.f);
    const k = at(r.d) - c;
    if (c < 0 || c >= count || k < 0 || k >= count - c) continue;
    members[c]!.add(r.v);
    active[c]![k]!.add(r.v);
  }
  const cohorts: Cohort[] = [];
  let start = first;
  for (let c = 0; c < count; c++) {
    const visitors = members[c]!.size;
    const retained = active[c]!.map((s) => s.size);
    cohorts.push({ cohort: start, visitors, retained, percent: retained.map((n) => (visitors ? Math.round((n / visitors) * 1000) / 10 : 0)) });
    start = nextInterval(start, interval);
  }
  return cohorts;
}

async function guardSessions(db: QueryDb, site: string, to: number, max: number): Promise<void> {
  if (!Number.isFinite(max)) return; // the benchmark measures unbounded plans
  const [r] = await db.all<{ n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM sessions WHERE site_id = ?1 AND start < ?2 LIMIT ?3)', [site, to, Math.floor(max) + 1]);
  if ((r?.n ?? 0) > max) throw new HttpError(400, 'query_too_large', `This report would scan more than ${max} sessions; narrow the date range`);
}
