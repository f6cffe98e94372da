/**
 * Goals (DESIGN §5): a custom event name, or "Visit <path pattern>" where `*` matches within one
 * path segment and `**` across segments, kept in the accounts' `goals` table (issue 3). Read by the
 * query engine and by the SiteDO's realtime snapshot, so it depends on neither.
 */
import type { GoalRow } from '../db/rows';
import { compilePattern, type Pattern } from './user-regex';

export interface Goal {
  /** the name used in `event:goal` filters and returned as the dimension value */
  name: string;
  eventName: string | null;
  pagePath: string | null;
}

/** The goal columns `GOALS_SQL` reads; null throughout where a site's LEFT JOIN found no goal. */
export type GoalColumns = { [K in 'kind' | 'event_name' | 'page_path' | 'display_name']: GoalRow[K] | null };

function toGoal(raw: Omit<GoalColumns, 'kind'>): Goal | null {
  const eventName = typeof raw.event_name === 'string' && raw.event_name ? raw.event_name : null;
  const pagePath = typeof raw.page_path === 'string' && raw.page_path ? raw.page_path : null;
  if (!eventName && !pagePath) return null;
  const fallback = eventName ?? `Visit ${pagePath}`;
  const name = typeof raw.display_name === 'string' && raw.display_name ? raw.display_name : fallback;
  return { name, eventName, pagePath: eventName ? null : pagePath };
}

/** The site's goals (issue 3's `goals` table), by name so goal breakdowns are deterministic. */
export const GOALS_SQL = 'SELECT kind, event_name, page_path, display_name FROM goals WHERE site_id = ?1 ORDER BY display_name';

export function goalsFromRows(rows: GoalColumns[]): Goal[] {
  return rows
    .map((row) => toGoal(row.kind === 'event' ? { ...row, page_path: null } : { ...row, event_name: null }))
    .filter((g): g is Goal => g !== null);
}

export async function loadGoals(db: D1Database, site: string): Promise<Goal[]> {
  const { results } = await db.prepare(GOALS_SQL).bind(site).all<GoalRow>();
  return goalsFromRows(results);
}

export function hasWildcard(path: string): boolean {
  return path.includes('*');
}

/**
 * Plausible's page-goal wildcards as an anchored pattern: `**` any characters, `*` no slash.
 * Compiled with RE2 like every user pattern: a goal with many `*` stays linear in the path.
 */
export function wildcardRegex(pattern: string): Pattern {
  return compilePattern(wildcardSource(pattern));
}

/** The anchored RE2 source of a wildcard pattern (also the Stats API v1's `*` filters). */
export function wildcardSource(pattern: string): string {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return `^${re}$`;
}

/** Does a goal's name pass a leaf filter's op and values (filters on event:goal name goals)? */
export function goalNameMatches(name: string, op: string, values: string[], caseSensitive: boolean): boolean {
  const n = caseSensitive ? name : name.toLowerCase();
  const vs = caseSensitive ? values : values.map((v) => v.toLowerCase());
  switch (op) {
    case 'is':
    case 'is_not':
    case 'in_set':
    case 'not_in_set':
      return vs.includes(n);
    case 'contains':
    case 'contains_not':
      return vs.some((v) => n.includes(v));
    default:
      return values.some((v) => compilePattern(v, caseSensitive).test(name));
  }
}
