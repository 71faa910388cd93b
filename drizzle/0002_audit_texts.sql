CREATE TABLE `audit_texts` (
	`hash` text PRIMARY KEY NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_texts_created` ON `audit_texts` (`created_at`);