ALTER TABLE `events` ADD `region_name` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `region_name` text;