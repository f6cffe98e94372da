/**
 * Keeps the rollups current (called by the `*∕5 * * * *` cron), from what arrived since the site's
 * watermark. Days still receiving traffic — today and yesterday, local — are kept incrementally
 * (delta.ts): a run adds what changed, reading only the visitors it touched. Any other day
 * that received rows (a backfill, an import, the first run) is rebuilt from scratch
 * (rebuild.ts), and a recent day rebuilt so joins the incremental ones.
 *
 * Exactly once: each run first claims the site (run-lock.ts); every batch it writes is void if a
 * newer run has claimed it since, and the deltas, the new watermark and the list of incremental
 * days commit together in its last batch. Events count up to the watermark, which trails the run
 * by WATERMARK_LAG_MS so rows still committing are left to the next run.
 */
import type { Env } from '../env';
import { QueryDb, type Statement } from '../query/db';
import { closeDayStatements, deltaStatements } from './delta';
import { rebuildDay } from './rebuild';
import { reportDeltaStatements } from '../reports/refresh';
import { funnelRefresh } from '../reports/funnels/preagg';
import { journeyDaysStatements, settledBefore } from '../reports/journeys/preagg-write';
import { buildQuietSpans } from '../reports/journeys/spans-write';
import { claimSite, RefreshSuperseded, runGuarded } from './run-lock';
import { HOURLY_DAYS } from './shape';
import { bucketDays, touchedDays, touchedStatement } from './stale-days';
import { addDays, DAY_MS, dayStart, localDay } from '../lib/timezone';
import { ARRIVAL_MINUTE_MS } from '../db/schema';
import { databaseOf, sitePlacement } from '../lib/site-db';

/** Rows inserted within this long before a run are left to the next run (commit delay). */
export const WATERMARK_LAG_MS = 60_000;
const HOURLY_KEEP_DAYS = 14;

/**
 * How long a site whose only work is the incremental days' delta may wait for it (0: every run).
 * A run rewrites every rollup row its window changed, and popular rows change in every window, so
 * rows written per event fall with the interval (bench:query --window, measured at 10M events a
 * month: 5.6 per event every 5 minutes, 3.0 every 15, 1.3 every 60: workers/rollups/README.md).
 * But a stale range too big to answer raw is answered from rollups that trail by up to this
 * long (workers/query/planner.ts), so it stays at every run until the read path merges the stale
 * window raw into rollup answers.
 */
export const INCREMENTAL_EVERY_MS = 0;

/** A run stops starting new site-days after this long; the rest wait in `pending` (newest first). */
export const REFRESH_BUDGET_MS = 60_000;

export interface RefreshResult {
  /** days rebuilt from scratch */
  rebuilt: number;
  /** days left for later runs */
  pending: number;
  /** days brought up to date incrementally */
  incremental: number;
  /** sites whose refresh failed this run (logged; the next run tries again) */
  failed: number;
  /** stored funnels whose older days are still being built (workers/reports/funnels/preagg.ts) */
  funnelsBackfilling: number;
}

/**
 * The five-minute refresh of every site (or of `only` those: tests, which share one D1 with other files'
 * sites, refresh their own so a run's budget is not spent on others and their days stay theirs).
 * The sites are listed in the primary; each is refreshed in the database that holds its data
 * (workers/lib/site-db.ts), or in `db` for every site when one is given (the benchmark counts its rows).
 * A site that is moving is skipped: the move copies its rollups as they are, and the first run in
 * the new database catches up from the copied watermark.
 */
export async function refreshRollups(env: Env, now: number, budgetMs = REFRESH_BUDGET_MS, db?: QueryDb, only?: readonly string[]): Promise<RefreshResult> {
  const all = await (db ?? new QueryDb(env.DB)).all<{ id: string; timezone: string; retention_days: number }>('SELECT id, timezone, retention_days FROM sites');
  const sites = only ? all.filter((site) => only.includes(site.id)) : all;
  const deadline = Date.now() + budgetMs; // Date.now() advances across I/O in Workers
  const total: RefreshResult = { rebuilt: 0, pending: 0, incremental: 0, failed: 0, funnelsBackfilling: 0 };
  const byBinding = new Map<string, QueryDb>();
  const dbOf = (binding: string) => byBinding.get(binding) ?? byBinding.set(binding, new QueryDb(databaseOf(env, binding))).get(binding)!;
  for (const site of sites) {
    try {
      const placement = db ? null : await sitePlacement(env, site.id);
      if (placement?.movingTo) continue;
      const r = await refreshSite(db ?? dbOf(placement!.binding), site.id, site.timezone, now, { deadline, retentionDays: site.retention_days, incrementalEveryMs: INCREMENTAL_EVERY_MS });
      total.rebuilt += r.rebuilt.length;
      total.pending += r.pending.length;
      total.incremental += r.incremental.length;
      total.funnelsBackfilling += r.funnelsBackfilling;
    } catch (err) {
      // A newer run owns the site and does its work: not a failure of this cron run. Any other
      // error is this site's alone: it must not stop the refresh of every site after it.
      if (err instanceof RefreshSuperseded) {
        console.warn(err.message);
      } else {
        total.failed += 1;
        console.error(`rollup refresh of ${site.id} failed`, err instanceof Error ? err.stack : err);
      }
    }
  }
  return total;
}

