-- D1 rows written per event (issue 14): events and sessions clustered on the keys they are read
-- by (WITHOUT ROWID), with only the indexes the planner uses. An event insert wrote 6 rows (the
-- table, its text id key and four indexes), a session version 3-4; now 1 each (a session's first
-- version 2: its start index). What `events_site_inserted` and `sessions_site_inserted` served
-- (what arrived since the rollups' watermark) is `arrivals`: a few rows per site and minute.
-- Every row is copied; arrivals are seeded from the rows each refreshed site has not counted yet
-- (a never refreshed site's first run reads its rows themselves).
CREATE TABLE `arrivals` (
	`site_id` text NOT NULL,
	`minute` integer NOT NULL,
	`side` text NOT NULL,
	`bucket` integer NOT NULL,
	PRIMARY KEY(`site_id`, `minute`, `side`, `bucket`)
) WITHOUT ROWID;
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_events` (
	`id` text NOT NULL,
	`site_id` text NOT NULL,
	`ts` integer NOT NULL,
	`visitor_id` integer NOT NULL,
	`session_id` text NOT NULL,
	`identified` integer DEFAULT 0 NOT NULL,
	`name` text NOT NULL,
	`hostname` text NOT NULL,
	`pathname` text NOT NULL,
	`props` text DEFAULT '{}' NOT NULL,
	`revenue_amount` real,
	`revenue_currency` text,
	`interactive` integer DEFAULT 1 NOT NULL,
	`scroll_depth` integer,
	`engaged_ms` integer,
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
	`inserted_at` integer NOT NULL,
	`archive_batch` integer,
	PRIMARY KEY(`site_id`, `ts`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_events`("id", "site_id", "ts", "visitor_id", "session_id", "identified", "name", "hostname", "pathname", "props", "revenue_amount", "revenue_currency", "interactive", "scroll_depth", "engaged_ms", "referrer", "source", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "device", "browser", "browser_version", "os", "os_version", "country", "region", "region_name", "city", "inserted_at", "archive_batch") SELECT "id", "site_id", "ts", "visitor_id", "session_id", "identified", "name", "hostname", "pathname", "props", "revenue_amount", "revenue_currency", "interactive", "scroll_depth", "engaged_ms", "referrer", "source", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "device", "browser", "browser_version", "os", "os_version", "country", "region", "region_name", "city", "inserted_at", "archive_batch" FROM `events` ORDER BY `site_id`, `ts`, `id`;--> statement-breakpoint
DROP TABLE `events`;--> statement-breakpoint
ALTER TABLE `__new_events` RENAME TO `events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE TABLE `__new_sessions` (
	`id` text NOT NULL,
	`site_id` text NOT NULL,
	`visitor_id` integer NOT NULL,
	`identified` integer DEFAULT 0 NOT NULL,
	`version` integer NOT NULL,
	`start` integer NOT NULL,
	`end` integer NOT NULL,
	`duration` integer NOT NULL,
	`pageviews` integer NOT NULL,
	`events` integer NOT NULL,
	`interactive_events` integer NOT NULL,
	`is_bounce` integer NOT NULL,
	`entry_page` text,
	`exit_page` text,
	`hostname` text NOT NULL,
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
	`inserted_at` integer NOT NULL,
	PRIMARY KEY(`site_id`, `visitor_id`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_sessions`("id", "site_id", "visitor_id", "identified", "version", "start", "end", "duration", "pageviews", "events", "interactive_events", "is_bounce", "entry_page", "exit_page", "hostname", "referrer", "source", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "device", "browser", "browser_version", "os", "os_version", "country", "region", "region_name", "city", "inserted_at") SELECT "id", "site_id", "visitor_id", "identified", "version", "start", "end", "duration", "pageviews", "events", "interactive_events", "is_bounce", "entry_page", "exit_page", "hostname", "referrer", "source", "channel", "utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "device", "browser", "browser_version", "os", "os_version", "country", "region", "region_name", "city", "inserted_at" FROM `sessions` ORDER BY `site_id`, `visitor_id`, `id`;--> statement-breakpoint
DROP TABLE `sessions`;--> statement-breakpoint
ALTER TABLE `__new_sessions` RENAME TO `sessions`;--> statement-breakpoint
CREATE INDEX `sessions_site_start` ON `sessions` (`site_id`,`start`);--> statement-breakpoint
INSERT OR IGNORE INTO `arrivals` (`site_id`, `minute`, `side`, `bucket`) SELECT `site_id`, `inserted_at` / 60000, 'e', `ts` / 900000 FROM `events` e WHERE `inserted_at` > (SELECT `watermark` FROM `rollup_state` r WHERE r.`site_id` = e.`site_id`);--> statement-breakpoint
INSERT OR IGNORE INTO `arrivals` (`site_id`, `minute`, `side`, `bucket`) SELECT `site_id`, `inserted_at` / 60000, 's', `start` / 900000 FROM `sessions` s WHERE `inserted_at` > (SELECT `watermark` FROM `rollup_state` r WHERE r.`site_id` = s.`site_id`);
