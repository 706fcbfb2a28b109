CREATE TABLE `sign_in_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`invite_id` text NOT NULL,
	`code_hash` blob NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`invite_id`) REFERENCES `invites`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sign_in_codes_invite` ON `sign_in_codes` (`invite_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `invites` ADD `destination_hash` blob;--> statement-breakpoint
CREATE INDEX `invites_destination` ON `invites` (`destination_hash`);--> statement-breakpoint
ALTER TABLE `meeting_sessions` ADD `ended_at` integer;--> statement-breakpoint
ALTER TABLE `meeting_sessions` ADD `shared_at` integer;--> statement-breakpoint
ALTER TABLE `meeting_sessions` ADD `shared_by` text REFERENCES case_people(id);--> statement-breakpoint
-- Meetings that got two family times from a double press keep the newest open; the others end when they began.
UPDATE `meeting_sessions` SET `ended_at` = `created_at` WHERE `kind` = 'FAMILY_ALONE' AND `ended_at` IS NULL AND EXISTS (SELECT 1 FROM `meeting_sessions` AS `newer` WHERE `newer`.`meeting_id` = `meeting_sessions`.`meeting_id` AND `newer`.`kind` = 'FAMILY_ALONE' AND (`newer`.`created_at` > `meeting_sessions`.`created_at` OR (`newer`.`created_at` = `meeting_sessions`.`created_at` AND `newer`.`id` > `meeting_sessions`.`id`)));--> statement-breakpoint
CREATE UNIQUE INDEX `meeting_sessions_one_open_family_time` ON `meeting_sessions` (`meeting_id`) WHERE "meeting_sessions"."kind" = 'FAMILY_ALONE' AND "meeting_sessions"."ended_at" IS NULL;