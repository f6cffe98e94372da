CREATE TABLE `funnel_daily` (
	`site_id` text NOT NULL,
	`funnel_id` text NOT NULL,
	`day` text NOT NULL,
	`step` integer NOT NULL,
	`visitors` integer NOT NULL,
	`hist` text NOT NULL,
	`ids` text NOT NULL,
	PRIMARY KEY(`site_id`, `funnel_id`, `day`, `step`)
);
--> statement-breakpoint
CREATE TABLE `funnel_preagg` (
	`site_id` text NOT NULL,
	`funnel_id` text NOT NULL,
	`definition` text NOT NULL,
	`built_from` text NOT NULL,
	`complete` integer NOT NULL,
	PRIMARY KEY(`site_id`, `funnel_id`)
);
--> statement-breakpoint
ALTER TABLE `reports` ADD `secret` text;