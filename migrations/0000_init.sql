CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`site_id` text,
	`attempts` integer NOT NULL,
	`body` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dead_letters_received` ON `dead_letters` (`received_at`);--> statement-breakpoint
CREATE TABLE `drop_counts` (
	`day` text NOT NULL,
	`site_id` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`day`, `site_id`, `reason`)
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
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
	`city` text,
	`inserted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_site_ts` ON `events` (`site_id`,`ts`);--> statement-breakpoint
CREATE INDEX `events_site_name_ts` ON `events` (`site_id`,`name`,`ts`);--> statement-breakpoint
CREATE INDEX `events_session` ON `events` (`session_id`);--> statement-breakpoint
CREATE INDEX `events_site_inserted` ON `events` (`site_id`,`inserted_at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
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
	`city` text,
	`inserted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sessions_site_start` ON `sessions` (`site_id`,`start`);--> statement-breakpoint
CREATE INDEX `sessions_site_visitor` ON `sessions` (`site_id`,`visitor_id`);--> statement-breakpoint
CREATE INDEX `sessions_site_inserted` ON `sessions` (`site_id`,`inserted_at`);--> statement-breakpoint
CREATE TABLE `sites` (
	`id` text PRIMARY KEY NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`retention_days` integer DEFAULT 395 NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`uid_secret` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch() * 1000) NOT NULL
);
