-- The call list's action summary (docs/architecture.md § The call list) kept on the call row, so the list
-- page is one index range scan: the live (not dismissed) action items' count and the oldest one's title.
ALTER TABLE "calls" ADD COLUMN "action_item_count" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "first_action_title" text;
--> statement-breakpoint
UPDATE "calls" SET
	"action_item_count" = (SELECT count(*) FROM "action_items" a WHERE a."call_id" = "calls"."id" AND a."status" <> 'DISMISSED'),
	"first_action_title" = (SELECT a."title" FROM "action_items" a WHERE a."call_id" = "calls"."id" AND a."status" <> 'DISMISSED'
		ORDER BY a."created_at", a."id" LIMIT 1)
WHERE "id" IN (SELECT "call_id" FROM "action_items");
--> statement-breakpoint
-- Recomputed from the items (not counted up and down), so every write path leaves it exact, once per statement
-- for the calls it touched (the analysis replaces a call's items in two statements, not two per item). The row
-- locks come first and the update is a statement of its own: under READ COMMITTED it then takes a snapshot that
-- sees the items of a concurrent writer of the same call, which committed while we waited. NO KEY UPDATE does
-- not conflict with the KEY SHARE lock every action-item insert takes on its call (the foreign key).
CREATE OR REPLACE FUNCTION "calls_refresh_action_summary"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	affected text[];
BEGIN
	IF TG_OP = 'INSERT' THEN
		SELECT array_agg(DISTINCT "call_id") INTO affected FROM "new_items";
	ELSIF TG_OP = 'DELETE' THEN
		SELECT array_agg(DISTINCT "call_id") INTO affected FROM "old_items";
	ELSE
		SELECT array_agg(DISTINCT "call_id") INTO affected
		FROM (SELECT "call_id" FROM "old_items" UNION SELECT "call_id" FROM "new_items") AS "changed";
	END IF;
	IF affected IS NULL THEN
		RETURN NULL;
	END IF;
	PERFORM 1 FROM "calls" WHERE "id" = ANY(affected) ORDER BY "id" FOR NO KEY UPDATE;
	UPDATE "calls" SET
		"action_item_count" = (SELECT count(*) FROM "action_items" a WHERE a."call_id" = "calls"."id" AND a."status" <> 'DISMISSED'),
		"first_action_title" = (SELECT a."title" FROM "action_items" a WHERE a."call_id" = "calls"."id" AND a."status" <> 'DISMISSED'
			ORDER BY a."created_at", a."id" LIMIT 1)
	WHERE "id" = ANY(affected);
	RETURN NULL;
END
$$;
--> statement-breakpoint
-- A trigger with transition tables has one event each.
CREATE TRIGGER "action_items_refresh_call_summary_insert" AFTER INSERT ON "action_items"
REFERENCING NEW TABLE AS "new_items" FOR EACH STATEMENT EXECUTE FUNCTION "calls_refresh_action_summary"();
--> statement-breakpoint
CREATE TRIGGER "action_items_refresh_call_summary_delete" AFTER DELETE ON "action_items"
REFERENCING OLD TABLE AS "old_items" FOR EACH STATEMENT EXECUTE FUNCTION "calls_refresh_action_summary"();
--> statement-breakpoint
CREATE TRIGGER "action_items_refresh_call_summary_update" AFTER UPDATE ON "action_items"
REFERENCING OLD TABLE AS "old_items" NEW TABLE AS "new_items" FOR EACH STATEMENT EXECUTE FUNCTION "calls_refresh_action_summary"();
