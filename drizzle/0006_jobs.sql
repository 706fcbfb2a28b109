CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`payload` text,
	`unique_key` text,
	`status` text NOT NULL,
	`run_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`last_error` text,
	`locked_by` text,
	`locked_until` integer,
	`created_at` integer NOT NULL,
	`done_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_due` ON `jobs` (`run_at`) WHERE "jobs"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_pending_key` ON `jobs` (`unique_key`) WHERE "jobs"."status" = 'pending';--> statement-breakpoint
CREATE INDEX `jobs_done` ON `jobs` (`done_at`);