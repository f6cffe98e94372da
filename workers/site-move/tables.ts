/**
 * Which tables hold a site's data (they live in the site's own D1 database and move with it) and
 * which are account-level (they stay in the primary), and each table's columns and primary key,
 * read from the schema so a column added later moves too. README "Several D1 databases" lists
 * the same split; site-tables.test.ts fails when a table with a `site_id` is in neither list.
 */

/**
 * In copy order: the tombstones first (the consumer's guard in the target reads them as soon as
 * it writes there), the definitions, then the rows, the rollups last.
 */
export const SITE_DATA_TABLES = [
  'erasures', 'goals', 'funnels', 'segments', 'annotations', 'webhooks', 'webhook_deliveries', 'alerts', 'alert_firings', 'alert_sends', 'reports', 'drop_counts', 'sessions', 'events', 'arrivals',
  'rollup_state', 'rollup_runs', 'rollup_ledger', 'rollup_hourly', 'rollup_daily', 'rollup_pairs',
  'vitals_daily', 'errors_daily', 'behaviour_visitor_first', 'behaviour_visitor_days', 'funnel_preagg', 'funnel_daily', 'journey_daily', 'journey_spans', 'journey_span_rows',
] as const;

/**
 * In the primary only. `sites` is the site itself (its data database keeps a mirror, workers/lib/
 * site-mirror.ts); `dead_letters` may hold messages no site can be read from; `drop_counts` of
 * the `(unknown)` pseudo-site are written by the collector to the primary too.
 */
export const ACCOUNT_TABLES = [
  'sites', 'users', 'memberships', 'invitations', 'api_keys', 'share_links', 'revocations',
  'dead_letters', 'deleted_sites', 'site_databases', 'cron_runs', 'ops_alerts', 'ops_alert_firings',
] as const;

export interface TableShape {
  name: string;
  columns: string[];
  /** primary-key columns in key order: the copy walks the table by them */
  key: string[];
  /** sessions: a row is only ever replaced by a newer version (as the consumer writes it) */
  versioned: boolean;
}

const shapes = new Map<string, TableShape>();

export const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The table's columns and key, from `pragma_table_info` (cached: every database has the same schema). */
export async function tableShape(db: D1Database, name: string): Promise<TableShape> {
  const hit = shapes.get(name);
  if (hit) return hit;
  const { results } = await db.prepare('SELECT name, pk FROM pragma_table_info(?) ORDER BY cid').bind(name).all<{ name: string; pk: number }>();
  if (!results.length) throw new Error(`no table ${name}`);
  const key = results.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  const columns = results.map((c) => c.name);
  const shape = { name, columns, key: key.length ? key : ['rowid'], versioned: columns.includes('version') };
  shapes.set(name, shape);
  return shape;
}
