import type { Env } from '../env';
import { siteFromRow, type SiteConfigRow } from '../lib/site-config';
import { applyRetention } from './retention';
import { rotateSiteSalts } from './salts';
import { runRollups } from './rollups';
import { pruneAuthState } from '../auth/maintenance';

export const ROLLUP_CRON = '*/5 * * * *';
export const HOUSEKEEPING_CRON = '17 * * * *';

/** Cron entry: every 5 minutes rollups; hourly salt rotation, retention deletes, expired auth state. */
export async function runScheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const now = controller.scheduledTime;
  if (controller.cron === HOUSEKEEPING_CRON) return runHousekeeping(env, now);
  return runRollups(env, now);
}

export async function runHousekeeping(env: Env, now: number): Promise<void> {
  await pruneAuthState(env.DB, now);
  const { results } = await env.DB.prepare('SELECT id, timezone, retention_days, uid_secret, settings FROM sites').all<SiteConfigRow>();
  for (const row of results) {
    const site = siteFromRow(row);
    await rotateSiteSalts(env, site, now);
    await applyRetention(env.DB, env.ARCHIVE, site.id, site.retentionDays, now);
  }
}
