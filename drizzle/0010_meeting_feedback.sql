-- Written by hand after drizzle-kit: WITHOUT ROWID, so that neither table keeps the order its rows came in
-- (a rowid would let the n-th answer be matched with the n-th person who answered: schema.ts meetingFeedback).
CREATE TABLE `meeting_feedback` (
	`id` text PRIMARY KEY NOT NULL,
	`meeting_id` text NOT NULL,
	`respondent` text NOT NULL,
	`answers` text NOT NULL,
	`comment` text,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `meeting_feedback_meeting` ON `meeting_feedback` (`meeting_id`);--> statement-breakpoint
CREATE TABLE `meeting_feedback_given` (
	`meeting_id` text NOT NULL,
	`participant_id` text NOT NULL,
	PRIMARY KEY(`meeting_id`, `participant_id`),
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
