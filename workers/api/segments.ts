/**
 * Saved segments (DESIGN §4b): `{name, filters, scope}` under `/api/v1/sites/{site}/segments`,
 * usable in queries as `["is", "segment", [id]]` (workers/query/segments.ts). Roles as Plausible's:
 * anyone who may read the site's stats may save a personal segment, seen only by its owner; site
 * segments, seen by every reader (share links and public dashboards included), need the admin role
 * (or a sites:admin key). Filters are Stats API v2 filter JSON, validated as a query validates them.
 */
import type { IRequest } from 'itty-router';
import * as v from 'valibot';
import { requireAuth, requireSiteAccess, roleOf, atLeast } from '../auth/access';
import type { Principal } from '../auth/principal';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { requireSettled, siteDb } from '../lib/site-db';
import { parseFilters } from '../query/validate-filters';
import { assertBodyDepth } from '../query/validate';
import { hasSegmentFilter } from '../query/segments';
import type { SegmentRow } from '../db/rows';
import { siteParam } from './sites';
import { readBody } from './validate';

/** Plausible's bound on a site's segments. */
export const MAX_SEGMENTS_PER_SITE = 500;

const NAME = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(255));
const SCOPE = v.picklist(['site', 'personal'], 'must be site or personal');
const FILTERS = v.pipe(v.array(v.unknown()), v.minLength(1, 'a segment needs at least one filter'));
const CREATE = v.strictObject({ name: NAME, filters: FILTERS, scope: v.optional(SCOPE, 'personal') });
const UPDATE = v.strictObject({ name: v.optional(NAME), filters: v.optional(FILTERS), scope: v.optional(SCOPE) });

/** Filters a segment may hold: any valid v2 filter list, but no segment inside a segment (as Plausible). */
function checkFilters(filters: unknown[]): void {
  assertBodyDepth(filters);
  if (hasSegmentFilter(filters)) throw new HttpError(400, 'invalid_request', 'filters: a segment cannot contain a segment filter');
  try {
    parseFilters(filters);
  } catch (err) {
    if (err instanceof HttpError) throw new HttpError(400, 'invalid_request', `filters: ${err.message}`);
    throw err;
  }
}

/** Who owns a personal segment: a user, an API key, or the bootstrap admin. */
function ownerOf(principal: Principal): string | null {
  if (principal.kind === 'user') return `user:${principal.userId}`;
  if (principal.kind === 'key') return `key:${principal.keyId}`;
  if (principal.kind === 'admin') return 'admin';
  return null;
}

/** A random id in [1, 2^48): integers as Plausible's, unique across databases a site may move between. */
function newSegmentId(): number {
  const b = crypto.getRandomValues(new Uint8Array(6));
  return b.reduce((n, x) => n * 256 + x, 0) || 1;
}

const toJson = (s: SegmentRow, viewer: string | null) => ({
  id: s.id,
  name: s.name,
  scope: s.type,
  filters: JSON.parse(s.filters) as unknown[],
  owned_by_you: viewer !== null && s.owner_id === viewer,
  created_at: new Date(s.created_at).toISOString(),
  updated_at: new Date(s.updated_at).toISOString(),
});

export async function listSegments(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  const access = await requireAuth(request, env, { site, scope: 'stats:read' });
  const viewer = access.kind === 'public' ? null : ownerOf(access);
  const db = await siteDb(env, site);
  const { results } = await db
    .prepare("SELECT * FROM segments WHERE site_id = ?1 AND (type = 'site' OR owner_id = ?2) ORDER BY updated_at DESC, id DESC")
    .bind(site, viewer)
    .all<SegmentRow>();
  return jsonResponse({ segments: results.map((s) => toJson(s, viewer)) });
}

/** The caller may save site segments (admin role, or a sites:admin key). */
async function canManageSiteSegments(env: Env, principal: Principal, site: string): Promise<boolean> {
  return atLeast(await roleOf(env, principal, site), 'admin');
}

