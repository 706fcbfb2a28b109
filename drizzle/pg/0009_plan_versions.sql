CREATE TABLE "plan_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"name" text NOT NULL,
	"state" "bytea" NOT NULL,
	"content_hash" text NOT NULL,
	"saved_by_user" text,
	"saved_by_person" text,
	"saved_by_name" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "plan_versions_saved_by" CHECK (("plan_versions"."saved_by_user" IS NULL) <> ("plan_versions"."saved_by_person" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "plan_versions" ADD CONSTRAINT "plan_versions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_versions" ADD CONSTRAINT "plan_versions_saved_by_user_users_id_fk" FOREIGN KEY ("saved_by_user") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_versions" ADD CONSTRAINT "plan_versions_saved_by_person_case_people_id_fk" FOREIGN KEY ("saved_by_person") REFERENCES "public"."case_people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "plan_versions_case" ON "plan_versions" USING btree ("case_id","created_at");--> statement-breakpoint
-- A saved version of a plan is an unchangeable copy (issue 21, as drizzle/0014 on SQLite): agreements bind to
-- its content hash. UPDATE and DELETE are refused row by row; TRUNCATE, which skips row triggers, is refused too.
CREATE FUNCTION plan_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'plan_versions is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER plan_versions_no_update BEFORE UPDATE ON plan_versions FOR EACH ROW EXECUTE FUNCTION plan_versions_append_only();
--> statement-breakpoint
CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON plan_versions FOR EACH ROW EXECUTE FUNCTION plan_versions_append_only();
--> statement-breakpoint
CREATE TRIGGER plan_versions_no_truncate BEFORE TRUNCATE ON plan_versions FOR EACH STATEMENT EXECUTE FUNCTION plan_versions_append_only();
