/**
 * Unsubscribe links that work signed out: `/api/v1/reports/unsubscribe?site=&report=&to=&sig=`,
 * `sig` = hex HMAC-SHA256(the report's own secret, "<report>:<email>"). GET shows a page with a
 * button (mail scanners open links; they do not press buttons); POST, also RFC 8058's one-click
 * `List-Unsubscribe=One-Click`, removes that address from the report's channels.
 */
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { HttpError } from '../../lib/http-error';
import { siteDb } from '../../lib/site-db';
import type { ReportRow } from '../../db/rows';
import { hmacSha256Hex } from '../webhooks/signature';
import type { Channel } from '../channels';

export const publicOrigin = (env: Env): string => (env.PULSE_PUBLIC_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');

export async function unsubscribeUrl(env: Env, report: Pick<ReportRow, 'id' | 'site_id' | 'unsubscribe_secret'>, email: string): Promise<string> {
  const sig = await hmacSha256Hex(report.unsubscribe_secret, `${report.id}:${email}`);
  const q = new URLSearchParams({ site: report.site_id, report: report.id, to: email, sig });
  return `${publicOrigin(env)}/api/v1/reports/unsubscribe?${q}`;
}

const page = (body: string, status = 200) =>
  new Response(`<!doctype html><html><head><meta charset="utf-8"><title>Pulse digest</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">${body}</body></html>`, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The report the link names, if the signature is right (constant-time enough: both are HMACs). */
async function verifiedLink(request: Request, env: Env): Promise<{ report: ReportRow; email: string; db: D1Database }> {
  const q = new URL(request.url).searchParams;
  const [site, id, email, sig] = ['site', 'report', 'to', 'sig'].map((k) => (q.get(k) ?? '').slice(0, 300)) as [string, string, string, string];
  const invalid = new HttpError(400, 'invalid_link', 'this unsubscribe link is not valid');
  if (!site || !id || !email || !/^[0-9a-f]{64}$/.test(sig)) throw invalid;
  const db = await siteDb(env, site);
  const report = await db.prepare('SELECT * FROM reports WHERE id = ? AND site_id = ?').bind(id, site).first<ReportRow>();
  if (!report || (await hmacSha256Hex(report.unsubscribe_secret, `${report.id}:${email}`)) !== sig) throw invalid;
  return { report, email, db };
}

export async function showUnsubscribe(request: IRequest, env: Env): Promise<Response> {
  const { report, email } = await verifiedLink(request, env);
  return page(`<h1>Unsubscribe</h1><p>Stop sending the ${report.interval} digest of <b>${escape(report.site_id)}</b> to <b>${escape(email)}</b>?</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`);
}

export async function confirmUnsubscribe(request: IRequest, env: Env): Promise<Response> {
  const { report, email, db } = await verifiedLink(request, env);
  const channels = (JSON.parse(report.channels) as Channel[]).filter((c) => !(c.type === 'email' && c.to === email));
  await db.prepare('UPDATE reports SET channels = ?, updated_at = ? WHERE id = ?').bind(JSON.stringify(channels), Date.now(), report.id).run();
  return page(`<h1>Unsubscribed</h1><p><b>${escape(email)}</b> will no longer get the ${report.interval} digest of <b>${escape(report.site_id)}</b>.</p>`);
}
