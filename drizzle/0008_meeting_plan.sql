ALTER TABLE `meeting_session_members` ADD `mode` text;--> statement-breakpoint
ALTER TABLE `meetings` ADD `emergency` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `meetings` ADD `facilitator_id` text REFERENCES users(id);