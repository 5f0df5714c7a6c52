-- Speaker identities the user pinned (docs/contract.md § Speaker corrections), removed with the call.
CREATE TABLE `speaker_corrections` (
	`call_id` text NOT NULL,
	`speaker_id` text NOT NULL,
	`display_name` text,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`call_id`, `speaker_id`),
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE cascade
);
