ALTER TABLE `share_links` ADD `password_hash` text;--> statement-breakpoint
ALTER TABLE `share_links` ADD `password_salt` text;--> statement-breakpoint
ALTER TABLE `share_links` ADD `password_iterations` integer;