-- Journeys pre-aggregate (issue 16): WITHOUT ROWID added by hand (a new row is 2 rows written, not 3).
CREATE TABLE `journey_daily` (
	`site_id` text NOT NULL,
	`list` text NOT NULL,
	`key` text NOT NULL,
	`day` text NOT NULL,
	`sessions` integer NOT NULL,
	`visitors` integer DEFAULT 0 NOT NULL,
	`ids` text,
	`bucket` integer NOT NULL,
	PRIMARY KEY(`site_id`, `list`, `key`, `day`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `journey_daily_rank` ON `journey_daily` (`site_id`,`day`,`list`,`bucket`);