-- Query engine (issue 4): raw plans filtered by page ("event:page is /x", page goals) read only
-- that page's events instead of every event of the range. Not declared in schema.ts (owned by the
-- ingestion schema); drizzle-kit diffs its own snapshots, so it will not try to drop it.
CREATE INDEX IF NOT EXISTS `events_site_pathname_ts` ON `events` (`site_id`, `pathname`, `ts`);
