-- Migration 0009 was edited after it landed: databases migrated with its first version key
-- rollup_ledger by (site_id, day, session_id) with a second index on visitor_id, and the refresh's
-- upsert `ON CONFLICT (site_id, day, visitor_id, session_id)` fails there. SQLite cannot change a
-- primary key in place, so the table is rebuilt with the current key on every database: on one
-- migrated with the current 0009 the rebuild yields the same table and rows, so one file is right
-- for both (D1 runs it once on each). Rows are copied (the ledger holds two days of sessions, and
-- the incremental refresh subtracts what it holds); no copied row can collide, since the new key
-- only adds a column to the old one. Dropping the old table drops `rollup_ledger_visitor` with it.
CREATE TABLE `__new_rollup_ledger` (
	`site_id` text NOT NULL,
	`day` text NOT NULL,
	`session_id` text NOT NULL,
	`visitor_id` integer NOT NULL,
	`identified` integer NOT NULL,
	`start` integer NOT NULL,
	`duration` integer NOT NULL,
	`pageviews` integer NOT NULL,
	`events` integer NOT NULL,
	`is_bounce` integer NOT NULL,
	`entry_page` text,
	`exit_page` text,
	`referrer` text,
	`source` text NOT NULL,
	`channel` text NOT NULL,
	`utm_source` text,
	`utm_medium` text,
	`utm_campaign` text,
	`utm_content` text,
	`utm_term` text,
	`device` text NOT NULL,
	`browser` text NOT NULL,
	`browser_version` text NOT NULL,
	`os` text NOT NULL,
	`os_version` text NOT NULL,
	`country` text,
	`region` text,
	`region_name` text,
	`city` text,
	PRIMARY KEY(`site_id`, `day`, `visitor_id`, `session_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_rollup_ledger` (`site_id`, `day`, `session_id`, `visitor_id`, `identified`, `start`, `duration`, `pageviews`, `events`, `is_bounce`, `entry_page`, `exit_page`, `referrer`, `source`, `channel`, `utm_source`, `utm_medium`, `utm_campaign`, `utm_content`, `utm_term`, `device`, `browser`, `browser_version`, `os`, `os_version`, `country`, `region`, `region_name`, `city`)
	SELECT `site_id`, `day`, `session_id`, `visitor_id`, `identified`, `start`, `duration`, `pageviews`, `events`, `is_bounce`, `entry_page`, `exit_page`, `referrer`, `source`, `channel`, `utm_source`, `utm_medium`, `utm_campaign`, `utm_content`, `utm_term`, `device`, `browser`, `browser_version`, `os`, `os_version`, `country`, `region`, `region_name`, `city` FROM `rollup_ledger`;
--> statement-breakpoint
DROP TABLE `rollup_ledger`;
--> statement-breakpoint
ALTER TABLE `__new_rollup_ledger` RENAME TO `rollup_ledger`;
