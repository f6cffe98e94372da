/**
 * The send log of alert notices (`alert_sends`): one row per attempt to reach one channel of a
 * firing, so the firings list can say "emailed ops@…: ok; Slack: HTTP 500, retrying". Emails are
 * logged as the cron hands them to `send_email`; Slack and webhook channels by the webhooks
 * Queue consumer on every attempt (webhooks/deliver.ts). Each alert keeps its last
 * ALERT_SEND_KEEP rows (the cap of 5 channels × a few attempts × the last firings).
 */
import { newId } from '../../api/validate';
import type { AlertSendRow } from '../../db/rows';

export const ALERT_SEND_KEEP = 200;

export type SendOutcome = 'ok' | 'error' | 'dead';

export interface SendAttempt {
  site: string;
  alertId: string;
  firingId: string;
  channel: number;
  type: 'email' | 'slack' | 'webhook';
  target: string;
  attempt: number;
  outcome: SendOutcome;
  httpStatus: number | null;
  error: string | null;
}

/** One row (only while the alert exists: a send finishing after a delete leaves nothing), and the alert's log trimmed. */
export async function logAlertSend(db: D1Database, a: SendAttempt, now = Date.now()): Promise<void> {
  await db.batch([
    db.prepare(
      `INSERT INTO alert_sends (id, site_id, alert_id, firing_id, channel, type, target, attempt, outcome, http_status, error, at)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM alerts WHERE id = ?3)`,
    ).bind(newId('snd'), a.site, a.alertId, a.firingId, a.channel, a.type, a.target, a.attempt, a.outcome, a.httpStatus, a.error, now),
    db.prepare(
      `DELETE FROM alert_sends WHERE alert_id = ?1 AND at < (
         SELECT at FROM alert_sends WHERE alert_id = ?1 ORDER BY at DESC LIMIT 1 OFFSET ?2)`,
    ).bind(a.alertId, ALERT_SEND_KEEP - 1),
  ]);
}

/** The highest attempt logged for a channel of a firing (the DLQ's `dead` row follows it). */
export async function lastAttempt(db: D1Database, firingId: string, channel: number): Promise<number> {
  const row = await db.prepare('SELECT max(attempt) AS n FROM alert_sends WHERE firing_id = ? AND channel = ?').bind(firingId, channel).first<{ n: number | null }>();
  return row?.n ?? 0;
}

export interface SendJson {
  channel: number;
  type: string;
  target: string;
  attempt: number;
  outcome: SendOutcome;
  http_status: number | null;
  error: string | null;
  at: string;
}

/** The sends of these firings, by firing id, oldest attempt first. */
export async function sendsOf(db: D1Database, alertId: string, firingIds: string[]): Promise<Map<string, SendJson[]>> {
  const byFiring = new Map<string, SendJson[]>();
  if (!firingIds.length) return byFiring;
  const { results } = await db.prepare(
    'SELECT * FROM alert_sends WHERE alert_id = ? AND firing_id IN (SELECT value FROM json_each(?)) ORDER BY at, channel, attempt',
  ).bind(alertId, JSON.stringify(firingIds)).all<AlertSendRow>();
  for (const r of results) {
    const list = byFiring.get(r.firing_id) ?? [];
    list.push({ channel: r.channel, type: r.type, target: r.target, attempt: r.attempt, outcome: r.outcome as SendOutcome, http_status: r.http_status, error: r.error, at: new Date(r.at).toISOString() });
    byFiring.set(r.firing_id, list);
  }
  return byFiring;
}
