/**
 * API keys: ES256 JWTs shown once at creation; D1 keeps id, sites, scope and jti so owners can
 * list and revoke them. Only users (admin on every site the key names) and the bootstrap admin
 * create keys: a key never mints keys, so a leaked key cannot outlive its own revocation.
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import { atLeast, forbidden, getRole } from '../auth/access';
import { requirePrincipal, type Principal } from '../auth/principal';
import { DEFAULT_KEY_RATE_LIMIT } from '../auth/rate-limit';
import { markRevoked, revocationStatement } from '../auth/revocation';
import { issueToken, parseScopes, SCOPES } from '../auth/tokens';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { disconnectViewers } from '../realtime/disconnect';
import { DOMAIN, newId, parse, readBody } from './validate';
import type { ApiKeyRow as KeyRow } from '../db/rows';

const SCOPE_LIST = v.union([v.string(), v.array(v.picklist(SCOPES))]);
const CREATE_KEY = v.object({
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100))),
  sites: v.pipe(v.array(DOMAIN), v.minLength(1), v.maxLength(100)),
  scope: SCOPE_LIST,
  expires_in_days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(730)), 90),
  rate_limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)), DEFAULT_KEY_RATE_LIMIT),
});

const toKeyJson = (row: KeyRow) => ({
  id: row.id,
  name: row.name,
  sites: JSON.parse(row.sites) as string[],
  scope: row.scope,
  rate_limit: row.rate_limit,
  created_at: new Date(row.created_at).toISOString(),
  expires_at: new Date(row.expires_at).toISOString(),
  revoked_at: row.revoked_at === null ? null : new Date(row.revoked_at).toISOString(),
});

/** Keys are managed by users who are admin (or owner) on every site the key names. */
async function assertKeyManager(env: Env, principal: Principal, sites: string[]): Promise<void> {
  if (principal.kind === 'admin') return;
  if (principal.kind !== 'user') throw forbidden('API keys are managed by signed-in users, not by keys');
  for (const site of sites) {
    if (!atLeast(await getRole(env, principal.userId, site), 'admin')) throw forbidden(`you are not an admin of ${site}`);
  }
}

