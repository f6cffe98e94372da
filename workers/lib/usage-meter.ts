/**
 * Usage meters: what each stage of the pipeline is billed for (DESIGN §8b), counted where the
 * bindings are used. D1 rows read and written (`meta.rows_read`/`rows_written`, index entries
 * included), DO SQLite rows (each cursor's `rowsRead`/`rowsWritten`), R2 operations by class and
 * bytes, Queue messages and bytes, Durable Object requests. `npm run bench:cost` reads them to
 * price an event; they never change what a call does or returns.
 *
 * They stay on in production: a few additions per call, nothing billable. The counters are
 * module-level, so they are per isolate (one isolate may hold the Worker and several objects, and
 * Cloudflare runs many isolates): they add up what this isolate did since it started or since
 * `resetUsage`, not what the deployment did.
 *
 * Entry points wrap their bindings once (`meterEnv(env, 'consumer')`, `meterSql(ctx.storage.sql,
 * 'site-do')`). Wrapping an already wrapped binding re-labels it instead of counting twice, and
 * each (binding, stage) has one wrapper, so caches keyed by a binding keep working per stage
 * (`realBinding` gives the shared key). No `cloudflare:*` import, so the unit project can test it.
 */

import { clearUsage, snapshotUsage, type StageUsage } from './usage-meter/counters';
import { meterD1 } from './usage-meter/d1';
import { foldCursors } from './usage-meter/do-sql';
import { meterNamespace, meterQueue, meterR2 } from './usage-meter/calls';

export type { RowCounts, StageUsage } from './usage-meter/counters';
export { realBinding, totalUsage } from './usage-meter/counters';
export { meterD1 } from './usage-meter/d1';
export { meterAlarm, meterSql } from './usage-meter/do-sql';
export { meterNamespace, meterQueue, meterR2 } from './usage-meter/calls';

/** A copy of every stage's counters so far (open DO SQLite cursors folded in first). */
export function readUsage(): Record<string, StageUsage> {
  foldCursors(false);
  return snapshotUsage();
}

/** Starts every counter from zero (the bench, between phases). */
export function resetUsage(): void {
  foldCursors(true);
  clearUsage();
}

/**
 * Which bindings are what, by name: an RPC-capable binding (a service, a stub) answers every
 * property name, so asking a binding whether it has `prepare` cannot tell a D1 database apart.
 * `DB`, `DB_2`, `DB_3`… are the D1 databases (DESIGN §8b: the spread across databases).
 */
const D1_BINDING = /^DB(_\d+)?$/;
const R2_BINDINGS = new Set(['ARCHIVE']);
const QUEUE_BINDINGS = new Set(['EVENTS_QUEUE']);
const DO_BINDINGS = new Set(['SITE_DO', 'RATE_LIMITER']);

const meteredEnvs = new WeakMap<object, Map<string, object>>();

/** A copy of `env` whose D1, R2, Queue and Durable Object bindings count under `stage`. */
export function meterEnv<E extends object>(env: E, stage: string): E {
  let byStage = meteredEnvs.get(env);
  if (!byStage) meteredEnvs.set(env, (byStage = new Map()));
  const cached = byStage.get(stage) as E | undefined;
  if (cached) return cached;
  const metered: Record<string, unknown> = { ...(env as Record<string, unknown>) };
  for (const [name, value] of Object.entries(metered)) {
    if (value === null || typeof value !== 'object') continue;
    if (D1_BINDING.test(name)) metered[name] = meterD1(value as D1Database, stage);
    else if (R2_BINDINGS.has(name)) metered[name] = meterR2(value as R2Bucket, stage);
    else if (QUEUE_BINDINGS.has(name)) metered[name] = meterQueue(value as Queue<unknown>, stage);
    else if (DO_BINDINGS.has(name)) metered[name] = meterNamespace(value as DurableObjectNamespace, stage, name);
  }
  byStage.set(stage, metered);
  return metered as E;
}

/** The stage a Worker request is counted under, by its path. */
export function fetchStage(request: Request): string {
  const path = new URL(request.url).pathname;
  if (path === '/api/event') return 'collect';
  if (path.startsWith('/api/v2/') || /^\/api\/v1\/sites\/[^/]+\/(export\.csv|realtime|live)/.test(path)) return 'query';
  return 'api';
}
