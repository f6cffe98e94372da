/**
 * Keeps the stored funnels' `funnel_daily` current inside the rollups' refresh run
 * (workers/rollups/refresh.ts), exactly once, in the run's guarded batches:
 *
 * - a funnel first seen (or whose definition changed: funnels/preagg-read.ts) has its rows
 *   dropped and the incremental window's days built from scratch in the run's last batch, with
 *   the watermark (`funnel_preagg.built_from` = the window's first day);
 * - a kept funnel takes the incremental days' difference in that same last batch;
 * - any day the rollups rebuild (rebuild.ts: a backfill, an import, an erasure) is rebuilt for
 *   every funnel whose rows hold it;
 * - older days are backfilled newest first within the run's budget, a day per guarded batch
 *   with its `built_from`, until no older day of the site has rollups (`complete`).
 *
 * A funnel whose steps need the data to resolve (wildcard page goals, `matches`) is not kept
 * (a row with an empty definition, complete, so an idle site stays idle): it stays raw.
 */
import type { QueryDb, Statement } from '../../query/db';
import { addDays, dayStart, localDay } from '../../lib/timezone';
import { loadGoalDefs } from './run-funnel';
import { funnelDefinition } from './preagg-read';
import { funnelDelta, funnelPruneStatement, rebuildFunnelDays, type KeptFunnel } from './preagg-rows';
import { parseSteps, type GoalDef } from './steps';

interface FunnelState {
  funnel: KeptFunnel;
  /** null: not kept (steps that resolve against the data) */
  definition: string | null;
  /** as stored for the current definition; null when absent or built for another one */
  builtFrom: string | null;
  complete: boolean;
  stored: boolean;
}

interface SiteFunnels {
  goalDefs: GoalDef[];
  funnels: FunnelState[];
  /** funnel_preagg rows of funnels deleted since */
  orphans: string[];
}

async function loadFunnels(db: QueryDb, site: string): Promise<SiteFunnels> {
  const [defs, kept] = await Promise.all([
    db.all<{ id: string; steps: string }>('SELECT id, steps FROM funnels WHERE site_id = ?1 ORDER BY id', [site]),
    db.all<{ funnel_id: string; definition: string; built_from: string; complete: number }>('SELECT funnel_id, definition, built_from, complete FROM funnel_preagg WHERE site_id = ?1', [site]),
  ]);
  const goalDefs = defs.length ? await loadGoalDefs(db, site) : [];
  const byId = new Map(kept.map((k) => [k.funnel_id, k]));
  const funnels: FunnelState[] = [];
  for (const d of defs) {
    let funnel: KeptFunnel;
    let definition: string | null;
    try {
      const raw: unknown = JSON.parse(d.steps);
      funnel = { id: d.id, steps: parseSteps(raw) };
      definition = funnelDefinition(raw, funnel.steps, goalDefs);
      if (funnel.steps.some((s) => s.kind === 'goal' && !goalDefs.some((g) => g.id === s.goalId))) definition = null;
    } catch {
      funnel = { id: d.id, steps: [] };
      definition = null;
    }
    const row = byId.get(d.id);
    const current = row !== undefined && row.definition === (definition ?? '');
    funnels.push({ funnel, definition, builtFrom: current && row.built_from !== '' ? row.built_from : null, complete: current && row.complete === 1, stored: row !== undefined });
  }
  const live = new Set(defs.map((d) => d.id));
  return { goalDefs, funnels, orphans: kept.map((k) => k.funnel_id).filter((id) => !live.has(id)) };
}

const stateStatement = (site: string, id: string, definition: string, builtFrom: string, complete: boolean): Statement => ({
  sql: 'INSERT INTO funnel_preagg (site_id, funnel_id, definition, built_from, complete) VALUES (?1, ?2, ?3, ?4, ?5)'
    + ' ON CONFLICT (site_id, funnel_id) DO UPDATE SET definition = excluded.definition, built_from = excluded.built_from, complete = excluded.complete',
  params: [site, id, definition, builtFrom, complete ? 1 : 0],
});

/** A day the rollups rebuild (rebuild.ts), for every funnel whose rows hold it. */
export async function funnelRebuildStatements(db: QueryDb, site: string, tz: string, day: string, upTo: number): Promise<Statement[]> {
  const { goalDefs, funnels } = await loadFunnels(db, site);
  const out: Statement[] = [];
  for (const f of funnels) {
    if (f.definition === null || f.builtFrom === null || (day < f.builtFrom && !f.complete)) continue;
    out.push(...(await rebuildFunnelDays(db, site, tz, f.funnel, goalDefs, [day], upTo)));
  }
  return out;
}

