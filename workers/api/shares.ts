/**
 * Public share links: a signed token (audience `pulse:share`) granting `stats:read` on one site,
 * revocable by `jti`. Only the jti is stored; listing re-signs a link with the same jti, so an
 * admin can copy a link again without Pulse keeping the token. A link may carry a password (set at
 * creation; to change it, make a new link and revoke this one): see `shares-unlock.ts`.
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import { requireSiteAccess } from '../auth/access';
import { hashPassword } from '../auth/password';
import { markRevoked, revocationStatement } from '../auth/revocation';
import { issueToken } from '../auth/tokens';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { disconnectViewers } from '../realtime/disconnect';
import { siteParam } from './sites';
import { newId, readBody } from './validate';
import type { ShareLinkRow as ShareRow } from '../db/rows';

// Share links live until revoked; a long exp keeps them standard JWTs with an expiry.
const SHARE_TTL_SECONDS = 10 * 365 * 86_400;
const NEVER = Number.MAX_SAFE_INTEGER;
const CREATE_SHARE = v.object({
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100))),
  // not trimmed: a password is what the admin typed; the bounds keep PBKDF2 input sane
  password: v.optional(v.pipe(v.string(), v.minLength(4, 'password must be at least 4 characters'), v.maxLength(200, 'password must be at most 200 characters'))),
});

/** A link with a password gets `pw`: its token alone is refused until unlocked (shares-unlock.ts). */
function shareClaims(row: ShareRow) {
  return { sites: [row.site_id], scope: 'stats:read', ...(row.password_hash !== null ? { pw: true } : {}) };
}

async function toShareJson(env: Env, request: Request, row: ShareRow) {
  const token = row.revoked_at === null
    ? (await issueToken(env, { kind: 'share', sub: row.id, jti: row.jti, ttl: SHARE_TTL_SECONDS, claims: shareClaims(row) })).token
    : null;
  return {
    id: row.id,
    site: row.site_id,
    name: row.name,
    token,
    url: token ? new URL(`/share/${encodeURIComponent(row.site_id)}?auth=${token}`, request.url).toString() : null,
    password: row.password_hash !== null,
    created_at: new Date(row.created_at).toISOString(),
    revoked_at: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
  };
}

export async function createShare(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  const principal = await requireSiteAccess(request, env, site, 'admin');
  const body = await readBody(request, CREATE_SHARE);
  const hashed = body.password === undefined ? null : await hashPassword(body.password);
  const row: ShareRow = {
    id: newId('shr'), site_id: site, name: body.name ?? 'Shared link', jti: crypto.randomUUID(),
    created_by: principal.kind === 'user' ? principal.userId : null, created_at: Date.now(), revoked_at: null,
    password_hash: hashed?.hash ?? null, password_salt: hashed?.salt ?? null, password_iterations: hashed?.iterations ?? null,
  };
  await env.DB.prepare('INSERT INTO share_links (id, site_id, name, jti, created_by, created_at, password_hash, password_salt, password_iterations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .bind(row.id, site, row.name, row.jti, row.created_by, row.created_at, row.password_hash, row.password_salt, row.password_iterations)
    .run();
  return jsonResponse(await toShareJson(env, request, row), 201);
}

export async function listShares(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  const { results } = await env.DB.prepare('SELECT * FROM share_links WHERE site_id = ? ORDER BY created_at DESC').bind(site).all<ShareRow>();
  return jsonResponse({ shares: await Promise.all(results.map((row) => toShareJson(env, request, row))) });
}

export async function revokeShare(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  const row = await env.DB.prepare('SELECT * FROM share_links WHERE id = ? AND site_id = ?').bind(request.params.id ?? '', site).first<ShareRow>();
  if (!row) throw new HttpError(404, 'not_found', 'no such share link');
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare('UPDATE share_links SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').bind(now, row.id),
    revocationStatement(env, row.jti, NEVER),
  ]);
  markRevoked(env, row.jti);
  await disconnectViewers(env, [site], [{ kind: 'share', id: row.id }]);
  return new Response(null, { status: 204 });
}
