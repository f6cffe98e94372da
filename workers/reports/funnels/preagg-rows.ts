/**
 * `funnel_daily`'s statements: a funnel-day counted from scratch, the difference a refresh run
 * makes to the incremental days, erasure and pruning. The counting is daily.ts's (in the Worker:
 * the steps' matching needs each visitor's events in order); the SQL only stores what it gives.
 */
import type { QueryDb, Statement } from '../../query/db';
import type { Params } from '../../query/sql';
import { sideArrivedAfter } from '../../rollups/stale-days';
import { ARRIVAL_BUCKET_MS as QUARTER_HOUR } from '../../db/schema';
import { addDays, dayStart, localDay } from '../../lib/timezone';
import { ATTEMPT_SPAN_MS, rowsOf, visitorDays, type DayStepRow } from './daily';
import { selectStepEvents, stepConditions } from './step-events';
import type { GoalDef, StepSpec } from './steps';

export interface KeptFunnel {
  id: string;
  steps: StepSpec[];
}

/** A row change: [day, step, visitors to add, hist counts to add, ids patch (null: removed)]. */
type Change = [string, number, number, Record<string, number>, Record<string, number | null>];

/**
 * One upsert applying changes to a funnel's rows: counts are added, the id map patched
 * (json_patch: a null removes the id). A new row only ever comes from additions.
 */
function upsert(site: string, funnelId: string, changes: Change[]): Statement {
  const sum = '(SELECT coalesce(json_group_object(key, n), \'{}\') FROM (SELECT key, sum(value) AS n FROM'
    + ' (SELECT key, value FROM json_each(funnel_daily.hist) UNION ALL SELECT key, value FROM json_each(excluded.hist)) GROUP BY key HAVING n <> 0))';
  return {
    sql: 'INSERT INTO funnel_daily (site_id, funnel_id, day, step, visitors, hist, ids)'
      + " SELECT ?1, ?2, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]')"
      + ' FROM json_each(?3) j WHERE 1'
      + ` ON CONFLICT (site_id, funnel_id, day, step) DO UPDATE SET visitors = funnel_daily.visitors + excluded.visitors, hist = ${sum},`
      + ' ids = json_patch(funnel_daily.ids, excluded.ids)',
    params: [site, funnelId, JSON.stringify(changes)],
  };
}

const fromMap = <V>(m: Map<number, V>) => Object.fromEntries([...m].map(([k, v]) => [String(k), v]));

/** after − before, per row; rows with no change are left out. */
export function diffRows(before: Map<string, DayStepRow>, after: Map<string, DayStepRow>): Change[] {
  const out: Change[] = [];
  const empty: DayStepRow = { visitors: 0, hist: new Map(), ids: new Map() };
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key) ?? empty;
    const a = after.get(key) ?? empty;
    const hist: Record<string, number> = {};
    for (const k of new Set([...b.hist.keys(), ...a.hist.keys()])) {
      const d = (a.hist.get(k) ?? 0) - (b.hist.get(k) ?? 0);
      if (d !== 0) hist[String(k)] = d;
    }
    const ids: Record<string, number | null> = {};
    for (const [id, bucket] of a.ids) if (b.ids.get(id) !== bucket) ids[String(id)] = bucket;
    for (const id of b.ids.keys()) if (!a.ids.has(id)) ids[String(id)] = null;
    const visitors = a.visitors - b.visitors;
    if (visitors === 0 && Object.keys(hist).length === 0 && Object.keys(ids).length === 0) continue;
    const [day, step] = key.split('|');
    out.push([day!, Number(step), visitors, hist, ids]);
  }
  return out;
}

const dayOf = (tz: string) => (ts: number) => localDay(ts, tz);

/** A funnel's rows of `days` (consecutive) from scratch, from the events inserted up to `upTo`. */
export async function rebuildFunnelDays(db: QueryDb, site: string, tz: string, f: KeptFunnel, goalDefs: GoalDef[], days: string[], upTo: number): Promise<Statement[]> {
  if (days.length === 0) return [];
  const from = dayStart(days[0]!, tz);
  const to = dayStart(addDays(days.at(-1)!, 1), tz) + ATTEMPT_SPAN_MS;
  const sql = await stepConditions(db, site, tz, f.steps, goalDefs, from, to);
  const events = await selectStepEvents(db, sql, { from, to, upTo: Number.isFinite(upTo) ? upTo : undefined });
  const rows = rowsOf(visitorDays(events, f.steps.length, dayOf(tz), (d) => days.includes(d)));
  const changes = diffRows(new Map(), rows);
  return [
    { sql: 'DELETE FROM funnel_daily WHERE site_id = ?1 AND funnel_id = ?2 AND day >= ?3 AND day <= ?4', params: [site, f.id, days[0], days.at(-1)] },
    ...(changes.length ? [upsert(site, f.id, changes)] : []),
  ];
}

export interface FunnelDeltaSpan {
  site: string;
  tz: string;
  /** the incremental days this run brings up to date (a subset read from `scanFrom` on) */
  days: string[];
  scanFrom: number;
  to: number;
  prev: number;
  next: number;
}

/**
 * What the events inserted in (prev, next] change in a funnel's incremental days: the touched
 * visitors' step events of the span (events are immutable: "before" is those inserted up to
 * prev), each visitor-day counted before and after, the difference written.
 */
export async function funnelDelta(db: QueryDb, span: FunnelDeltaSpan, f: KeptFunnel, goalDefs: GoalDef[]): Promise<Statement[]> {
  const { site, tz, scanFrom, prev, next } = span;
  const to = span.to + ATTEMPT_SPAN_MS;
  const sql = await stepConditions(db, site, tz, f.steps, goalDefs, scanFrom, to);
  const q = String(QUARTER_HOUR);
  const touched = (p: Params) => {
    const siteP = p.bind(site);
    const prevP = p.bind(prev);
    return `SELECT n.visitor_id FROM (SELECT DISTINCT bucket FROM arrivals WHERE ${sideArrivedAfter('e', siteP, prevP)}) AS b`
      + ` CROSS JOIN events n ON n.site_id = ${siteP} AND n.ts >= b.bucket * ${q} AND n.ts < b.bucket * ${q} + ${q}`
      + ` WHERE n.inserted_at > ${prevP} AND n.inserted_at <= ${p.bind(next)} AND +n.ts >= ${p.bind(scanFrom)}`;
  };
  const events = await selectStepEvents(db, sql, { from: scanFrom, to, upTo: next, visitors: touched, oldUpTo: prev });
  const keep = (d: string) => span.days.includes(d);
  const n = f.steps.length;
  const before = rowsOf(visitorDays(events.filter((e) => e.old), n, dayOf(tz), keep));
  const after = rowsOf(visitorDays(events, n, dayOf(tz), keep));
  const changes = diffRows(before, after);
  return changes.length ? [upsert(site, f.id, changes)] : [];
}

/** GDPR erasure: the identified visitor's id out of every row of the site (rollups/erase.ts). */
export function forgetFunnelVisitor(site: string, visitorId: number): Statement {
  const path = `$."${visitorId}"`;
  return { sql: 'UPDATE funnel_daily SET ids = json_remove(ids, ?2) WHERE site_id = ?1 AND json_type(ids, ?2) IS NOT NULL', params: [site, path] };
}

/** Retention pruning: the days before the cutoff's go, as their events did (preagg.ts rebuilds the cutoff's own day). */
export function funnelPruneStatement(site: string, cutoffDay: string): Statement {
  return { sql: 'DELETE FROM funnel_daily WHERE site_id = ?1 AND day < ?2', params: [site, cutoffDay] };
}
