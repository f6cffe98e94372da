/**
 * `GET /api/v1/status` (DESIGN §4b), for operators (auth/operator.ts): per site what waits in
 * its SiteDO outboxes and since when, today's drops and events; dead letters per queue; the last
 * run of each cron task; how far the rollups lag; each D1 database's size against its limit.
 * A Worker cannot read a Queue's depth from its binding: with `CF_ACCOUNT_ID` and `CF_API_TOKEN`
 * set it is asked of Cloudflare's GraphQL API (queue-depth.ts), otherwise `backlog` is null with
 * the reason. The outboxes are the part of the backlog Pulse sees itself (events not yet accepted
 * by the Queue); `dlq` counts the dead letters kept in D1, `dlq_backlog` what waits in the DLQ.
 * Sites are listed 100 at a time (`offset`), or one (`site`), so a call costs a bounded number of
 * DO calls.
 */
import type { IRequest } from 'itty-router';
import { requireOperator } from '../auth/operator';
import { shardNames } from '../../contract/shards';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { dataBindings, databaseOf, siteDb } from '../lib/site-db';
import { siteFromRow, type SiteConfig, type SiteConfigRow } from '../lib/site-config';
import { utcDate } from '../lib/timezone';
import { runQuery } from '../query/run-query';
import { listCronRuns } from '../cron/cron-runs';
import { EVENTS_DLQ, EVENTS_QUEUE } from '../consumer/handle-queue';
import { WEBHOOKS_DLQ, WEBHOOKS_QUEUE } from '../automation/webhooks/message';
import { readQueueDepths } from './queue-depth';
import { D1_LIMIT_BYTES } from './limits';

export const SITES_PER_PAGE = 100;
export { D1_LIMIT_BYTES };

async function siteStatus(env: Env, site: SiteConfig, now: number) {
  const db = await siteDb(env, site.id);
  const [outboxes, drops, today, rollup] = await Promise.all([
    Promise.all(shardNames(site.id, site.shards).map((name) => env.SITE_DO.get(env.SITE_DO.idFromName(name)).outboxStatus())),
    db.prepare('SELECT reason, sum(count) AS n FROM drop_counts WHERE site_id = ? AND day = ? GROUP BY reason ORDER BY reason').bind(site.id, utcDate(now)).all<{ reason: string; n: number }>(),
    runQuery(db, site.id, { site_id: site.id, metrics: ['events'], date_range: 'day' }, now),
    db.prepare('SELECT refreshed_at FROM rollup_state WHERE site_id = ?').bind(site.id).first<number>('refreshed_at'),
  ]);
  const oldest = outboxes.map((o) => o.oldestPendingAt).filter((t): t is number => t !== null);
  return {
    site: site.id,
    outbox_pending: outboxes.reduce((n, o) => n + o.pending, 0),
    outbox_oldest_seconds: oldest.length ? Math.max(0, Math.round((now - Math.min(...oldest)) / 1000)) : null,
    drops: Object.fromEntries(drops.results.map((d) => [d.reason, d.n])),
    events_today: Number(today.results[0]?.metrics[0] ?? 0),
    rollup_lag_seconds: rollup === null ? null : Math.max(0, Math.round((now - rollup) / 1000)),
  };
}

export async function getStatus(request: IRequest, env: Env): Promise<Response> {
  await requireOperator(request, env, 'the status is');
  const params = new URL(request.url).searchParams;
  const offset = Number(params.get('offset') ?? 0);
  if (!Number.isInteger(offset) || offset < 0) throw new HttpError(400, 'invalid_request', 'offset must be a non-negative integer');
  const only = params.get('site');
  const now = Date.now();
  const { results } = await env.DB.prepare(
    'SELECT id, timezone, retention_days, uid_secret, settings, created_at FROM sites WHERE ?1 IS NULL OR id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3',
  ).bind(only, SITES_PER_PAGE + 1, offset).all<SiteConfigRow>();
  if (only !== null && !results.length) throw new HttpError(404, 'not_found', `no site ${only}`);
  const sites = await Promise.all(results.slice(0, SITES_PER_PAGE).map((row) => siteStatus(env, siteFromRow(row), now)));
  const dlq = async (queue: string) => (await env.DB.prepare('SELECT count(*) AS n FROM dead_letters WHERE queue = ?').bind(queue).first<number>('n')) ?? 0;
  const databases = await Promise.all(
    dataBindings(env).map(async (binding) => ({ binding, size_bytes: (await databaseOf(env, binding).prepare('SELECT 1').run()).meta.size_after ?? null, limit_bytes: D1_LIMIT_BYTES })),
  );
  const depths = await readQueueDepths(env, [EVENTS_QUEUE, EVENTS_DLQ, WEBHOOKS_QUEUE, WEBHOOKS_DLQ], now);
  const queueStatus = async (queue: string, deadLetters: string) => ({
    backlog: depths[queue]!.backlog,
    backlog_bytes: depths[queue]!.backlog_bytes,
    dlq_backlog: depths[deadLetters]!.backlog,
    dlq: await dlq(deadLetters),
    measured_at: depths[queue]!.measured_at,
    reason: depths[queue]!.reason ?? depths[deadLetters]!.reason,
  });
  const lags = sites.map((s) => s.rollup_lag_seconds).filter((l): l is number => l !== null);
  return jsonResponse({
    at: new Date(now).toISOString(),
    sites,
    next_offset: results.length > SITES_PER_PAGE ? offset + SITES_PER_PAGE : null,
    queues: { events: await queueStatus(EVENTS_QUEUE, EVENTS_DLQ), webhooks: await queueStatus(WEBHOOKS_QUEUE, WEBHOOKS_DLQ) },
    cron: await listCronRuns(env.DB),
    rollups: { lag_seconds: lags.length ? Math.max(...lags) : null },
    databases,
  }, 200, { 'cache-control': 'no-store' });
}
