/**
 * The errors report (DESIGN §4a), from `errors_daily` (errors/refresh.ts): the groups over the
 * range by events, each with its visitors (daily distinct ids added up over days, as DESIGN §5),
 * first and last seen, newest message, source and line, and its top pages and browsers; the
 * detail of one group adds daily counts and the sample stacks (the newest per day, distinct).
 * Reads are key ranges of the group rows and of the breakdown rows of the groups shown: bounded
 * by days × groups, never by events; the breakdown rows are summed in D1, which returns only
 * the top values. With filters (the overview's: page and visit dimensions)
 * the same rows are counted from the range's error events instead (raw-rows.ts): the groups are
 * pre-aggregated without visit attributes or page × browser pairs. That scan is bounded by
 * `maxRawRows` events in the range; past it, `400 query_too_large`.
 */
import { HttpError } from '../../lib/http-error';
import type { QueryDb } from '../../query/db';
import type { ReportRequest } from '../report-request';
import { readRawErrorRows, type ErrorRow } from './raw-rows';
import { preaggCoversSite, UNCOVERED_HINT } from '../preagg-coverage';
import type { ErrorDetailReport, ErrorGroup, ErrorGroupDetail as ErrorDetail, ErrorsReport } from '../../../contract/reports';

type Row = ErrorRow;
/** what a group's breakdown needs of a row */
type ValueRow = Pick<Row, 'dim' | 'fingerprint' | 'val' | 'events' | 'visitors'>;

const TOP = 5;
const MAX_STACKS = 5;
const iso = (ts: number) => new Date(ts).toISOString();

function groupsOf(rows: Row[]): Map<string, ErrorGroup & { newest: number }> {
  const groups = new Map<string, ErrorGroup & { newest: number }>();
  for (const r of rows) {
    let g = groups.get(r.fingerprint);
    if (!g) {
      g = { fingerprint: r.fingerprint, message: null, source: null, line: null, events: 0, visitors: 0, first_seen: iso(r.first_ts), last_seen: iso(r.last_ts), pages: [], browsers: [], newest: -1 };
      groups.set(r.fingerprint, g);
    }
    g.events += r.events;
    g.visitors += r.visitors;
    if (r.first_ts < Date.parse(g.first_seen)) g.first_seen = iso(r.first_ts);
    if (r.last_ts > Date.parse(g.last_seen)) g.last_seen = iso(r.last_ts);
    if (r.last_ts > g.newest && r.message !== null) {
      Object.assign(g, { newest: r.last_ts, message: r.message, source: r.source, line: r.line === null ? null : Number(r.line) });
    }
  }
  return groups;
}

function breakdown(rows: ValueRow[], fingerprint: string, dim: string): { val: string; events: number; visitors: number }[] {
  const by = new Map<string, { val: string; events: number; visitors: number }>();
  for (const r of rows) {
    if (r.fingerprint !== fingerprint || r.dim !== dim) continue;
    const b = by.get(r.val) ?? by.set(r.val, { val: r.val, events: 0, visitors: 0 }).get(r.val)!;
    b.events += r.events;
    b.visitors += r.visitors;
  }
  return [...by.values()].sort((a, b) => b.events - a.events || (a.val < b.val ? -1 : 1)).slice(0, TOP);
}

const ROWS = 'SELECT dim, day, fingerprint, val, events, visitors, first_ts, last_ts, message, source, line, stack FROM errors_daily'
  + ' WHERE site_id = ?1 AND dim = ?2 AND day >= ?3 AND day <= ?4';

/** events a filtered report may scan (its rows come from the raw events) */
export const MAX_RAW_ROWS = 1_000_000;

export interface ErrorsOptions {
  maxRawRows?: number;
}

