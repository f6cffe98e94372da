/**
 * Operations alert rules, for operators only (auth/operator.ts), like `GET /api/v1/status`:
 * `GET|POST /api/v1/status/alerts`, `PATCH|DELETE /api/v1/status/alerts/{id}`, `GET
 * /api/v1/status/alerts/{id}/firings`. `{"metric", "scope"?, "value", "channels",
 * "cooldown_minutes"?}`; a rule fires when the metric is above `value` (measure.ts).
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import { requireOperator as requireOperatorOf } from '../../auth/operator';
import type { Env } from '../../env';
import type { OpsAlertFiringRow, OpsAlertRow } from '../../db/rows';
import { HttpError, jsonResponse } from '../../lib/http-error';
import { dataBindings } from '../../lib/site-db';
import { newId, randomSecret, readBody } from '../../api/validate';
import { CHANNELS, checkChannels } from '../../automation/channels';
import { idParam, notFound } from '../../automation/site-resource';
import { OPS_METRICS } from './measure';
import { opsAlertJson, opsFiringJson } from './json';

export const MAX_OPS_ALERTS = 20;

const FIELDS = {
  metric: v.picklist(OPS_METRICS, `must be one of ${OPS_METRICS.join(', ')}`),
  scope: v.optional(v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(253)))),
  value: v.pipe(v.number(), v.minValue(0), v.maxValue(1e12)),
  channels: CHANNELS,
  cooldown_minutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_080, 'at most a week (10080)'))),
};
const CREATE = v.strictObject(FIELDS);
const UPDATE = v.strictObject({ scope: FIELDS.scope, value: v.optional(FIELDS.value), channels: v.optional(CHANNELS), cooldown_minutes: FIELDS.cooldown_minutes });

const requireOperator = (request: IRequest, env: Env) => requireOperatorOf(request, env, 'operations alerts are');

/** A scope must name something the metric has: a site, a database binding, or any cron task name. */
async function checkScope(env: Env, metric: string, scope: string | null, value: number): Promise<void> {
  const bad = (message: string) => new HttpError(400, 'invalid_request', message);
  if (metric === 'database_used_percent' && value > 100) throw bad('value: a percentage of the limit, at most 100');
  if (scope === null) return;
  if (metric === 'outbox_oldest_seconds' && !(await env.DB.prepare('SELECT 1 FROM sites WHERE id = ?').bind(scope).first())) throw bad(`scope: no site ${scope}`);
  if (metric === 'database_used_percent' && !dataBindings(env).includes(scope)) throw bad(`scope: no database bound as ${scope}; the data bindings are ${dataBindings(env).join(', ')}`);
}

export async function listOpsAlerts(request: IRequest, env: Env): Promise<Response> {
  await requireOperator(request, env);
  const { results } = await env.DB.prepare('SELECT * FROM ops_alerts ORDER BY created_at').all<OpsAlertRow>();
  return jsonResponse({ alerts: results.map(opsAlertJson) });
}

export async function createOpsAlert(request: IRequest, env: Env): Promise<Response> {
  await requireOperator(request, env);
  const body = await readBody(request, CREATE);
  const scope = body.scope ?? null;
  await checkScope(env, body.metric, scope, body.value);
  checkChannels(env, body.channels);
  const count = (await env.DB.prepare('SELECT count(*) AS n FROM ops_alerts').first<number>('n')) ?? 0;
  if (count >= MAX_OPS_ALERTS) throw new HttpError(409, 'limit_reached', `at most ${MAX_OPS_ALERTS} operations alerts; delete some first`);
  const now = Date.now();
  const row: OpsAlertRow = {
    id: newId('opa'), metric: body.metric, scope, value: body.value, channels: JSON.stringify(body.channels), cooldown_minutes: body.cooldown_minutes ?? 60,
    secret: `whsec_${randomSecret(32)}`, firing: 0, last_fired_at: null, checked_period: null, created_at: now, updated_at: now,
  };
  await env.DB.prepare('INSERT INTO ops_alerts (id, metric, scope, value, channels, cooldown_minutes, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(row.id, row.metric, row.scope, row.value, row.channels, row.cooldown_minutes, row.secret, now, now).run();
  return jsonResponse({ ...opsAlertJson(row), secret: row.secret }, 201);
}

export async function updateOpsAlert(request: IRequest, env: Env): Promise<Response> {
  await requireOperator(request, env);
  const body = await readBody(request, UPDATE);
  const current = await env.DB.prepare('SELECT * FROM ops_alerts WHERE id = ?').bind(idParam(request)).first<OpsAlertRow>();
  if (!current) throw notFound('operations alert');
  const scope = body.scope === undefined ? current.scope : body.scope;
  const value = body.value ?? current.value;
  await checkScope(env, current.metric, scope, value);
  if (body.channels) checkChannels(env, body.channels);
  const row = await env.DB.prepare('UPDATE ops_alerts SET scope = ?, value = ?, channels = ?, cooldown_minutes = ?, updated_at = ? WHERE id = ? RETURNING *')
    .bind(scope, value, body.channels ? JSON.stringify(body.channels) : current.channels, body.cooldown_minutes ?? current.cooldown_minutes, Date.now(), current.id)
    .first<OpsAlertRow>();
  return jsonResponse(opsAlertJson(row!));
}

export async function deleteOpsAlert(request: IRequest, env: Env): Promise<Response> {
  await requireOperator(request, env);
  const id = idParam(request);
  const [deleted] = await env.DB.batch([
    env.DB.prepare('DELETE FROM ops_alerts WHERE id = ?').bind(id),
    env.DB.prepare('DELETE FROM ops_alert_firings WHERE alert_id = ?').bind(id),
  ]);
  if (!deleted!.meta.changes) throw notFound('operations alert');
  return new Response(null, { status: 204 });
}

/** Newest first, at most 500. */
export async function listOpsFirings(request: IRequest, env: Env): Promise<Response> {
  await requireOperator(request, env);
  const id = idParam(request);
  if (!(await env.DB.prepare('SELECT 1 FROM ops_alerts WHERE id = ?').bind(id).first())) throw notFound('operations alert');
  const { results } = await env.DB.prepare('SELECT * FROM ops_alert_firings WHERE alert_id = ? ORDER BY at DESC, kind DESC LIMIT 500').bind(id).all<OpsAlertFiringRow>();
  return jsonResponse({ firings: results.map(opsFiringJson) });
}
