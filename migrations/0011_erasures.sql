-- GDPR erasures (the tombstone the Queue consumer checks per message, and the archive rewrite job with
-- its progress) and deleted sites whose archive the hourly cron is still deleting.
CREATE TABLE `deleted_sites` (
	`id` text PRIMARY KEY NOT NULL,
	`deleted_at` integer NOT NULL,
	`cursor` text,
	`objects_deleted` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `erasures` (
	`id` text PRIMARY KEY NOT NULL,
	`site_id` text NOT NULL,
	`visitor_id` integer NOT NULL,
	`drop_before` integer NOT NULL,
	`status` text NOT NULL,
	`cursor` text,
	`objects_scanned` integer DEFAULT 0 NOT NULL,
	`objects_rewritten` integer DEFAULT 0 NOT NULL,
	`lines_removed` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `erasures_site_visitor` ON `erasures` (`site_id`,`visitor_id`,`drop_before`);--> statement-breakpoint
CREATE INDEX `erasures_status` ON `erasures` (`status`,`created_at`);