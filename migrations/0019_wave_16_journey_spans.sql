-- Journeys' spans (issue 16). Hand edit: WITHOUT ROWID (a new row is 1 row written, not 2).
CREATE TABLE `journey_span_rows` (
	`site_id` text NOT NULL,
	`start` text NOT NULL,
	`days` integer NOT NULL,
	`list` text NOT NULL,
	`key` text NOT NULL,
	`sessions` integer NOT NULL,
	`bucket` integer NOT NULL,
	PRIMARY KEY(`site_id`, `start`, `days`, `list`, `key`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `journey_span_rank` ON `journey_span_rows` (`site_id`,`start`,`days`,`list`,`bucket`);--> statement-breakpoint
CREATE TABLE `journey_spans` (
	`site_id` text NOT NULL,
	`start` text NOT NULL,
	`days` integer NOT NULL,
	PRIMARY KEY(`site_id`, `start`, `days`)
) WITHOUT ROWID;
