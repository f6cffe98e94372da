DROP TABLE `rollup_ident`;--> statement-breakpoint
ALTER TABLE `rollup_daily` ADD `e_ident_ids` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_daily` ADD `s_ident_ids` text DEFAULT '[]' NOT NULL;