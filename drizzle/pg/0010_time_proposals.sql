CREATE TABLE "time_proposal_answers" (
	"option_id" text NOT NULL,
	"person_id" text NOT NULL,
	"answer" text NOT NULL,
	"join_mode" text NOT NULL,
	"entered_by" text NOT NULL,
	"updated_by" text,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "time_proposal_answers_option_id_person_id_pk" PRIMARY KEY("option_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "time_proposal_options" (
	"id" text PRIMARY KEY NOT NULL,
	"proposal_id" text NOT NULL,
	"starts_at" bigint NOT NULL,
	"duration_minutes" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"withdrawn_at" bigint
);
--> statement-breakpoint
CREATE TABLE "time_proposals" (
	"id" text PRIMARY KEY NOT NULL,
	"meeting_id" text NOT NULL,
	"case_id" text NOT NULL,
	"created_by" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"confirmed_option_id" text,
	"confirmed_by" text,
	"confirmed_at" bigint,
	"override_reason" text,
	CONSTRAINT "time_proposals_meeting_id_unique" UNIQUE("meeting_id")
);
--> statement-breakpoint
ALTER TABLE "time_proposal_answers" ADD CONSTRAINT "time_proposal_answers_option_id_time_proposal_options_id_fk" FOREIGN KEY ("option_id") REFERENCES "public"."time_proposal_options"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_proposal_answers" ADD CONSTRAINT "time_proposal_answers_person_id_case_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."case_people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_proposal_answers" ADD CONSTRAINT "time_proposal_answers_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_proposal_options" ADD CONSTRAINT "time_proposal_options_proposal_id_time_proposals_id_fk" FOREIGN KEY ("proposal_id") REFERENCES "public"."time_proposals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_proposals" ADD CONSTRAINT "time_proposals_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_proposals" ADD CONSTRAINT "time_proposals_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_proposals" ADD CONSTRAINT "time_proposals_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_proposals" ADD CONSTRAINT "time_proposals_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "time_proposal_answers_person" ON "time_proposal_answers" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "time_proposal_options_time" ON "time_proposal_options" USING btree ("proposal_id","starts_at","duration_minutes");