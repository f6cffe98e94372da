/**
 * What a principal may do on a site. Two vocabularies meet here: users have a role per site
 * (owner > admin > viewer) and API keys have scopes over a list of sites. Every check names the
 * site explicitly, so a key or user of site A can never touch site B.
 */
import type { Env } from '../env';
import { HttpError } from '../lib/http-error';
import { authenticate, requirePrincipal, unauthorized, type Principal } from './principal';
import type { Scope } from './tokens';
import { parseSiteSettings } from '../lib/site-config';

export const ROLES = ['viewer', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];
const rank = (role: Role): number => ROLES.indexOf(role);

/** What a management route needs: read a site's settings, change them, or own it. */
export type SiteNeed = Role;

export type Access = Principal | { kind: 'public'; site: string };

export const forbidden = (message = 'not allowed'): HttpError => new HttpError(403, 'forbidden', message);

export async function getRole(env: Env, userId: string, site: string): Promise<Role | null> {
  const row = await env.DB.prepare('SELECT role FROM memberships WHERE site_id = ? AND user_id = ?')
    .bind(site, userId)
    .first<{ role: Role }>();
  return row?.role ?? null;
}

async function isPublicSite(env: Env, site: string): Promise<boolean> {
  const row = await env.DB.prepare('SELECT settings FROM sites WHERE id = ?').bind(site).first<{ settings: string }>();
  if (!row) return false;
  try {
    return parseSiteSettings(row.settings).public === true;
  } catch {
    return false; // unreadable settings never make a site public
  }
}

/** Which role a user needs on a site to exercise a scope there. Users never write events. */
const ROLE_FOR_SCOPE: Record<Scope, Role | null> = { 'stats:read': 'viewer', 'sites:admin': 'admin', 'events:write': null };

/**
 * Authorizes a read or write on one site's stats or data. Accepts an API key (with `scope` and
 * the site in its `sites`), a user session with a role on the site, a share token (read only, its
 * own site), or nobody at all for `stats:read` on a site whose public flag is on. Pass `known`
 * (what `authenticate` returned) when the identity had to be established before the site was known.
 *
 * @example
 *   const who = await requireAuth(request, env, { site: body.site_id, scope: 'stats:read' });
 */
export async function requireAuth(request: Request, env: Env, need: { site: string; scope: Scope }, known?: Principal | null): Promise<Access> {
  // `known`: the caller authenticated first (before reading a body that names the site)
  const principal = known !== undefined ? known : await authenticate(request, env);
  if (!principal) {
    if (need.scope === 'stats:read' && (await isPublicSite(env, need.site))) return { kind: 'public', site: need.site };
    throw unauthorized();
  }
  switch (principal.kind) {
    case 'admin':
      return principal;
    case 'key':
      if (!principal.scopes.has(need.scope)) throw new HttpError(403, 'insufficient_scope', `this key lacks the ${need.scope} scope`);
      if (!principal.sites.includes(need.site)) throw forbidden('this key is not valid for this site');
      return principal;
    case 'share':
      if (need.scope !== 'stats:read' || principal.site !== need.site) throw forbidden('a share link only reads its own site');
      return principal;
    case 'user': {
      const role = await getRole(env, principal.userId, need.site);
      const required = ROLE_FOR_SCOPE[need.scope];
      if (!role || !required || rank(role) < rank(required)) throw forbidden();
      return principal;
    }
  }
}

/**
 * For `POST /api/event`: null when the request has no Authorization header (an anonymous browser
 * event); otherwise the API key's id and sites, or a 401/403 for a bad, revoked or under-scoped
 * key. The caller must still check each event's site against `sites`.
 *
 * @example
 *   const auth = await authenticateIngest(request, env);
 *   if (auth && !auth.sites.includes(event.site)) throw new HttpError(403, 'forbidden', '…');
 */
export async function authenticateIngest(request: Request, env: Env): Promise<{ keyId: string; sites: string[] } | null> {
  if (!request.headers.has('authorization')) return null;
  const principal = await requirePrincipal(request, env);
  if (principal.kind !== 'key') throw forbidden('server-side events need an API key with the events:write scope');
  if (!principal.scopes.has('events:write')) throw new HttpError(403, 'insufficient_scope', 'this key lacks the events:write scope');
  return { keyId: principal.keyId, sites: principal.sites };
}

/** Throws 403 unless an authenticated ingest may write to `site`. */
export function assertIngestSite(auth: { sites: string[] }, site: string): void {
  if (!auth.sites.includes(site)) throw forbidden(`this key may not send events for ${site}`);
}

/**
 * Authorizes a management route on one site. Users need the role; API keys map `stats:read` to
 * viewer and `sites:admin` to admin, and never act as owner; share links manage nothing.
 */
export async function requireSiteAccess(request: Request, env: Env, site: string, need: SiteNeed): Promise<Principal> {
  const principal = await requirePrincipal(request, env);
  switch (principal.kind) {
    case 'admin':
      return principal;
    case 'share':
      throw forbidden('a share link cannot manage a site');
    case 'key': {
      const scopeOk = need === 'viewer' ? principal.scopes.has('stats:read') || principal.scopes.has('sites:admin') : need === 'admin' && principal.scopes.has('sites:admin');
      if (!scopeOk) throw new HttpError(403, 'insufficient_scope', need === 'owner' ? 'only an owner may do this' : 'this key lacks the sites:admin scope');
      if (!principal.sites.includes(site)) throw forbidden('this key is not valid for this site');
      return principal;
    }
    case 'user': {
      const role = await getRole(env, principal.userId, site);
      if (!role || rank(role) < rank(need)) throw forbidden(role ? `this needs the ${need} role` : 'not a member of this site');
      return principal;
    }
  }
}

/** The role a principal effectively holds on a site (admin token counts as owner). */
export async function roleOf(env: Env, principal: Principal, site: string): Promise<Role | null> {
  if (principal.kind === 'admin') return 'owner';
  if (principal.kind === 'user') return getRole(env, principal.userId, site);
  if (principal.kind === 'key') return principal.sites.includes(site) && principal.scopes.has('sites:admin') ? 'admin' : null;
  return null;
}

export const atLeast = (role: Role | null, need: Role): boolean => role !== null && rank(role) >= rank(need);
