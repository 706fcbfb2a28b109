CREATE TABLE `invites` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`person_id` text NOT NULL,
	`meeting_id` text,
	`access_role` text NOT NULL,
	`locale` text NOT NULL,
	`token_hash` blob NOT NULL,
	`short_code_hash` blob NOT NULL,
	`verify_code_hash` blob,
	`verify_attempts` integer DEFAULT 0 NOT NULL,
	`channel` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invites_token` ON `invites` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `invites_short_code` ON `invites` (`short_code_hash`);--> statement-breakpoint
CREATE INDEX `invites_case` ON `invites` (`case_id`);--> statement-breakpoint
CREATE TABLE `keep_apart_pairs` (
	`case_id` text NOT NULL,
	`person_a` text NOT NULL,
	`person_b` text NOT NULL,
	`set_by` text,
	`set_at` integer NOT NULL,
	PRIMARY KEY(`person_a`, `person_b`),
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_a`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_b`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`set_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "keep_apart_ordered" CHECK("keep_apart_pairs"."person_a" < "keep_apart_pairs"."person_b")
);
--> statement-breakpoint
CREATE INDEX `keep_apart_case` ON `keep_apart_pairs` (`case_id`);--> statement-breakpoint
CREATE TABLE `meeting_session_members` (
	`meeting_session_id` text NOT NULL,
	`person_id` text NOT NULL,
	PRIMARY KEY(`meeting_session_id`, `person_id`),
	FOREIGN KEY (`meeting_session_id`) REFERENCES `meeting_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `meeting_session_members_person` ON `meeting_session_members` (`person_id`);--> statement-breakpoint
CREATE TABLE `meeting_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`meeting_id` text NOT NULL,
	`kind` text NOT NULL,
	`for_person_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`for_person_id`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `meeting_sessions_meeting` ON `meeting_sessions` (`meeting_id`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text,
	`person_id` text,
	`channel` text NOT NULL,
	`kind` text NOT NULL,
	`locale` text NOT NULL,
	`status` text NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`person_id`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `outbox_case` ON `outbox` (`case_id`);--> statement-breakpoint
CREATE TABLE `participants` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`person_id` text NOT NULL,
	`meeting_id` text,
	`access_role` text NOT NULL,
	`invite_id` text NOT NULL,
	`locale` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invite_id`) REFERENCES `invites`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `participants_person` ON `participants` (`person_id`);--> statement-breakpoint
CREATE INDEX `participants_invite` ON `participants` (`invite_id`);--> statement-breakpoint
CREATE TABLE `sensitivity_labels` (
	`person_id` text NOT NULL,
	`label` text NOT NULL,
	`set_by` text,
	`set_at` integer NOT NULL,
	PRIMARY KEY(`person_id`, `label`),
	FOREIGN KEY (`person_id`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`set_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`secret_hash` blob NOT NULL,
	`user_id` text,
	`participant_id` text,
	`created_at` integer NOT NULL,
	`last_active_at` integer NOT NULL,
	`client_address` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "sessions_one_owner" CHECK(("__new_sessions"."user_id" IS NULL) <> ("__new_sessions"."participant_id" IS NULL))
);
--> statement-breakpoint
INSERT INTO `__new_sessions`("id", "secret_hash", "user_id", "participant_id", "created_at", "last_active_at", "client_address", "user_agent") SELECT "id", "secret_hash", "user_id", NULL, "created_at", "last_active_at", "client_address", "user_agent" FROM `sessions`;--> statement-breakpoint
DROP TABLE `sessions`;--> statement-breakpoint
ALTER TABLE `__new_sessions` RENAME TO `sessions`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `sessions_user` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_participant` ON `sessions` (`participant_id`);--> statement-breakpoint
ALTER TABLE `case_people` ADD `email` text;--> statement-breakpoint
ALTER TABLE `case_people` ADD `phone` text;--> statement-breakpoint
ALTER TABLE `case_people` ADD `address` text;