/** The days kept incrementally: yesterday and today, local. */
export function incrementalWindow(now: number, tz: string): string[] {
  const today = localDay(now, tz);
  return [addDays(today, -1), today];
}

export interface RefreshOptions {
  /** stop starting rebuilds after this (Date.now() ms) */
  deadline?: number;
  /** tests: a day with more identified visitors than this lists none */
  maxIdsPerDay?: number;
  /** the site's retention: days it has begun to delete keep the rollups they have */
  retentionDays?: number;
  /** a site with only incremental work, refreshed less than this long ago, waits (INCREMENTAL_EVERY_MS) */
  incrementalEveryMs?: number;
}

/**
 * What the site has waiting, read without claiming it: an idle site (no rows since the watermark,
 * no pending days, no kept day leaving the window, or no rows at all) costs a run no D1 writes.
 */
async function peek(db: QueryDb, site: string, now: number, tz: string): Promise<{ idle: boolean; onlyDelta: boolean; refreshedAt: number; watermark: number; touched: string[] }> {
  const [states, buckets, funnels] = await db.batch<{ watermark: number; pending: string; ledger_days: string; refreshed_at: number } & { b: number } & { n: number }>([
    { sql: 'SELECT watermark, pending, ledger_days, refreshed_at FROM rollup_state WHERE site_id = ?1', params: [site] },
    touchedStatement(site, null),
    // stored funnels not yet built back to the site's first day (or new): work even on an idle site
    { sql: 'SELECT count(*) AS n FROM funnels f WHERE f.site_id = ?1 AND NOT EXISTS (SELECT 1 FROM funnel_preagg p WHERE p.site_id = ?1 AND p.funnel_id = f.id AND p.complete = 1)', params: [site] },
  ]);
  const state = states![0];
  if (!state) return { idle: (await db.all('SELECT 1 FROM events WHERE site_id = ?1 LIMIT 1', [site])).length === 0, onlyDelta: false, refreshedAt: 0, watermark: -1, touched: [] };
  const touched = bucketDays(buckets!, tz);
  const window = incrementalWindow(now, tz);
  const kept = JSON.parse(state.ledger_days) as string[];
  // nothing to rebuild and no kept day leaving the window: only the delta of the kept days
  const onlyDelta = state.pending === '[]' && kept.every((d) => window.includes(d)) && touched.every((d) => kept.includes(d)) && funnels![0]!.n === 0;
  const idle = touched.length === 0 && onlyDelta;
  return { idle, onlyDelta, refreshedAt: state.refreshed_at, watermark: state.watermark, touched };
}

