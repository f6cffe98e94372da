/**
 * Keeps the journeys' spans (spans.ts, schema workers/db/schema-journeys.ts) equal to the sum of
 * their days' `journey_daily` rows. A span is built once, when all its days are quiet (the
 * refresh recomputes such a day only when a late event, an erasure or retention changes it);
 * from then on every change to one of its days' rows is carried to the span by the same batch:
 * the changed keys' span sums are recomputed from the days' rows (point lookups) after the days'
 * writes. All of it is SQL over what is stored when the batch runs, so a span built or changed
 * by a concurrent run is never left behind: exact without a ledger, like the days.
 */
import type { QueryDb, Statement } from '../../query/db';
import { addDays, eachDay, localDay } from '../../lib/timezone';
import { bucketSql, TOTAL_LIST } from './preagg-rows';
import { periodDays, SPAN_DAYS, SPAN_MIN_SESSIONS, spanId, spanStart, spansToBuild, type Period } from './spans';

/** Days a span may not reach: the settled cutoff's day and the one before it still change every run. */
const QUIET_AFTER_DAYS = 2;
/** How far back a run looks for spans to build (each run that makes a new day quiet). */
const BUILD_WINDOW_DAYS = 2 * SPAN_DAYS.at(-1)!;

/** The last day a span may hold, at the settled cutoff `settled`. */
export const lastQuietDay = (settled: number, tz: string): string => addDays(localDay(settled, tz), -QUIET_AFTER_DAYS);

/** A span's rows from its days' rows (the days must all be built: buildSpans), and its marker. */
export function spanBuildStatements(site: string, p: Period): Statement[] {
  const params = [site, p.start, p.days, addDays(p.start, p.days - 1)];
  return [
    // rows never outlive their marker (the writers go by it); this only makes the build idempotent
    { sql: 'DELETE FROM journey_span_rows WHERE site_id = ?1 AND start = ?2 AND days = ?3', params: params.slice(0, 3) },
    {
      // the days' rows in key order, summed: one pass over the span's days
      sql: `INSERT INTO journey_span_rows (site_id, start, days, list, key, sessions, bucket) SELECT ?1, ?2, ?3, s.list, s.key, s.n, ${bucketSql('s.n')}`
        + ` FROM (SELECT d.list, d.key, sum(d.sessions) AS n FROM journey_daily d WHERE d.site_id = ?1 AND d.day >= ?2 AND d.day <= ?4 AND d.list != '${TOTAL_LIST}'`
        + ` GROUP BY d.list, d.key HAVING n >= ${SPAN_MIN_SESSIONS}) s`,
      params,
    },
    { sql: 'INSERT OR IGNORE INTO journey_spans (site_id, start, days) VALUES (?1, ?2, ?3)', params: params.slice(0, 3) },
  ];
}

/**
 * After a day's rows changed for `keys` (JSON `[[list, key], …]`, in the same batch, after the
 * day's writes): each built span holding the day gets those keys' sums again, a row where the
 * sum is SPAN_MIN_SESSIONS or more, none where it is less.
 */
export function spanKeyStatements(site: string, day: string, keys: string): Statement[] {
  return SPAN_DAYS.flatMap((days) => {
    const start = spanStart(day, days);
    const params = [site, start, days, JSON.stringify(periodDays({ start, days })), keys];
    const sum = (list: string, key: string) => 'SELECT coalesce(sum(d.sessions), 0) FROM json_each(?4) dd CROSS JOIN journey_daily d'
      + ` ON d.site_id = ?1 AND d.day = dd.value AND d.list = ${list} AND d.key = ${key}`;
    return [
      {
        // the span's marker first: a span not built is left alone (a constant condition, checked once)
        sql: `INSERT INTO journey_span_rows (site_id, start, days, list, key, sessions, bucket) SELECT ?1, ?2, ?3, s.list, s.key, s.n, ${bucketSql('s.n')}`
          + ` FROM (SELECT k.list, k.key, (${sum('k.list', 'k.key')}) AS n`
          + ' FROM (SELECT j.value ->> 0 AS list, j.value ->> 1 AS key FROM json_each(?5) j'
          + ` WHERE EXISTS (SELECT 1 FROM journey_spans WHERE site_id = ?1 AND start = ?2 AND days = ?3)) k) s WHERE s.n >= ${SPAN_MIN_SESSIONS}`
          + ' ON CONFLICT (site_id, start, days, list, key) DO UPDATE SET sessions = excluded.sessions, bucket = excluded.bucket WHERE sessions != excluded.sessions',
        params,
      },
      {
        sql: 'DELETE FROM journey_span_rows WHERE site_id = ?1 AND start = ?2 AND days = ?3'
          + ' AND (list, key) IN (SELECT j.value ->> 0, j.value ->> 1 FROM json_each(?5) j)'
          + ` AND (${sum('journey_span_rows.list', 'journey_span_rows.key')}) < ${SPAN_MIN_SESSIONS}`,
        params,
      },
    ];
  });
}

