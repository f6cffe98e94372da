/**
 * Incremental rollups for the days still receiving traffic (today and yesterday, local): instead
 * of rebuilding a day every 5 minutes (~150 rows read per event of the day, and every row of the
 * day written again), a run applies what changed since its watermark.
 *
 * Every rollup number is a sum over visitors: a visitor adds 1 to "visitors" of a value if one of
 * their rows of the day (or hour) has it, and their rows' counts to the sums. So a run reads only
 * the visitors touched since the watermark, computes each one's contribution before and after,
 * and adds the difference. "Before" is, for events (never changed once written), those inserted
 * up to the previous watermark; for sessions (replaced by each newer version) the copy the
 * rollups last counted, kept in `rollup_ledger`. Identified visitors' id lists take the ids whose
 * presence changed (negated = removed; ids are positive 53-bit hashes). All of it runs in the
 * run's final batch, behind its guard, with the new watermark: applied exactly once or not at all.
 */
import { localDay, offsetSegments } from '../lib/timezone';
import { Params, timeSql, type DimContext, type Side } from '../query/sql';
import type { Statement } from '../query/db';
import { MAX_IDS_PER_DAY, OVERFLOW_IDS } from './shape';
import { sideArrivedAfter } from './stale-days';
import { ARRIVAL_BUCKET_MS as QUARTER_HOUR } from '../db/schema';
import { E_SUMS, LEDGER_COLUMNS, NON_TRAFFIC, S_SUMS, tupleArraySql, tupleKeysSql, tupleName, tuplesFor } from './tuples';

export interface DeltaSpan {
  site: string;
  tz: string;
  /** the incrementally kept days, ascending and consecutive */
  days: string[];
  from: number;
  to: number;
  /** events inserted up to `prev` are in the rollups; this run adds those up to `next` */
  prev: number;
  next: number;
  /**
   * The start of the first kept day that received events since `prev` (default `from`): the
   * events side reads the site's events from here (a day nothing arrived for has no change).
   */
  eventsFrom?: number;
  /** tests: a day with more identified visitors than this lists none */
  maxIdsPerDay?: number;
}

/**
 * Tuples per statement. Each statement reads the touched visitors' rows again (the events side
 * scans the day's events since 0013), so every table's tuples go in one: the pairs' 41 tuples
 * bind about 30 distinct values (names are shared) in ~17 KB of SQL, inside D1's 100 parameters
 * and 100 KB.
 */
const TUPLES_PER_STATEMENT = 48;

type Table = 'rollup_daily' | 'rollup_pairs' | 'rollup_hourly';
const ID_COLUMNS = ['e_ident_ids', 's_ident_ids'];

function context(span: DeltaSpan, p: Params): DimContext {
  return { params: p, segments: offsetSegments(span.from, span.to, span.tz), firstDay: span.days[0]! };
}

/**
 * Rows of `table` (alias `alias`) whose time column lies in a quarter-hour that received rows
 * since `prev` (`arrivals`): one key range of the table per such quarter-hour, instead of an
 * index on `inserted_at` that every insert and every session version would write. The caller
 * still tests `inserted_at`: a quarter-hour also holds rows counted before. CROSS JOIN keeps the
 * quarter-hours the outer loop (SQLite may otherwise walk the site's whole key and probe them).
 */
function arrivedRows(table: 'events' | 'sessions', alias: string, site: string, prev: string): string {
  const t = table === 'events' ? `${alias}.ts` : `${alias}.start`;
  const q = String(QUARTER_HOUR);
  return `(SELECT DISTINCT bucket FROM arrivals WHERE ${sideArrivedAfter(table === 'events' ? 'e' : 's', site, prev)}) AS b_${alias}`
    + ` CROSS JOIN ${table} ${alias} ON ${alias}.site_id = ${site} AND ${t} >= b_${alias}.bucket * ${q} AND ${t} < b_${alias}.bucket * ${q} + ${q}`;
}

