CREATE TABLE `plan_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`name` text NOT NULL,
	`state` blob NOT NULL,
	`content_hash` text NOT NULL,
	`saved_by_user` text,
	`saved_by_person` text,
	`saved_by_name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`saved_by_user`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`saved_by_person`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "plan_versions_saved_by" CHECK(("plan_versions"."saved_by_user" IS NULL) <> ("plan_versions"."saved_by_person" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `plan_versions_case` ON `plan_versions` (`case_id`,`created_at`);--> statement-breakpoint
-- A saved version of a plan is an unchangeable copy (issue 21): agreements bind to its content hash.
CREATE TRIGGER plan_versions_no_update BEFORE UPDATE ON plan_versions
BEGIN
	SELECT RAISE(ABORT, 'plan_versions is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON plan_versions
BEGIN
	SELECT RAISE(ABORT, 'plan_versions is append-only');
END;