/**
 * Builds the spans that the refresh at `settled` made whole and quiet: when the last quiet day
 * moved on from `prevSettled`'s, the spans within the last BUILD_WINDOW_DAYS not built yet whose
 * days are all built (buildSpans), shortest first, until `deadline`. Once a day per site: a run
 * that moves no day into quiet reads nothing here.
 */
export async function buildQuietSpans(db: QueryDb, site: string, tz: string, prevSettled: number, settled: number, commit: (stmts: Statement[]) => Promise<void>, deadline: number): Promise<SpanBuild> {
  const last = lastQuietDay(settled, tz);
  if (prevSettled > 0 && lastQuietDay(prevSettled, tz) === last) return { built: 0, left: 0 };
  return buildSpans(db, site, addDays(last, -BUILD_WINDOW_DAYS + 1), last, commit, deadline);
}

export interface SpanBuild {
  built: number;
  /** spans that could be built and were not (the deadline) */
  left: number;
}

/**
 * The most sessions a span is built over: its build scans its days' rows in one statement (about
 * 1.65 rows a session), which must stay well inside D1's statement limits. At 10M events a month
 * every span is built (a 32-day span holds 2.1M sessions); at 100M, spans of 2 days only.
 */
export const MAX_SPAN_SESSIONS = 2_500_000;

/**
 * The spans within [first, last] not built yet whose days are all built, shortest first, until
 * `deadline`. A day is built when it has its total row, or when the rollups hold no traffic for
 * it (nothing to count; an import into it later reaches the span as any change to a day does).
 */
export async function buildSpans(db: QueryDb, site: string, first: string, last: string, commit: (stmts: Statement[]) => Promise<void>, deadline: number, maxSessions = MAX_SPAN_SESSIONS): Promise<SpanBuild> {
  const [markers, unbuilt, totals] = await db.batch<{ start: string; days: number; day: string; sessions: number }>([
    { sql: 'SELECT start, days FROM journey_spans WHERE site_id = ?1 AND start >= ?2 AND start <= ?3', params: [site, first, last] },
    {
      // as the read's coverage (run-journeys.ts): a day the rollups hold without its journeys' total
      sql: "SELECT r.day FROM rollup_daily r WHERE r.site_id = ?1 AND r.dim = '' AND r.dim2 = '' AND r.day >= ?2 AND r.day <= ?3 AND r.val = '' AND r.val2 = ''"
        + ` AND NOT EXISTS (SELECT 1 FROM journey_daily j WHERE j.site_id = ?1 AND j.day = r.day AND j.list = '${TOTAL_LIST}' AND j.key = '')`,
      params: [site, first, last],
    },
    {
      sql: `SELECT d.day, d.sessions FROM json_each(?2) dd CROSS JOIN journey_daily d ON d.site_id = ?1 AND d.day = dd.value AND d.list = '${TOTAL_LIST}' AND d.key = ''`,
      params: [site, JSON.stringify(eachDay(first, last))],
    },
  ]);
  const missing = new Set(unbuilt!.map((r) => r.day));
  const sessions = new Map(totals!.map((r) => [r.day, r.sessions]));
  const size = (p: Period) => periodDays(p).reduce((n, d) => n + (sessions.get(d) ?? 0), 0);
  const todo = spansToBuild(first, last, new Set(markers!.map(spanId))).filter((p) => !periodDays(p).some((d) => missing.has(d)) && size(p) <= maxSessions);
  let built = 0;
  for (const p of todo) {
    if (built > 0 && Date.now() >= deadline) break;
    await commit(spanBuildStatements(site, p));
    built++;
  }
  return { built, left: todo.length - built };
}