/**
 * The touched visitors' events of the kept days, up to `next`, flagged `old_` when already
 * counted: a scan of the site's events from the first kept day that received any (events are
 * keyed by site and time, and nothing else; the `+` keeps the kept days' bounds off the key where
 * `eventsFrom` is the tighter one), keeping the touched visitors' rows.
 */
function eventsSource(span: DeltaSpan, p: Params): string {
  const site = p.bind(span.site);
  const from = p.bind(span.from);
  const to = p.bind(span.to);
  const prev = p.bind(span.prev);
  const next = p.bind(span.next);
  const traffic = p.bindSet(NON_TRAFFIC);
  const touched = `SELECT n.visitor_id FROM ${arrivedRows('events', 'n', site, prev)}`
    + ` WHERE n.inserted_at > ${prev} AND n.inserted_at <= ${next} AND +n.ts >= ${from} AND +n.ts < ${to} AND n.name NOT IN ${traffic}`;
  return `(SELECT e0.*, (e0.inserted_at <= ${prev}) AS old_ FROM events e0 WHERE e0.site_id = ${site}`
    + ` AND e0.ts >= ${p.bind(Math.max(span.from, span.eventsFrom ?? span.from))} AND e0.ts < ${to}`
    + ` AND e0.visitor_id IN (${touched}) AND e0.inserted_at <= ${next} AND e0.name NOT IN ${traffic}) e`;
}

/** The sessions written since `prev` (their rows now), as `FROM …` for alias `t`. */
const touchedSessions = (site: string, prev: string, t = 't') => `FROM ${arrivedRows('sessions', t, site, prev)} WHERE ${t}.inserted_at > ${prev}`;

/**
 * The touched visitors' sessions of the kept days, twice: as counted (the ledger, `old_`) and as
 * they are now (`new_`: untouched ledger rows and the current rows of touched sessions). The
 * touched sessions are read once (MATERIALIZED), not once per use.
 */
function sessionsSource(span: DeltaSpan, ctx: DimContext): string {
  const p = ctx.params;
  const site = p.bind(span.site);
  const days = p.bindSet(span.days);
  const day = timeSql('time:day', 'c.start', ctx);
  const cols = LEDGER_COLUMNS.map((c) => `t.${c}`).join(', ');
  return `(WITH touched AS MATERIALIZED (SELECT t.id, ${cols} ${touchedSessions(site, p.bind(span.prev))})`
    + ` SELECT ${LEDGER_COLUMNS.map((c) => `l.${c}`).join(', ')}, l.day AS day_, 1 AS old_, (l.session_id NOT IN (SELECT id FROM touched)) AS new_`
    + ` FROM rollup_ledger l WHERE l.site_id = ${site} AND l.day IN ${days} AND l.visitor_id IN (SELECT visitor_id FROM touched)`
    + ` UNION ALL SELECT ${LEDGER_COLUMNS.map((c) => `c.${c}`).join(', ')}, ${day}, 0, 1`
    + ` FROM touched c WHERE c.start >= ${p.bind(span.from)} AND c.start < ${p.bind(span.to)}) s`;
}

/** Per visitor and tuple value: was it there before, is it now, and the change of each sum. */
function perVisitor(side: Side, p: Params): { had: string; has: string; deltas: string[] } {
  if (side === 'e') {
    const pv = `(e.name = ${p.bind('pageview')})`;
    return { had: 'max(e.old_)', has: '1', deltas: [`sum(${pv}) - sum(e.old_ * ${pv})`, 'count(*) - sum(e.old_)'] };
  }
  const d = (col: string) => `sum((s.new_ - s.old_) * s.${col})`;
  return { had: 'max(s.old_)', has: 'max(s.new_)', deltas: ['sum(s.new_ - s.old_)', d('is_bounce'), d('duration'), d('pageviews'), d('events')] };
}

/**
 * A row's id list with a delta applied. Additions alone (every events-side change: events never
 * leave) are appended as text — an added visitor was not in the list — so the list is not read
 * element by element; removals (sessions-side) rebuild it from its elements.
 */
