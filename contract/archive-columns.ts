/**
 * The Parquet archive's schema (DESIGN §8b): one column per StoredEvent field (contract/events.ts),
 * named as D1's `events` columns, so a query moves between D1 and DuckDB unchanged. `site` and `dt`
 * are not in the files: they are the Hive partition columns of the path (contract/archive.ts), and
 * Spark refuses a file column that repeats a partition column. Types are stable: a column is only
 * ever added at the end, never retyped or renamed (a reader of old files keeps working).
 * Nothing identifies a person: no IP, no user agent, no uid (only `visitor_id`, a salted or keyed
 * hash; see DESIGN §5).
 */
import type { StoredEvent } from './events';

/** Parquet types as hyparquet-writer names them: STRING is UTF-8 BYTE_ARRAY, TIMESTAMP is INT64 ms (UTC). */
export type ArchiveColumnType = 'STRING' | 'TIMESTAMP' | 'INT64' | 'INT32' | 'DOUBLE' | 'BOOLEAN';

export interface ArchiveColumn {
  name: string;
  type: ArchiveColumnType;
  nullable: boolean;
  /** the StoredEvent field it holds; the revenue columns split `revenue`, `props` is its JSON text */
  field: keyof StoredEvent | 'revenueAmount' | 'revenueCurrency';
}

const text = (name: string, field: ArchiveColumn['field'], nullable = true): ArchiveColumn => ({ name, type: 'STRING', nullable, field });

export const ARCHIVE_COLUMNS: readonly ArchiveColumn[] = [
  text('id', 'id', false),
  { name: 'ts', type: 'TIMESTAMP', nullable: false, field: 'ts' },
  text('name', 'name', false),
  text('hostname', 'hostname', false),
  text('pathname', 'pathname', false),
  { name: 'visitor_id', type: 'INT64', nullable: false, field: 'visitorId' },
  text('session_id', 'sessionId', false),
  { name: 'identified', type: 'BOOLEAN', nullable: false, field: 'identified' },
  { name: 'interactive', type: 'BOOLEAN', nullable: false, field: 'interactive' },
  /** a JSON object of string values, `{}` when the event has none (as D1's `events.props`) */
  text('props', 'props', false),
  { name: 'revenue_amount', type: 'DOUBLE', nullable: true, field: 'revenueAmount' },
  text('revenue_currency', 'revenueCurrency'),
  { name: 'scroll_depth', type: 'INT32', nullable: true, field: 'scrollDepth' },
  { name: 'engaged_ms', type: 'INT64', nullable: true, field: 'engagedMs' },
  text('referrer', 'referrer'),
  text('source', 'source'),
  text('channel', 'channel'),
  text('utm_source', 'utmSource'),
  text('utm_medium', 'utmMedium'),
  text('utm_campaign', 'utmCampaign'),
  text('utm_content', 'utmContent'),
  text('utm_term', 'utmTerm'),
  text('device', 'device'),
  text('browser', 'browser'),
  text('browser_version', 'browserVersion'),
  text('os', 'os'),
  text('os_version', 'osVersion'),
  text('country', 'country'),
  text('region', 'region'),
  text('region_name', 'regionName'),
  text('city', 'city'),
];
