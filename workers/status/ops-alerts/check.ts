/**
 * The operations alert checks, every 5 minutes (the rollup cron): each rule judges its 5-minute
 * slot once, fires when its number is above the rule's value, and says "back to normal" when it
 * is not, with the cool-down and the once-per-slot rows of site alerts (alerts/check.ts).
 */
import type { Env } from '../../env';
import type { OpsAlertRow } from '../../db/rows';
import { newId } from '../../api/validate';
import { stepAlert } from '../../automation/alerts/anomaly';
import { fiveMinuteSlot } from '../../automation/alerts/measure';
import { notifyChannels, type Channel } from '../../automation/channels';
import { measureOps, type OpsMetric } from './measure';
import { opsAlertJson } from './json';

const WORDS: Record<OpsMetric, (n: number, scope: string | null) => string> = {
  outbox_oldest_seconds: (n, scope) => `the oldest event waiting in ${scope ? `the outbox of ${scope}` : 'a SiteDO outbox'} is ${n} s old`,
  database_used_percent: (n, scope) => `${scope ? `database ${scope}` : 'the fullest database'} is ${n}% of its 10 GB limit`,
  cron_failures: (n, scope) => (scope ? `cron task ${scope} ${n ? 'failed its last run' : 'ran fine'}` : `${n} cron task${n === 1 ? '' : 's'} failed their last run`),
};

export async function checkOpsAlert(env: Env, rule: OpsAlertRow, now: number): Promise<boolean> {
  const period = fiveMinuteSlot(now);
  if (rule.checked_period === period) return false;
  const observed = await measureOps(env, rule.metric as OpsMetric, rule.scope, now);
  const breached = observed > rule.value;
  const { state, transition } = stepAlert({ firing: rule.firing === 1, lastFiredAt: rule.last_fired_at }, breached, !breached, now, rule.cooldown_minutes * 60_000);
  const db = env.DB;
  const update = db.prepare('UPDATE ops_alerts SET firing = ?, last_fired_at = ?, checked_period = ? WHERE id = ?').bind(state.firing ? 1 : 0, state.lastFiredAt, period, rule.id);
  if (!transition) {
    await update.run();
    return false;
  }
  const firingId = newId('opf');
  const [inserted] = await db.batch<{ id: string }>([
    db.prepare('INSERT INTO ops_alert_firings (id, alert_id, kind, period, observed, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (alert_id, period, kind) DO NOTHING RETURNING id')
      .bind(firingId, rule.id, transition, period, observed, now),
    update,
  ]);
  if (!inserted!.results.length) return false; // another run stored and sent it
  const what = WORDS[rule.metric as OpsMetric](observed, rule.scope);
  const text = transition === 'fire' ? `Pulse operations: ${what}, above ${rule.value}.` : `Pulse operations back to normal: ${what}.`;
  const subject = transition === 'fire' ? `Pulse: ${rule.metric} above ${rule.value}` : `Pulse: ${rule.metric} back to normal`;
  const json = { type: 'ops_alert', alert: opsAlertJson(rule), state: transition === 'fire' ? 'firing' : 'resolved', period, observed, at: new Date(now).toISOString(), message: text };
  await notifyChannels(env, '', { id: rule.id, type: 'ops' }, firingId, JSON.parse(rule.channels) as Channel[], { subject, text, json });
  return true;
}

/** Every rule, one failure never stopping the rest. */
export async function runOpsAlerts(env: Env, now: number): Promise<{ checked: number; sent: number; failures: string[] }> {
  const { results } = await env.DB.prepare('SELECT * FROM ops_alerts ORDER BY id').all<OpsAlertRow>();
  const report = { checked: 0, sent: 0, failures: [] as string[] };
  for (const rule of results) {
    try {
      report.checked++;
      if (await checkOpsAlert(env, rule, now)) report.sent++;
    } catch (err) {
      report.failures.push(rule.id);
      console.error(`operations alert ${rule.id} failed`, err instanceof Error ? err.message : err);
    }
  }
  return report;
}
