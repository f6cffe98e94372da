/**
 * The alert checks, run by the cron: every 5 minutes the `5m` rules (current visitors), hourly
 * the `1h` rules (the last local hour; anomalies against the same hour of earlier weeks) and the
 * `1d` rules (the last local day, once). Each rule judges each period once (`checked_period`);
 * a firing or "back to normal" is a row keyed by (alert, period, kind), so overlapping cron runs
 * store it once, and only the run whose insert landed sends the notice.
 */
import type { Env } from '../../env';
import { dataBindings, databaseOf, sitePlacement } from '../../lib/site-db';
import { siteFromRow, type SiteConfig, type SiteConfigRow } from '../../lib/site-config';
import type { AlertRow } from '../../db/rows';
import { newId } from '../../api/validate';
import { anomalyBreach, judgeHour, stepAlert, type Transition } from './anomaly';
import { currentVisitors, fiveMinuteSlot, lastDay, lastHour, measureHourOfWeek, measurePeriod, type Metric } from './measure';
import { notifyAlert } from './notify';

export type AlertCron = 'five-minute' | 'hourly';

export interface Judgement {
  period: string;
  observed: number;
  expected: number | null;
  score: number | null;
  breached: boolean;
  cleared: boolean;
}

/** The period a rule judges on this cron, or null when it is not this cron's rule. */
function periodOf(alert: AlertRow, cron: AlertCron, now: number, tz: string) {
  if (alert.window === '5m') return cron === 'five-minute' ? { label: fiveMinuteSlot(now), start: '', end: '' } : null;
  if (cron !== 'hourly') return null;
  return alert.window === '1d' ? lastDay(now, tz) : lastHour(now, tz);
}

export async function judgeAlert(env: Env, site: SiteConfig, alert: AlertRow, cron: AlertCron, now: number): Promise<Judgement | null> {
  const period = periodOf(alert, cron, now, site.timezone);
  if (!period || alert.checked_period === period.label) return null;
  const metric = alert.metric as Metric;
  if (alert.kind === 'anomaly') {
    const { observed, history } = await measureHourOfWeek(env, site, metric, period, now);
    const verdict = judgeHour(history, observed);
    const { breached, cleared } = anomalyBreach(verdict, alert.op as 'above' | 'below' | null);
    return { period: period.label, observed, expected: verdict.expected, score: verdict.expected === null ? null : verdict.score, breached, cleared };
  }
  const observed = metric === 'current_visitors' ? await currentVisitors(env, site, now) : await measurePeriod(env, site, metric, period, now);
  // a vital nobody reported this period: no evidence either way, the state holds
  if (observed === null) return { period: period.label, observed: 0, expected: null, score: null, breached: false, cleared: false };
  const breached = alert.op === 'above' ? observed > alert.value! : observed < alert.value!;
  return { period: period.label, observed, expected: null, score: null, breached, cleared: !breached };
}

/** Judges one rule and records the outcome; returns the transition this run owns (sent), if any. */
export async function checkAlert(env: Env, db: D1Database, site: SiteConfig, alert: AlertRow, cron: AlertCron, now: number): Promise<Transition> {
  const judged = await judgeAlert(env, site, alert, cron, now);
  if (!judged) return null;
  const { state, transition } = stepAlert({ firing: alert.firing === 1, lastFiredAt: alert.last_fired_at }, judged.breached, judged.cleared, now, alert.cooldown_minutes * 60_000);
  const update = db.prepare('UPDATE alerts SET firing = ?, last_fired_at = ?, checked_period = ? WHERE id = ?').bind(state.firing ? 1 : 0, state.lastFiredAt, judged.period, alert.id);
  if (!transition) {
    await update.run();
    return null;
  }
  const firingId = newId('fir');
  const [inserted] = await db.batch<{ id: string }>([
    db.prepare(
      `INSERT INTO alert_firings (id, site_id, alert_id, kind, period, observed, expected, score, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (alert_id, period, kind) DO NOTHING RETURNING id`,
    ).bind(firingId, site.id, alert.id, transition, judged.period, judged.observed, judged.expected, judged.score, now),
    update,
  ]);
  // another run stored (and sent) this one already
  if (!inserted!.results.length) return null;
  await notifyAlert(env, site, alert, transition, firingId, judged, now);
  return transition;
}

/** Every rule of every site, one failure never stopping the rest; returns the transitions sent. */
export async function runAlerts(env: Env, cron: AlertCron, now: number): Promise<{ checked: number; sent: number; failures: string[] }> {
  const { results: siteRows } = await env.DB.prepare('SELECT id, timezone, retention_days, uid_secret, settings, created_at FROM sites').all<SiteConfigRow>();
  const sites = new Map(siteRows.map((row) => [row.id, row]));
  const report = { checked: 0, sent: 0, failures: [] as string[] };
  for (const binding of dataBindings(env)) {
    const db = databaseOf(env, binding);
    const windows = cron === 'five-minute' ? ['5m'] : ['1h', '1d'];
    const { results } = await db.prepare(`SELECT * FROM alerts WHERE "window" IN (${windows.map(() => '?').join(', ')}) ORDER BY site_id`).bind(...windows).all<AlertRow>();
    for (const alert of results) {
      const row = sites.get(alert.site_id);
      if (!row) continue; // a deleted site
      // only where the site's data lives now: a move copies the rules before it switches
      if ((await sitePlacement(env, alert.site_id)).binding !== binding) continue;
      try {
        report.checked++;
        if (await checkAlert(env, db, siteFromRow(row), alert, cron, now)) report.sent++;
      } catch (err) {
        report.failures.push(alert.id);
        console.error(`alert ${alert.id} of ${alert.site_id} failed`, err instanceof Error ? err.message : err);
      }
    }
  }
  return report;
}
