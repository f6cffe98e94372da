/**
 * Digests (DESIGN §4b, `reports`): CRUD and `POST reports/{id}/send`, which sends the last
 * complete period now (the dashboard's "send test") without touching what the cron has sent.
 * The create answer carries the digest's `secret` once: its plain-webhook channels are signed
 * with it (`Pulse-Signature`, as webhooks and alert channels); Slack posts are not (Slack checks none).
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import type { Env } from '../../env';
import { jsonResponse } from '../../lib/http-error';
import { newId, randomSecret, readBody } from '../../api/validate';
import { siteFromRow, type SiteConfigRow } from '../../lib/site-config';
import { HttpError } from '../../lib/http-error';
import { CHANNELS, checkChannels, type Channel } from '../channels';
import { idParam, notFound, openSiteResource, requireBelowCap } from '../site-resource';
import type { ReportRow } from '../../db/rows';
import { lastPeriod, type Interval } from './periods';
import { sendDigest } from './send';

export const MAX_REPORTS_PER_SITE = 10;
const INTERVAL = v.picklist(['weekly', 'monthly'], 'must be weekly or monthly');
const CREATE = v.strictObject({ interval: INTERVAL, channels: CHANNELS });
const UPDATE = v.pipe(v.strictObject({ interval: v.optional(INTERVAL), channels: v.optional(CHANNELS) }), v.check((b) => b.interval !== undefined || b.channels !== undefined, 'give interval or channels'));

const toJson = (r: ReportRow) => ({
  id: r.id,
  interval: r.interval,
  channels: JSON.parse(r.channels) as Channel[],
  last_sent_period: r.last_sent_period,
  created_at: new Date(r.created_at).toISOString(),
  updated_at: new Date(r.updated_at).toISOString(),
});

export async function listReports(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', false);
  const { results } = await db.prepare('SELECT * FROM reports WHERE site_id = ? ORDER BY created_at').bind(site).all<ReportRow>();
  return jsonResponse({ reports: results.map(toJson) });
}

export async function createReport(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const body = await readBody(request, CREATE);
  checkChannels(env, body.channels);
  await requireBelowCap(db, 'reports', site, MAX_REPORTS_PER_SITE);
  const now = Date.now();
  const row: ReportRow = {
    id: newId('rpt'), site_id: site, interval: body.interval, channels: JSON.stringify(body.channels), unsubscribe_secret: randomSecret(32),
    secret: `whsec_${randomSecret(32)}`, last_sent_period: null, created_at: now, updated_at: now,
  };
  await db.prepare('INSERT INTO reports (id, site_id, interval, channels, unsubscribe_secret, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(row.id, site, row.interval, row.channels, row.unsubscribe_secret, row.secret, now, now)
    .run();
  // the only answer that carries the secret (it signs the digest's webhook channels)
  return jsonResponse({ ...toJson(row), secret: row.secret }, 201);
}

export async function updateReport(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const body = await readBody(request, UPDATE);
  if (body.channels) checkChannels(env, body.channels);
  const row = await db.prepare('UPDATE reports SET interval = coalesce(?, interval), channels = coalesce(?, channels), updated_at = ? WHERE id = ? AND site_id = ? RETURNING *')
    .bind(body.interval ?? null, body.channels ? JSON.stringify(body.channels) : null, Date.now(), idParam(request), site)
    .first<ReportRow>();
  if (!row) throw notFound('report');
  return jsonResponse(toJson(row));
}

export async function deleteReport(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', true);
  const result = await db.prepare('DELETE FROM reports WHERE id = ? AND site_id = ?').bind(idParam(request), site).run();
  if (!result.meta.changes) throw notFound('report');
  return new Response(null, { status: 204 });
}

export async function sendReportNow(request: IRequest, env: Env): Promise<Response> {
  const { site, db } = await openSiteResource(request, env, 'admin', false);
  const row = await db.prepare('SELECT * FROM reports WHERE id = ? AND site_id = ?').bind(idParam(request), site).first<ReportRow>();
  if (!row) throw notFound('report');
  const siteRow = await env.DB.prepare('SELECT id, timezone, retention_days, uid_secret, settings, created_at FROM sites WHERE id = ?').bind(site).first<SiteConfigRow>();
  if (!siteRow) throw new HttpError(404, 'not_found', `no site ${site}`);
  const config = siteFromRow(siteRow);
  const now = Date.now();
  const period = lastPeriod(row.interval as Interval, now, config.timezone);
  await sendDigest(env, config, row, period, now);
  return jsonResponse({ sent: true, period: { from: period.from, to: period.to } }, 202);
}
