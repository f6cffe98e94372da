/**
 * SQL building blocks shared by the raw plan and the rollup refresh: numbered bound parameters
 * (user input is only ever bound, never pasted), and each dimension's expression on the `events`
 * (alias e) and `sessions` (alias s) tables.
 */
import { PAGEVIEW_PAGE } from '../rollups/shape';
import { HttpError } from '../lib/http-error';
import { localMsSql, type OffsetSegment } from '../lib/timezone';
import type { Granularity } from './types';

/** D1 refuses statements with more than 100 bound parameters. */
export const MAX_PARAMS = 100;

export class Params {
  readonly values: unknown[] = [];
  private readonly seen = new Map<unknown, number>();

  /** `?N` for a value; equal primitives share one parameter. */
  bind(value: string | number | null): string {
    const known = this.seen.get(value);
    if (known !== undefined) return `?${known}`;
    const n = this.values.push(value);
    this.seen.set(value, n);
    if (n > MAX_PARAMS) {
      throw new HttpError(400, 'query_too_complex', `The filters need more than ${MAX_PARAMS} values in one statement; use fewer contains values or a matches filter`);
    }
    return `?${n}`;
  }

  /** A set of values as one parameter: D1's parameter limit does not bound the list's length. */
  bindSet(values: readonly string[]): string {
    if (values.length <= 4) return `(${values.map((v) => this.bind(v)).join(', ')})`;
    return `(SELECT value FROM json_each(${this.bind(JSON.stringify(values))}))`;
  }
}

export type Side = 'e' | 's';

/** Columns with a label when empty (Plausible's blank labels). */
const COLUMNS: Record<string, { e?: string; s?: string; blank?: string }> = {
  // sessions side of event:page is the entry page: session metrics of a page are those of the
  // visits that landed on it (Plausible's rule for bounce rate and visit duration per page)
  'event:page': { e: 'pathname', s: 'entry_page', blank: '(none)' },
  'event:hostname': { e: 'hostname' },
  'event:name': { e: 'name' },
  'visit:entry_page': { s: 'entry_page', blank: '(none)' },
  'visit:exit_page': { s: 'exit_page', blank: '(none)' },
  'visit:source': { e: 'source', s: 'source', blank: 'Direct / None' },
  'visit:referrer': { e: 'referrer', s: 'referrer', blank: 'Direct / None' },
  'visit:channel': { e: 'channel', s: 'channel' },
  'visit:utm_source': { e: 'utm_source', s: 'utm_source', blank: '(not set)' },
  'visit:utm_medium': { e: 'utm_medium', s: 'utm_medium', blank: '(not set)' },
  'visit:utm_campaign': { e: 'utm_campaign', s: 'utm_campaign', blank: '(not set)' },
  'visit:utm_content': { e: 'utm_content', s: 'utm_content', blank: '(not set)' },
  'visit:utm_term': { e: 'utm_term', s: 'utm_term', blank: '(not set)' },
  'visit:device': { e: 'device', s: 'device' },
  'visit:browser': { e: 'browser', s: 'browser' },
  'visit:browser_version': { e: 'browser_version', s: 'browser_version' },
  'visit:os': { e: 'os', s: 'os' },
  'visit:os_version': { e: 'os_version', s: 'os_version' },
  'visit:country': { e: 'country', s: 'country', blank: '(not set)' },
  'visit:region': { e: 'region', s: 'region', blank: '(not set)' },
  'visit:region_name': { e: 'region_name', s: 'region_name', blank: '(not set)' },
  'visit:city': { e: 'city', s: 'city', blank: '(not set)' },
};
// country names are derived from the codes after grouping (labels.ts); Cloudflare gives city names only
COLUMNS['visit:country_name'] = COLUMNS['visit:country']!;
COLUMNS['visit:city_name'] = COLUMNS['visit:city']!;

