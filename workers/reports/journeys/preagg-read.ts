/**
 * Journeys from the entry page out of `journey_daily` (preagg-rows.ts), exact, without reading
 * every path of every day: the top `limit` paths (and the top transitions of each position) by
 * Fagin's threshold algorithm. Sorted access: each day's lists are read best-first through the
 * rank index, a page at a time. Random access: each path seen is summed over every day of the
 * range by its key (one key range). Reading stops when the k-th best exact total is above the
 * sum, over the lists, of the most an unread row can hold (the top of the class last read; 0 for
 * a list read to its end): no unread path can then reach the top k, nor tie with it.
 * Ties: the raw plan's order (sessions, then code units), applied to exact totals.
 */
import type { QueryDb, Statement } from '../../query/db';
import { byCount, type Journeys } from './paths';
import { bucketMax, pathListsFor, TOTAL_LIST, transitionList } from './preagg-rows';

/** rows per list in the first round of sorted access, doubling each round up to MAX_PAGE */
const FIRST_PAGE = 8;
const MAX_PAGE = 256;

interface Cursor {
  day: string;
  list: string;
  /** (bucket, key) of the last row read; null before the first page */
  after: [number, string] | null;
  /** the most an unread row of the list can hold */
  bound: number;
}

/** One top-k: its lists (every day of each list name) and the exact totals of what they showed. */
class Ranking {
  readonly cursors: Cursor[];
  readonly totals = new Map<string, number>();
  done = false;
  constructor(readonly k: number, lists: string[], days: string[]) {
    this.cursors = lists.flatMap((list) => days.map((day) => ({ day, list, after: null, bound: Infinity })));
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

const ID = (list: string, key: string) => `${list}\u0001${key}`;

function pageStatement(site: string, c: Cursor, limit: number): Statement {
  const after = c.after ? ' AND (bucket, key) < (?4, ?5)' : '';
  return {
    sql: `SELECT key, bucket FROM journey_daily INDEXED BY journey_daily_rank WHERE site_id = ?1 AND day = ?2 AND list = ?3${after}`
      + ` ORDER BY bucket DESC, key DESC LIMIT ${limit}`,
    params: c.after ? [site, c.day, c.list, c.after[0], c.after[1]] : [site, c.day, c.list],
  };
}

/** Sums over the range's days of the (list, key) pairs given. */
function sumsStatement(site: string, firstDay: string, lastDay: string, ids: [string, string][], cols: string): Statement {
  return {
    // CROSS JOIN: the keys drive (SQLite would otherwise scan the site's rows and probe the list)
    sql: `SELECT d.list, d.key, ${cols} FROM json_each(?4) j CROSS JOIN journey_daily d ON d.site_id = ?1 AND d.list = j.value ->> 0 AND d.key = j.value ->> 1`
      + ' AND d.day >= ?2 AND d.day <= ?3 GROUP BY d.list, d.key',
    params: [site, firstDay, lastDay, JSON.stringify(ids)],
  };
}

async function runThreshold(db: QueryDb, site: string, days: string[], rankings: Ranking[]): Promise<void> {
  const firstDay = days[0]!;
  const lastDay = days.at(-1)!;
  for (let page = FIRST_PAGE; rankings.some((r) => !r.done); page = Math.min(MAX_PAGE, page * 2)) {
    const reads: { ranking: Ranking; cursor: Cursor }[] = [];
    for (const ranking of rankings) {
      if (ranking.done) continue;
      for (const cursor of ranking.cursors) if (cursor.bound > 0) reads.push({ ranking, cursor });
    }
    const pages = await db.batch<{ key: string; bucket: number }>(reads.map((r) => pageStatement(site, r.cursor, page)));
    const fresh = new Map<Ranking, Map<string, [string, string]>>();
    reads.forEach(({ ranking, cursor }, i) => {
      const rows = pages[i]!;
      const last = rows.at(-1);
      if (last) cursor.after = [last.bucket, last.key];
      cursor.bound = rows.length < page ? 0 : bucketMax(last!.bucket);
      for (const row of rows) {
        const id = ID(cursor.list, row.key);
        if (ranking.totals.has(id)) continue;
        let m = fresh.get(ranking);
        if (!m) fresh.set(ranking, (m = new Map()));
        m.set(id, [cursor.list, row.key]);
      }
    });
    const asks = [...fresh.entries()];
    const sums = await db.batch<{ list: string; key: string; n: number }>(asks.map(([, m]) => sumsStatement(site, firstDay, lastDay, [...m.values()], 'sum(d.sessions) AS n')));
    asks.forEach(([ranking], i) => {
      for (const row of sums[i]!) ranking.totals.set(ID(row.list, row.key), row.n);
    });
    for (const ranking of rankings) if (!ranking.done) ranking.settle();
  }
}

/** The journeys answer from the pre-aggregate (`steps` positions, `limit` paths) over `days`. */
export async function preaggregatedJourneys(db: QueryDb, site: string, days: string[], steps: number, limit: number, maxTransitionsPerStep: number): Promise<Journeys> {
  const paths = new Ranking(limit, pathListsFor(steps), days);
  const transitions = Array.from({ length: steps - 1 }, (_, i) => new Ranking(maxTransitionsPerStep, [transitionList(i + 1)], days));
  await runThreshold(db, site, days, [paths, ...transitions]);

  const top = byCount([...paths.totals].map(([id, sessions]) => ({ id, sessions, pages: JSON.parse(id.split('\u0001')[1]!) as string[] })), (p) => p.pages.join('\u0000')).slice(0, limit);
  const [who, total] = await db.batch<{ list: string; key: string; anon: number; ids: string | null } & { n: number | null }>([
    sumsStatement(site, days[0]!, days.at(-1)!, top.map((p) => p.id.split('\u0001') as [string, string]),
      "sum(d.visitors) AS anon, (SELECT json_group_array(DISTINCT i.value) FROM journey_daily x, json_each(x.ids) i WHERE x.site_id = d.site_id AND x.list = d.list AND x.key = d.key AND x.day >= ?2 AND x.day <= ?3) AS ids"),
    { sql: "SELECT sum(sessions) AS n FROM journey_daily WHERE site_id = ?1 AND list = ?2 AND key = '' AND day >= ?3 AND day <= ?4", params: [site, TOTAL_LIST, days[0], days.at(-1)] },
  ]);
  const visitors = new Map(who!.map((r) => [ID(r.list, r.key), r.anon + (r.ids ? (JSON.parse(r.ids) as unknown[]).length : 0)]));
  const transitionRows = transitions.flatMap((ranking, i) => byCount(
    [...ranking.totals].map(([id, sessions]) => {
      const [from, to] = JSON.parse(id.split('\u0001')[1]!) as [string, string];
      return { step: i + 1, from, to, sessions };
    }),
    (t) => `${t.from}\u0000${t.to}`,
  ).slice(0, maxTransitionsPerStep));
  return {
    paths: top.map((p) => ({ pages: p.pages, sessions: p.sessions, visitors: visitors.get(p.id) ?? 0 })),
    transitions: transitionRows,
    sessions: total![0]?.n ?? 0,
  };
}
