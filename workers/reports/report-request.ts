/**
 * What every `GET /api/v1/sites/{site}/<report>` shares (DESIGN §4a): the site (404 when
 * unknown), the date range (`period=30d`, or `date=2026-11-01,2026-11-30`, in the site's zone,
 * as the Stats API resolves them) and `filters` (Stats API v2 filter JSON). The vitals and errors
 * reports filter on the event's own columns only: a visit dimension (events carry their visit's
 * attribution) or the page, with `is`, `contains` and their negations, `and`, `or`, `not`.
 */
import { HttpError } from '../lib/http-error';
import { resolveDateRange } from '../query/date-range';
import { filtersSql, type FilterContext } from '../query/filters';
import { Params } from '../query/sql';
import { parseFilters, walkLeaves } from '../query/validate-filters';
import type { DateRange, Filter, SiteInfo } from '../query/types';
import type { QueryDb } from '../query/db';
import { offsetSegments } from '../lib/timezone';

const bad = (message: string) => new HttpError(400, 'invalid_request', message);

/** The dimensions a report filter may name: columns every event row carries. */
const FILTERABLE = new Set([
  'event:page', 'event:hostname', 'visit:source', 'visit:referrer', 'visit:channel', 'visit:utm_source', 'visit:utm_medium',
  'visit:utm_campaign', 'visit:utm_content', 'visit:utm_term', 'visit:device', 'visit:browser', 'visit:browser_version',
  'visit:os', 'visit:os_version', 'visit:country', 'visit:region', 'visit:city',
]);
const FILTER_OPS = new Set(['is', 'is_not', 'contains', 'contains_not']);

export interface ReportRequest {
  site: SiteInfo;
  range: DateRange;
  filters: Filter[];
  /** the range as answered, in local dates */
  dateRange: [string, string];
}

export async function loadSite(db: QueryDb, id: string): Promise<SiteInfo> {
  const [row] = await db.all<{ id: string; timezone: string; created_at: number }>('SELECT id, timezone, created_at FROM sites WHERE id = ?1', [id]);
  if (!row) throw new HttpError(404, 'not_found', `no site ${id}`);
  return { id: row.id, timezone: row.timezone, createdAt: row.created_at };
}

/** The period, date and filters of a report URL, validated. */
export function parseReportRequest(url: URL, site: SiteInfo, now: number): ReportRequest {
  const period = url.searchParams.get('period') ?? (url.searchParams.has('date') ? 'custom' : '30d');
  const date = url.searchParams.get('date');
  let input: unknown = period;
  if (period === 'custom' || (date && date.includes(','))) {
    const parts = (date ?? '').split(',');
    if (parts.length !== 2) throw bad('date must be two dates, `date=YYYY-MM-DD,YYYY-MM-DD`');
    input = parts;
  } else if (period === 'day' && date) {
    input = [date, date];
  } else if (period === 'all') {
    throw bad('period=all is not supported by this report: give a period such as 30d, or date=YYYY-MM-DD,YYYY-MM-DD');
  }
  let range: DateRange;
  try {
    range = resolveDateRange(input, site, now, null);
  } catch (err) {
    if (err instanceof HttpError) throw bad(err.message.replace('#/date_range', 'period/date'));
    throw err;
  }
  if (!range.wholeDays) throw bad('this report answers whole days: use a period of days or date=YYYY-MM-DD,YYYY-MM-DD');
  return { site, range, filters: parseReportFilters(url.searchParams.get('filters')), dateRange: [range.firstDay, range.lastDay] };
}

function parseReportFilters(raw: string | null): Filter[] {
  if (raw === null || raw === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw bad('filters must be Stats API v2 filter JSON, e.g. [["is","visit:device",["Mobile"]]]');
  }
  let filters: Filter[];
  try {
    filters = parseFilters(json);
  } catch (err) {
    if (err instanceof HttpError) throw bad(err.message);
    throw err;
  }
  walkLeaves(filters, (leaf) => {
    if (!FILTERABLE.has(leaf.dimension)) throw bad(`filters: this report cannot filter on ${leaf.dimension}; it filters on the page and visit dimensions`);
    if (!FILTER_OPS.has(leaf.op)) throw bad(`filters: this report takes is, is_not, contains and contains_not, not ${leaf.op}`);
  });
  JSON.stringify(filters, (key, value) => {
    if (key === 'op' && (value === 'has_done' || value === 'has_not_done')) throw bad(`filters: this report does not take ${value}`);
    return value;
  });
  return filters;
}

/** The filters as a condition on `events e` (binding into `params`); `1` when there are none. */
export function eventFiltersSql(filters: Filter[], params: Params, site: string, range: DateRange, tz: string): string {
  const ctx: FilterContext = { params, segments: offsetSegments(range.from, range.to, tz), firstDay: range.firstDay, site, from: range.from, to: range.to, goals: [] };
  return filtersSql(filters, 'e', ctx);
}
