CREATE TABLE `collab_client_ids` (
	`doc_id` text NOT NULL,
	`client_id` integer NOT NULL,
	`owner` text NOT NULL,
	`claimed_at` integer NOT NULL,
	PRIMARY KEY(`doc_id`, `client_id`)
);
