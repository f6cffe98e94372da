/**
 * What the two ways of writing rollups share: the full rebuild of a day (rebuild.ts) and the
 * incremental delta (delta.ts) group the same rows by the same dimension tuples, with the
 * same SQL expressions as the raw plan (workers/query/sql.ts) — which is what makes all three agree.
 */
import { rollupPairs, ROLLUP_DIMS } from './shape';
import { ATTRIBUTION_COLUMNS } from '../../contract/attribution';
import { PASSIVE_EVENT_NAMES } from '../../contract/events';
import type { QueryDb } from '../query/db';
import { dimensionSql, Params, type DimContext, type Side } from '../query/sql';

/** Local days within this many days of today also get hourly rollups. */
export const HOURLY_DAYS = 7;

/**
 * A day with more identified visitors than this keeps no id lists (the site total's list would
 * near D1's 2 MB row limit at ~17 bytes an id): its rows hold OVERFLOW_IDS, and range queries
 * count its identified visitors per day (workers/query/rollup-plan.ts).
 */
export const MAX_IDS_PER_DAY = 30_000;
export const OVERFLOW_IDS = '"overflow"';

/** Events the page sends about itself: they count in no rollup (nor in the raw plan's traffic). */
export const NON_TRAFFIC = PASSIVE_EVENT_NAMES;

/** Session attributes copied on every event: a visitor's events share them within a visit. */
export const ATTRIBUTE_COLUMNS = ATTRIBUTION_COLUMNS;

/** The session columns the rollups read: what `rollup_ledger` keeps of each counted session. */
export const LEDGER_COLUMNS = [
  'visitor_id', 'identified', 'start', 'duration', 'pageviews', 'events', 'is_bounce', 'entry_page', 'exit_page',
  ...ATTRIBUTE_COLUMNS,
];

export const E_SUMS = ['e_anon_visitors', 'e_ident_visitors', 'pageviews', 'events'];
export const S_SUMS = ['s_anon_visitors', 's_ident_visitors', 'visits', 'bounces', 'duration', 's_pageviews', 's_events'];

export interface Tuple {
  names: [string, string];
  exprs: [string, string];
}

/**
 * Tuples [dim, dim2] a side can group by: the total, single dimensions, and (daily) pairs. With
 * `only`, just those (by `tupleName`): D1 refuses a statement bound with values it does not use.
 */
export function tuplesFor(side: Side, ctx: DimContext, withPairs: boolean, only?: Set<string>): Tuple[] {
  const names: [string, string][] = [['', ''], ...ROLLUP_DIMS.map((d): [string, string] => [d, '']), ...(withPairs ? rollupPairs() : [])];
  const out: Tuple[] = [];
  const none = () => ctx.params.bind('');
  for (const [a, b] of names) {
    if (only && !only.has(tupleName([a, b]))) continue;
    const ea = a === '' ? none() : dimensionSql(a, side, ctx);
    const eb = b === '' ? none() : dimensionSql(b, side, ctx);
    if (ea && eb) out.push({ names: [a, b], exprs: [ea, eb] });
  }
  return out;
}

export const tupleName = (names: [string, string]): string => names.join('|');

/** A JSON array of [dim, value, dim2, value2] per tuple: `json_each` over it explodes a row. */
export function tupleArraySql(tuples: Tuple[], p: Params): string {
  return `json_array(${tuples.map((t) => `json_array(${p.bind(t.names[0])}, ${t.exprs[0]}, ${p.bind(t.names[1])}, ${t.exprs[1]})`).join(', ')})`;
}

/** The keys of an exploded tuple `j`: dim, value, dim2, value2 (hourly rows keep the first two). */
export function tupleKeysSql(p: Params, j = 'j.value', count = 4): string[] {
  return ['$[0]', '$[1]', '$[2]', '$[3]'].slice(0, count).map((k) => `json_extract(${j}, ${p.bind(k)})`);
}

export type Statement = { sql: string; params: unknown[] };

/** Thrown when a newer refresh run took the site over: this run's batch was rolled back. */
export class RefreshSuperseded extends Error {
  constructor(site: string) {
    super(`rollup refresh of ${site} superseded by a newer run`);
  }
}

const SUPERSEDED_MARK = 'rollup run superseded';

/**
 * First statement of every batch a run writes: unless the run still owns the site, it fails
 * (json() of a non-JSON string raises), and D1 rolls the whole batch back.
 */
function guardStatement(site: string, token: string): Statement {
  return {
    sql: 'SELECT CASE WHEN (SELECT token FROM rollup_runs WHERE site_id = ?1) = ?2 THEN 1 ELSE json(?3) END AS owned',
    params: [site, token, SUPERSEDED_MARK],
  };
}

/**
 * Runs a run's batch behind its guard. A failed batch of a run that no longer owns the site is
 * RefreshSuperseded (the newer run redoes the work); any other failure is rethrown as it is.
 */
export async function runGuarded(db: QueryDb, site: string, token: string, statements: Statement[]): Promise<void> {
  try {
    await db.batch([guardStatement(site, token), ...statements]);
  } catch (err) {
    const [owner] = await db.all<{ token: string }>('SELECT token FROM rollup_runs WHERE site_id = ?1', [site]);
    if (owner?.token !== token) throw new RefreshSuperseded(site);
    throw err;
  }
}

/** Makes a new run the owner of the site's rollups; earlier runs fail their next batch. */
export function claimStatement(site: string, token: string, now: number): Statement {
  return {
    sql: 'INSERT INTO rollup_runs (site_id, token, started_at) VALUES (?1, ?2, ?3) ON CONFLICT (site_id) DO UPDATE SET token = excluded.token, started_at = excluded.started_at',
    params: [site, token, now],
  };
}
