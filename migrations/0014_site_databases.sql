-- Which D1 database holds a site's data when sites are spread across several (workers/lib/site-db.ts);
-- read in the primary only, a site without a row lives there.
CREATE TABLE `site_databases` (
	`site_id` text PRIMARY KEY NOT NULL,
	`binding` text NOT NULL,
	`moving_to` text,
	`move` text,
	`updated_at` integer NOT NULL
);
