-- Which Queue message first wrote each event: only that message archives it (workers/consumer),
-- so an outbox range resent with other bounds is not archived twice. Null for older rows.
ALTER TABLE `events` ADD `archive_batch` integer;