export async function createSegment(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  const principal = await requireSiteAccess(request, env, site, 'viewer');
  const body = await readBody(request, CREATE);
  if (body.scope === 'site' && !(await canManageSiteSegments(env, principal, site))) throw new HttpError(403, 'forbidden', 'site segments need the admin role');
  checkFilters(body.filters);
  await requireSettled(env, site);
  const db = await siteDb(env, site);
  const now = Date.now();
  const row: SegmentRow = { id: newSegmentId(), site_id: site, name: body.name, type: body.scope, owner_id: ownerOf(principal), filters: JSON.stringify(body.filters), created_at: now, updated_at: now };
  // one statement: the site must exist (its mirror in the data database) and be under the limit
  const result = await db
    .prepare(
      `INSERT INTO segments (id, site_id, name, type, owner_id, filters, created_at, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7 WHERE EXISTS (SELECT 1 FROM sites WHERE id = ?2)
       AND (SELECT count(*) FROM segments WHERE site_id = ?2) < ?8`,
    )
    .bind(row.id, site, row.name, row.type, row.owner_id, row.filters, now, MAX_SEGMENTS_PER_SITE)
    .run();
  if (result.meta.changes === 0) {
    const exists = await db.prepare('SELECT 1 FROM sites WHERE id = ?').bind(site).first();
    throw exists ? new HttpError(409, 'limit_reached', `a site has at most ${MAX_SEGMENTS_PER_SITE} segments`) : new HttpError(404, 'not_found', `no site ${site}`);
  }
  return jsonResponse(toJson(row, row.owner_id), 201);
}

/** The segment the caller may see and change: a personal one only its owner, a site one an admin. */
async function segmentFor(request: IRequest, env: Env, site: string, principal: Principal): Promise<{ db: D1Database; row: SegmentRow; viewer: string | null }> {
  const id = Number(request.params.id);
  const db = await siteDb(env, site);
  const viewer = ownerOf(principal);
  const row = Number.isSafeInteger(id)
    ? await db.prepare('SELECT * FROM segments WHERE site_id = ? AND id = ?').bind(site, id).first<SegmentRow>()
    : null;
  // someone else's personal segment does not exist for the caller
  if (!row || (row.type === 'personal' && row.owner_id !== viewer)) throw new HttpError(404, 'not_found', 'no such segment');
  if (row.type === 'site' && !(await canManageSiteSegments(env, principal, site))) throw new HttpError(403, 'forbidden', 'site segments need the admin role');
  return { db, row, viewer };
}

export async function updateSegment(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  const principal = await requireSiteAccess(request, env, site, 'viewer');
  const body = await readBody(request, UPDATE);
  await requireSettled(env, site);
  const { db, row, viewer } = await segmentFor(request, env, site, principal);
  if (body.scope === 'site' && row.type !== 'site' && !(await canManageSiteSegments(env, principal, site))) {
    throw new HttpError(403, 'forbidden', 'site segments need the admin role');
  }
  if (body.filters) checkFilters(body.filters);
  const next: SegmentRow = {
    ...row,
    name: body.name ?? row.name,
    type: body.scope ?? row.type,
    filters: body.filters ? JSON.stringify(body.filters) : row.filters,
    // a site segment made personal becomes the caller's
    owner_id: body.scope === 'personal' && row.type === 'site' ? viewer : row.owner_id,
    updated_at: Date.now(),
  };
  await db.prepare('UPDATE segments SET name = ?, type = ?, filters = ?, owner_id = ?, updated_at = ? WHERE site_id = ? AND id = ?')
    .bind(next.name, next.type, next.filters, next.owner_id, next.updated_at, site, row.id)
    .run();
  return jsonResponse(toJson(next, viewer));
}

export async function deleteSegment(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  const principal = await requireSiteAccess(request, env, site, 'viewer');
  await requireSettled(env, site);
  const { db, row } = await segmentFor(request, env, site, principal);
  await db.prepare('DELETE FROM segments WHERE site_id = ? AND id = ?').bind(site, row.id).run();
  return new Response(null, { status: 204 });
}
