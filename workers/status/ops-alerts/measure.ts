/**
 * The numbers operations alert rules watch, read as `GET /api/v1/status` reads them (status.ts):
 * - `outbox_oldest_seconds`: how long the oldest event has waited in a SiteDO outbox (a stalled
 *   outbox: the Queue refuses it, or the DO cannot flush), the largest over every site or one site;
 * - `database_used_percent`: a D1 database's size against its 10 GB limit, the fullest or one binding;
 * - `cron_failures`: cron tasks whose last run failed, all of them or one task.
 */
import { shardNames } from '../../../contract/shards';
import type { Env } from '../../env';
import { dataBindings, databaseOf } from '../../lib/site-db';
import { siteFromRow, type SiteConfigRow } from '../../lib/site-config';
import { D1_LIMIT_BYTES } from '../limits';

export const OPS_METRICS = ['outbox_oldest_seconds', 'database_used_percent', 'cron_failures'] as const;
export type OpsMetric = (typeof OPS_METRICS)[number];

/** Sites asked at once: each costs one DO call per shard. */
const SITES_AT_ONCE = 50;

async function oldestOutboxSeconds(env: Env, scope: string | null, now: number): Promise<number> {
  const { results } = await env.DB.prepare('SELECT id, timezone, retention_days, uid_secret, settings, created_at FROM sites WHERE ?1 IS NULL OR id = ?1 ORDER BY id').bind(scope).all<SiteConfigRow>();
  let oldest: number | null = null;
  for (let i = 0; i < results.length; i += SITES_AT_ONCE) {
    const names = results.slice(i, i + SITES_AT_ONCE).flatMap((row) => { const site = siteFromRow(row); return shardNames(site.id, site.shards); });
    const outboxes = await Promise.all(names.map((name) => env.SITE_DO.get(env.SITE_DO.idFromName(name)).outboxStatus()));
    for (const o of outboxes) if (o.oldestPendingAt !== null && (oldest === null || o.oldestPendingAt < oldest)) oldest = o.oldestPendingAt;
  }
  return oldest === null ? 0 : Math.max(0, Math.round((now - oldest) / 1000));
}

/** Percent of the limit, 4 decimals (1 MB shows), as `size_bytes / limit_bytes` of the status. */
export async function databaseUsedPercent(env: Env, scope: string | null): Promise<number> {
  const bindings = scope === null ? dataBindings(env) : [scope];
  const sizes = await Promise.all(bindings.map(async (b) => (await databaseOf(env, b).prepare('SELECT 1').run()).meta.size_after ?? 0));
  return Math.round((Math.max(0, ...sizes) / D1_LIMIT_BYTES) * 1_000_000) / 10_000;
}

async function cronFailures(env: Env, scope: string | null): Promise<number> {
  return (await env.DB.prepare('SELECT count(*) AS n FROM cron_runs WHERE ok = 0 AND (?1 IS NULL OR name = ?1)').bind(scope).first<number>('n')) ?? 0;
}

export async function measureOps(env: Env, metric: OpsMetric, scope: string | null, now: number): Promise<number> {
  if (metric === 'outbox_oldest_seconds') return oldestOutboxSeconds(env, scope, now);
  if (metric === 'database_used_percent') return databaseUsedPercent(env, scope);
  return cronFailures(env, scope);
}
