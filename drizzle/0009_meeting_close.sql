CREATE TABLE `meeting_summaries` (
	`id` text PRIMARY KEY NOT NULL,
	`meeting_id` text NOT NULL,
	`version` integer NOT NULL,
	`facts` text NOT NULL,
	`correction` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `meeting_summaries_version` ON `meeting_summaries` (`meeting_id`,`version`);--> statement-breakpoint
ALTER TABLE `meetings` ADD `closed_at` integer;--> statement-breakpoint
ALTER TABLE `meetings` ADD `closed_by` text REFERENCES users(id);