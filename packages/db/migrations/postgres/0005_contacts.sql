-- Contacts (docs/contract.md § Contacts): calls grouped per person, owner-scoped; the phone number only as a keyed hash
-- inside "group_key" plus its last four digits.
CREATE TABLE IF NOT EXISTS "contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL REFERENCES "users"("id") ON DELETE cascade,
	"group_key" text NOT NULL,
	"client_contact_id" text,
	"phone_last4" text,
	"display_name" text,
	"last_call_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "contacts_user_group_key_uq" ON "contacts" ("user_id","group_key");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "contacts_user_last_call_idx" ON "contacts" ("user_id","last_call_at","id");
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN IF NOT EXISTS "contact_ref" text REFERENCES "contacts"("id") ON DELETE set null;
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN IF NOT EXISTS "sentiment" text;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "calls_contact_created_idx" ON "calls" ("contact_ref","created_at","id");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "server_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
-- A contact is derived from its calls: the last one deleted (by the user, retention or account deletion) takes it along.
CREATE OR REPLACE FUNCTION "contacts_prune_empty"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM "contacts" WHERE "id" = OLD."contact_ref"
		AND NOT EXISTS (SELECT 1 FROM "calls" WHERE "contact_ref" = OLD."contact_ref");
	RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS "contacts_prune_after_call_delete" ON "calls";
--> statement-breakpoint
CREATE TRIGGER "contacts_prune_after_call_delete" AFTER DELETE ON "calls"
FOR EACH ROW WHEN (OLD."contact_ref" IS NOT NULL) EXECUTE FUNCTION "contacts_prune_empty"();
