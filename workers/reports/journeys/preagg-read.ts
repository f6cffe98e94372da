/**
 * Journeys from the entry page out of `journey_daily` (preagg-rows.ts) and its spans (spans.ts:
 * runs of days summed, repeated keys only) plus the sessions not settled yet (read raw by the
 * caller: `tail`), exact, without reading every path of every day: the top `limit` paths (and
 * the top transitions of each position) by Fagin's threshold algorithm over the range's periods
 * (its built spans and the days left over). Sorted access: each period's lists are read
 * best-first through the rank index, a page at a time. Random access: each path seen (and each
 * the tail holds) is summed over the periods by its key (a point lookup a period; a span without
 * the key, its days'), plus its tail count. Reading stops when the k-th best exact total is above
 * the sum, over the list-periods, of the most an unread row can hold: the top of the class last
 * read; once the indexed rows are read, 1 for a day (its index leaves out rows counting one
 * session) and SPAN_MIN_SESSIONS − 1 for a span (it keeps no row under that); past that, a span
 * gives way to its days, and a day's bound is 0 once its unindexed rows are read too. No unread
 * path can then reach the top k, nor tie with it. Ties: the raw plan's order (sessions, then code
 * units), on exact totals.
 */
import type { QueryDb, Statement } from '../../query/db';
import { byCount, type Journeys } from './paths';
import { bucketMax, pathListsFor, TOTAL_LIST, transitionList, type DayRow } from './preagg-rows';
import { periodDays, SPAN_MIN_SESSIONS, type Period } from './spans';

/** rows per list in the first round of sorted access, doubling each round up to MAX_PAGE */
const FIRST_PAGE = 8;
const MAX_PAGE = 256;

/** The unsettled sessions' rows (preagg-rows.ts' dayRows of each of their days). */
export type TailRows = Map<string, DayRow[]>;

interface Cursor {
  period: Period;
  list: string;
  /** (bucket, key) of the last indexed row read; null before the first page */
  after: [number, string] | null;
  /** the most an unread row of the list-period can hold */
  bound: number;
  /**
   * the indexed rows are all read (a day's unindexed ones, counting 1, or a span's keys under
   * its floor may remain)
   */
  indexedDone: boolean;
}

const ID = (list: string, key: string) => `${list}\u0001${key}`;
const splitId = (id: string) => id.split('\u0001') as [string, string];

const cursor = (period: Period, list: string): Cursor => ({ period, list, after: null, bound: Infinity, indexedDone: false });

/** One top-k: its lists (every period of each list name) and the exact totals of what they showed. */
class Ranking {
  cursors: Cursor[];
  readonly totals = new Map<string, number>();
  done = false;
  constructor(readonly k: number, readonly lists: string[], periods: Period[], readonly tail: Map<string, number>) {
    this.cursors = lists.flatMap((list) => periods.map((period) => cursor(period, list)));
  }

  /** Its spans' cursors, read to their floor, give way to their days' (keys under the floor are in them). */
  spansToDays(): Cursor[] {
    const days = this.cursors.filter((c) => c.period.days > 1).flatMap((c) => periodDays(c.period).map((day) => cursor({ start: day, days: 1 }, c.list)));
    this.cursors = [...this.cursors.filter((c) => c.period.days === 1), ...days];
    return days;
  }

  threshold(): number {
    return this.cursors.reduce((sum, c) => sum + c.bound, 0);
  }

  /** Stops when no unread row can reach (or tie) the k-th exact total. */
  settle(): void {
    const t = this.threshold();
    if (t === 0) this.done = true;
    else if (this.totals.size >= this.k) this.done = [...this.totals.values()].sort((a, b) => b - a)[this.k - 1]! > t;
  }
}

/** Where a day's rows are, or a span's (spans.ts), with their key's values. */
const periodRows = (p: Period) => (p.days === 1
  ? { table: 'journey_daily INDEXED BY journey_daily_rank', where: 'day = ?', params: [p.start] }
  : { table: 'journey_span_rows INDEXED BY journey_span_rank', where: 'start = ? AND days = ?', params: [p.start, p.days] });

function pageStatement(site: string, c: Cursor, limit: number): Statement {
  const { table, where, params } = periodRows(c.period);
  return {
    sql: `SELECT key, bucket FROM ${table} WHERE site_id = ? AND ${where} AND list = ? AND bucket > 0${c.after ? ' AND (bucket, key) < (?, ?)' : ''}`
      + ` ORDER BY bucket DESC, key DESC LIMIT ${limit}`,
    params: [site, ...params, c.list, ...(c.after ?? [])],
  };
}

/** A list-day's unindexed rows (a count of 1 each), by the primary key. */
const unindexedStatement = (site: string, c: Cursor): Statement => ({
  sql: 'SELECT key FROM journey_daily WHERE site_id = ?1 AND day = ?2 AND list = ?3 AND bucket = 0',
  params: [site, c.period.start, c.list],
});

