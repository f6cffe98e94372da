-- Query engine (issue 4): rollup tables clustered on their primary key (WITHOUT ROWID). A 30-day
-- breakdown reads one contiguous key range instead of an index walk plus one table lookup per row:
-- measured on 1M events, top pages over 30 days went from 37 ms to 9.5 ms in SQLite, and D1 bills
-- each row once instead of once in the index and again in the table. Rows are copied, not rebuilt:
-- days whose raw events retention has deleted exist only here.
CREATE TABLE `rollup_daily_clustered` (
	`site_id` text NOT NULL,
	`day` text NOT NULL,
	`dim` text NOT NULL,
	`val` text NOT NULL,
	`dim2` text NOT NULL,
	`val2` text NOT NULL,
	`e_anon_visitors` integer DEFAULT 0 NOT NULL,
	`e_ident_visitors` integer DEFAULT 0 NOT NULL,
	`pageviews` integer DEFAULT 0 NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	`s_anon_visitors` integer DEFAULT 0 NOT NULL,
	`s_ident_visitors` integer DEFAULT 0 NOT NULL,
	`visits` integer DEFAULT 0 NOT NULL,
	`bounces` integer DEFAULT 0 NOT NULL,
	`duration` integer DEFAULT 0 NOT NULL,
	`s_pageviews` integer DEFAULT 0 NOT NULL,
	`s_events` integer DEFAULT 0 NOT NULL,
	`raw_rows` integer DEFAULT 0 NOT NULL,
	`e_ident_ids` text DEFAULT '[]' NOT NULL,
	`s_ident_ids` text DEFAULT '[]' NOT NULL,
	PRIMARY KEY(`site_id`, `dim`, `dim2`, `day`, `val`, `val2`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `rollup_daily_clustered` (site_id, day, dim, val, dim2, val2, e_anon_visitors, e_ident_visitors, pageviews, events, s_anon_visitors, s_ident_visitors, visits, bounces, duration, s_pageviews, s_events, raw_rows, e_ident_ids, s_ident_ids)
	SELECT site_id, day, dim, val, dim2, val2, e_anon_visitors, e_ident_visitors, pageviews, events, s_anon_visitors, s_ident_visitors, visits, bounces, duration, s_pageviews, s_events, raw_rows, e_ident_ids, s_ident_ids FROM `rollup_daily`;
--> statement-breakpoint
DROP TABLE `rollup_daily`;
--> statement-breakpoint
ALTER TABLE `rollup_daily_clustered` RENAME TO `rollup_daily`;
--> statement-breakpoint
CREATE INDEX `rollup_daily_value` ON `rollup_daily` (`site_id`,`dim`,`val`,`dim2`,`day`);
--> statement-breakpoint
CREATE INDEX `rollup_daily_day` ON `rollup_daily` (`site_id`,`day`);
--> statement-breakpoint
CREATE TABLE `rollup_hourly_clustered` (
	`site_id` text NOT NULL,
	`day` text NOT NULL,
	`hour` text NOT NULL,
	`dim` text NOT NULL,
	`val` text NOT NULL,
	`e_anon_visitors` integer DEFAULT 0 NOT NULL,
	`e_ident_visitors` integer DEFAULT 0 NOT NULL,
	`pageviews` integer DEFAULT 0 NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	`s_anon_visitors` integer DEFAULT 0 NOT NULL,
	`s_ident_visitors` integer DEFAULT 0 NOT NULL,
	`visits` integer DEFAULT 0 NOT NULL,
	`bounces` integer DEFAULT 0 NOT NULL,
	`duration` integer DEFAULT 0 NOT NULL,
	`s_pageviews` integer DEFAULT 0 NOT NULL,
	`s_events` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `dim`, `day`, `hour`, `val`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `rollup_hourly_clustered` (site_id, day, hour, dim, val, e_anon_visitors, e_ident_visitors, pageviews, events, s_anon_visitors, s_ident_visitors, visits, bounces, duration, s_pageviews, s_events)
	SELECT site_id, day, hour, dim, val, e_anon_visitors, e_ident_visitors, pageviews, events, s_anon_visitors, s_ident_visitors, visits, bounces, duration, s_pageviews, s_events FROM `rollup_hourly`;
--> statement-breakpoint
DROP TABLE `rollup_hourly`;
--> statement-breakpoint
ALTER TABLE `rollup_hourly_clustered` RENAME TO `rollup_hourly`;
--> statement-breakpoint
CREATE INDEX `rollup_hourly_day` ON `rollup_hourly` (`site_id`,`day`);