export interface FunnelRunSpan {
  site: string;
  tz: string;
  /** writes a batch behind the run's guard (rollups/run-lock.ts: void if a newer run took over) */
  commit: (statements: Statement[]) => Promise<void>;
  /** the incremental window (yesterday, today) and the days that take the delta this run */
  window: string[];
  incremental: string[];
  /** local days with rows inserted since prev (both sides of arrivals) */
  touched: string[];
  prev: number;
  next: number;
  deadline: number;
}

export interface FunnelRun {
  /** for the run's last batch, with the watermark */
  final: Statement[];
  /** funnels still backfilling */
  backfilling: number;
}

/** The oldest day the rollups hold for the site (the backfill's end), or null. */
async function oldestDay(db: QueryDb, site: string): Promise<string | null> {
  const [r] = await db.all<{ d: string | null }>("SELECT min(day) AS d FROM rollup_daily WHERE site_id = ?1 AND dim = '' AND dim2 = ''", [site]);
  return r?.d ?? null;
}

export async function funnelRefresh(db: QueryDb, span: FunnelRunSpan): Promise<FunnelRun> {
  const { site, tz, commit } = span;
  const { goalDefs, funnels, orphans } = await loadFunnels(db, site);
  const final: Statement[] = orphans.flatMap((id) => [
    { sql: 'DELETE FROM funnel_daily WHERE site_id = ?1 AND funnel_id = ?2', params: [site, id] },
    { sql: 'DELETE FROM funnel_preagg WHERE site_id = ?1 AND funnel_id = ?2', params: [site, id] },
  ]);
  // backfill: older days, newest first, at least one per run so it always drains
  let oldest: string | null | undefined;
  let first = true;
  for (const f of funnels) {
    if (f.definition === null || f.builtFrom === null || f.complete) continue;
    while (first || Date.now() < span.deadline) {
      first = false;
      oldest ??= await oldestDay(db, site);
      const day = addDays(f.builtFrom, -1);
      if (oldest === null || day < oldest) {
        await commit([stateStatement(site, f.funnel.id, f.definition, f.builtFrom, true)]);
        f.complete = true;
        break;
      }
      await commit([...(await rebuildFunnelDays(db, site, tz, f.funnel, goalDefs, [day], span.next)), stateStatement(site, f.funnel.id, f.definition, day, false)]);
      f.builtFrom = day;
    }
  }
  // the delta reads from the first incremental day only if a row arrived for a day before today
  // (a session across midnight brings its start's quarter-hour): otherwise every change is today's
  const last = span.incremental.at(-1);
  const lateRows = last !== undefined && span.touched.some((d) => d < last);
  const days = lateRows ? span.incremental : span.incremental.slice(-1);
  for (const f of funnels) {
    if (f.definition === null) {
      if (!f.stored || !f.complete) {
        final.push({ sql: 'DELETE FROM funnel_daily WHERE site_id = ?1 AND funnel_id = ?2', params: [site, f.funnel.id] }, stateStatement(site, f.funnel.id, '', '', true));
      }
      continue;
    }
    if (f.builtFrom === null) {
      // first seen or redefined: its rows start over from the window's days
      final.push(
        { sql: 'DELETE FROM funnel_daily WHERE site_id = ?1 AND funnel_id = ?2', params: [site, f.funnel.id] },
        ...(await rebuildFunnelDays(db, site, tz, f.funnel, goalDefs, span.window, span.next)),
        stateStatement(site, f.funnel.id, f.definition, span.window[0]!, false),
      );
      continue;
    }
    if (days.length === 0) continue;
    const scanFrom = dayStart(days[0]!, tz);
    const to = dayStart(addDays(days.at(-1)!, 1), tz);
    final.push(...(await funnelDelta(db, { site, tz, days, scanFrom, to, prev: span.prev, next: span.next }, f.funnel, goalDefs)));
  }
  const backfilling = funnels.filter((f) => f.definition !== null && !f.complete).length;
  return { final, backfilling };
}

/**
 * After the retention cron deleted the events before `cutoff`: the days before the cutoff's go,
 * and the cutoff's own day, whose events are gone in part, is counted again from those left, so
 * the rows keep what the raw events keep. (That day is frozen for the rollups, so no refresh run
 * writes it meanwhile: workers/rollups/refresh.ts, withoutFrozenDays.)
 */
export async function pruneFunnels(db: QueryDb, site: string, tz: string, cutoff: number): Promise<void> {
  const day = localDay(cutoff, tz);
  const { goalDefs, funnels } = await loadFunnels(db, site);
  const stmts: Statement[] = [funnelPruneStatement(site, day)];
  for (const f of funnels) {
    if (f.definition === null || f.builtFrom === null || (day < f.builtFrom && !f.complete)) continue;
    stmts.push(...(await rebuildFunnelDays(db, site, tz, f.funnel, goalDefs, [day], Infinity)));
  }
  await db.batch(stmts);
}
