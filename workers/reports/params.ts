/**
 * What every behaviour report (funnels, retention, journeys) takes besides its own parameters
 * (DESIGN §4a): a date range (`period=30d`, or `date=2026-11-01,2026-11-30`, or a body's
 * `date_range`), resolved in the site's time zone with the Stats API's own rules, and optional
 * Stats API v2 filters restricted to visit dimensions. Matches filters are resolved to exact sets
 * here (D1 has no REGEXP), with the query engine's own budget.
 */
import { HttpError } from '../lib/http-error';
import { offsetSegments } from '../lib/timezone';
import type { QueryDb } from '../query/db';
import { loadSiteAndStaleDays } from '../query/planner';
import { resolveDateRange } from '../query/date-range';
import { DEFAULT_REGEX_BUDGET, RegexBudget } from '../query/regex-budget';
import { resolveFilters } from '../query/resolve';
import { Params, type DimContext } from '../query/sql';
import type { DateRange, Filter, SiteInfo } from '../query/types';
import { parseFilters, walkLeaves } from '../query/validate-filters';

export const bad = (message: string): HttpError => new HttpError(400, 'invalid_query', message);

/** The site row a report needs; 404 when the site has no row in its database. */
export async function loadSite(db: QueryDb, siteId: string): Promise<SiteInfo> {
  const [row] = await db.all<{ id: string; timezone: string; created_at: number }>('SELECT id, timezone, created_at FROM sites WHERE id = ?1', [siteId]);
  if (!row) throw new HttpError(404, 'not_found', `site "${siteId}" not found`);
  return { id: row.id, timezone: row.timezone, createdAt: row.created_at };
}

/** `period` and `date` URL parameters as a Stats API `date_range` value. */
export function dateRangeFromUrl(url: URL, fallback = '30d'): unknown {
  const date = url.searchParams.get('date');
  const period = url.searchParams.get('period');
  if (date !== null) {
    const parts = date.split(',');
    if (parts.length !== 2) throw bad('date: expected two dates, "YYYY-MM-DD,YYYY-MM-DD"');
    if (period !== null && period !== 'custom') throw bad('give either period or date, not both');
    return parts;
  }
  return period ?? fallback;
}

/** A JSON-valued URL parameter (`filters`, `steps`), or undefined when absent. */
export function jsonParam(url: URL, name: string): unknown {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw bad(`#/${name}: Invalid JSON`);
  }
}

/** The date range in the site's zone; `all` starts at the site's first event. */
export async function resolveReportRange(db: QueryDb, site: SiteInfo, input: unknown, now: number): Promise<DateRange> {
  let first: number | null = null;
  if (input === 'all') {
    const [r] = await db.all<{ t: number | null }>('SELECT min(ts) AS t FROM events WHERE site_id = ?1', [site.id]);
    first = r?.t ?? null;
  }
  return resolveDateRange(input, site, now, first);
}

/** Stats API filters, visit dimensions only: a report's rows are sessions or visitors, not events. */
export function parseVisitFilters(raw: unknown): Filter[] {
  const filters = parseFilters(raw);
  walkLeaves(filters, (leaf) => {
    if (!leaf.dimension.startsWith('visit:')) {
      throw bad(`#/filters: reports take filters on visit dimensions only (source, country, device, UTM, …), not \`${leaf.dimension}\``);
    }
  });
  if (JSON.stringify(filters).includes('"has_')) throw bad('#/filters: has_done and has_not_done are not taken by reports');
  return filters;
}

/** The filter context a report's SQL is built in, with `matches` filters resolved to value sets. */
export async function reportContext(db: QueryDb, site: SiteInfo, range: DateRange, filters: Filter[]): Promise<{ ctx: DimContext; filters: Filter[] }> {
  const segments = offsetSegments(range.from, range.to, site.timezone);
  const ctx: DimContext = { params: new Params(), segments, firstDay: range.firstDay };
  const resolved = await resolveFilters(db, filters, site.id, ctx, range.from, range.to, new RegexBudget(DEFAULT_REGEX_BUDGET));
  return { ctx, filters: resolved };
}

/**
 * Events a report may scan from raw rows before it is refused: D1 stops a query at 30 s and
 * bills each row read, and the matching rows come back to the Worker (128 MB): half a million
 * rows of ~100 bytes stay well inside it.
 */
export const MAX_REPORT_RAW_ROWS = 500_000;

/**
 * Refuses a range with more events than `max`. When the rollups hold every day of the range,
 * their daily totals say how many (a row a day, as the query planner estimates); otherwise the
 * events are counted on their (site_id, ts) key, stopping one past the bound, so the guard never
 * reads more than it allows.
 */
export async function guardRawEvents(db: QueryDb, site: string, range: DateRange, max: number): Promise<void> {
  if (!Number.isFinite(max)) return; // the benchmark measures unbounded plans
  const { stale } = await loadSiteAndStaleDays(db, site);
  const current = stale !== null && ![...stale].some((d) => d >= range.firstDay && d <= range.lastDay);
  let n: number;
  if (current) {
    const [r] = await db.all<{ n: number | null }>(
      "SELECT sum(raw_rows) AS n FROM rollup_daily WHERE site_id = ?1 AND dim = '' AND dim2 = '' AND day >= ?2 AND day <= ?3",
      [site, range.firstDay, range.lastDay],
    );
    n = r?.n ?? 0;
  } else {
    const [r] = await db.all<{ n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM events WHERE site_id = ?1 AND ts >= ?2 AND ts < ?3 LIMIT ?4)',
      [site, range.from, range.to, Math.floor(max) + 1],
    );
    n = r?.n ?? 0;
  }
  if (n > max) {
    throw new HttpError(400, 'query_too_large', `This report would scan more than ${max} events; narrow the date range`);
  }
}