/** NOT NULL on both tables: no blank label needed, and a bare column lets SQLite use an index. */
const NOT_NULL = new Set(['pathname', 'hostname', 'name', 'source', 'channel', 'device', 'browser', 'browser_version', 'os', 'os_version']);

export interface DimContext {
  params: Params;
  segments: OffsetSegment[];
  /** first local day of the range: weeks never start before it */
  firstDay: string;
}

/** The SQL expression of a (non-goal) dimension on a side, or null when that side lacks it. */
export function dimensionSql(dim: string, side: Side, ctx: DimContext, granularity: Granularity | null = null): string | null {
  const col = COLUMNS[dim];
  if (col) {
    const c = col[side];
    if (!c) return null;
    return col.blank && !NOT_NULL.has(c) ? `coalesce(${side}.${c}, ${ctx.params.bind(col.blank)})` : `${side}.${c}`;
  }
  if (dim.startsWith('event:props:')) {
    if (side !== 'e') return null;
    const path = ctx.params.bind(`$."${dim.slice('event:props:'.length)}"`);
    return `coalesce(json_extract(e.props, ${path}), ${ctx.params.bind('(none)')})`;
  }
  if (dim === PAGEVIEW_PAGE) return side === 'e' ? `CASE WHEN e.name = ${ctx.params.bind('pageview')} THEN e.pathname ELSE '' END` : null;
  if (dim === 'visit:new_vs_returning') return newVsReturningSql(side, ctx);
  if (dim.startsWith('time')) return timeSql(granularity ?? 'time:day', side === 'e' ? 'e.ts' : 's.start', ctx);
  return null;
}

export function timeSql(g: Granularity, column: string, ctx: DimContext): string {
  const secs = `(${localMsSql(column, ctx.segments)} / 1000)`;
  switch (g) {
    case 'time:minute':
      return `strftime('%Y-%m-%d %H:%M:00', ${secs}, 'unixepoch')`;
    case 'time:hour':
      return `strftime('%Y-%m-%d %H:00:00', ${secs}, 'unixepoch')`;
    case 'time:day':
      return `date(${secs}, 'unixepoch')`;
    case 'time:week':
      return `max(date(${secs}, 'unixepoch', '-6 days', 'weekday 1'), ${ctx.params.bind(ctx.firstDay)})`;
    case 'time:month':
      return `strftime('%Y-%m-01', ${secs}, 'unixepoch')`;
  }
}

/** Local day number (days since 1970-01-01 in the site's zone) of a ms column. */
export function localDaySql(column: string, ctx: DimContext): string {
  return `(${localMsSql(column, ctx.segments)} / 86400000)`;
}

/**
 * "Visitors" (DESIGN §5): anonymous ids change daily, so anonymous visitors are the sum of daily
 * distinct ids (distinct day.id pairs); identified visitors are distinct over the whole range.
 */
export function visitorsSql(side: Side, ctx: DimContext): string {
  const t = side === 'e' ? 'e.ts' : 's.start';
  return `(count(DISTINCT CASE WHEN ${side}.identified = 0 THEN ${localDaySql(t, ctx)} || '.' || ${side}.visitor_id END)`
    + ` + count(DISTINCT CASE WHEN ${side}.identified = 1 THEN ${side}.visitor_id END))`;
}

/**
 * Returning = an identified visitor with a session that started on an earlier local day
 * (DESIGN §5); anonymous ids are daily, so anonymous visitors are always new.
 */
function newVsReturningSql(side: Side, ctx: DimContext): string {
  const t = side === 'e' ? 'e.ts' : 's.start';
  const midnight = `(${t} - (${localMsSql(t, ctx.segments)} % 86400000))`;
  return `CASE WHEN ${side}.identified = 1 AND EXISTS (SELECT 1 FROM sessions p WHERE p.site_id = ${side}.site_id`
    + ` AND p.visitor_id = ${side}.visitor_id AND p.identified = 1 AND p.start < ${midnight})`
    + ` THEN 'returning' ELSE 'new' END`;
}