export async function refreshSite(db: QueryDb, site: string, tz: string, now: number, opts: RefreshOptions = {}): Promise<{ rebuilt: string[]; pending: string[]; incremental: string[]; funnelsBackfilling: number }> {
  const peeked = await peek(db, site, now, tz);
  const waits = peeked.onlyDelta && now - peeked.refreshedAt < (opts.incrementalEveryMs ?? 0);
  if (peeked.idle || waits) return { rebuilt: [], pending: [], incremental: [], funnelsBackfilling: 0 };
  const { token, state } = await claimSite(db, site, now);
  // the touched days peeked are still right unless another run moved the watermark in between
  const touched = state.watermark === peeked.watermark && state.watermark >= 0 ? peeked.touched : await touchedDays(db, site, tz, state.watermark);
  const next = Math.max(state.watermark, now - WATERMARK_LAG_MS);
  const window = incrementalWindow(now, tz);
  const today = window[1]!;
  const kept = state.ledgerDays.filter((d) => window.includes(d));
  const todo = await withoutFrozenDays(db, site, tz, now, opts.retentionDays, [...new Set([...state.pending, ...touched])].filter((d) => !kept.includes(d)));
  todo.sort().reverse();
  const rebuilt: string[] = [];
  // newest first: today's numbers matter most; at least one day per run so a backlog always drains
  while (todo.length && (rebuilt.length === 0 || Date.now() < (opts.deadline ?? Infinity))) {
    const day = todo.shift()!;
    await rebuildDay(db, site, tz, day, { hourly: day >= addDays(today, -HOURLY_DAYS + 1), token, upTo: next, ledger: window.includes(day), maxIdsPerDay: opts.maxIdsPerDay });
    rebuilt.push(day);
  }
  // any touched row may belong to a kept day (a session can also leave one): all of them take the delta
  const incremental = touched.length ? kept : [];
  const ledgerDays = [...new Set([...kept, ...rebuilt.filter((d) => window.includes(d))])].sort();
  const from = incremental.length ? dayStart(incremental[0]!, tz) : 0;
  const to = incremental.length ? dayStart(addDays(incremental.at(-1)!, 1), tz) : 0;
  // the events side reads the site's events from the first kept day anything arrived for
  const firstArrived = incremental.find((d) => touched.includes(d));
  const eventsFrom = firstArrived ? dayStart(firstArrived, tz) : to;
  const delta: Statement[] = incremental.length
    ? [
        ...deltaStatements({ site, tz, days: incremental, from, to, prev: state.watermark, next, eventsFrom, maxIdsPerDay: opts.maxIdsPerDay }),
        // the vitals and errors reports' histograms and groups (workers/reports/refresh.ts)
        ...reportDeltaStatements({ site, tz, from: eventsFrom, to, after: state.watermark, upTo: next }),
      ]
    : [];
  // the stored funnels' rows: backfilled days in their own batches, the delta and new funnels' days in this one
  const funnels = await funnelRefresh(db, {
    site, tz, commit: (stmts) => runGuarded(db, site, token, stmts), window, incremental, touched, prev: state.watermark, next, deadline: opts.deadline ?? Infinity,
  });
  // journeys: each kept day that received rows (a session going on past midnight touches its
  // start day: its new version), and those whose sessions settled since the last run
  const settledFrom = state.watermark >= 0 ? localDay(settledBefore(state.watermark), tz) : '';
  const journeyDays = kept.filter((d) => touched.includes(d) || d >= settledFrom);
  const journeys = await journeyDaysStatements(db, site, tz, journeyDays, settledBefore(next));
  await runGuarded(db, site, token, [
    ...delta,
    ...funnels.final,
    ...journeys,
    ...closeDayStatements(site, state.ledgerDays.filter((d) => !window.includes(d))),
    { sql: 'DELETE FROM rollup_hourly INDEXED BY rollup_hourly_day WHERE site_id = ?1 AND day < ?2', params: [site, addDays(today, -HOURLY_KEEP_DAYS)] },
    { sql: 'DELETE FROM rollup_ledger WHERE site_id = ?1 AND day < ?2', params: [site, window[0]] },
    // arrivals of minutes wholly up to the new watermark are counted now (stale-days.ts)
    { sql: 'DELETE FROM arrivals WHERE site_id = ?1 AND minute < ?2', params: [site, Math.floor((next + 1) / ARRIVAL_MINUTE_MS)] },
    {
      sql: 'INSERT INTO rollup_state (site_id, watermark, pending, refreshed_at, ledger_days) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (site_id) DO UPDATE SET watermark = excluded.watermark, pending = excluded.pending, refreshed_at = excluded.refreshed_at, ledger_days = excluded.ledger_days',
      params: [site, next, JSON.stringify(todo), now, JSON.stringify(ledgerDays)],
    },
  ]);
  // journeys' spans over days that became quiet with this run (once a day), each in its own batch
  await buildQuietSpans(db, site, tz, settledBefore(state.watermark), settledBefore(next), (stmts) => runGuarded(db, site, token, stmts), opts.deadline ?? Infinity);
  return { rebuilt, pending: todo, incremental, funnelsBackfilling: funnels.backfilling };
}

/**
 * Days that retention has begun to delete keep their rollups: a rebuild would count only the
 * part of the day still in raw rows (a late event for the day's last hours must not erase its
 * morning). Such a day is built only if it has no rollups at all (an import right at the edge).
 */
async function withoutFrozenDays(db: QueryDb, site: string, tz: string, now: number, retentionDays: number | undefined, days: string[]): Promise<string[]> {
  if (retentionDays === undefined) return days;
  const cutoff = now - retentionDays * DAY_MS;
  const edge = days.filter((d) => dayStart(d, tz) < cutoff);
  if (edge.length === 0) return days;
  const built = await db.all<{ day: string }>(
    "SELECT day FROM rollup_daily WHERE site_id = ?1 AND dim = '' AND dim2 = '' AND day IN (SELECT value FROM json_each(?2)) AND val = '' AND val2 = ''",
    [site, JSON.stringify(edge)],
  );
  const frozen = new Set(built.map((r) => r.day));
  return days.filter((d) => !frozen.has(d));
}
