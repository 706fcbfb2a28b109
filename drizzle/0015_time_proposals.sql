CREATE TABLE `time_proposal_answers` (
	`option_id` text NOT NULL,
	`person_id` text NOT NULL,
	`answer` text NOT NULL,
	`join_mode` text NOT NULL,
	`entered_by` text NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`option_id`, `person_id`),
	FOREIGN KEY (`option_id`) REFERENCES `time_proposal_options`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`person_id`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `time_proposal_answers_person` ON `time_proposal_answers` (`person_id`);--> statement-breakpoint
CREATE TABLE `time_proposal_options` (
	`id` text PRIMARY KEY NOT NULL,
	`proposal_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`duration_minutes` integer NOT NULL,
	`created_at` integer NOT NULL,
	`withdrawn_at` integer,
	FOREIGN KEY (`proposal_id`) REFERENCES `time_proposals`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `time_proposal_options_time` ON `time_proposal_options` (`proposal_id`,`starts_at`,`duration_minutes`);--> statement-breakpoint
CREATE TABLE `time_proposals` (
	`id` text PRIMARY KEY NOT NULL,
	`meeting_id` text NOT NULL,
	`case_id` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`confirmed_option_id` text,
	`confirmed_by` text,
	`confirmed_at` integer,
	`override_reason` text,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`confirmed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `time_proposals_meeting_id_unique` ON `time_proposals` (`meeting_id`);