const mergeIds = (table: Table, col: string) => {
  const [old, delta] = [`${table}.${col}`, `excluded.${col}`];
  const append = `CASE WHEN ${old} = '[]' THEN ${delta} ELSE substr(${old}, 1, length(${old}) - 1) || ',' || substr(${delta}, 2) END`;
  const rebuild = `(SELECT json_group_array(value) FROM (SELECT value FROM json_each(${old})`
    + ` WHERE value NOT IN (SELECT -value FROM json_each(${delta}) WHERE value < 0)`
    + ` UNION SELECT value FROM json_each(${delta}) WHERE value > 0))`;
  return `${col} = CASE WHEN ${delta} = '[]' OR ${old} = '${OVERFLOW_IDS}' THEN ${old} WHEN instr(${delta}, '-') = 0 THEN ${append} ELSE ${rebuild} END`;
};

/**
 * One side's changed tuple values, a row each: the events side fills the E_SUMS columns and the
 * sessions side the S_SUMS ones (zeros in the other's), so the two can be summed per value.
 */
function sideChanges(side: Side, table: Table, span: DeltaSpan, ctx: DimContext, names: Set<string>): string | null {
  const p = ctx.params;
  const hourly = table === 'rollup_hourly';
  const tuples = tuplesFor(side, ctx, !hourly, names);
  if (tuples.length === 0) return null;
  const t = side === 'e' ? 'e.ts' : 's.start';
  const src = side === 'e' ? eventsSource(span, p) : sessionsSource(span, ctx);
  const day = side === 'e' ? timeSql('time:day', t, ctx) : 's.day_';
  const hour = hourly ? `, ${timeSql('time:hour', t, ctx)} AS hour_` : '';
  const { had, has, deltas } = perVisitor(side, p);
  const per = `SELECT ${day} AS day_${hour}, j.value AS jv, ${side}.visitor_id AS vid, ${side}.identified AS ident, ${had} AS had, ${has} AS has,`
    + ` ${deltas.map((d, i) => `${d} AS d${i}`).join(', ')} FROM ${src}, json_each(${tupleArraySql(tuples, p)}) j`
    + ` GROUP BY day_${hourly ? ', hour_' : ''}, jv, vid, ident`;
  const visitors = [0, 1].map((i) => `sum(CASE WHEN ident = ${i} THEN has - had ELSE 0 END)`);
  const own = [...visitors, ...deltas.map((_, i) => `sum(d${i})`)];
  const zeros = (n: number) => Array.from({ length: n }, () => '0');
  const sums = side === 'e' ? [...own, ...zeros(S_SUMS.length)] : [...zeros(E_SUMS.length), ...own];
  const ids = `json_group_array(CASE WHEN has > had THEN vid ELSE -vid END) FILTER (WHERE ident = 1 AND has <> had)`;
  const lists = hourly ? [] : side === 'e' ? [ids, 'NULL'] : ['NULL', ids];
  const columns = [...sums, ...lists].map((expr, i) => `${expr} AS ${[...E_SUMS, ...S_SUMS, ...ID_COLUMNS][i]}`);
  const changed = `sum(abs(has - had))${deltas.map((_, i) => ` + sum(abs(d${i}))`).join('')} > 0`;
  return `SELECT day_${hourly ? ', hour_' : ''}, jv, ${columns.join(', ')} FROM (${per})`
    + ` GROUP BY day_${hourly ? ', hour_' : ''}, jv HAVING ${changed}`;
}

/**
 * One upsert adding both sides' deltas of some tuples to one table: a value both sides changed
 * (most do — a new pageview also changes its visit) is written once, not twice.
 */
