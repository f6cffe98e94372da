CREATE TABLE `alert_firings` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`alert_id` text NOT NULL,
	`kind` text NOT NULL,
	`period` text NOT NULL,
	`observed` real NOT NULL,
	`expected` real,
	`score` real,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_firings_once` ON `alert_firings` (`alert_id`,`period`,`kind`);--> statement-breakpoint
CREATE INDEX `alert_firings_site_at` ON `alert_firings` (`site_id`,`at`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`metric` text NOT NULL,
	`kind` text NOT NULL,
	`op` text,
	`value` real,
	`window` text NOT NULL,
	`channels` text NOT NULL,
	`cooldown_minutes` integer NOT NULL,
	`firing` integer DEFAULT 0 NOT NULL,
	`last_fired_at` integer,
	`checked_period` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alerts_site` ON `alerts` (`site_id`);--> statement-breakpoint
CREATE TABLE `annotations` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`date` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `annotations_site_date` ON `annotations` (`site_id`,`date`);--> statement-breakpoint
CREATE TABLE `cron_runs` (
	`name` text PRIMARY KEY NOT NULL,
	`last_run` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`ok` integer NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`interval` text NOT NULL,
	`channels` text NOT NULL,
	`unsubscribe_secret` text NOT NULL,
	`last_sent_period` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reports_site` ON `reports` (`site_id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`webhook_id` text NOT NULL,
	`delivery_id` text NOT NULL,
	`type` text NOT NULL,
	`attempt` integer NOT NULL,
	`outcome` text NOT NULL,
	`http_status` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_hook_at` ON `webhook_deliveries` (`webhook_id`,`at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `webhooks_site` ON `webhooks` (`site_id`);--> statement-breakpoint
CREATE TABLE `errors_daily` (
	`site_id` text NOT NULL,
	`dim` text NOT NULL,
	`day` text NOT NULL,
	`fingerprint` text NOT NULL,
	`val` text NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	`visitors` integer DEFAULT 0 NOT NULL,
	`first_ts` integer NOT NULL,
	`last_ts` integer NOT NULL,
	`message` text,
	`source` text,
	`line` text,
	`stack` text,
	PRIMARY KEY(`site_id`, `dim`, `day`, `fingerprint`, `val`)
);
--> statement-breakpoint
CREATE TABLE `vitals_daily` (
	`site_id` text NOT NULL,
	`dim` text NOT NULL,
	`day` text NOT NULL,
	`val` text NOT NULL,
	`hist` text DEFAULT '{}' NOT NULL,
	`samples` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`site_id`, `dim`, `day`, `val`)
);
--> statement-breakpoint
CREATE TABLE `segments` (
	`id` integer PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`owner_id` text,
	`filters` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `segments_site` ON `segments` (`site_id`,`updated_at`);