import type { Env } from '../env';
import { siteFromRow, type SiteConfig, type SiteConfigRow } from '../lib/site-config';
import { applyRetention } from './retention';
import { rotateSiteSalts } from './salts';
import { runRollups } from './rollups';
import { pruneOperationalRows } from './prune';
import { runErasureJobs } from './erasures';
import { runArchiveCleanups } from './deleted-sites';
import { pruneAuthState } from '../auth/maintenance';
import { meterEnv } from '../lib/usage-meter';

export const ROLLUP_CRON = '*/5 * * * *';
export const HOUSEKEEPING_CRON = '17 * * * *';

/** Cron entry: every 5 minutes erasure jobs and rollups; hourly salt rotation, retention, pruning. */
export async function runScheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const now = controller.scheduledTime;
  if (controller.cron === HOUSEKEEPING_CRON) return void (await runHousekeeping(meterEnv(env, 'cron'), now));
  // An erasure job's failure must not stop the rollups, nor the rollups' an erasure.
  const [erasures, rollups] = await Promise.allSettled([runErasureJobs(meterEnv(env, 'erasure'), now), runRollups(meterEnv(env, 'rollups'), now)]);
  if (erasures.status === 'rejected') console.error('erasure jobs failed', erasures.reason);
  if (rollups.status === 'rejected') throw rollups.reason;
}

export interface HousekeepingReport {
  sites: number;
  /** `<task> <site>` for every task that failed; the run went on past each */
  failures: string[];
}

/**
 * One hourly pass. Every task runs alone: a site whose retention fails (its archive listing ran
 * out of subrequests, a bad row) is logged and counted, and the run continues, because the tasks
 * after it include other sites' salt rotation, a privacy promise (DESIGN §5: salts die after 48 h).
 * So salts go first, for every site, before anything slower or riskier runs.
 */
export async function runHousekeeping(env: Env, now: number): Promise<HousekeepingReport> {
  const failures: string[] = [];
  const attempt = async (task: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (err) {
      failures.push(task);
      console.error(`housekeeping: ${task} failed`, err instanceof Error ? err.message : err);
    }
  };
  const { results } = await env.DB.prepare('SELECT id, timezone, retention_days, uid_secret, settings, created_at FROM sites').all<SiteConfigRow>();
  const sites: SiteConfig[] = [];
  for (const row of results) await attempt(`config ${row.id}`, async () => void sites.push(siteFromRow(row)));
  for (const site of sites) await attempt(`salts ${site.id}`, () => rotateSiteSalts(env, site, now));
  await attempt('auth state', () => pruneAuthState(env.DB, now));
  await attempt('operational rows', () => pruneOperationalRows(env.DB, now));
  for (const site of sites) await attempt(`retention ${site.id}`, () => applyRetention(env.DB, env.ARCHIVE, site.id, site.retentionDays, now));
  await attempt('deleted sites', () => runArchiveCleanups(env, attempt));
  if (failures.length) console.error(`housekeeping: ${failures.length} of its tasks failed; the others ran`);
  return { sites: results.length, failures };
}
