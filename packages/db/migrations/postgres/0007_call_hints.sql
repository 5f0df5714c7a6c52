ALTER TABLE "calls" ADD COLUMN "language" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "vocabulary" jsonb DEFAULT '[]'::jsonb NOT NULL;
