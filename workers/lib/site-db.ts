/**
 * Which D1 database holds a site's data (README "Several D1 databases"). `DB` is the primary: it
 * holds the account-level tables and the directory (`site_databases`); every binding named
 * `DB_<n>` is one more database for site data, found by that prefix, so adding one is a
 * `[[d1_databases]]` block in wrangler.toml and nothing else. A site without a directory row
 * lives in `DB`: with one database nothing changes, and no row is ever written.
 *
 * The directory is read once per site and cached per isolate for PLACEMENT_TTL_MS, like the site
 * config: a busy site costs no extra D1 read per message. A move (workers/site-move/) waits out
 * that time between its phases, so no isolate acts on a placement two phases old.
 */
import type { Env } from '../env';
import { HttpError } from './http-error';

export const PRIMARY = 'DB';
const DATA_BINDING = /^DB_([0-9]+)$/;

/** An isolate acts on a cached placement at most this long; a move waits this out (plus a margin). */
export const PLACEMENT_TTL_MS = 30_000;
const MAX_CACHED = 10_000;

export interface Placement {
  /** the binding the site's data is read from and written to */
  binding: string;
  /** while a move runs: the binding being filled, which writers write as well */
  movingTo: string | null;
}

const HOME: Placement = { binding: PRIMARY, movingTo: null };
const cache = new Map<string, { at: number; placement: Placement }>();

/** The data databases' bindings, `DB` first, then `DB_2`, `DB_3`, … in number order. */
export function dataBindings(env: Env): string[] {
  const more = Object.keys(env)
    .filter((key) => DATA_BINDING.test(key) && isD1((env as unknown as Record<string, unknown>)[key]))
    .sort((a, b) => Number(DATA_BINDING.exec(a)![1]) - Number(DATA_BINDING.exec(b)![1]));
  return [PRIMARY, ...more];
}

function isD1(value: unknown): value is D1Database {
  return typeof value === 'object' && value !== null && typeof (value as D1Database).prepare === 'function' && typeof (value as D1Database).batch === 'function';
}

/** The database behind a binding name; a name that is not a data binding is a 400. */
export function databaseOf(env: Env, binding: string): D1Database {
  const db = binding === PRIMARY ? env.DB : (env as unknown as Record<string, unknown>)[binding];
  if (!dataBindings(env).includes(binding) || !isD1(db)) {
    throw new HttpError(400, 'invalid_database', `no D1 database bound as ${binding}; the data bindings are ${dataBindings(env).join(', ')}`);
  }
  return db;
}

/** Where the site's data is now (cached; a site with no directory row is in `DB`). */
export async function sitePlacement(env: Env, site: string, now = Date.now()): Promise<Placement> {
  const hit = cache.get(site);
  if (hit && now - hit.at < PLACEMENT_TTL_MS) return hit.placement;
  const row = await env.DB.prepare('SELECT binding, moving_to FROM site_databases WHERE site_id = ?')
    .bind(site)
    .first<{ binding: string; moving_to: string | null }>();
  const placement = row ? { binding: row.binding, movingTo: row.moving_to } : HOME;
  cache.delete(site);
  cache.set(site, { at: now, placement });
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return placement;
}

/** The database every read of the site's data goes to (events, sessions, rollups, goals, erasures). */
export async function siteDb(env: Env, site: string): Promise<D1Database> {
  return databaseOf(env, (await sitePlacement(env, site)).binding);
}

const STALE_MARK = 'stale site placement';

/**
 * For a batch that writes a site's data to the primary when other databases exist: first in the
 * batch, it fails it (D1 rolls the batch back) unless the directory still sends the site's data
 * to the primary. The primary holds every site's real `sites` row, so the consumer's guard there
 * cannot tell a site placed elsewhere from one placed here: an isolate holding a cached placement
 * from before a delete and re-create, or a switch, would otherwise write rows readers never see.
 * One indexed read, no extra round trip.
 */
export function primaryPlacementCheck(db: D1Database, site: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT CASE WHEN EXISTS (SELECT 1 FROM site_databases WHERE site_id = ?1 AND binding != '${PRIMARY}' AND moving_to IS NOT '${PRIMARY}')
         THEN json(?2) ELSE 1 END AS here`,
    )
    .bind(site, STALE_MARK);
}

/** The databases of a placement by binding: home first, then the move's target. */
export function placementTargets(env: Env, placement: Placement): { binding: string; db: D1Database }[] {
  const bindings = placement.movingTo ? [placement.binding, placement.movingTo] : [placement.binding];
  return bindings.map((binding) => ({ binding, db: databaseOf(env, binding) }));
}

/** After this isolate changed the directory (or in tests): the next lookup reads D1. */
export function forgetSitePlacement(site?: string): void {
  if (site === undefined) cache.clear();
  else cache.delete(site);
}

/** Refuses what must not run while a site is moving (erasure, delete): a clear 409, retry after. */
export async function requireSettled(env: Env, site: string): Promise<void> {
  forgetSitePlacement(site);
  const { movingTo } = await sitePlacement(env, site);
  if (movingTo) throw new HttpError(409, 'site_moving', `site ${site} is moving to ${movingTo}; try again when the move is done`);
}

/**
 * Where a new site's data goes: `PULSE_D1_ASSIGN` names a binding, or is `least-full` (the
 * database with the fewest bytes, from D1's `size_after`); unset, `DB`. An operator may name
 * the database when creating the site (`database` in `POST /api/v1/sites`).
 */
export async function assignDatabase(env: Env, requested?: string): Promise<string> {
  const choice = requested ?? env.PULSE_D1_ASSIGN ?? PRIMARY;
  if (choice !== 'least-full') return databaseOf(env, choice) && choice;
  const sizes = await Promise.all(
    dataBindings(env).map(async (binding) => ({ binding, bytes: (await databaseOf(env, binding).prepare('SELECT 1').run()).meta.size_after ?? 0 })),
  );
  return sizes.reduce((a, b) => (b.bytes < a.bytes ? b : a)).binding;
}
