CREATE TABLE "child_voices" (
	"meeting_id" text NOT NULL,
	"child_id" text NOT NULL,
	"worries" text NOT NULL,
	"good_things" text NOT NULL,
	"dreams" text NOT NULL,
	"house_names" text,
	"parent_needed" integer DEFAULT 1 NOT NULL,
	"child_agreed_at" bigint,
	"parent_agreed_at" bigint,
	"updated_by" text,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "child_voices_meeting_id_child_id_pk" PRIMARY KEY("meeting_id","child_id")
);
--> statement-breakpoint
ALTER TABLE "child_voices" ADD CONSTRAINT "child_voices_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_voices" ADD CONSTRAINT "child_voices_child_id_case_people_id_fk" FOREIGN KEY ("child_id") REFERENCES "public"."case_people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "child_voices" ADD CONSTRAINT "child_voices_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;