-- Per-user retention (docs/contract.md § Retention and account deletion): days a call is kept; NULL = the server default.
ALTER TABLE "users" ADD COLUMN IF NOT EXISTS "retention_days" integer;
--> statement-breakpoint
-- Egress ledger (docs/contract.md § Egress ledger): which outside service received what.
ALTER TABLE "processing_events" ADD COLUMN IF NOT EXISTS "host" text;
--> statement-breakpoint
ALTER TABLE "processing_events" ADD COLUMN IF NOT EXISTS "model" text;
--> statement-breakpoint
ALTER TABLE "processing_events" ADD COLUMN IF NOT EXISTS "data_sent" text;
