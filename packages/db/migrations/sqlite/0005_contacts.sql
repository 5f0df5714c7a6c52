-- Contacts (docs/contract.md § Contacts): calls grouped per person, owner-scoped; the phone number only as a keyed hash
-- inside `group_key` plus its last four digits.
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`group_key` text NOT NULL,
	`client_contact_id` text,
	`phone_last4` text,
	`display_name` text,
	`last_call_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_user_group_key_uq` ON `contacts` (`user_id`,`group_key`);
--> statement-breakpoint
CREATE INDEX `contacts_user_last_call_idx` ON `contacts` (`user_id`,`last_call_at`,`id`);
--> statement-breakpoint
ALTER TABLE `calls` ADD `contact_ref` text REFERENCES `contacts`(`id`) ON DELETE set null;
--> statement-breakpoint
ALTER TABLE `calls` ADD `sentiment` text;
--> statement-breakpoint
CREATE INDEX `calls_contact_created_idx` ON `calls` (`contact_ref`,`created_at`,`id`);
--> statement-breakpoint
CREATE TABLE `server_secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
-- A contact is derived from its calls: the last one deleted (by the user, retention or account deletion) takes it along.
CREATE TRIGGER `contacts_prune_after_call_delete` AFTER DELETE ON `calls`
WHEN OLD.`contact_ref` IS NOT NULL
BEGIN
	DELETE FROM `contacts` WHERE `id` = OLD.`contact_ref`
		AND NOT EXISTS (SELECT 1 FROM `calls` WHERE `contact_ref` = OLD.`contact_ref`);
END;