async function readGroups(db: QueryDb, req: ReportRequest, only: string | null, limit: number, opts: ErrorsOptions): Promise<{ shown: (ErrorGroup & { newest: number })[]; groupRows: Row[]; dimRows: ValueRow[] }> {
  const covered = req.filters.length ? true : await preaggCoversSite(db, req.site.id);
  if (req.filters.length || !covered) {
    const bound = opts.maxRawRows ?? MAX_RAW_ROWS;
    const rows = await readRawErrorRows(db, req, bound, only);
    if (!rows && !covered) throw new HttpError(400, 'query_too_large', `the range holds more than ${bound} events and ${UNCOVERED_HINT}`);
    if (!rows) throw new HttpError(400, 'query_too_large', `the filtered range holds more than ${bound} events: narrow the period or drop the filters (unfiltered, the errors report reads pre-aggregated groups)`);
    const groupRows = rows.filter((r) => r.dim === '');
    const shown = [...groupsOf(groupRows).values()].sort((a, b) => b.events - a.events || (a.fingerprint < b.fingerprint ? -1 : 1)).slice(0, limit);
    const fps = new Set(shown.map((g) => g.fingerprint));
    return { shown, groupRows, dimRows: rows.filter((r) => r.dim !== '' && fps.has(r.fingerprint)) };
  }
  const span = [req.site.id, '', req.range.firstDay, req.range.lastDay];
  const groupRows = await db.all<Row>(only ? `${ROWS} AND fingerprint = ?5` : ROWS, only ? [...span, only] : span);
  const shown = [...groupsOf(groupRows).values()].sort((a, b) => b.events - a.events || (a.fingerprint < b.fingerprint ? -1 : 1)).slice(0, limit);
  if (shown.length === 0) return { shown, groupRows, dimRows: [] };
  const fps = JSON.stringify(shown.map((g) => g.fingerprint));
  const parts = await db.batch<ValueRow>(['event:page', 'visit:browser'].map((dim) => ({ sql: TOP_VALUES, params: [req.site.id, dim, req.range.firstDay, req.range.lastDay, fps] })));
  return { shown, groupRows, dimRows: parts.flat() };
}

/**
 * Each shown group's top values of a dimension over the range, summed in D1: a 30-day range at 10M
 * events a month holds ~18k page rows for five groups, and handing each to the Worker cost more
 * than reading it (~9 µs a row). Same order as `breakdown` (events, then value: SQLite compares
 * UTF-8 bytes, JS UTF-16 units, which differ only between astral and U+E000–U+FFFF characters).
 */
const TOP_VALUES = `SELECT ?2 AS dim, fingerprint, val, events, visitors FROM (SELECT fingerprint, val, sum(events) AS events, sum(visitors) AS visitors,`
  + ` row_number() OVER (PARTITION BY fingerprint ORDER BY sum(events) DESC, val) AS k FROM errors_daily`
  + ` WHERE site_id = ?1 AND dim = ?2 AND day >= ?3 AND day <= ?4 AND fingerprint IN (SELECT value FROM json_each(?5)) GROUP BY fingerprint, val)`
  + ` WHERE k <= ${TOP}`;

function finish(g: ErrorGroup & { newest: number }, dimRows: ValueRow[]): ErrorGroup {
  const { newest: _newest, ...group } = g;
  return {
    ...group,
    pages: breakdown(dimRows, g.fingerprint, 'event:page').map(({ val, events, visitors }) => ({ page: val, events, visitors })),
    browsers: breakdown(dimRows, g.fingerprint, 'visit:browser').map(({ val, events, visitors }) => ({ browser: val, events, visitors })),
  };
}

export async function listErrorGroups(db: QueryDb, req: ReportRequest, limit: number, opts: ErrorsOptions = {}): Promise<ErrorsReport> {
  const start = db.rowsRead;
  const { shown, groupRows, dimRows } = await readGroups(db, req, null, limit, opts);
  const groups = new Set(groupRows.map((r) => r.fingerprint)).size;
  return { results: shown.map((g) => finish(g, dimRows)), meta: { date_range: req.dateRange, groups, rows_read: db.rowsRead - start } };
}

/** One group's detail, or null when the range holds none of it. */
export async function errorGroupDetail(db: QueryDb, req: ReportRequest, fingerprint: string, opts: ErrorsOptions = {}): Promise<ErrorDetailReport | null> {
  const { shown, groupRows, dimRows } = await readGroups(db, req, fingerprint, 1, opts);
  const g = shown[0];
  if (!g) return null;
  const daily = groupRows.map((r) => ({ date: r.day, events: r.events, visitors: r.visitors })).sort((a, b) => (a.date < b.date ? -1 : 1));
  const stacks = new Map<string, number>();
  for (const r of groupRows) if (r.stack && r.last_ts > (stacks.get(r.stack) ?? -1)) stacks.set(r.stack, r.last_ts);
  const samples = [...stacks.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_STACKS).map(([stack, ts]) => ({ stack, last_seen: iso(ts) }));
  return { result: { ...finish(g, dimRows), daily, stacks: samples }, meta: { date_range: req.dateRange } };
}