/** The rows of the (list, key) pairs given on the days given: a point lookup each. */
function rowsStatement(site: string, days: string[], ids: [string, string][], cols: string, group: boolean): Statement {
  return {
    // CROSS JOIN: the days and keys drive (SQLite would otherwise scan the days' rows and probe the keys)
    sql: `SELECT d.list, d.key, ${cols} FROM json_each(?2) dd CROSS JOIN json_each(?3) j CROSS JOIN journey_daily d`
      + ' ON d.site_id = ?1 AND d.day = dd.value AND d.list = j.value ->> 0 AND d.key = j.value ->> 1'
      + (group ? ' GROUP BY d.list, d.key' : ''),
    params: [site, JSON.stringify(days), JSON.stringify(ids)],
  };
}

/**
 * The exact sessions of the (list, key) pairs over `periods`: a point lookup per day and per
 * span, and where a span has no row for the key (it counts under SPAN_MIN_SESSIONS there), its days'.
 */
function sumsStatement(site: string, periods: Period[], ids: [string, string][]): Statement {
  const days = periods.filter((p) => p.days === 1).map((p) => p.start);
  const spans = periods.filter((p) => p.days > 1).map((p) => [p.start, p.days, periodDays(p)]);
  const spanRow = 's.site_id = ?1 AND s.start = p.value ->> 0 AND s.days = p.value ->> 1 AND s.list = j.value ->> 0 AND s.key = j.value ->> 1';
  const dayRow = (day: string) => `d.site_id = ?1 AND d.day = ${day} AND d.list = j.value ->> 0 AND d.key = j.value ->> 1`;
  return {
    // CROSS JOIN: the periods and keys drive; the NOT EXISTS is checked per (span, key), before its days
    sql: 'SELECT list, key, sum(n) AS n FROM ('
      + ` SELECT d.list, d.key, d.sessions AS n FROM json_each(?2) dd CROSS JOIN json_each(?4) j CROSS JOIN journey_daily d ON ${dayRow('dd.value')}`
      + ` UNION ALL SELECT s.list, s.key, s.sessions FROM json_each(?3) p CROSS JOIN json_each(?4) j CROSS JOIN journey_span_rows s ON ${spanRow}`
      + ` UNION ALL SELECT d.list, d.key, d.sessions FROM json_each(?3) p CROSS JOIN json_each(?4) j CROSS JOIN json_each(p.value -> 2) dd CROSS JOIN journey_daily d ON ${dayRow('dd.value')}`
      + ` WHERE NOT EXISTS (SELECT 1 FROM journey_span_rows s WHERE ${spanRow})`
      + ') GROUP BY list, key',
    params: [site, JSON.stringify(days), JSON.stringify(spans), JSON.stringify(ids)],
  };
}

async function runThreshold(db: QueryDb, site: string, periods: Period[], rankings: Ranking[]): Promise<void> {
  // the tail's paths are candidates from the start: a fully read list
  let fresh = new Map<Ranking, Map<string, [string, string]>>(rankings.map((r) => [r, new Map([...r.tail.keys()].map((id) => [id, splitId(id)]))]));
  for (let page = FIRST_PAGE; ; page = Math.min(MAX_PAGE, page * 2)) {
    const asks = [...fresh.entries()].filter(([, m]) => m.size);
    const sums = await db.batch<{ list: string; key: string; n: number }>(asks.map(([, m]) => sumsStatement(site, periods, [...m.values()])));
    asks.forEach(([ranking, m], i) => {
      for (const id of m.keys()) ranking.totals.set(id, ranking.tail.get(id) ?? 0);
      for (const row of sums[i]!) {
        const id = ID(row.list, row.key);
        ranking.totals.set(id, ranking.totals.get(id)! + row.n);
      }
    });
    for (const ranking of rankings) if (!ranking.done) ranking.settle();
    if (rankings.every((r) => r.done)) return;

    // sorted access: the next page of every indexed list-period; a ranking whose indexed rows are
    // all read and that still cannot stop reads its spans' days instead, then its list-days' rows
    // counting 1 (its last round)
    const reads: { ranking: Ranking; cursor: Cursor; unindexed: boolean }[] = [];
    for (const ranking of rankings) {
      if (ranking.done) continue;
      const open = ranking.cursors.filter((c) => !c.indexedDone);
      const next = open.length ? open : ranking.spansToDays();
      if (next.length) for (const cursor of next) reads.push({ ranking, cursor, unindexed: false });
      else for (const cursor of ranking.cursors) if (cursor.bound > 0) reads.push({ ranking, cursor, unindexed: true });
    }
    const pages = await db.batch<{ key: string; bucket: number }>(reads.map((r) => (r.unindexed ? unindexedStatement(site, r.cursor) : pageStatement(site, r.cursor, page))));
    fresh = new Map();
    reads.forEach(({ ranking, cursor, unindexed }, i) => {
      const rows = pages[i]!;
      if (unindexed) cursor.bound = 0;
      else {
        const last = rows.at(-1);
        if (last) cursor.after = [last.bucket, last.key];
        cursor.indexedDone = rows.length < page;
        // read to the end: a day's unindexed rows count 1; a span has no row under its floor
        cursor.bound = !cursor.indexedDone ? bucketMax(last!.bucket) : cursor.period.days === 1 ? 1 : SPAN_MIN_SESSIONS - 1;
      }
      for (const row of rows) {
        const id = ID(cursor.list, row.key);
        if (ranking.totals.has(id)) continue;
        let m = fresh.get(ranking);
        if (!m) fresh.set(ranking, (m = new Map()));
        m.set(id, [cursor.list, row.key]);
      }
    });
  }
}

