/**
 * GDPR erasure (DESIGN §6): `DELETE /api/v1/sites/{site}/visitors/{uid}` and the job it starts,
 * `GET /api/v1/sites/{site}/erasures/{id}`. Pulse never stores a uid, only `visitor_id =
 * hashUid(site.uid_secret, uid)` on rows with `identified = 1`. In order:
 * 1. every SiteDO shard forgets the visitor's waiting events, sessions and realtime rows, so no
 *    later flush brings them back;
 * 2. an `erasures` row is the tombstone: the consumer drops the visitor's events from any Queue
 *    message sent before its `drop_before` (messages already on their way when the outbox was
 *    cleaned), and it is the archive job's progress;
 * 3. D1 rows go (dead letters keep everything but the visitor's events and sessions), and the
 *    rollup days that list the id are rebuilt;
 * 4. the R2 archive is rewritten by the job (workers/cron/erasures.ts), a bounded step per cron run.
 */
import type { IRequest } from 'itty-router';
import { requireSiteAccess } from '../auth/access';
import type { Env } from '../env';
import type { ErasureRow } from '../db/rows';
import { HttpError, jsonResponse } from '../lib/http-error';
import { siteFromRow, type SiteConfigRow } from '../lib/site-config';
import { hashUid } from '../lib/visitor-id';
import { forgetVisitorInRollups } from '../rollups/erase';
import { deleteInChunks } from '../lib/d1-delete';
import { shardNames } from '../../contract/shards';
import { siteParam } from './sites';
import { pathParam } from '../lib/path-param';
import { requireSettled, siteDb } from '../lib/site-db';

/**
 * How long after the outbox was cleaned a Queue message may still carry the visitor's events: a
 * flush that was sending while the SiteDO forgot them. Its events are dropped; an event the site
 * sends for the erased user within this minute is dropped too, which an erasure may afford.
 */
export const ERASURE_GRACE_MS = 60_000;

// a JSON array element of a dead letter's body that belongs to the visitor (`?2`)
const THEIRS = "json_extract(value, '$.identified') = 1 AND json_extract(value, '$.visitorId') = ?2";
const without = (path: string) => `(SELECT json_group_array(json(value)) FROM json_each(dead_letters.body, '${path}') WHERE NOT (${THEIRS}))`;
const holds = (path: string) => `EXISTS (SELECT 1 FROM json_each(dead_letters.body, '${path}') WHERE ${THEIRS})`;

/** Dead letters hold whole messages: the visitor's events and sessions are cut out of them. */
const SCRUB_DEAD_LETTERS = `UPDATE dead_letters SET body = json_set(body, '$.events', ${without('$.events')}, '$.sessions', ${without('$.sessions')})
  WHERE site_id = ?1 AND json_valid(body) AND (${holds('$.events')} OR ${holds('$.sessions')})`;

export function toErasureJson(row: ErasureRow) {
  return {
    id: row.id,
    site: row.site_id,
    status: row.status,
    archive: { objects_scanned: row.objects_scanned, objects_rewritten: row.objects_rewritten, lines_removed: row.lines_removed },
    created_at: new Date(row.created_at).toISOString(),
    finished_at: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
  };
}

async function loadErasure(env: Env, site: string, id: string): Promise<ErasureRow> {
  const row = await (await siteDb(env, site)).prepare('SELECT * FROM erasures WHERE id = ? AND site_id = ?').bind(id, site).first<ErasureRow>();
  if (!row) throw new HttpError(404, 'not_found', `no erasure ${id}`);
  return row;
}

export async function eraseVisitor(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  const uid = pathParam(request, 'uid');
  if (!uid || uid.length > 256) throw new HttpError(400, 'invalid_request', 'uid: must be 1–256 characters');
  // a move copies rows this would miss: the erasure waits for it (409, ask again)
  await requireSettled(env, site);
  // the tombstone lives beside the rows it guards, in the site's own database (the consumer's guard)
  const db = await siteDb(env, site);
  const row = await env.DB.prepare('SELECT id, timezone, retention_days, uid_secret, settings, created_at FROM sites WHERE id = ?').bind(site).first<SiteConfigRow>();
  if (!row) throw new HttpError(404, 'not_found', `no site ${site}`);
  const config = siteFromRow(row);
  const visitorId = await hashUid(config.uidSecret, uid);
  const forgotten = await Promise.all(shardNames(site, config.shards).map((name) => env.SITE_DO.get(env.SITE_DO.idFromName(name)).eraseVisitor(visitorId)));

  const id = crypto.randomUUID();
  const now = Date.now();
  await db.prepare(
    "INSERT INTO erasures (id, site_id, visitor_id, drop_before, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)",
  )
    .bind(id, site, visitorId, now + ERASURE_GRACE_MS, now)
    .run();
  const where = 'site_id = ? AND identified = 1 AND visitor_id = ?';
  const events = await deleteInChunks(db, { table: 'events', where, params: [site, visitorId] });
  const sessions = await deleteInChunks(db, { table: 'sessions', where, params: [site, visitorId] });
  const deadLetters = (await env.DB.prepare(SCRUB_DEAD_LETTERS).bind(site, visitorId).run()).meta.changes;
  // Rollup rows list identified visitor ids per day: rebuild those days now that the rows are gone.
  const rollupDays = await forgetVisitorInRollups(db, site, visitorId, now);
  return jsonResponse(
    {
      ...toErasureJson(await loadErasure(env, site, id)),
      events_deleted: events,
      sessions_deleted: sessions,
      outbox_events_deleted: forgotten.reduce((sum, f) => sum + f.events, 0),
      dead_letters_scrubbed: deadLetters,
      rollup_days_rebuilt: rollupDays.length,
    },
    202,
    { location: `/api/v1/sites/${encodeURIComponent(site)}/erasures/${id}` },
  );
}

/** `GET …/erasures/{id}`: how far the archive rewrite has come (`pending`, `running`, `done`). */
export async function getErasure(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  return jsonResponse(toErasureJson(await loadErasure(env, site, request.params.id ?? '')));
}
