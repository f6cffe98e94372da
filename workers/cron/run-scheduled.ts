import type { Env } from '../env';
import { siteFromRow, type SiteConfig, type SiteConfigRow } from '../lib/site-config';
import { applyRetention } from './retention';
import { rotateSiteSalts } from './salts';
import { runRollups } from './rollups';
import { pruneOperationalRows } from './prune';
import { runErasureJobs } from './erasures';
import { runArchiveCleanups } from './deleted-sites';
import { pruneAuthState } from '../auth/maintenance';
import { dataBindings, databaseOf, sitePlacement } from '../lib/site-db';
import { meterEnv } from '../lib/usage-meter';
import { runAlerts } from '../automation/alerts/check';
import { recordCronRun } from './cron-runs';
import { runDigests } from '../automation/reports/send';
import { runOpsAlerts } from '../status/ops-alerts/check';

export const ROLLUP_CRON = '*/5 * * * *';
export const HOUSEKEEPING_CRON = '17 * * * *';

/** Cron entry: every 5 minutes erasure jobs, rollups, current-visitor and operations alerts; hourly salt rotation, retention, pruning, alerts. */
export async function runScheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const now = controller.scheduledTime;
  if (controller.cron === HOUSEKEEPING_CRON) {
    const failed = (r: HousekeepingReport) => (r.failures.length ? `failed: ${r.failures.join(', ')}` : null);
    return void (await recordCronRun(env.DB, 'housekeeping', () => runHousekeeping(meterEnv(env, 'cron'), now), failed));
  }
  // An erasure job's failure must not stop the rollups, nor the rollups' an erasure.
  const failed = (r: { failures: string[] }) => (r.failures.length ? `failed: ${r.failures.join(', ')}` : null);
  const [erasures, rollups, alerts, ops] = await Promise.allSettled([
    recordCronRun(env.DB, 'erasures', () => runErasureJobs(meterEnv(env, 'erasure'), now)),
    recordCronRun(env.DB, 'rollups', () => runRollups(meterEnv(env, 'rollups'), now)),
    recordCronRun(env.DB, 'alerts-5m', () => runAlerts(env, 'five-minute', now)),
    // the operator's rules read the cron runs recorded before this one (a failing task pages at the next run)
    recordCronRun(env.DB, 'ops-alerts', () => runOpsAlerts(env, now), failed),
  ]);
  if (erasures.status === 'rejected') console.error('erasure jobs failed', erasures.reason);
  if (alerts.status === 'rejected') console.error('current-visitor alerts failed', alerts.reason);
  if (ops.status === 'rejected') console.error('operations alerts failed', ops.reason);
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
  // dead letters are in the primary; drop counts and finished erasures beside each site's data
  for (const binding of dataBindings(env)) await attempt(`operational rows ${binding}`, () => pruneOperationalRows(databaseOf(env, binding), now));
  for (const site of sites) await attempt(`retention ${site.id}`, () => applyRetentionWhereItLives(env, site, now));
  await attempt('deleted sites', () => runArchiveCleanups(env, attempt));
  // last: the previous hour's rows have long been rolled up by now (the rollup cron runs every 5 minutes)
  await attempt('alerts', async () => {
    const report = await runAlerts(env, 'hourly', now);
    for (const id of report.failures) failures.push(`alert ${id}`);
  });
  await attempt('digests', async () => {
    const report = await runDigests(env, now);
    for (const id of report.failures) failures.push(`digest ${id}`);
  });
  if (failures.length) console.error(`housekeeping: ${failures.length} of its tasks failed; the others ran`);
  return { sites: results.length, failures };
}

/** Retention in the site's own database; a moving site waits for the next hour (its rows are being copied). */
async function applyRetentionWhereItLives(env: Env, site: SiteConfig, now: number): Promise<void> {
  const { binding, movingTo } = await sitePlacement(env, site.id);
  if (movingTo) return;
  await applyRetention(databaseOf(env, binding), env.ARCHIVE, site.id, site.retentionDays, now);
}
