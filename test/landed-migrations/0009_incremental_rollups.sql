-- Query engine (issue 4): incremental rollups for today and yesterday. The 5-minute cron used to
-- rebuild a changing day from scratch (~150 rows read per event of the day, every run); it now
-- applies what arrived since its watermark. Sessions are replaced in place by newer versions, so
-- the ledger keeps each session as the rollups counted it, to subtract when it changes. Ledger
-- rows exist for two days only; WITHOUT ROWID keeps a day's rows in one key range.
CREATE TABLE `rollup_ledger` (
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
	PRIMARY KEY(`site_id`, `day`, `session_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `rollup_ledger_visitor` ON `rollup_ledger` (`site_id`,`day`,`visitor_id`);--> statement-breakpoint
CREATE TABLE `rollup_runs` (
	`site_id` text PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`started_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `rollup_state` ADD `ledger_days` text DEFAULT '[]' NOT NULL;