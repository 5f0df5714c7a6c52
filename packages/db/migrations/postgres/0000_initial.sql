CREATE TABLE "action_items" (
	"id" text PRIMARY KEY NOT NULL,
	"call_id" text NOT NULL,
	"user_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"due_date" text,
	"status" text NOT NULL,
	"priority" text NOT NULL,
	"source" text NOT NULL,
	"source_text" text,
	"owner_speaker_id" text,
	"owner_speaker_label" text,
	"owner_display_name" text,
	"owner_role" text,
	"source_segment_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"intent" text,
	"intent_metadata" jsonb,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_artifacts" (
	"call_id" text NOT NULL,
	"type" text NOT NULL,
	"storage_key" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "call_artifacts_call_id_type_pk" PRIMARY KEY("call_id","type")
);
--> statement-breakpoint
CREATE TABLE "calls" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"title" text,
	"contact_name" text,
	"contact_id" text,
	"phone_number" text,
	"organization" text,
	"direction" text,
	"recorded_at" timestamp (3) with time zone,
	"duration_seconds" double precision,
	"status" text NOT NULL,
	"error_reason" text,
	"summary_override" text,
	"analysis_summary" text,
	"notes" text,
	"source_content_type" text,
	"source_size_bytes" bigint,
	"stale_requeues" integer DEFAULT 0 NOT NULL,
	"status_changed_at" timestamp (3) with time zone NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"user_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"state" text NOT NULL,
	"response_status" integer,
	"response_body" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
CREATE TABLE "processing_events" (
	"id" text PRIMARY KEY NOT NULL,
	"call_id" text NOT NULL,
	"stage" text NOT NULL,
	"status" text NOT NULL,
	"duration_ms" integer,
	"provider" text,
	"error_code" text,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"auth_uid" text NOT NULL,
	"email" text,
	"display_name" text,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "action_items" ADD CONSTRAINT "action_items_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_artifacts" ADD CONSTRAINT "call_artifacts_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processing_events" ADD CONSTRAINT "processing_events_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "action_items_user_created_idx" ON "action_items" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "action_items_call_idx" ON "action_items" USING btree ("call_id","created_at");--> statement-breakpoint
CREATE INDEX "call_artifacts_type_created_idx" ON "call_artifacts" USING btree ("type","created_at");--> statement-breakpoint
CREATE INDEX "calls_user_created_idx" ON "calls" USING btree ("user_id","created_at","id");--> statement-breakpoint
CREATE INDEX "calls_user_status_created_idx" ON "calls" USING btree ("user_id","status","created_at","id");--> statement-breakpoint
CREATE INDEX "calls_status_changed_idx" ON "calls" USING btree ("status","status_changed_at");--> statement-breakpoint
CREATE INDEX "idempotency_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "processing_events_call_idx" ON "processing_events" USING btree ("call_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_auth_uid_uq" ON "users" USING btree ("auth_uid");