CREATE TABLE `rollup_daily` (
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
	PRIMARY KEY(`site_id`, `dim`, `dim2`, `day`, `val`, `val2`)
);
--> statement-breakpoint
CREATE INDEX `rollup_daily_value` ON `rollup_daily` (`site_id`,`dim`,`val`,`dim2`,`day`);--> statement-breakpoint
CREATE INDEX `rollup_daily_day` ON `rollup_daily` (`site_id`,`day`);--> statement-breakpoint
CREATE TABLE `rollup_hourly` (
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
);
--> statement-breakpoint
CREATE INDEX `rollup_hourly_day` ON `rollup_hourly` (`site_id`,`day`);--> statement-breakpoint
CREATE TABLE `rollup_ident` (
	`site_id` text NOT NULL,
	`day` text NOT NULL,
	`dim` text NOT NULL,
	`val` text NOT NULL,
	`dim2` text NOT NULL,
	`val2` text NOT NULL,
	`side` text NOT NULL,
	`visitor_id` integer NOT NULL,
	PRIMARY KEY(`site_id`, `dim`, `dim2`, `side`, `day`, `val`, `val2`, `visitor_id`)
);
--> statement-breakpoint
CREATE INDEX `rollup_ident_day` ON `rollup_ident` (`site_id`,`day`);--> statement-breakpoint
CREATE TABLE `rollup_state` (
	`site_id` text PRIMARY KEY NOT NULL,
	`watermark` integer NOT NULL,
	`refreshed_at` integer NOT NULL
);
