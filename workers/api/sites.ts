/** Sites: create, list, read, update, delete (with every event, session and archive object). */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import { forbidden, requireSiteAccess } from '../auth/access';
import { requirePrincipal } from '../auth/principal';
import { isOperator } from '../auth/operator';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { floodLimitOf, forgetSiteConfig, parseSiteSettings, type SiteSettings } from '../lib/site-config';
import { deleteSiteData } from './site-data';
import { resetSiteStats } from './site-reset';
import type { SiteRow } from '../db/rows';
import { DOMAIN, parse, randomSecret, readBody, TIMEZONE } from './validate';
import { pathParam } from '../lib/path-param';
import { assignDatabase, databaseOf, forgetSitePlacement, PRIMARY, placementTargets, sitePlacement } from '../lib/site-db';
import { mirrorSite, writeMirror } from '../lib/site-mirror';

type SiteListRow = Pick<SiteRow, 'id' | 'timezone' | 'retention_days' | 'settings' | 'created_at'> & { role?: string | null };

const HOSTNAME = v.pipe(v.string(), v.toLowerCase(), v.regex(/^(\*\.)?[a-z0-9.-]{1,253}$/, 'must be a hostname, optionally *.example.com'));
const SITE_FIELDS = {
  timezone: v.optional(TIMEZONE),
  retention_days: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3650))),
  allowed_hostnames: v.optional(v.pipe(v.array(HOSTNAME), v.maxLength(50))),
  public: v.optional(v.boolean()),
  // events per second the site's SiteDO(s) take before answering 429 (README "Limits")
  flood_limit: v.optional(
    v.strictObject({
      per_second: v.pipe(v.number(), v.minValue(1), v.maxValue(1_000_000)),
      burst: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000_000)),
    }),
  ),
};
// `database`: the operator may place a site's data in a given D1 binding (README "Several D1 databases")
const CREATE_SITE = v.object({ domain: DOMAIN, ...SITE_FIELDS, database: v.optional(v.pipe(v.string(), v.regex(/^DB(_[0-9]+)?$/, 'must be a D1 binding: DB, DB_2, …'))) });
const UPDATE_SITE = v.strictObject(SITE_FIELDS);

export function toSiteJson(row: SiteListRow) {
  const settings = parseSiteSettings(row.settings);
  return {
    id: row.id,
    domain: row.id,
    timezone: row.timezone,
    retention_days: row.retention_days,
    allowed_hostnames: settings.allowedHostnames ?? [],
    public: settings.public === true,
    flood_limit: (({ perSecond, burst }) => ({ per_second: perSecond, burst }))(floodLimitOf(settings)),
    created_at: new Date(row.created_at).toISOString(),
    ...(row.role !== undefined ? { role: row.role } : {}),
  };
}

export const siteParam = (request: IRequest): string => parse(DOMAIN, pathParam(request, 'site'));

async function loadSite(env: Env, site: string): Promise<SiteListRow> {
  const row = await env.DB.prepare('SELECT id, timezone, retention_days, settings, created_at FROM sites WHERE id = ?')
    .bind(site)
    .first<SiteListRow>();
  if (!row) throw new HttpError(404, 'not_found', `no site ${site}`);
  return row;
}

/** `GET /api/v1/sites`: the sites the caller can see, with the caller's role. */
export async function listSites(request: IRequest, env: Env): Promise<Response> {
  const principal = await requirePrincipal(request, env);
  const columns = 's.id, s.timezone, s.retention_days, s.settings, s.created_at';
  let rows: SiteListRow[];
  if (principal.kind === 'admin') {
    rows = (await env.DB.prepare(`SELECT ${columns}, 'owner' AS role FROM sites s ORDER BY s.id`).all<SiteListRow>()).results;
  } else if (principal.kind === 'user') {
    rows = (
      await env.DB.prepare(`SELECT ${columns}, m.role FROM sites s JOIN memberships m ON m.site_id = s.id WHERE m.user_id = ? ORDER BY s.id`)
        .bind(principal.userId)
        .all<SiteListRow>()
    ).results;
  } else if (principal.kind === 'key') {
    const role = principal.scopes.has('sites:admin') ? 'admin' : 'viewer';
    rows = (
      await env.DB.prepare(`SELECT ${columns}, ? AS role FROM sites s WHERE s.id IN (SELECT value FROM json_each(?)) ORDER BY s.id`)
        .bind(role, JSON.stringify(principal.sites))
        .all<SiteListRow>()
    ).results;
  } else {
    throw forbidden('a share link cannot list sites');
  }
  return jsonResponse({ sites: rows.map(toSiteJson) });
}

