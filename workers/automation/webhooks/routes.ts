/**
 * Webhooks (DESIGN §4b): CRUD, the delivery log and a test delivery, all `sites:admin` or an
 * admin role. The secret is returned by the create call only; it signs every delivery
 * (signature.ts). Targets are checked against private and internal addresses (targets.ts).
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import type { Env } from '../../env';
import { HttpError, jsonResponse } from '../../lib/http-error';
import { newId, randomSecret, readBody } from '../../api/validate';
import { idParam, notFound, openSiteResource, requireBelowCap } from '../site-resource';
import type { WebhookDeliveryRow, WebhookRow } from '../../db/rows';
import { sendWebhookMessages } from './fan-out';
import { MAX_SELECTORS, SELECTOR_HINT, SELECTOR_PATTERN } from './selectors';
import { forgetSiteHooks } from './site-hooks';
import { loopbackAllowed, targetProblem } from './targets';

export const MAX_WEBHOOKS_PER_SITE = 10;

const URL_FIELD = v.pipe(v.string(), v.trim(), v.minLength(1, 'must be a URL'));
const SELECTORS = v.pipe(
  v.array(v.pipe(v.string(), v.regex(SELECTOR_PATTERN, SELECTOR_HINT))),
  v.minLength(1, `give 1 to ${MAX_SELECTORS} selectors: ${SELECTOR_HINT}`),
  v.maxLength(MAX_SELECTORS, `at most ${MAX_SELECTORS} selectors`),
);
const CREATE = v.strictObject({ url: URL_FIELD, events: SELECTORS });
const UPDATE = v.pipe(
  v.strictObject({ url: v.optional(URL_FIELD), events: v.optional(SELECTORS) }),
  v.check((b) => b.url !== undefined || b.events !== undefined, 'give url or events'),
);

function checkTarget(env: Env, url: string): void {
  const problem = targetProblem(url, loopbackAllowed(env));
  if (problem) throw new HttpError(400, 'unsafe_target', `url: ${problem}`);
}

const toJson = (w: WebhookRow) => ({
  id: w.id,
  url: w.url,
  events: JSON.parse(w.events) as string[],
  created_at: new Date(w.created_at).toISOString(),
  updated_at: new Date(w.updated_at).toISOString(),
});

const toDeliveryJson = (d: WebhookDeliveryRow) => ({
  id: d.id,
  delivery_id: d.delivery_id,
  type: d.type,
  attempt: d.attempt,
  outcome: d.outcome,
  http_status: d.http_status,
  error: d.error,
  duration_ms: d.duration_ms,
  at: new Date(d.at).toISOString(),
});

export async function listWebhooks(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', false);
  const { results } = await db.prepare('SELECT * FROM webhooks WHERE site_id = ? ORDER BY created_at').bind(site).all<WebhookRow>();
  return jsonResponse({ webhooks: results.map(toJson) });
}

export async function createWebhook(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const body = await readBody(request, CREATE);
  checkTarget(env, body.url);
  await requireBelowCap(db, 'webhooks', site, MAX_WEBHOOKS_PER_SITE);
  const now = Date.now();
  const row: WebhookRow = { id: newId('whk'), site_id: site, url: body.url, events: JSON.stringify([...new Set(body.events)]), secret: `whsec_${randomSecret(32)}`, created_at: now, updated_at: now };
  await db.prepare('INSERT INTO webhooks (id, site_id, url, events, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .bind(row.id, site, row.url, row.events, row.secret, now, now)
    .run();
  forgetSiteHooks(site);
  // the only answer that carries the secret
  return jsonResponse({ ...toJson(row), secret: row.secret }, 201);
}

export async function updateWebhook(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const body = await readBody(request, UPDATE);
  if (body.url !== undefined) checkTarget(env, body.url);
  const events = body.events ? JSON.stringify([...new Set(body.events)]) : null;
  const row = await db.prepare('UPDATE webhooks SET url = coalesce(?, url), events = coalesce(?, events), updated_at = ? WHERE id = ? AND site_id = ? RETURNING *')
    .bind(body.url ?? null, events, Date.now(), idParam(request), site)
    .first<WebhookRow>();
  if (!row) throw notFound('webhook');
  forgetSiteHooks(site);
  return jsonResponse(toJson(row));
}

export async function deleteWebhook(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const id = idParam(request);
  const [deleted] = await db.batch([
    db.prepare('DELETE FROM webhooks WHERE id = ? AND site_id = ?').bind(id, site),
    db.prepare('DELETE FROM webhook_deliveries WHERE webhook_id = ? AND site_id = ?').bind(id, site),
  ]);
  if (!deleted!.meta.changes) throw notFound('webhook');
  forgetSiteHooks(site);
  return new Response(null, { status: 204 });
}

/** The last attempts, newest first (at most WEBHOOK_LOG_KEEP are kept). */
export async function listDeliveries(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', false);
  const id = idParam(request);
  if (!(await db.prepare('SELECT 1 FROM webhooks WHERE id = ? AND site_id = ?').bind(id, site).first())) throw notFound('webhook');
  const { results } = await db.prepare('SELECT * FROM webhook_deliveries WHERE webhook_id = ? AND site_id = ? ORDER BY at DESC, attempt DESC LIMIT 100')
    .bind(id, site)
    .all<WebhookDeliveryRow>();
  return jsonResponse({ deliveries: results.map(toDeliveryJson) });
}

/** `POST webhooks/{id}/test`: a `test` payload through the same Queue, signing and log. */
export async function sendTestDelivery(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', false);
  const id = idParam(request);
  if (!(await db.prepare('SELECT 1 FROM webhooks WHERE id = ? AND site_id = ?').bind(id, site).first())) throw notFound('webhook');
  const deliveryId = `${id}.${newId('test')}`;
  const body = JSON.stringify({ type: 'test', id: deliveryId, site, webhook: id, at: new Date().toISOString() });
  await sendWebhookMessages(env, [{ site, webhookId: id, deliveryId, type: 'test', body }]);
  return jsonResponse({ delivery_id: deliveryId, queued: true }, 202);
}
