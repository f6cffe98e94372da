-- drop_counts gains the batch that carried the counts, so a redelivered Queue message cannot count twice.
DROP TABLE `drop_counts`;--> statement-breakpoint
CREATE TABLE `drop_counts` (
	`day` text NOT NULL,
	`site_id` text NOT NULL,
	`reason` text NOT NULL,
	`batch_id` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`day`, `site_id`, `reason`, `batch_id`)
);
