/**
 * What every automation resource route (DESIGN §4b) starts with: the site from the path, the
 * caller's access to it, and the site's own database. Writes wait out a site move (a row written
 * to the old database while it is being copied could be lost).
 */
import type { IRequest } from 'itty-router';
import { requireSiteAccess, type SiteNeed } from '../auth/access';
import type { Env } from '../env';
import { HttpError } from '../lib/http-error';
import { pathParam } from '../lib/path-param';
import { requireSettled, siteDb } from '../lib/site-db';
import { siteParam } from '../api/sites';

export interface SiteResource {
  site: string;
  db: D1Database;
}

export async function openSiteResource(request: IRequest, env: Env, need: SiteNeed, write: boolean): Promise<SiteResource> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, need);
  if (write) await requireSettled(env, site);
  const db = await siteDb(env, site);
  if (write && !(await db.prepare('SELECT 1 FROM sites WHERE id = ?').bind(site).first())) throw new HttpError(404, 'not_found', `no site ${site}`);
  return { site, db };
}

/** The `{id}` of a resource route; ids are short (`ann_…`), so anything long is simply not found. */
export const idParam = (request: IRequest): string => pathParam(request, 'id').slice(0, 64);

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `no such ${what}`);

/** A created or updated resource counts against a per-site cap, so a loop cannot fill D1. */
export async function requireBelowCap(db: D1Database, table: 'annotations' | 'webhooks' | 'alerts' | 'reports', site: string, cap: number): Promise<void> {
  const row = await db.prepare(`SELECT count(*) AS n FROM ${table} WHERE site_id = ?`).bind(site).first<{ n: number }>();
  if ((row?.n ?? 0) >= cap) throw new HttpError(409, 'limit_reached', `a site has at most ${cap} ${table}; delete some first`);
}
