/**
 * Keeps `journey_daily` (workers/db/schema-journeys.ts) for the days the rollup refresh touched:
 * a day's rows are recomputed from the raw pageviews of its settled sessions, as the raw plan
 * reads them for a one-day range, and only the difference to the stored rows is written (rows
 * whose counts changed, new rows, rows no session holds any more). The statements join the
 * refresh's guarded batch.
 *
 * Settled: a session that started SETTLE_MS before the watermark. Most sessions are over by then,
 * so a session's rows are written about once, when it is done, instead of at every run while it
 * grows (each new page moved it to a new path: a delete and a new row each run). The read adds
 * the sessions not settled yet from the raw rows (preagg-read.ts), a half hour of them.
 *
 * Exactly once without a ledger or watermark: the rows written are absolute values of what the
 * raw rows hold now, so a day counted twice, or a run superseded before its batch, leaves the
 * same rows. A session that grows moves between paths (−1 on the old, +1 on the new); the rank
 * index changes only when a row's count leaves its class (preagg-rows.ts).
 */
import type { QueryDb, Statement } from '../../query/db';
import { addDays, DAY_MS, dayStart, localDay } from '../../lib/timezone';
import { sessionsOf, type PageviewRow } from './paths';
import { dayRows, TOTAL_LIST, type DayRow } from './preagg-rows';
import { spanKeyStatements } from './spans-write';

/** How long after its start a session is counted in `journey_daily` rather than read raw. */
export const SETTLE_MS = 30 * 60_000;
/** Sessions that started before this are in `journey_daily` once the refresh is at `watermark`. */
export const settledBefore = (watermark: number): number => (Number.isFinite(watermark) ? watermark - SETTLE_MS : Number.MAX_SAFE_INTEGER);

/** JSON text per statement: D1 caps a bound value at 2 MB; well under it. */
const CHUNK_CHARS = 400_000;

/**
 * The day's settled sessions' pageviews, as the raw plan reads them for a one-day range (a day
 * each side); the sessions that started at or after `settled` (a half hour's, by the start
 * index) are left out.
 */
export async function readDaySessions(db: QueryDb, site: string, tz: string, from: number, to: number, settled: number) {
  const rows = await db.all<PageviewRow>(
    // the comment names the statement for the benchmark's cost lines (bench/query-worker.ts)
    '/* journey_daily recompute */ SELECT e.session_id AS s, e.visitor_id AS v, e.identified AS i, e.pathname AS page, e.ts AS t FROM events e'
      + " WHERE e.site_id = ?1 AND e.ts >= ?2 AND e.ts < ?3 AND e.name = 'pageview'"
      + ' AND e.session_id NOT IN (SELECT id FROM sessions INDEXED BY sessions_site_start WHERE site_id = ?1 AND start >= ?4) ORDER BY e.session_id, e.ts, e.id',
    [site, from - DAY_MS, to + DAY_MS, settled],
  );
  return sessionsOf(rows, from, to, tz);
}

type Tuple = [string, string, number, string | null, string | null, number];
const json = (ids: number[] | null) => (ids ? JSON.stringify(ids) : null);
const tuple = (r: DayRow): Tuple => [r.list, r.key, r.sessions, json(r.anon), json(r.ids), r.bucket];

function chunks(tuples: unknown[]): string[] {
  const out: string[] = [];
  let part: string[] = [];
  let size = 0;
  for (const t of tuples) {
    const text = JSON.stringify(t);
    if (part.length && size + text.length > CHUNK_CHARS) {
      out.push(`[${part.join(',')}]`);
      part = [];
      size = 0;
    }
    part.push(text);
    size += text.length + 1;
  }
  if (part.length) out.push(`[${part.join(',')}]`);
  return out;
}

const J = (i: number) => `j.value ->> ${i}`;

/**
 * Statements bringing one site-day's stored rows to `fresh`, given what is `stored`; with
 * `spans`, the built spans holding the day follow (spans-write.ts).
 */
