/**
 * Alert rules (DESIGN §4b) and their firings, `sites:admin` or an admin role. Thresholds on
 * visitors, pageviews, goal conversions and errors per hour or day and on current visitors (every
 * 5 minutes); anomalies on those four counts per hour (anomaly.ts). A `vital:<NAME>` rule watches
 * the vital's p75 per hour or day, by default above its web.dev "poor" threshold (DESIGN §4a); it
 * takes no anomaly kind, because a percentile of a few page loads is not a Poisson count.
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import type { Env } from '../../env';
import { HttpError, jsonResponse } from '../../lib/http-error';
import { newId, randomSecret, readBody } from '../../api/validate';
import { CHANNELS, checkChannels } from '../channels';
import { idParam, notFound, openSiteResource, requireBelowCap } from '../site-resource';
import type { AlertFiringRow, AlertRow } from '../../db/rows';
import { alertJson } from './notify';
import { sendsOf } from './sends';
import { THRESHOLDS } from '../../reports/vitals/histogram';

export const MAX_ALERTS_PER_SITE = 20;
const METRIC = v.pipe(
  v.string(),
  v.check((m) => !m.startsWith('vital:') || m.slice(6) in THRESHOLDS, `a vital must be one of ${Object.keys(THRESHOLDS).map((n) => `vital:${n}`).join(', ')}`),
  v.regex(/^(visitors|pageviews|current_visitors|errors|vital:[A-Z]+|goal:.{1,120})$/s, 'must be visitors, pageviews, current_visitors, errors, vital:<NAME> or goal:<name>'),
);

/** `vital:LCP` → `LCP`, or null for a count metric. */
const vitalOf = (metric: string): keyof typeof THRESHOLDS | null => (metric.startsWith('vital:') ? (metric.slice(6) as keyof typeof THRESHOLDS) : null);
const FIELDS = {
  metric: METRIC,
  kind: v.picklist(['threshold', 'anomaly'], 'must be threshold or anomaly'),
  op: v.optional(v.picklist(['above', 'below'], 'must be above or below')),
  value: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1e12))),
  window: v.optional(v.picklist(['5m', '1h', '1d'], 'must be 5m, 1h or 1d')),
  channels: CHANNELS,
  cooldown_minutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_080, 'at most a week (10080)'))),
};
const CREATE = v.strictObject(FIELDS);
const UPDATE = v.strictObject({ op: v.optional(v.nullable(FIELDS.op.wrapped)), value: FIELDS.value, channels: v.optional(CHANNELS), cooldown_minutes: FIELDS.cooldown_minutes });

type Rule = Pick<AlertRow, 'metric' | 'kind' | 'op' | 'value' | 'window'>;

/** The combinations that make sense, with the default window filled in. */
function checkRule(rule: Rule): Rule {
  const bad = (message: string) => new HttpError(400, 'invalid_request', message);
  const current = rule.metric === 'current_visitors';
  const vital = vitalOf(rule.metric);
  if (vital) {
    if (rule.kind !== 'threshold') throw bad(`kind: ${rule.metric} takes a threshold (its p75 is a percentile, not a count anomalies can learn)`);
    // "a vital's p75 above its poor threshold" unless told otherwise
    rule = { ...rule, op: rule.op ?? 'above', value: rule.value ?? THRESHOLDS[vital][1] };
  }
  if (rule.kind === 'threshold') {
    if (!rule.op) throw bad('op: a threshold needs op (above or below)');
    if (rule.value === null) throw bad('value: a threshold needs a value');
    const window = rule.window || (current ? '5m' : '1h');
    if (current !== (window === '5m')) throw bad(current ? 'window: current_visitors is checked every 5 minutes (5m)' : 'window: 5m is for current_visitors; use 1h or 1d');
    return { ...rule, window };
  }
  if (current) throw bad('metric: anomalies are learned per hour of the week; current_visitors takes a threshold');
  if (rule.value !== null) throw bad('value: an anomaly learns its expected value; give no value');
  if (rule.window && rule.window !== '1h') throw bad('window: anomalies are judged per hour (1h)');
  return { ...rule, window: '1h' };
}

