CREATE TABLE `child_voices` (
	`meeting_id` text NOT NULL,
	`child_id` text NOT NULL,
	`worries` text NOT NULL,
	`good_things` text NOT NULL,
	`dreams` text NOT NULL,
	`house_names` text,
	`parent_needed` integer DEFAULT 1 NOT NULL,
	`child_agreed_at` integer,
	`parent_agreed_at` integer,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`meeting_id`, `child_id`),
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`child_id`) REFERENCES `case_people`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
