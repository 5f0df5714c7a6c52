-- Full-text search (docs/contract.md § Search): one row per indexed piece of a call, removed with the call.
-- The 'simple' configuration lower-cases without stemming or stop words, so any language's words match as written.
CREATE TABLE IF NOT EXISTS "search_documents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_id" text NOT NULL REFERENCES "calls"("id") ON DELETE CASCADE,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"segment_id" text,
	"speaker_name" text,
	"start_seconds" double precision,
	"action_item_id" text,
	"body" text NOT NULL,
	"body_tsv" tsvector GENERATED ALWAYS AS (to_tsvector('simple', "body")) STORED
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_documents_call_idx" ON "search_documents" ("call_id","kind");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "search_documents_tsv_idx" ON "search_documents" USING gin ("body_tsv");
