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