export async function createKey(request: IRequest, env: Env): Promise<Response> {
  const principal = await requirePrincipal(request, env);
  if (principal.kind !== 'admin' && principal.kind !== 'user') throw forbidden('API keys are managed by signed-in users, not by keys');
  const body = await readBody(request, CREATE_KEY);
  const scopes = parseScopes(body.scope);
  if (scopes.size === 0) throw new HttpError(400, 'invalid_request', `scope: must name one or more of ${SCOPES.join(', ')}`);
  const sites = [...new Set(body.sites)];
  await assertKeyManager(env, principal, sites);
  const found = await env.DB.prepare('SELECT count(*) AS n FROM sites WHERE id IN (SELECT value FROM json_each(?))')
    .bind(JSON.stringify(sites))
    .first<{ n: number }>();
  if (found?.n !== sites.length) throw new HttpError(404, 'not_found', 'one or more sites do not exist');

  const id = newId('key');
  const scope = SCOPES.filter((s) => scopes.has(s)).join(' ');
  const { token, jti, exp } = await issueToken(env, {
    kind: 'api',
    sub: id,
    ttl: body.expires_in_days * 86_400,
    claims: { sites, scope, rl: body.rate_limit },
  });
  const row: KeyRow = {
    id,
    name: body.name ?? `key for ${sites.join(', ')}`,
    sites: JSON.stringify(sites),
    scope,
    rate_limit: body.rate_limit,
    jti,
    created_by: principal.kind === 'user' ? principal.userId : null,
    created_at: Date.now(),
    expires_at: exp * 1000,
    revoked_at: null,
  };
  await env.DB.prepare(
    'INSERT INTO api_keys (id, name, sites, scope, rate_limit, jti, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
    .bind(row.id, row.name, row.sites, row.scope, row.rate_limit, row.jti, row.created_by, row.created_at, row.expires_at)
    .run();
  // The token is in this response and nowhere else: Pulse cannot show it again.
  return jsonResponse({ ...toKeyJson(row), token }, 201, { 'cache-control': 'no-store' });
}

/** `GET /api/v1/keys[?site=]`: keys the caller manages (admin on all of the key's sites). */
export async function listKeys(request: IRequest, env: Env): Promise<Response> {
  const principal = await requirePrincipal(request, env);
  if (principal.kind !== 'admin' && principal.kind !== 'user') throw forbidden('API keys are managed by signed-in users, not by keys');
  const siteFilter = new URL(request.url).searchParams.get('site');
  const site = siteFilter === null ? null : parse(DOMAIN, siteFilter);
  const { results } = await env.DB.prepare(
    'SELECT * FROM api_keys WHERE ?1 IS NULL OR EXISTS (SELECT 1 FROM json_each(api_keys.sites) WHERE value = ?1) ORDER BY created_at DESC',
  )
    .bind(site)
    .all<KeyRow>();
  let visible = results;
  if (principal.kind === 'user') {
    const { results: admin } = await env.DB.prepare("SELECT site_id FROM memberships WHERE user_id = ? AND role IN ('owner', 'admin')")
      .bind(principal.userId)
      .all<{ site_id: string }>();
    const adminSites = new Set(admin.map((m) => m.site_id));
    visible = results.filter((k) => (JSON.parse(k.sites) as string[]).every((s) => adminSites.has(s)));
  }
  return jsonResponse({ keys: visible.map(toKeyJson) });
}

export async function revokeKey(request: IRequest, env: Env): Promise<Response> {
  const principal = await requirePrincipal(request, env);
  if (principal.kind !== 'admin' && principal.kind !== 'user') throw forbidden('API keys are managed by signed-in users, not by keys');
  const row = await env.DB.prepare('SELECT * FROM api_keys WHERE id = ?').bind(request.params.id ?? '').first<KeyRow>();
  if (!row) throw new HttpError(404, 'not_found', 'no such key');
  await assertKeyManager(env, principal, JSON.parse(row.sites) as string[]);
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').bind(now, row.id),
    revocationStatement(env, row.jti, row.expires_at),
  ]);
  markRevoked(env, row.jti);
  await disconnectViewers(env, JSON.parse(row.sites) as string[], [{ kind: 'key', id: row.id }]);
  return jsonResponse(toKeyJson({ ...row, revoked_at: row.revoked_at ?? now }));
}

/**
 * A key stands for the admin who made it (keys.ts creates keys only for admins of every site they
 * name): when that user stops being an admin of `site` (removed, or made a viewer), the keys they
 * made that name the site are revoked, and their live sockets closed. Whole keys, not just the
 * one site: a key's sites travel in its signed claims and cannot be narrowed after the fact.
 */
export async function revokeKeysCreatedBy(env: Env, userId: string, site: string): Promise<number> {
  const { results } = await env.DB.prepare(
    'SELECT id, sites, jti, expires_at FROM api_keys WHERE created_by = ? AND revoked_at IS NULL AND EXISTS (SELECT 1 FROM json_each(api_keys.sites) WHERE value = ?)',
  )
    .bind(userId, site)
    .all<Pick<KeyRow, 'id' | 'sites' | 'jti' | 'expires_at'>>();
  if (!results.length) return 0;
  const now = Date.now();
  await env.DB.batch(
    results.flatMap((row) => [
      env.DB.prepare('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').bind(now, row.id),
      revocationStatement(env, row.jti, row.expires_at),
    ]),
  );
  for (const row of results) markRevoked(env, row.jti);
  const sites = [...new Set(results.flatMap((row) => JSON.parse(row.sites) as string[]))];
  await disconnectViewers(env, sites, results.map((row) => ({ kind: 'key', id: row.id })));
  return results.length;
}
