/**
 * GDPR erasures (DESIGN §6). A row is both the tombstone the Queue consumer checks, so that a late
 * delivery of the visitor's events is dropped, and the background job that rewrites the site's R2
 * archive without them, a bounded number of objects per step, reporting its progress.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const erasures = sqliteTable(
  'erasures',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    /** the hashed uid (`hashUid(site.uid_secret, uid)`); the uid itself is never stored */
    visitorId: integer('visitor_id').notNull(),
    /** the consumer drops this visitor's events from Queue messages sent before this time */
    dropBefore: integer('drop_before').notNull(),
    /** `pending` (archive not started), `running`, `done` */
    status: text('status').notNull(),
    /** the last archive key handled; the next step lists the keys after it */
    cursor: text('cursor'),
    objectsScanned: integer('objects_scanned').notNull().default(0),
    objectsRewritten: integer('objects_rewritten').notNull().default(0),
    linesRemoved: integer('lines_removed').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('erasures_site_visitor').on(t.siteId, t.visitorId, t.dropBefore), index('erasures_status').on(t.status, t.createdAt)],
);
