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
CREATE INDEX `behaviour_visitor_first_day` ON `behaviour_visitor_first` (`site_id`,`day`);