/**
 * Deleting a site with all its data: D1 rows in every table that has a `site_id` column (events,
 * sessions, rollups, goals, memberships, …, found from the schema so later tables are covered
 * too), the R2 archive under `raw/v1/site=<id>/`, every token that could reach the site, and what
 * its SiteDOs hold (outbox, sessions, realtime, salts). Nothing comes back afterwards: the Queue
 * consumer drops messages of a site that is gone or was created after they were sent
 * (workers/consumer/tombstones.ts), and the SiteDOs refuse the deleted incarnation, which
 * collectors may still hold in their site cache for its 30 s. A domain added again starts empty.
 * The archive is deleted a bounded number of listings in the request, the rest by the hourly cron.
 */
import { markRevoked, revocationStatement } from '../auth/revocation';
import type { Env } from '../env';
import { deleteInChunks } from '../lib/d1-delete';
import { startArchiveCleanup } from '../lib/archive-cleanup';
import { siteFromRow, type SiteConfigRow } from '../lib/site-config';
import { shardNames } from '../../contract/shards';
import { forgetSitePlacement, placementTargets, requireSettled, sitePlacement } from '../lib/site-db';
import { dropMirror } from '../lib/site-mirror';

/** Archive listings (1,000 keys each) the delete request runs itself; the cron does the rest. */
const ARCHIVE_PAGES_IN_REQUEST = 5;

interface SiteTable {
  name: string;
  /** WITHOUT ROWID and keyed by day (the rollups): deleted a day at a time (others by key or rowid, lib/d1-delete.ts) */
  clustered: boolean;
}

/** Used if schema introspection is refused (it works in workerd's SQLite, which D1 runs on). */
const KNOWN_SITE_TABLES: SiteTable[] = [
  ...['events', 'sessions', 'arrivals', 'drop_counts', 'dead_letters', 'erasures', 'memberships', 'invitations', 'share_links', 'goals', 'funnels', 'segments', 'rollup_state', 'rollup_runs', 'behaviour_visitor_first', 'behaviour_visitor_days', 'funnel_daily', 'funnel_preagg', 'journey_spans', 'journey_span_rows'].map((name) => ({ name, clustered: false })),
  ...['rollup_daily', 'rollup_pairs', 'rollup_hourly', 'rollup_ledger', 'journey_daily'].map((name) => ({ name, clustered: true })),
];

export async function tablesWithSiteId(db: D1Database): Promise<SiteTable[]> {
  try {
    return await introspectSiteTables(db);
  } catch (err) {
    console.warn('site delete: schema introspection failed, using the known table list', err instanceof Error ? err.message : err);
    return KNOWN_SITE_TABLES;
  }
}

async function introspectSiteTables(db: D1Database): Promise<SiteTable[]> {
  const { results } = await db
    .prepare(
      `SELECT m.name AS name, m.sql LIKE '%WITHOUT ROWID%' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) d WHERE d.name = 'day') AS clustered
       FROM sqlite_master m, pragma_table_info(m.name) p
       WHERE m.type = 'table' AND p.name = 'site_id' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\\_cf\\_%' ESCAPE '\\'`,
    )
    .all<{ name: string; clustered: number }>();
  return results.map((r) => ({ name: r.name, clustered: r.clustered === 1 }));
}

/** Deletes one site's rows from a WITHOUT ROWID table keyed by day, a day per statement. */
export async function deleteByDay(db: D1Database, table: string, site: string): Promise<number> {
  const quoted = `"${table.replaceAll('"', '""')}"`;
  let total = 0;
  for (;;) {
    const result = await db
      .prepare(`DELETE FROM ${quoted} WHERE site_id = ?1 AND day = (SELECT day FROM ${quoted} WHERE site_id = ?1 LIMIT 1)`)
      .bind(site)
      .run();
    total += result.meta.changes;
    if (result.meta.changes === 0) return total;
  }
}

/** Revokes every API key naming the site and every share link of it, in D1 and in this isolate. */
async function revokeSiteTokens(env: Env, site: string): Promise<number> {
  const now = Date.now();
  const keys = await env.DB.prepare(
    'SELECT id, jti, expires_at FROM api_keys WHERE revoked_at IS NULL AND EXISTS (SELECT 1 FROM json_each(api_keys.sites) WHERE value = ?)',
  )
    .bind(site)
    .all<{ id: string; jti: string; expires_at: number }>();
  const shares = await env.DB.prepare('SELECT jti FROM share_links WHERE site_id = ? AND revoked_at IS NULL')
    .bind(site)
    .all<{ jti: string }>();
  // Multi-site keys are revoked too: were the domain re-added later, the old key would reach it.
  const statements = [
    ...keys.results.flatMap((k) => [
      env.DB.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').bind(now, k.id),
      revocationStatement(env, k.jti, k.expires_at),
    ]),
    ...shares.results.map((s) => revocationStatement(env, s.jti, Number.MAX_SAFE_INTEGER)),
  ];
  for (let i = 0; i < statements.length; i += 50) await env.DB.batch(statements.slice(i, i + 50));
  for (const { jti } of [...keys.results, ...shares.results]) markRevoked(env, jti);
  return keys.results.length + shares.results.length;
}

export async function deleteSiteData(env: Env, site: string) {
  // a move copies rows the sweep below would miss: the operator finishes it first (409)
  await requireSettled(env, site);
  const data = placementTargets(env, await sitePlacement(env, site));
  const tokensRevoked = await revokeSiteTokens(env, site);
  const row = await env.DB.prepare('SELECT id, timezone, retention_days, uid_secret, settings, created_at FROM sites WHERE id = ?').bind(site).first<SiteConfigRow>();
  // The sites row goes first, so the collector stops accepting events for the site while the
  // (possibly long) data deletion runs, and the consumer drops what is still in the Queue; its
  // mirror in the site's own database right after, where the consumer's guard reads it.
  await env.DB.prepare('DELETE FROM sites WHERE id = ?').bind(site).run();
  await dropMirror(site, data);
  // Then the SiteDOs, before D1: their outbox would otherwise flush into the tables cleaned below.
  const objects = row ? shardNames(site, siteFromRow(row).shards) : [];
  await Promise.all(objects.map((name) => env.SITE_DO.get(env.SITE_DO.idFromName(name)).purge(row!.created_at)));
  const rows: Record<string, number> = {};
  // the site's database first, the primary (account rows, the directory row) last
  for (const db of [...data.map((d) => d.db).filter((db) => db !== env.DB), env.DB]) {
    for (const table of await tablesWithSiteId(db)) {
      if (table.name === 'sites') continue;
      // table names come from sqlite_master (or the known list), never from the request
      const n = table.clustered ? await deleteByDay(db, table.name, site) : await deleteInChunks(db, { table: table.name, where: 'site_id = ?', params: [site] });
      rows[table.name] = (rows[table.name] ?? 0) + n;
    }
  }
  forgetSitePlacement(site);
  // Bounded: a huge archive is finished by the hourly cron (`deleted_sites` keeps its progress).
  const archive = await startArchiveCleanup(env.DB, env.ARCHIVE, site, Date.now(), ARCHIVE_PAGES_IN_REQUEST);
  return {
    rows_deleted: rows,
    archive_objects_deleted: archive.deleted,
    archive_done: archive.done,
    tokens_revoked: tokensRevoked,
    site_objects_purged: objects.length,
  };
}
