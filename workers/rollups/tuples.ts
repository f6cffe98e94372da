/**
 * What the two ways of writing rollups share: the full rebuild of a day (rebuild.ts) and the
 * incremental delta (delta.ts) group the same rows by the same dimension tuples, with the
 * same SQL expressions as the raw plan (workers/query/sql.ts) — which is what makes all three agree.
 */
import { rollupPairs, ROLLUP_DIMS } from './shape';
import { ATTRIBUTION_COLUMNS } from '../../contract/attribution';
import { PASSIVE_EVENT_NAMES } from '../../contract/events';
import { dimensionSql, Params, type DimContext, type Side } from '../query/sql';

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
