/**
 * The webhooks Queue consumer: one signed POST per message, each attempt written to the
 * delivery log. A 2xx acks; anything else (another status, a redirect, which is never followed,
 * a timeout, a refused target) is retried with exponential back-off, and after the Queue's last
 * retry (wrangler.toml `max_retries`) the message lands in the DLQ, whose consumer writes the
 * final `dead` row and keeps the payload in `dead_letters` for inspection.
 */
import type { Env } from '../../env';
import { recordDeadLetters } from '../../consumer/dead-letters';
import { siteDb } from '../../lib/site-db';
import { newId } from '../../api/validate';
import type { WebhookMessage } from './message';
import { WEBHOOKS_DLQ, WEBHOOKS_QUEUE } from './message';
import { signatureHeader } from './signature';
import { loopbackAllowed, targetProblem } from './targets';
import { lastAttempt, logAlertSend, type SendOutcome } from '../alerts/sends';

/** Delivery-log rows kept per webhook; older ones are deleted as new ones arrive. */
export const WEBHOOK_LOG_KEEP = 100;
const TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_BASE_SECONDS = 30;
// the longest delay a Queue message may be retried with
const MAX_DELAY_SECONDS = 43_200;

export type Outcome = 'ok' | 'error' | 'dead';

/** Seconds before the next attempt after `attempts` failed ones: base, 4×base, 16×base, … */
export function retryDelaySeconds(env: Env, attempts: number): number {
  const configured = Number(env.PULSE_WEBHOOK_RETRY_BASE_SECONDS);
  const base = env.PULSE_WEBHOOK_RETRY_BASE_SECONDS !== undefined && Number.isFinite(configured) && configured >= 0 ? configured : DEFAULT_RETRY_BASE_SECONDS;
  return Math.min(MAX_DELAY_SECONDS, Math.round(base * 4 ** Math.max(0, attempts - 1)));
}

export const isWebhookQueue = (queue: string): boolean => queue === WEBHOOKS_QUEUE || queue === WEBHOOKS_DLQ;

export async function handleWebhookQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue === WEBHOOKS_DLQ) return recordDeadDeliveries(batch, env);
  await Promise.all(batch.messages.map((message) => deliverMessage(env, message as Message<WebhookMessage>)));
}

interface Attempt {
  ok: boolean;
  status: number | null;
  error: string | null;
  ms: number;
}

/** One POST of the message's body to the webhook's URL, signed now. */
async function post(env: Env, url: string, secret: string | null, message: WebhookMessage): Promise<Attempt> {
  const started = Date.now();
  const problem = targetProblem(url, loopbackAllowed(env));
  if (problem) return { ok: false, status: null, error: `target refused: ${problem}`, ms: 0 };
  try {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Pulse-Webhooks/1',
        ...(secret ? { 'pulse-signature': await signatureHeader(secret, message.body, Math.floor(Date.now() / 1000)) } : {}),
        'pulse-delivery': message.deliveryId,
        'pulse-event': message.type,
      },
      body: message.body,
    });
    await res.body?.cancel();
    const ok = res.status >= 200 && res.status < 300;
    return { ok, status: res.status, error: ok ? null : res.status >= 300 && res.status < 400 ? `HTTP ${res.status} (redirects are not followed)` : `HTTP ${res.status}`, ms: Date.now() - started };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return { ok: false, status: null, error: timedOut ? `no answer within ${TIMEOUT_MS / 1000} s` : String(err instanceof Error ? err.message : err).slice(0, 300), ms: Date.now() - started };
  }
}

/** An alert channel's message: its send-log address (null for a report's or an older message). */
const alertChannel = (m: WebhookMessage) => (m.type === 'alert' && m.target?.kind && m.target.channel !== undefined && m.target.key ? { ...m.target, kind: m.target.kind, channel: m.target.channel, key: m.target.key } : null);

