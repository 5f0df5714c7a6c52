-- Full-text search (docs/contract.md § Search): one row per indexed piece of a call, removed with the call.
CREATE TABLE `search_documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`call_id` text NOT NULL REFERENCES `calls`(`id`) ON DELETE CASCADE,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`segment_id` text,
	`speaker_name` text,
	`start_seconds` real,
	`action_item_id` text,
	`body` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `search_documents_call_idx` ON `search_documents` (`call_id`,`kind`);
--> statement-breakpoint
-- External-content FTS5 index over the bodies; marks (M*) are word characters so Devanagari words stay whole.
CREATE VIRTUAL TABLE `search_fts` USING fts5(`body`, content='search_documents', content_rowid='id', tokenize="unicode61 remove_diacritics 0 categories 'L* N* Co M*'");
--> statement-breakpoint
-- The triggers keep the index equal to the table, including rows removed by the calls cascade.
CREATE TRIGGER `search_documents_ai` AFTER INSERT ON `search_documents` BEGIN
	INSERT INTO `search_fts`(`rowid`, `body`) VALUES (new.`id`, new.`body`);
END;
--> statement-breakpoint
CREATE TRIGGER `search_documents_ad` AFTER DELETE ON `search_documents` BEGIN
	INSERT INTO `search_fts`(`search_fts`, `rowid`, `body`) VALUES ('delete', old.`id`, old.`body`);
END;
--> statement-breakpoint
CREATE TRIGGER `search_documents_au` AFTER UPDATE ON `search_documents` BEGIN
	INSERT INTO `search_fts`(`search_fts`, `rowid`, `body`) VALUES ('delete', old.`id`, old.`body`);
	INSERT INTO `search_fts`(`rowid`, `body`) VALUES (new.`id`, new.`body`);
END;
