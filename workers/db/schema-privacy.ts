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

/**
 * A deleted site whose archive is still being deleted: the delete request removes what it can in
 * a bounded number of listings, the hourly cron the rest. Objects uploaded after `deleted_at`
 * belong to a new site of the same domain and are kept. The key is `id`, not `site_id`, so the
 * delete's sweep of every `site_id` table leaves this row alone.
 */
export const deletedSites = sqliteTable('deleted_sites', {
  id: text('id').primaryKey(),
  deletedAt: integer('deleted_at').notNull(),
  /** the last archive key handled; the next step lists the keys after it */
  cursor: text('cursor'),
  objectsDeleted: integer('objects_deleted').notNull().default(0),
});
