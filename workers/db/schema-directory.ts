/**
 * Where a site's data lives when a deployment spreads sites across several D1 databases
 * (README "Several D1 databases"). The table is read in the primary database (`DB`) only; the
 * other databases get the same migrations and leave it empty. A site without a row lives in `DB`,
 * so a deployment with one database never writes a row here.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const siteDatabases = sqliteTable('site_databases', {
  siteId: text('site_id').primaryKey(),
  /** the D1 binding holding the site's data (`DB`, `DB_2`, …): what reads use */
  binding: text('binding').notNull(),
  /** while a move runs: the binding it copies to, which the consumer writes as well */
  movingTo: text('moving_to'),
  /** JSON progress of a move (workers/site-move/): its phase, cursor and per-table counts */
  move: text('move'),
  updatedAt: integer('updated_at').notNull(),
});
