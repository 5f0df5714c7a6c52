ALTER TABLE `calls` ADD `language` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `vocabulary` text DEFAULT '[]' NOT NULL;
