/**
 * What the two report pre-aggregates' writers (vitals/refresh.ts, errors/refresh.ts) build alike:
 * one row per dimension of each event (the `dims` table of dimension names crossed with the
 * events, and the value of each), and a rebuilt day's delete. One definition, so the two tables
 * cannot drift in how they split an event into dimension rows.
 */
import type { Statement } from '../query/db';

/** `{ dim: sql over x }` → the dimension names as a table `t` and the CASE giving each one's value. */
export function dimensionRows(dimensions: Record<string, string>): { table: string; value: string } {
  return {
    table: Object.keys(dimensions).map((d) => `SELECT '${d}' AS dim`).join(' UNION ALL '),
    value: `CASE t.dim ${Object.entries(dimensions).map(([d, sql]) => `WHEN '${d}' THEN ${sql}`).join(' ')} END`,
  };
}

/** A rebuilt day's rows of a pre-aggregate deleted (its dimensions only), before they are counted again. */
export function deleteDay(table: 'vitals_daily' | 'errors_daily', dimensions: Record<string, string>, site: string, day: string): Statement {
  return { sql: `DELETE FROM ${table} WHERE site_id = ?1 AND dim IN (${Object.keys(dimensions).map((d) => `'${d}'`).join(', ')}) AND day = ?2`, params: [site, day] };
}
