/**
 * Saved segments (DESIGN §4b): a named Stats API v2 filter list, usable in queries as
 * `["is", "segment", [id]]` as Plausible. Site data: it lives in the site's own database and moves
 * with it (workers/site-move/tables.ts). Written only when people save one; nothing per event.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const segments = sqliteTable(
  'segments',
  {
    /**
     * A random positive integer below 2^48: Plausible's segment ids are integers (clients send
     * `["is", "segment", [42]]`), and random ones stay unique when a site moves to another database.
     */
    id: integer('id').primaryKey(),
    siteId: text('site_id').notNull(),
    name: text('name').notNull(),
    /** `site`: everyone who reads the site sees it; `personal`: only its owner */
    type: text('type', { enum: ['site', 'personal'] }).notNull(),
    /** `user:<id>`, `key:<id>` or `admin`; who may see a personal segment and change it */
    ownerId: text('owner_id'),
    /** the Stats API v2 filter list, as JSON */
    filters: text('filters').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('segments_site').on(t.siteId, t.updatedAt)],
);
