/**
 * `DELETE /api/v1/sites/{site}/visitors/{uid}` (GDPR erasure, DESIGN §6). Pulse never stores a uid,
 * only `visitor_id = hashUid(site.uid_secret, uid)` on rows with `identified = 1`, so the same hash
 * finds the rows in D1, the days of the rollups that list the id, and the lines in the gzipped
 * NDJSON archive in R2.
 */
import type { IRequest } from 'itty-router';
import { requireSiteAccess } from '../auth/access';
import type { Env } from '../env';
import { HttpError, jsonResponse } from '../lib/http-error';
import { hashUid } from '../lib/visitor-id';
import { forgetVisitorInRollups } from '../rollups/erase';
import { deleteInChunks } from '../lib/d1-delete';
import { archivePrefix } from '../../contract/archive';
import { siteParam } from './sites';
import { pathParam } from '../lib/path-param';

/** Removes the visitor's lines from one archive object; returns how many lines went. */
export async function eraseFromArchiveObject(bucket: R2Bucket, key: string, visitorId: number): Promise<number> {
  const object = await bucket.get(key);
  if (!object) return 0;
  const text = await new Response(object.body.pipeThrough(new DecompressionStream('gzip'))).text();
  const lines = text.split('\n').filter((line) => line.length > 0);
  const kept = lines.filter((line) => {
    // A line that does not parse is kept: erasure must never destroy data it cannot read.
    try {
      const event = JSON.parse(line) as { visitorId?: number; identified?: boolean };
      return !(event.identified === true && event.visitorId === visitorId);
    } catch {
      return true;
    }
  });
  const removed = lines.length - kept.length;
  if (removed === 0) return 0;
  if (kept.length === 0) {
    await bucket.delete(key);
  } else {
    const gzipped = new Response(
      new Blob([kept.join('\n') + '\n']).stream().pipeThrough(new CompressionStream('gzip')),
    );
    await bucket.put(key, await gzipped.arrayBuffer(), {
      httpMetadata: object.httpMetadata,
      customMetadata: { ...object.customMetadata, erasedAt: new Date().toISOString() },
    });
  }
  return removed;
}

/**
 * Rewrites every archive object of the site. Archive lines do not say which visitor they hold
 * without reading them, so every object is read; for archives too large for one request this
 * belongs in a Queue or Workflow job (noted in the report), the logic stays the same.
 */
export async function eraseFromArchive(bucket: R2Bucket, site: string, visitorId: number) {
  let cursor: string | undefined;
  let objectsRewritten = 0;
  let linesRemoved = 0;
  do {
    const page = await bucket.list({ prefix: archivePrefix(site), cursor });
    for (const { key } of page.objects) {
      const removed = await eraseFromArchiveObject(bucket, key, visitorId);
      if (removed > 0) objectsRewritten += 1;
      linesRemoved += removed;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { objectsRewritten, linesRemoved };
}

export async function eraseVisitor(request: IRequest, env: Env): Promise<Response> {
  const site = siteParam(request);
  await requireSiteAccess(request, env, site, 'admin');
  const uid = pathParam(request, 'uid');
  if (!uid || uid.length > 256) throw new HttpError(400, 'invalid_request', 'uid: must be 1–256 characters');
  const row = await env.DB.prepare('SELECT uid_secret FROM sites WHERE id = ?').bind(site).first<{ uid_secret: string }>();
  if (!row) throw new HttpError(404, 'not_found', `no site ${site}`);
  const visitorId = await hashUid(row.uid_secret, uid);
  const where = 'site_id = ? AND identified = 1 AND visitor_id = ?';
  const events = await deleteInChunks(env.DB, { table: 'events', where, params: [site, visitorId] });
  const sessions = await deleteInChunks(env.DB, { table: 'sessions', where, params: [site, visitorId] });
  // Rollup rows list identified visitor ids per day: rebuild those days now that the rows are gone.
  const rollupDays = await forgetVisitorInRollups(env.DB, site, visitorId, Date.now());
  const archive = await eraseFromArchive(env.ARCHIVE, site, visitorId);
  return jsonResponse({
    site,
    events_deleted: events,
    sessions_deleted: sessions,
    rollup_days_rebuilt: rollupDays.length,
    archive_objects_rewritten: archive.objectsRewritten,
    archive_lines_removed: archive.linesRemoved,
  });
}