/** Per (list, key): the tail's sessions (TOTAL_LIST's too). */
function tailCounts(tail: TailRows): Map<string, number> {
  const out = new Map<string, number>();
  for (const rows of tail.values()) for (const r of rows) out.set(ID(r.list, r.key), (out.get(ID(r.list, r.key)) ?? 0) + r.sessions);
  return out;
}

/**
 * The journeys answer (`steps` positions, `limit` paths) over `periods`: the pre-aggregate's settled
 * sessions and the `tail` of unsettled ones (no session is in both; a day can hold both kinds).
 */
export async function preaggregatedJourneys(db: QueryDb, site: string, periods: Period[], steps: number, limit: number, maxTransitionsPerStep: number, tail: TailRows): Promise<Journeys> {
  const counts = tailCounts(tail);
  const of = (lists: string[]) => new Map([...counts].filter(([id]) => lists.includes(splitId(id)[0])));
  const paths = new Ranking(limit, pathListsFor(steps), periods, of(pathListsFor(steps)));
  const transitions = Array.from({ length: steps - 1 }, (_, i) => new Ranking(maxTransitionsPerStep, [transitionList(i + 1)], periods, of([transitionList(i + 1)])));
  await runThreshold(db, site, periods, [paths, ...transitions]);
  // visitors and the total from the days (a span keeps sessions only)
  const days = periods.flatMap(periodDays);
  const top = byCount([...paths.totals].map(([id, sessions]) => ({ id, sessions, pages: JSON.parse(splitId(id)[1]) as string[] })), (p) => p.pages.join('\u0000')).slice(0, limit);
  // a day's anonymous ids are counted in SQL, but on the tail's days, whose sessions may share them
  const topKeys = top.map((p) => splitId(p.id));
  const [counted, listed, total] = await db.batch<VisitorRow & { n: number | null }>([
    rowsStatement(site, days.filter((d) => !tail.has(d)), topKeys, 'json_array_length(d.anon) AS anonCount, NULL AS anon, d.ids', false),
    rowsStatement(site, days.filter((d) => tail.has(d)), topKeys, 'd.day, 0 AS anonCount, d.anon, d.ids', false),
    rowsStatement(site, days, [[TOTAL_LIST, '']], 'sum(d.sessions) AS n', true),
  ]);
  const visitors = distinctVisitors([...counted!, ...listed!], tail);
  const transitionRows = transitions.flatMap((ranking, i) => byCount(
    [...ranking.totals].map(([id, sessions]) => {
      const [from, to] = JSON.parse(splitId(id)[1]) as [string, string];
      return { step: i + 1, from, to, sessions };
    }),
    (t) => `${t.from}\u0000${t.to}`,
  ).slice(0, maxTransitionsPerStep));
  return {
    paths: top.map((p) => ({ pages: p.pages, sessions: p.sessions, visitors: visitors.get(p.id) ?? 0 })),
    transitions: transitionRows,
    sessions: (total![0]?.n ?? 0) + (counts.get(ID(TOTAL_LIST, '')) ?? 0),
  };
}

interface VisitorRow {
  list: string;
  key: string;
  /** on a day without tail sessions: its anonymous ids' count (`anon` is then null) */
  anonCount: number | null;
  day?: string;
  anon: string | null;
  ids: string | null;
}

/**
 * Distinct visitors per path: anonymous ids per day (daily salts: DESIGN §5 adds up daily
 * uniques, as the raw plan does), identified ids over the range; stored and tail ids unioned.
 */
function distinctVisitors(rows: VisitorRow[], tail: TailRows): Map<string, number> {
  const sets = new Map<string, { anonCount: number; anon: Set<string>; ids: Set<number> }>();
  const add = (id: string, day: string | undefined, anon: readonly number[] | null, ids: readonly number[] | null, anonCount = 0) => {
    let s = sets.get(id);
    if (!s) sets.set(id, (s = { anonCount: 0, anon: new Set(), ids: new Set() }));
    s.anonCount += anonCount;
    for (const a of anon ?? []) s.anon.add(`${day}:${a}`);
    for (const i of ids ?? []) s.ids.add(i);
  };
  const parse = (text: string | null) => (text === null ? null : (JSON.parse(text) as number[]));
  for (const r of rows) add(ID(r.list, r.key), r.day, parse(r.anon), parse(r.ids), r.anonCount ?? 0);
  for (const [day, dayRows] of tail) for (const r of dayRows) if (r.anon || r.ids) add(ID(r.list, r.key), day, r.anon, r.ids);
  return new Map([...sets].map(([id, s]) => [id, s.anonCount + s.anon.size + s.ids.size]));
}
