/**
 * A site's `sites` row, mirrored into the database that holds its data when that is not the
 * primary. The primary's row is the site (config, incarnation, listing); the mirror exists so the
 * SQL that reads a site's data keeps reading the site beside it in one database and one round
 * trip: the consumer's guard (workers/consumer/tombstones.ts: is the incarnation alive, in the
 * same batch as the writes), the planner's site-and-rollup-state read, the rollups' time zone.
 * It is written before the primary's row on create, updated after it on every change, and
 * deleted right after it on delete (so the consumer's guard drops late messages there too).
 */
import { PRIMARY } from './site-db';

const COLUMNS = 'id, timezone, retention_days, settings, uid_secret, created_at';

/** Copies the primary's row of `site` into each of `bindings` other than the primary. */
export async function mirrorSite(env: { DB: D1Database }, site: string, targets: { binding: string; db: D1Database }[]): Promise<void> {
  const others = targets.filter((t) => t.binding !== PRIMARY);
  if (!others.length) return;
  const row = await env.DB.prepare(`SELECT ${COLUMNS} FROM sites WHERE id = ?`).bind(site).first<Record<string, unknown>>();
  if (!row) return;
  await Promise.all(others.map((t) => writeMirror(t.db, row)));
}

/** Upserts a `sites` row (all its columns) into a data database. */
export function writeMirror(db: D1Database, row: Record<string, unknown>): Promise<D1Result> {
  return db
    .prepare(
      `INSERT INTO sites (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET
         timezone = excluded.timezone, retention_days = excluded.retention_days, settings = excluded.settings,
         uid_secret = excluded.uid_secret, created_at = excluded.created_at`,
    )
    .bind(row.id, row.timezone, row.retention_days, row.settings, row.uid_secret, row.created_at)
    .run();
}

/** Removes the mirror from each of `targets` other than the primary (whose row is the site itself). */
export async function dropMirror(site: string, targets: { binding: string; db: D1Database }[]): Promise<void> {
  await Promise.all(targets.filter((t) => t.binding !== PRIMARY).map((t) => t.db.prepare('DELETE FROM sites WHERE id = ?').bind(site).run()));
}
