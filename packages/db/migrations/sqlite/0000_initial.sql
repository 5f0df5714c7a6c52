CREATE TABLE `action_items` (
	`id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`user_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`due_date` text,
	`status` text NOT NULL,
	`priority` text NOT NULL,
	`source` text NOT NULL,
	`source_text` text,
	`owner_speaker_id` text,
	`owner_speaker_label` text,
	`owner_display_name` text,
	`owner_role` text,
	`source_segment_ids` text DEFAULT '[]' NOT NULL,
	`intent` text,
	`intent_metadata` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `action_items_user_created_idx` ON `action_items` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `action_items_call_idx` ON `action_items` (`call_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `call_artifacts` (
	`call_id` text NOT NULL,
	`type` text NOT NULL,
	`storage_key` text NOT NULL,
	`content_type` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`call_id`, `type`),
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `call_artifacts_type_created_idx` ON `call_artifacts` (`type`,`created_at`);--> statement-breakpoint
CREATE TABLE `calls` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`title` text,
	`contact_name` text,
	`contact_id` text,
	`phone_number` text,
	`organization` text,
	`direction` text,
	`recorded_at` integer,
	`duration_seconds` real,
	`status` text NOT NULL,
	`error_reason` text,
	`summary_override` text,
	`analysis_summary` text,
	`notes` text,
	`source_content_type` text,
	`source_size_bytes` integer,
	`stale_requeues` integer DEFAULT 0 NOT NULL,
	`status_changed_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `calls_user_created_idx` ON `calls` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `calls_user_status_created_idx` ON `calls` (`user_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `calls_status_changed_idx` ON `calls` (`status`,`status_changed_at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `idempotency_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `processing_events` (
	`id` text PRIMARY KEY NOT NULL,
	`call_id` text NOT NULL,
	`stage` text NOT NULL,
	`status` text NOT NULL,
	`duration_ms` integer,
	`provider` text,
	`error_code` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `processing_events_call_idx` ON `processing_events` (`call_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`auth_uid` text NOT NULL,
	`email` text,
	`display_name` text,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_auth_uid_uq` ON `users` (`auth_uid`);