ALTER TABLE "calls" ADD COLUMN "retry_stage" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "retry_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "retrying_until" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "failure_transient" boolean DEFAULT false NOT NULL;
