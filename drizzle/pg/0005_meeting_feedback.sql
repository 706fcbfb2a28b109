CREATE TABLE "meeting_feedback" (
	"id" text PRIMARY KEY NOT NULL,
	"meeting_id" text NOT NULL,
	"respondent" text NOT NULL,
	"answers" text NOT NULL,
	"comment" text
);
--> statement-breakpoint
CREATE TABLE "meeting_feedback_given" (
	"meeting_id" text NOT NULL,
	"participant_id" text NOT NULL,
	CONSTRAINT "meeting_feedback_given_meeting_id_participant_id_pk" PRIMARY KEY("meeting_id","participant_id")
);
--> statement-breakpoint
ALTER TABLE "meeting_feedback" ADD CONSTRAINT "meeting_feedback_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_feedback_given" ADD CONSTRAINT "meeting_feedback_given_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_feedback_given" ADD CONSTRAINT "meeting_feedback_given_participant_id_participants_id_fk" FOREIGN KEY ("participant_id") REFERENCES "public"."participants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "meeting_feedback_meeting" ON "meeting_feedback" USING btree ("meeting_id");