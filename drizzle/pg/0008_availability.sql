CREATE TABLE "availability" (
	"person_id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"time_zone" text NOT NULL,
	"weekly" text NOT NULL,
	"dates" text NOT NULL,
	"join_modes" text NOT NULL,
	"in_person_place" text,
	"place_name" text,
	"needs" text NOT NULL,
	"interpreter_language" text,
	"entered_by" text NOT NULL,
	"updated_by" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "availability" ADD CONSTRAINT "availability_person_id_case_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."case_people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "availability" ADD CONSTRAINT "availability_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "availability" ADD CONSTRAINT "availability_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;