function deltaStatement(table: Table, span: DeltaSpan, names: Set<string>): Statement {
  const p = new Params();
  const ctx = context(span, p);
  const hourly = table === 'rollup_hourly';
  const inner = (['e', 's'] as const).map((side) => sideChanges(side, table, span, ctx, names)).filter((x) => x !== null)
    .map((sql) => `SELECT * FROM (${sql})`).join(' UNION ALL ');
  const sumCols = [...E_SUMS, ...S_SUMS];
  const idCols = hourly ? [] : ID_COLUMNS;
  const keys = tupleKeysSql(p, 'jv', hourly ? 2 : 4);
  const add = sumCols.map((c) => `${c} = ${table}.${c} + excluded.${c}`);
  const summed = sumCols.map((c) => `sum(${c})`);
  // each value has at most one row of each side: max() picks its list, coalesce() fills the other
  const lists = idCols.map((c) => `coalesce(max(${c}), '[]')`);
  let sql: string;
  if (hourly) {
    sql = `INSERT INTO rollup_hourly (site_id, day, hour, dim, val, ${sumCols.join(', ')})`
      + ` SELECT ${p.bind(span.site)}, day_, hour_, ${keys[0]}, ${keys[1]}, ${summed.join(', ')} FROM (${inner})`
      + ` GROUP BY day_, hour_, jv`
      + ` ON CONFLICT (site_id, dim, day, hour, val) DO UPDATE SET ${add.join(', ')}`;
  } else {
    sql = `INSERT INTO ${table} (site_id, day, dim, val, dim2, val2, ${sumCols.join(', ')}, ${idCols.join(', ')})`
      + ` SELECT ${p.bind(span.site)}, day_, ${keys.join(', ')}, ${[...summed, ...lists].join(', ')} FROM (${inner})`
      + ` GROUP BY day_, jv`
      + ` ON CONFLICT (site_id, dim, dim2, day, val, val2) DO UPDATE SET ${[...add, ...idCols.map((c) => mergeIds(table, c))].join(', ')}`;
  }
  return { sql, params: p.values };
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** The upserts: single dimensions, pairs and hourly rows, a statement per chunk of tuples. */
function deltaUpserts(span: DeltaSpan): Statement[] {
  // every tuple either side keeps (entry and exit page are sessions only, event names events only)
  const probe = { params: new Params(), segments: [], firstDay: '' };
  const all = [...new Set([...tuplesFor('e', probe, true), ...tuplesFor('s', probe, true)].map((t) => tupleName(t.names)))];
  const singles = all.filter((n) => n.endsWith('|'));
  const pairs = all.filter((n) => !n.endsWith('|'));
  const out: Statement[] = [];
  for (const [table, names] of [['rollup_daily', singles], ['rollup_pairs', pairs], ['rollup_hourly', singles]] as const) {
    for (const chunk of chunks(names, TUPLES_PER_STATEMENT)) out.push(deltaStatement(table, span, new Set(chunk)));
  }
  return out;
}

/** After the upserts: raw row counts, days that outgrew id lists, the ledger. */
function finishStatements(span: DeltaSpan): Statement[] {
  const build = (make: (b: Bound) => string): Statement => {
    const p = new Params();
    const ctx = context(span, p);
    // bound on first use: a statement binds only the values it names
    const sql = make({
      p, ctx,
      get site() { return p.bind(span.site); },
      get prev() { return p.bind(span.prev); },
      get from() { return p.bind(span.from); },
      get to() { return p.bind(span.to); },
      get inDays() { return `site_id = ${p.bind(span.site)} AND day IN ${p.bindSet(span.days)}`; },
    });
    return { sql, params: p.values };
  };
  const total = `dim = '' AND dim2 = '' AND val = '' AND val2 = ''`;
  const cols = LEDGER_COLUMNS.join(', ');
  return [
    build(({ p, ctx, site, prev, from, to }) => `UPDATE rollup_daily SET raw_rows = raw_rows + x.n FROM (SELECT ${timeSql('time:day', 'e.ts', ctx)} AS d, count(*) AS n FROM ${arrivedRows('events', 'e', site, prev)}`
      + ` WHERE e.inserted_at > ${prev} AND e.inserted_at <= ${p.bind(span.next)} AND +e.ts >= ${from} AND +e.ts < ${to} GROUP BY d) AS x`
      + ` WHERE rollup_daily.site_id = ${site} AND ${total} AND rollup_daily.day = x.d`),
    // a day past MAX_IDS_PER_DAY identified visitors lists none, as a rebuild would write it (the
    // day index reads only such days' rows: none on almost every run)
    ...['rollup_daily', 'rollup_pairs'].map((t) => build(({ p, site, inDays }) => {
      const overflow = p.bind(OVERFLOW_IDS);
      return `UPDATE ${t} INDEXED BY ${t}_day SET e_ident_ids = CASE WHEN events > 0 THEN ${overflow} ELSE e_ident_ids END,`
        + ` s_ident_ids = CASE WHEN visits > 0 THEN ${overflow} ELSE s_ident_ids END WHERE site_id = ${site}`
        + ` AND day IN (SELECT day FROM rollup_daily WHERE ${inDays} AND ${total} AND s_ident_visitors > ${p.bind(span.maxIdsPerDay ?? MAX_IDS_PER_DAY)})`
        + ` AND ((events > 0 AND e_ident_ids <> ${overflow}) OR (visits > 0 AND s_ident_ids <> ${overflow}))`;
    })),
    // the ledger takes the touched sessions as counted now: a session that changed its day (or left
    // the kept days) loses its old row, the others are updated in place (one row written, not two)
    build(({ ctx, site, prev, from, to, inDays }) => `DELETE FROM rollup_ledger WHERE ${inDays}`
      + ` AND (visitor_id, session_id) IN (SELECT t.visitor_id, t.id ${touchedSessions(site, prev)})`
      + ` AND day IS NOT (SELECT ${timeSql('time:day', 'c.start', ctx)} FROM sessions c WHERE c.site_id = rollup_ledger.site_id`
      + ` AND c.visitor_id = rollup_ledger.visitor_id AND c.id = rollup_ledger.session_id AND +c.start >= ${from} AND +c.start < ${to})`),
    build(({ ctx, site, prev, from, to }) => `INSERT INTO rollup_ledger (site_id, day, session_id, ${cols})`
      + ` SELECT c.site_id, ${timeSql('time:day', 'c.start', ctx)}, c.id, ${LEDGER_COLUMNS.map((c) => `c.${c}`).join(', ')}`
      + ` ${touchedSessions(site, prev, 'c')} AND +c.start >= ${from} AND +c.start < ${to}`
      + ` ON CONFLICT (site_id, day, visitor_id, session_id) DO UPDATE SET ${LEDGER_COLUMNS.filter((c) => c !== 'visitor_id' && c !== 'identified').map((c) => `${c} = excluded.${c}`).join(', ')}`),
  ];
}

interface Bound {
  p: Params;
  ctx: DimContext;
  site: string;
  prev: string;
  from: string;
  to: string;
  /** this site's rows of the kept days */
  inDays: string;
}

/**
 * A value whose last session moved elsewhere (an exit page, a late first event) keeps a row of
 * zeros, which no query shows and a rebuild would not write. They are deleted once, when the day
 * leaves the incremental window, instead of scanning the day's rows on every run.
 */
export function closeDayStatements(site: string, days: string[]): Statement[] {
  return days.flatMap((day) => ['rollup_daily', 'rollup_pairs', 'rollup_hourly'].map((t) => ({
    sql: `DELETE FROM ${t} INDEXED BY ${t}_day WHERE site_id = ?1 AND day = ?2 AND events = 0 AND visits = 0`,
    params: [site, day],
  })));
}

/**
 * The statements applying everything inserted in (prev, next] (events) or since prev (sessions)
 * to the kept days, for the run's final batch. Order matters: the sessions' upserts read the
 * ledger before the last statements bring it up to date.
 */
export function deltaStatements(span: DeltaSpan): Statement[] {
  if (span.days.some((d, i) => i > 0 && d <= span.days[i - 1]!) || localDay(span.from, span.tz) !== span.days[0]) {
    throw new Error(`incremental days must be ascending from the span's first day: ${span.days.join(', ')}`);
  }
  return [...deltaUpserts(span), ...finishStatements(span)];
}
