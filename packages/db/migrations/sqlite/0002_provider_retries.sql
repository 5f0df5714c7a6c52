ALTER TABLE `calls` ADD `retry_stage` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `retry_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `calls` ADD `retrying_until` integer;--> statement-breakpoint
ALTER TABLE `calls` ADD `failure_transient` integer DEFAULT false NOT NULL;
