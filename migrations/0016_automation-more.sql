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
ALTER TABLE `alerts` ADD `secret` text;