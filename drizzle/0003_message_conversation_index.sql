CREATE INDEX `messages_conversation` ON `messages` (`platform`,`conversation_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `messages_status` ON `messages` (`status`);