export function diffStatements(site: string, day: string, stored: readonly DayRow[], fresh: readonly DayRow[], spans = true): Statement[] {
  const before = new Map(stored.map((r) => [`${r.list}\u0001${r.key}`, r]));
  const added: Tuple[] = [];
  const counts: Tuple[] = [];
  const ranked: Tuple[] = [];
  // keys whose sessions changed: the spans holding the day sum them again (spans-write.ts)
  const resummed: [string, string][] = [];
  for (const r of fresh) {
    const id = `${r.list}\u0001${r.key}`;
    const old = before.get(id);
    before.delete(id);
    if (!old) added.push(tuple(r));
    else if (old.bucket !== r.bucket) ranked.push(tuple(r));
    else if (old.sessions !== r.sessions || json(old.anon) !== json(r.anon) || json(old.ids) !== json(r.ids)) counts.push(tuple(r));
    if (r.list !== TOTAL_LIST && old?.sessions !== r.sessions) resummed.push([r.list, r.key]);
  }
  const gone = [...before.values()].map((r) => [r.list, r.key]);
  resummed.push(...(gone as [string, string][]).filter(([list]) => list !== TOTAL_LIST));
  const stmts: Statement[] = [];
  for (const text of chunks(gone)) {
    stmts.push({ sql: `DELETE FROM journey_daily WHERE site_id = ?1 AND day = ?2 AND (list, key) IN (SELECT ${J(0)}, ${J(1)} FROM json_each(?3) j)`, params: [site, day, text] });
  }
  // upserts driven by the JSON rows (an UPDATE … FROM would scan the day's rows for each of them);
  // a count that stays in its class sets only unindexed columns, which leaves the rank index alone
  const upsert = (text: string, set: string[]) => ({
    sql: `INSERT INTO journey_daily (site_id, day, list, key, sessions, anon, ids, bucket) SELECT ?1, ?2, ${J(0)}, ${J(1)}, ${J(2)}, ${J(3)}, ${J(4)}, ${J(5)} FROM json_each(?3) j WHERE 1`
      + ` ON CONFLICT (site_id, day, list, key) DO UPDATE SET ${set.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    params: [site, day, text],
  });
  for (const text of chunks(counts)) stmts.push(upsert(text, ['sessions', 'anon', 'ids']));
  for (const text of chunks([...ranked, ...added])) stmts.push(upsert(text, ['sessions', 'anon', 'ids', 'bucket']));
  // after the day's writes: the spans read the days as they are now
  if (spans) for (const text of chunks(resummed)) stmts.push(...spanKeyStatements(site, day, text));
  return stmts;
}

/** What `journey_daily` holds for a site-day now. */
export async function storedDayRows(db: QueryDb, site: string, day: string): Promise<DayRow[]> {
  const rows = await db.all<{ list: string; key: string; sessions: number; anon: string | null; ids: string | null; bucket: number }>(
    'SELECT list, key, sessions, anon, ids, bucket FROM journey_daily WHERE site_id = ?1 AND day = ?2',
    [site, day],
  );
  const parse = (text: string | null) => (text === null ? null : (JSON.parse(text) as number[]));
  return rows.map((r) => ({ ...r, anon: parse(r.anon), ids: parse(r.ids) }));
}

/**
 * The statements that bring `days` of a site up to the raw pageviews of its sessions started
 * before `settled` (for the refresh's batch).
 */
export async function journeyDaysStatements(db: QueryDb, site: string, tz: string, days: readonly string[], settled: number): Promise<Statement[]> {
  const out: Statement[] = [];
  for (const day of days) {
    const from = dayStart(day, tz);
    const to = dayStart(addDays(day, 1), tz);
    const [sessions, stored] = await Promise.all([readDaySessions(db, site, tz, from, to, settled), storedDayRows(db, site, day)]);
    // a span ends two days before the settled cutoff's day (spans-write.ts), and no run's cutoff is
    // a day ahead of another's: a day not over at the cutoff (today, every run) is in no span
    out.push(...diffStatements(site, day, stored, dayRows(sessions), to <= settled));
  }
  return out;
}

/**
 * After the retention cron deleted the events before `cutoff`: the days before the cutoff's go
 * (and the spans starting before it), and the cutoff's day is recomputed from what is left of it
 * (as the raw plan now reads it).
 */
export async function journeysPruneStatements(db: QueryDb, site: string, tz: string, cutoff: number): Promise<Statement[]> {
  const cutoffDay = localDay(cutoff, tz);
  const [state] = await db.all<{ watermark: number }>('SELECT watermark FROM rollup_state WHERE site_id = ?1', [site]);
  return [
    { sql: 'DELETE FROM journey_daily WHERE site_id = ?1 AND day < ?2', params: [site, cutoffDay] },
    // a span holding a pruned day goes whole (a range reaching before the cutoff is not pre-aggregated)
    { sql: 'DELETE FROM journey_span_rows WHERE site_id = ?1 AND start < ?2', params: [site, cutoffDay] },
    { sql: 'DELETE FROM journey_spans WHERE site_id = ?1 AND start < ?2', params: [site, cutoffDay] },
    ...(state ? await journeyDaysStatements(db, site, tz, [cutoffDay], settledBefore(state.watermark)) : []),
  ];
}
