ALTER TABLE "meeting_session_members" ADD COLUMN "mode" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "emergency" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "facilitator_id" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_facilitator_id_users_id_fk" FOREIGN KEY ("facilitator_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;