/**
 * What `journey_daily` holds for one day (pure; workers/db/schema-journeys.ts): from the day's
 * sessions' journeys (paths.ts, at most MAX_STEPS positions), one row per list and key.
 *
 * A journey J of L positions answers `steps = s` as its first min(s, L) positions. So a day keeps,
 * for each k in 2..L, the prefix J[:k]: in list `x<k>` when it is the whole journey (k = L), else
 * in `p<k>`. The paths of `steps = s` are then exactly the rows of `p<s>` and of `x<2>`…`x<s>`,
 * each with its exact count, and the transitions at position i (i < s) are J[i-1] → J[i] of the
 * journeys longer than i, in `t<i>`, whatever s is. `n` counts the day's sessions (meta.sessions).
 */
import { journeyOf, type SessionPages } from './paths';

export const MAX_STEPS = 10;
export const TOTAL_LIST = 'n';

export const pathList = (k: number, whole: boolean) => `${whole ? 'x' : 'p'}${k}`;
export const transitionList = (i: number) => `t${i}`;

/** The lists holding the paths of `steps = s`. */
export const pathListsFor = (steps: number): string[] => [pathList(steps, false), ...Array.from({ length: steps - 1 }, (_, i) => pathList(i + 2, true))];

export interface DayRow {
  list: string;
  key: string;
  sessions: number;
  /** anonymous (daily) visitor ids of the day, ascending (null: none, and always for transitions) */
  anon: number[] | null;
  /** identified visitor ids, ascending (null: none, and always for transitions) */
  ids: number[] | null;
  bucket: number;
}

/** Lower edges of the count classes: 1, 2, 3, 4, 5, 7, 9, 12, 15, … (each about 25 % above the last). */
const EDGES: number[] = [1];
while (EDGES.at(-1)! < 2 ** 40) EDGES.push(Math.max(EDGES.at(-1)! + 1, Math.ceil(EDGES.at(-1)! * 1.25)));

/** `bucketOf(expr)` in SQL, for sums classed in SQL (spans-write.ts): the first edge above it, small counts first. */
export const bucketSql = (expr: string): string => `CASE ${EDGES.slice(1).map((edge, i) => `WHEN ${expr} < ${edge} THEN ${i}`).join(' ')} ELSE ${EDGES.length - 1} END`;

/** The class of a count ≥ 1 (0 for 1). */
export function bucketOf(n: number): number {
  let lo = 0;
  let hi = EDGES.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (EDGES[mid]! <= n) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The largest count in class `b`: what an unseen row of a list read down to class b may hold. */
export const bucketMax = (b: number): number => EDGES[b + 1]! - 1;

/** One day's rows from its sessions (those whose first pageview is on the day). */
export function dayRows(sessions: SessionPages[]): DayRow[] {
  const rows = new Map<string, { list: string; key: string; sessions: number; anon: Set<number> | null; ids: Set<number> | null }>();
  const add = (list: string, key: string, visitor: string | null) => {
    const id = `${list}\u0001${key}`;
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { list, key, sessions: 0, anon: visitor === null ? null : new Set(), ids: visitor === null ? null : new Set() }));
    row.sessions++;
    if (visitor === null) return;
    // `i:<id>` or `a:<day>:<id>` (paths.ts): a day's anonymous ids need no day
    if (visitor.startsWith('i:')) row.ids!.add(Number(visitor.slice(2)));
    else row.anon!.add(Number(visitor.slice(visitor.lastIndexOf(':') + 1)));
  };
  add(TOTAL_LIST, '', null);
  rows.get(`${TOTAL_LIST}\u0001`)!.sessions = 0;
  for (const s of sessions) {
    const journey = journeyOf(s.pages, null, MAX_STEPS);
    if (!journey) continue;
    add(TOTAL_LIST, '', null);
    for (let k = 2; k <= journey.length; k++) add(pathList(k, k === journey.length), JSON.stringify(journey.slice(0, k)), s.visitor);
    for (let i = 1; i < journey.length; i++) add(transitionList(i), JSON.stringify([journey[i - 1], journey[i]]), null);
  }
  return [...rows.values()].map((r) => ({
    list: r.list,
    key: r.key,
    sessions: r.sessions,
    anon: sortedOrNull(r.anon),
    ids: sortedOrNull(r.ids),
    bucket: bucketOf(r.sessions),
  }));
}

const sortedOrNull = (s: Set<number> | null): number[] | null => (s && s.size ? [...s].sort((a, b) => a - b) : null);
