-- Journeys pre-aggregate (issue 16). Hand edits: WITHOUT ROWID (a new row is 1 row written, not 2), and the partial index's WHERE unqualified.
CREATE TABLE `journey_daily` (
	`site_id` text NOT NULL,
	`day` text NOT NULL,
	`list` text NOT NULL,
	`key` text NOT NULL,
	`sessions` integer NOT NULL,
	`anon` text,
	`ids` text,
	`bucket` integer NOT NULL,
	PRIMARY KEY(`site_id`, `day`, `list`, `key`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `journey_daily_rank` ON `journey_daily` (`site_id`,`day`,`list`,`bucket`) WHERE `bucket` > 0;