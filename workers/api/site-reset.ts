/**
 * Resetting a site's stats (Settings → Danger zone, like Plausible's "Reset stats"): its events,
 * sessions, rollups, report aggregates, drop counts, dead letters and R2 archive go; the site,
 * its settings, goals, funnels, segments, members, invitations, keys, share links, annotations,
 * alerts, webhooks and erasure records stay.
 *
 * Nothing from before comes back: the reset starts a new incarnation of the site (`sites.created_at`
 * = now, the same stamp a delete-and-re-add gives), so the Queue consumer drops every message sent
 * before it (workers/consumer/tombstones.ts, no extra read or row per message), and the SiteDOs
 * purge the old incarnation (outbox, open sessions, realtime, salts) and refuse events of it that a
 * collector's 30 s site cache may still send. Plausible likewise restarts `native_stats_start_at`.
 */
import type { Env } from '../env';
import { startArchiveCleanup } from '../lib/archive-cleanup';
import { deleteInChunks } from '../lib/d1-delete';
import { forgetSiteConfig, siteFromRow, type SiteConfigRow } from '../lib/site-config';
import { forgetSitePlacement, placementTargets, requireSettled, sitePlacement } from '../lib/site-db';
import { writeMirror } from '../lib/site-mirror';
import { shardNames } from '../../contract/shards';
import { HttpError } from '../lib/http-error';
import { deleteByDay, tablesWithSiteId } from './site-data';

/** What a reset empties: rows derived from traffic. Anything else with a `site_id` is kept. */
export const STATS_TABLES = new Set([
  'events', 'sessions', 'arrivals', 'drop_counts', 'dead_letters',
  'rollup_state', 'rollup_runs', 'rollup_ledger', 'rollup_hourly', 'rollup_daily', 'rollup_pairs',
  'vitals_daily', 'errors_daily', 'behaviour_visitor_first', 'behaviour_visitor_days', 'funnel_daily', 'funnel_preagg', 'journey_daily', 'journey_spans', 'journey_span_rows',
]);

const ARCHIVE_PAGES_IN_REQUEST = 5;

export async function resetSiteStats(env: Env, site: string) {
  await requireSettled(env, site); // a move copies rows the sweep below would miss
  const row = await env.DB.prepare('SELECT id, timezone, retention_days, uid_secret, settings, created_at FROM sites WHERE id = ?').bind(site).first<SiteConfigRow>();
  if (!row) throw new HttpError(404, 'not_found', `no site ${site}`);
  const data = placementTargets(env, await sitePlacement(env, site));
  // The new incarnation first, in the primary and in every mirror the consumer's guard reads:
  // from here on, every message sent before now is dropped wherever it lands.
  const startedAt = Math.max(Date.now(), row.created_at + 1);
  await env.DB.prepare('UPDATE sites SET created_at = ? WHERE id = ?').bind(startedAt, site).run();
  const updated = { ...row, created_at: startedAt };
  await Promise.all(data.filter((d) => d.db !== env.DB).map((d) => writeMirror(d.db, updated)));
  forgetSiteConfig(site);
  // Then the SiteDOs, before D1: their outbox would otherwise flush into the tables cleaned below.
  const objects = shardNames(site, siteFromRow(row).shards);
  await Promise.all(objects.map((name) => env.SITE_DO.get(env.SITE_DO.idFromName(name)).purge(row.created_at)));
  const rows: Record<string, number> = {};
  for (const db of [...data.map((d) => d.db).filter((db) => db !== env.DB), env.DB]) {
    for (const table of await tablesWithSiteId(db)) {
      if (!STATS_TABLES.has(table.name)) continue;
      // table names come from sqlite_master and the list above, never from the request
      const n = table.clustered ? await deleteByDay(db, table.name, site) : await deleteInChunks(db, { table: table.name, where: 'site_id = ?', params: [site] });
      rows[table.name] = (rows[table.name] ?? 0) + n;
    }
  }
  forgetSitePlacement(site);
  // Objects uploaded after now belong to the new incarnation and stay (archive-cleanup.ts).
  const archive = await startArchiveCleanup(env.DB, env.ARCHIVE, site, startedAt, ARCHIVE_PAGES_IN_REQUEST);
  return {
    reset: site,
    stats_start: new Date(startedAt).toISOString(),
    rows_deleted: rows,
    archive_objects_deleted: archive.deleted,
    archive_done: archive.done,
    site_objects_purged: objects.length,
  };
}
