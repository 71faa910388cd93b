DROP INDEX `deliveries_conversation`;--> statement-breakpoint
CREATE INDEX `deliveries_conversation_reply` ON `deliveries` (`platform`,`conversation_id`,`sent_at`,`status`,`kind`,`account`);--> statement-breakpoint
CREATE INDEX `cases_account_closed` ON `cases` (`account`,`closed_at`);--> statement-breakpoint
CREATE INDEX `drafts_account_decided` ON `drafts` (`account`,`decided_at`);--> statement-breakpoint
CREATE INDEX `drafts_account_kind_created` ON `drafts` (`account`,`kind`,`created_at`);