export async function listAlerts(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', false);
  const { results } = await db.prepare('SELECT * FROM alerts WHERE site_id = ? ORDER BY created_at').bind(site).all<AlertRow>();
  return jsonResponse({ alerts: results.map(alertJson) });
}

export async function createAlert(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const body = await readBody(request, CREATE);
  const rule = checkRule({ metric: body.metric, kind: body.kind, op: body.op ?? null, value: body.value ?? null, window: body.window ?? '' });
  checkChannels(env, body.channels);
  await requireBelowCap(db, 'alerts', site, MAX_ALERTS_PER_SITE);
  const now = Date.now();
  const row: AlertRow = {
    id: newId('alr'), site_id: site, ...rule, channels: JSON.stringify(body.channels), cooldown_minutes: body.cooldown_minutes ?? 60,
    secret: `whsec_${randomSecret(32)}`, firing: 0, last_fired_at: null, checked_period: null, created_at: now, updated_at: now,
  };
  await db.prepare(
    'INSERT INTO alerts (id, site_id, metric, kind, op, value, "window", channels, cooldown_minutes, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).bind(row.id, site, row.metric, row.kind, row.op, row.value, row.window, row.channels, row.cooldown_minutes, row.secret, now, now).run();
  // the only answer that carries the secret (it signs the rule's webhook channels)
  return jsonResponse({ ...alertJson(row), secret: row.secret }, 201);
}

export async function updateAlert(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const body = await readBody(request, UPDATE);
  const current = await db.prepare('SELECT * FROM alerts WHERE id = ? AND site_id = ?').bind(idParam(request), site).first<AlertRow>();
  if (!current) throw notFound('alert');
  const rule = checkRule({ ...current, op: body.op === undefined ? current.op : body.op, value: body.value ?? current.value });
  if (body.channels) checkChannels(env, body.channels);
  const row = await db.prepare('UPDATE alerts SET op = ?, value = ?, channels = ?, cooldown_minutes = ?, updated_at = ? WHERE id = ? RETURNING *')
    .bind(rule.op, rule.value, body.channels ? JSON.stringify(body.channels) : current.channels, body.cooldown_minutes ?? current.cooldown_minutes, Date.now(), current.id)
    .first<AlertRow>();
  return jsonResponse(alertJson(row!));
}

export async function deleteAlert(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const id = idParam(request);
  const [deleted] = await db.batch([
    db.prepare('DELETE FROM alerts WHERE id = ? AND site_id = ?').bind(id, site),
    db.prepare('DELETE FROM alert_firings WHERE alert_id = ? AND site_id = ?').bind(id, site),
    db.prepare('DELETE FROM alert_sends WHERE alert_id = ? AND site_id = ?').bind(id, site),
  ]);
  if (!deleted!.meta.changes) throw notFound('alert');
  return new Response(null, { status: 204 });
}

const toFiringJson = (f: AlertFiringRow, sends: Map<string, unknown[]>) => ({
  id: f.id,
  state: f.kind === 'fire' ? 'firing' : 'resolved',
  period: f.period,
  observed: f.observed,
  expected: f.expected,
  score: f.score,
  at: new Date(f.at).toISOString(),
  sends: sends.get(f.id) ?? [],
});

/** `GET alerts/{id}/firings`: newest first, at most 500, each with its send log (every attempt at every channel). */
export async function listFirings(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', false);
  const id = idParam(request);
  if (!(await db.prepare('SELECT 1 FROM alerts WHERE id = ? AND site_id = ?').bind(id, site).first())) throw notFound('alert');
  const { results } = await db.prepare('SELECT * FROM alert_firings WHERE alert_id = ? AND site_id = ? ORDER BY at DESC, kind DESC LIMIT 500').bind(id, site).all<AlertFiringRow>();
  const sends = await sendsOf(db, id, results.map((f) => f.id));
  return jsonResponse({ firings: results.map((f) => toFiringJson(f, sends)) });
}
