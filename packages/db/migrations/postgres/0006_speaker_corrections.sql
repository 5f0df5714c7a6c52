-- Speaker identities the user pinned (docs/contract.md § Speaker corrections), removed with the call.
CREATE TABLE "speaker_corrections" (
	"call_id" text NOT NULL,
	"speaker_id" text NOT NULL,
	"display_name" text,
	"role" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "speaker_corrections_call_id_speaker_id_pk" PRIMARY KEY("call_id","speaker_id")
);
--> statement-breakpoint
ALTER TABLE "speaker_corrections" ADD CONSTRAINT "speaker_corrections_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;
