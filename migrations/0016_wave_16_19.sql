CREATE TABLE `alert_sends` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`alert_id` text NOT NULL,
	`firing_id` text NOT NULL,
	`channel` integer NOT NULL,
	`type` text NOT NULL,
	`target` text NOT NULL,
	`attempt` integer NOT NULL,
	`outcome` text NOT NULL,
	`http_status` integer,
	`error` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alert_sends_alert_at` ON `alert_sends` (`alert_id`,`at`);--> statement-breakpoint
CREATE INDEX `alert_sends_firing` ON `alert_sends` (`firing_id`);--> statement-breakpoint
CREATE TABLE `ops_alert_firings` (
	`id` text PRIMARY KEY NOT NULL,
	`alert_id` text NOT NULL,
	`kind` text NOT NULL,
	`period` text NOT NULL,
	`observed` real NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ops_alert_firings_once` ON `ops_alert_firings` (`alert_id`,`period`,`kind`);--> statement-breakpoint
CREATE INDEX `ops_alert_firings_alert_at` ON `ops_alert_firings` (`alert_id`,`at`);--> statement-breakpoint
CREATE TABLE `ops_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`metric` text NOT NULL,
	`scope` text,
	`value` real NOT NULL,
	`channels` text NOT NULL,
	`cooldown_minutes` integer NOT NULL,
	`secret` text NOT NULL,
	`firing` integer DEFAULT 0 NOT NULL,
	`last_fired_at` integer,
	`checked_period` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `behaviour_visitor_days` (
	`site_id` text NOT NULL,
	`visitor_id` integer NOT NULL,
	`month` text NOT NULL,
	`days` integer NOT NULL,
	PRIMARY KEY(`site_id`, `visitor_id`, `month`)
);
--> statement-breakpoint
CREATE INDEX `behaviour_visitor_days_month` ON `behaviour_visitor_days` (`site_id`,`month`);--> statement-breakpoint
CREATE TABLE `behaviour_visitor_first` (
	`site_id` text NOT NULL,
	`visitor_id` integer NOT NULL,
	`day` text NOT NULL,
	`start` integer NOT NULL,
	`session_id` text NOT NULL,
	PRIMARY KEY(`site_id`, `visitor_id`)
);
--> statement-breakpoint
CREATE INDEX `behaviour_visitor_first_day` ON `behaviour_visitor_first` (`site_id`,`day`);--> statement-breakpoint
ALTER TABLE `share_links` ADD `password_hash` text;--> statement-breakpoint
ALTER TABLE `share_links` ADD `password_salt` text;--> statement-breakpoint
ALTER TABLE `share_links` ADD `password_iterations` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `secret` text;--> statement-breakpoint
ALTER TABLE `rollup_state` ADD `reports_preagg` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- hand-added: sites refreshed before the reports' pre-aggregates existed read raw rows (their earlier days are not in them)
UPDATE `rollup_state` SET `reports_preagg` = 0;