/** Where a message goes and the secret it is signed with (null: unsigned), or null when nobody wants it any more. */
async function destination(db: D1Database, m: WebhookMessage): Promise<{ url: string; secret: string | null } | null> {
  if (!m.target) return db.prepare('SELECT url, secret FROM webhooks WHERE id = ? AND site_id = ?').bind(m.webhookId, m.site).first<{ url: string; secret: string }>();
  if (m.type === 'ops') {
    // an operations alert's channel: its rule is in the primary (`db`, as its site is empty)
    const rule = await db.prepare('SELECT secret FROM ops_alerts WHERE id = ?').bind(m.webhookId).first<{ secret: string }>();
    return rule ? { url: m.target.url, secret: m.target.kind === 'webhook' ? rule.secret : null } : null;
  }
  if (m.type === 'report') {
    // a digest's channel: signed with the digest's secret (null for digests made before 0017)
    const report = await db.prepare('SELECT secret FROM reports WHERE id = ? AND site_id = ?').bind(m.webhookId, m.site).first<{ secret: string | null }>();
    return report ? { url: m.target.url, secret: m.target.kind === 'webhook' ? report.secret : null } : null;
  }
  const channel = alertChannel(m);
  if (!channel) return { url: m.target.url, secret: null };
  const alert = await db.prepare('SELECT secret FROM alerts WHERE id = ? AND site_id = ?').bind(m.webhookId, m.site).first<{ secret: string | null }>();
  if (!alert) return null;
  // Slack checks no signature; a plain webhook is signed like a webhook's deliveries
  return { url: m.target.url, secret: channel.kind === 'webhook' ? alert.secret : null };
}

async function logChannelAttempt(db: D1Database, m: WebhookMessage, attempt: number, outcome: SendOutcome, a: Omit<Attempt, 'ok' | 'ms'>): Promise<void> {
  const channel = alertChannel(m);
  if (!channel) return;
  await logAlertSend(db, { site: m.site, alertId: m.webhookId, firingId: channel.key, channel: channel.channel, type: channel.kind, target: channel.url, attempt, outcome, httpStatus: a.status, error: a.error });
}

async function deliverMessage(env: Env, message: Message<WebhookMessage>): Promise<void> {
  const m = message.body;
  const db = await siteDb(env, m.site);
  const hook = await destination(db, m);
  // deleted since the event: nobody wants this delivery any more
  if (!hook) return message.ack();
  const attempt = await post(env, hook.url, hook.secret, m);
  const outcome = attempt.ok ? 'ok' : 'error';
  if (m.target) {
    if (!attempt.ok) console.error('channel delivery failed; will retry', m.webhookId, attempt.error);
    await logChannelAttempt(db, m, message.attempts, outcome, attempt);
  } else await logAttempt(db, m, message.attempts, outcome, attempt);
  if (attempt.ok) message.ack();
  else message.retry({ delaySeconds: retryDelaySeconds(env, message.attempts) });
}

/** One delivery-log row, and the webhook's log trimmed to its last WEBHOOK_LOG_KEEP rows. */
async function logAttempt(db: D1Database, m: WebhookMessage, attempt: number, outcome: Outcome, a: Omit<Attempt, 'ok'>): Promise<void> {
  const now = Date.now();
  await db.batch([
    db.prepare(
      `INSERT INTO webhook_deliveries (id, site_id, webhook_id, delivery_id, type, attempt, outcome, http_status, error, duration_ms, at)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?3)`,
    ).bind(newId('dlv'), m.site, m.webhookId, m.deliveryId, m.type, attempt, outcome, a.status, a.error, a.ms, now),
    db.prepare(
      `DELETE FROM webhook_deliveries WHERE webhook_id = ?1 AND at < (
         SELECT at FROM webhook_deliveries WHERE webhook_id = ?1 ORDER BY at DESC LIMIT 1 OFFSET ?2)`,
    ).bind(m.webhookId, WEBHOOK_LOG_KEEP - 1),
  ]);
}

/** The DLQ: the last retry failed. A `dead` row closes the delivery in the log. */
async function recordDeadDeliveries(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const m = message.body as WebhookMessage;
    const db = await siteDb(env, m.site);
    const channel = alertChannel(m);
    if (channel) {
      await logChannelAttempt(db, m, await lastAttempt(db, channel.key, channel.channel), 'dead', { status: null, error: 'gave up after the last retry' });
      continue;
    }
    if (m.target) continue; // a report's channel keeps no log
    const last = await db.prepare('SELECT max(attempt) AS n FROM webhook_deliveries WHERE webhook_id = ? AND delivery_id = ?').bind(m.webhookId, m.deliveryId).first<{ n: number | null }>();
    await logAttempt(db, m, last?.n ?? 0, 'dead', { status: null, error: 'gave up after the last retry', ms: 0 });
  }
  await recordDeadLetters(batch, env);
}
