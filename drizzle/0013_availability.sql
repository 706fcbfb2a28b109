CREATE TABLE `availability` (
	`person_id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`time_zone` text NOT NULL,
	`weekly` text NOT NULL,
	`dates` text NOT NULL,
	`join_modes` text NOT NULL,
	`in_person_place` text,
	`place_name` text,
	`needs` text NOT NULL,
	`interpreter_language` text,
	`entered_by` text NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
