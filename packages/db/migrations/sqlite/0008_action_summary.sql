-- The call list's action summary (docs/architecture.md § The call list) kept on the call row, so the list
-- page is one index range scan: the live (not dismissed) action items' count and the oldest one's title.
ALTER TABLE `calls` ADD `action_item_count` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE `calls` ADD `first_action_title` text;
--> statement-breakpoint
UPDATE `calls` SET
	`action_item_count` = (SELECT count(*) FROM `action_items` a WHERE a.`call_id` = `calls`.`id` AND a.`status` <> 'DISMISSED'),
	`first_action_title` = (SELECT a.`title` FROM `action_items` a WHERE a.`call_id` = `calls`.`id` AND a.`status` <> 'DISMISSED'
		ORDER BY a.`created_at`, a.`id` LIMIT 1)
WHERE `id` IN (SELECT `call_id` FROM `action_items`);
--> statement-breakpoint
-- Recomputed from the items (not counted up and down), so every write path leaves it exact; SQLite has one
-- writer at a time, so no concurrent writer can slip in between. A SQLite trigger fires on one event and
-- cannot call a shared body, hence the same statement in each of the three.
CREATE TRIGGER `action_items_refresh_call_summary_insert` AFTER INSERT ON `action_items`
BEGIN
	UPDATE `calls` SET
		`action_item_count` = (SELECT count(*) FROM `action_items` a WHERE a.`call_id` = `calls`.`id` AND a.`status` <> 'DISMISSED'),
		`first_action_title` = (SELECT a.`title` FROM `action_items` a WHERE a.`call_id` = `calls`.`id` AND a.`status` <> 'DISMISSED'
			ORDER BY a.`created_at`, a.`id` LIMIT 1)
	WHERE `id` = NEW.`call_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `action_items_refresh_call_summary_delete` AFTER DELETE ON `action_items`
BEGIN
	UPDATE `calls` SET
		`action_item_count` = (SELECT count(*) FROM `action_items` a WHERE a.`call_id` = `calls`.`id` AND a.`status` <> 'DISMISSED'),
		`first_action_title` = (SELECT a.`title` FROM `action_items` a WHERE a.`call_id` = `calls`.`id` AND a.`status` <> 'DISMISSED'
			ORDER BY a.`created_at`, a.`id` LIMIT 1)
	WHERE `id` = OLD.`call_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `action_items_refresh_call_summary_update` AFTER UPDATE OF `call_id`, `status`, `title`, `created_at` ON `action_items`
BEGIN
	UPDATE `calls` SET
		`action_item_count` = (SELECT count(*) FROM `action_items` a WHERE a.`call_id` = `calls`.`id` AND a.`status` <> 'DISMISSED'),
		`first_action_title` = (SELECT a.`title` FROM `action_items` a WHERE a.`call_id` = `calls`.`id` AND a.`status` <> 'DISMISSED'
			ORDER BY a.`created_at`, a.`id` LIMIT 1)
	WHERE `id` IN (OLD.`call_id`, NEW.`call_id`);
END;