/** `POST /api/v1/sites`: a signed-in user becomes the owner; the admin token creates an ownerless site. */
export async function createSite(request: IRequest, env: Env): Promise<Response> {
  const principal = await requirePrincipal(request, env);
  if (principal.kind !== 'admin' && principal.kind !== 'user') throw forbidden('only a signed-in user can create a site');
  const body = await readBody(request, CREATE_SITE);
  const settings: SiteSettings = { allowedHostnames: body.allowed_hostnames ?? [], public: body.public ?? false };
  if (body.flood_limit) settings.floodLimit = { perSecond: body.flood_limit.per_second, burst: body.flood_limit.burst };
  if (body.database !== undefined && !isOperator(env, principal)) throw forbidden('only an operator (the admin token, or a user listed in PULSE_OPERATOR_EMAILS) chooses a database');
  const binding = await assignDatabase(env, body.database);
  const now = Date.now();
  const row = { id: body.domain, timezone: body.timezone ?? 'UTC', retention_days: body.retention_days ?? 395, settings: JSON.stringify(settings), uid_secret: randomSecret(), created_at: now };
  const statements = [
    env.DB.prepare(
      'INSERT INTO sites (id, timezone, retention_days, settings, uid_secret, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    ).bind(row.id, row.timezone, row.retention_days, row.settings, row.uid_secret, row.created_at),
  ];
  if (binding !== PRIMARY) {
    if (await env.DB.prepare('SELECT 1 FROM sites WHERE id = ?').bind(body.domain).first()) throw new HttpError(409, 'conflict', `site ${body.domain} already exists`);
    // the mirror first: once the primary's row exists, the consumer's guard in that database must find it
    await writeMirror(databaseOf(env, binding), row);
    statements.push(
      env.DB.prepare(
        'INSERT INTO site_databases (site_id, binding, updated_at) SELECT ?, ?, ? WHERE changes() = 1 ON CONFLICT (site_id) DO UPDATE SET binding = excluded.binding, moving_to = NULL, move = NULL, updated_at = excluded.updated_at',
      ).bind(body.domain, binding, now),
    );
  }
  if (principal.kind === 'user') {
    // Only when the site row was really inserted: never grab ownership of an existing site.
    statements.push(
      env.DB.prepare(
        "INSERT INTO memberships (site_id, user_id, role, created_at) SELECT ?, ?, 'owner', ? WHERE changes() = 1",
      ).bind(body.domain, principal.userId, now),
    );
  }
  const [inserted] = await env.DB.batch(statements);
  if (inserted!.meta.changes === 0) throw new HttpError(409, 'conflict', `site ${body.domain} already exists`);
  forgetSiteConfig(body.domain);
  forgetSitePlacement(body.domain);
  return jsonResponse(toSiteJson({ ...(await loadSite(env, body.domain)), role: 'owner' }), 201);
}

export async function getSite(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'viewer');
  return jsonResponse(toSiteJson(await loadSite(env, site)));
}

export async function updateSite(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  const body = await readBody(request, UPDATE_SITE);
  const row = await loadSite(env, site);
  const settings = parseSiteSettings(row.settings);
  if (body.allowed_hostnames) settings.allowedHostnames = body.allowed_hostnames;
  if (body.public !== undefined) settings.public = body.public;
  if (body.flood_limit) settings.floodLimit = { perSecond: body.flood_limit.per_second, burst: body.flood_limit.burst };
  await env.DB.prepare('UPDATE sites SET timezone = ?, retention_days = ?, settings = ? WHERE id = ?')
    .bind(body.timezone ?? row.timezone, body.retention_days ?? row.retention_days, JSON.stringify(settings), site)
    .run();
  await mirrorSite(env, site, placementTargets(env, await sitePlacement(env, site)));
  forgetSiteConfig(site);
  return jsonResponse(toSiteJson(await loadSite(env, site)));
}

/** `DELETE /api/v1/sites/{site}`: owner only; removes the site and all of its data. */
export async function deleteSite(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'owner');
  await loadSite(env, site);
  const removed = await deleteSiteData(env, site);
  forgetSiteConfig(site);
  return jsonResponse({ deleted: site, ...removed });
}

// Typing the domain is the confirmation (the dashboard asks for it as for a delete): a stray
// call, or a request for the wrong site, cannot empty a site's stats.
const RESET_SITE = v.object({ confirm: v.string('confirm is required: the site\'s domain') });

/** `POST /api/v1/sites/:site/reset` (owner): deletes the site's stats, keeps the site (site-reset.ts). */
export async function resetSite(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'owner');
  const body = await readBody(request, RESET_SITE);
  if (body.confirm.trim().toLowerCase() !== site) throw new HttpError(400, 'confirmation_mismatch', `confirm must be the site's domain, ${site}`);
  await loadSite(env, site);
  return jsonResponse(await resetSiteStats(env, site));
}
