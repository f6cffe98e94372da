/**
 * Channels, one shape everywhere (DESIGN §4b): `{"type": "email", "to"}`, `{"type": "slack",
 * "url"}`, `{"type": "webhook", "url"}`. Slack and webhook channels go through the webhooks Queue
 * (retries, back-off, the same target checks); email through Cloudflare's `send_email` binding,
 * composed with mimetext (`wrangler dev` simulates the binding and logs the message).
 */
import * as v from 'valibot';
import { createMimeMessage } from 'mimetext/browser';
import { EmailMessage } from 'cloudflare:email';
import type { Env } from '../env';
import { HttpError } from '../lib/http-error';
import { EMAIL } from '../api/validate';
import { sendWebhookMessages } from './webhooks/fan-out';
import { loopbackAllowed, targetProblem } from './webhooks/targets';
import { logAlertSend } from './alerts/sends';
import { siteDb } from '../lib/site-db';

export const MAX_CHANNELS = 5;
const URL_FIELD = v.pipe(v.string(), v.trim(), v.maxLength(2000));
export const CHANNEL = v.variant('type', [
  v.strictObject({ type: v.literal('email'), to: EMAIL }),
  v.strictObject({ type: v.literal('slack'), url: URL_FIELD }),
  v.strictObject({ type: v.literal('webhook'), url: URL_FIELD }),
], 'type must be email, slack or webhook');
export const CHANNELS = v.pipe(v.array(CHANNEL), v.minLength(1, 'give at least one channel'), v.maxLength(MAX_CHANNELS, `at most ${MAX_CHANNELS} channels`));
export type Channel = v.InferOutput<typeof CHANNEL>;

/** Refuses a Slack or webhook channel Pulse would not send to (DESIGN §4b). */
/** What every alerting rule (a site's alerts, the operator's ops alerts) shows of its state and channels. */
export const ruleStateJson = (r: { channels: string; cooldown_minutes: number; firing: number; last_fired_at: number | null; created_at: number; updated_at: number }) => ({
  channels: JSON.parse(r.channels) as Channel[],
  cooldown_minutes: r.cooldown_minutes,
  firing: r.firing === 1,
  last_fired_at: r.last_fired_at === null ? null : new Date(r.last_fired_at).toISOString(),
  created_at: new Date(r.created_at).toISOString(),
  updated_at: new Date(r.updated_at).toISOString(),
});

export function checkChannels(env: Env, channels: Channel[]): void {
  channels.forEach((c, i) => {
    if (c.type === 'email') return;
    const problem = targetProblem(c.url, loopbackAllowed(env));
    if (problem) throw new HttpError(400, 'unsafe_target', `channels.${i}.url: ${problem}`);
  });
}

export interface Notice {
  /** the email subject and the first line of the Slack message */
  subject: string;
  /** plain text: the email body and the rest of the Slack message */
  text: string;
  /** the JSON body a webhook channel receives */
  json: Record<string, unknown>;
}

/** The email as sent: RFC 5322 text (tests read it back). */
export function composeEmail(from: string, to: string, notice: Notice, html?: string, headers: Record<string, string> = {}): string {
  const msg = createMimeMessage();
  msg.setSender({ name: 'Pulse', addr: from });
  msg.setTo(to);
  msg.setSubject(notice.subject);
  for (const [name, value] of Object.entries(headers)) msg.setHeader(name, value);
  msg.addMessage({ contentType: 'text/plain', data: notice.text });
  if (html) msg.addMessage({ contentType: 'text/html', data: html });
  return msg.asRaw();
}

export const slackPayload = (notice: Notice): string => JSON.stringify({ text: `*${notice.subject}*\n${notice.text}` });

export const emailSender = (env: Env): string => env.PULSE_EMAIL_FROM ?? 'pulse@localhost';

/**
 * Sends one notice to every channel of `owner` (an alert or a report). `key` names the notice (an
 * alert firing, a digest period):
 * Queue messages carry it as their delivery id, so receivers can tell a retry from a new notice.
 * An alert's sends are logged (alerts/sends.ts): emails here, as `send_email` answers, the others
 * by the Queue consumer. A failed email does not stop the other channels; the first failure is
 * thrown once all were tried, so the cron reports it.
 */
export async function notifyChannels(env: Env, site: string, owner: { id: string; type: 'alert' | 'report' | 'ops' }, key: string, channels: Channel[], notice: Notice, html?: string, headers?: Record<string, string>): Promise<void> {
  const queued = channels.flatMap((c, channel) =>
    c.type === 'email' ? [] : [{
      site, webhookId: owner.id, deliveryId: `${owner.id}.${key}`, type: owner.type, target: { url: c.url, kind: c.type, channel, key },
      body: c.type === 'slack' ? slackPayload(notice) : JSON.stringify(notice.json),
    }],
  );
  await sendWebhookMessages(env, queued);
  let failure: unknown = null;
  for (const [channel, c] of channels.entries()) {
    if (c.type !== 'email') continue;
    let error: string | null = null;
    try {
      if (!env.SEND_EMAIL) throw new Error('no send_email binding (SEND_EMAIL) configured');
      const from = emailSender(env);
      await env.SEND_EMAIL.send(new EmailMessage(from, c.to, composeEmail(from, c.to, notice, html, headers)));
    } catch (err) {
      failure ??= err;
      error = String(err instanceof Error ? err.message : err).slice(0, 300);
    }
    if (owner.type === 'alert') {
      await logAlertSend(await siteDb(env, site), { site, alertId: owner.id, firingId: key, channel, type: 'email', target: c.to, attempt: 1, outcome: error ? 'error' : 'ok', httpStatus: null, error });
    }
  }
  if (failure) throw failure;
}
