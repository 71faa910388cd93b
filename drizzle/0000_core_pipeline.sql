CREATE TABLE `audit_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`account` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_subject` ON `audit_events` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE INDEX `audit_account_at` ON `audit_events` (`account`,`action`,`at`);--> statement-breakpoint
CREATE TABLE `blocked_senders` (
	`platform` text NOT NULL,
	`sender_id` text NOT NULL,
	`reason` text,
	`blocked_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`platform`, `sender_id`)
);
--> statement-breakpoint
CREATE TABLE `case_counters` (
	`account` text NOT NULL,
	`day` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`account`, `day`)
);
--> statement-breakpoint
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`account` text NOT NULL,
	`platform` text NOT NULL,
	`conversation_id` text NOT NULL,
	`sender_id` text NOT NULL,
	`intent` text NOT NULL,
	`category` text,
	`status` text DEFAULT 'open' NOT NULL,
	`anonymous` integer DEFAULT false NOT NULL,
	`department` text,
	`opened_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_message_at` integer NOT NULL,
	`closed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_number` ON `cases` (`number`);--> statement-breakpoint
CREATE INDEX `cases_sender` ON `cases` (`account`,`platform`,`sender_id`,`last_message_at`);--> statement-breakpoint
CREATE INDEX `cases_account_opened` ON `cases` (`account`,`opened_at`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`draft_id` text NOT NULL,
	`account` text NOT NULL,
	`platform` text NOT NULL,
	`conversation_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`kind` text NOT NULL,
	`template_key` text,
	`case_id` text,
	`text` text NOT NULL,
	`status` text NOT NULL,
	`priority` integer DEFAULT 5 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`platform_message_id` text,
	`approved_via` text NOT NULL,
	`created_at` integer NOT NULL,
	`sending_at` integer,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_draft` ON `deliveries` (`draft_id`);--> statement-breakpoint
CREATE INDEX `deliveries_conversation` ON `deliveries` (`platform`,`conversation_id`,`sent_at`);--> statement-breakpoint
CREATE INDEX `deliveries_account_sent` ON `deliveries` (`account`,`sent_at`);--> statement-breakpoint
CREATE INDEX `deliveries_status` ON `deliveries` (`status`);--> statement-breakpoint
CREATE TABLE `drafts` (
	`id` text PRIMARY KEY NOT NULL,
	`short_code` text NOT NULL,
	`account` text NOT NULL,
	`case_id` text,
	`inbound_message_id` text,
	`platform` text NOT NULL,
	`conversation_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`kind` text NOT NULL,
	`template_key` text,
	`text` text NOT NULL,
	`original_text` text NOT NULL,
	`locale` text DEFAULT 'zh-Hans' NOT NULL,
	`approval` text NOT NULL,
	`status` text NOT NULL,
	`priority` integer DEFAULT 5 NOT NULL,
	`requested_by` text,
	`decided_by` text,
	`decided_at` integer,
	`reason` text,
	`department` text,
	`edited` integer DEFAULT false NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`announced_at` integer,
	`reminded_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `drafts_short_code` ON `drafts` (`short_code`);--> statement-breakpoint
CREATE INDEX `drafts_status` ON `drafts` (`account`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `drafts_case` ON `drafts` (`case_id`);--> statement-breakpoint
CREATE INDEX `drafts_inbound` ON `drafts` (`inbound_message_id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`queue` text NOT NULL,
	`payload` text NOT NULL,
	`state` text NOT NULL,
	`priority` integer DEFAULT 5 NOT NULL,
	`run_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`locked_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_id` ON `jobs` (`id`);--> statement-breakpoint
CREATE INDEX `jobs_ready` ON `jobs` (`queue`,`state`,`priority`,`run_at`);--> statement-breakpoint
CREATE TABLE `label_corrections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text,
	`text` text NOT NULL,
	`intent` text,
	`category` text,
	`officer_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`account` text NOT NULL,
	`platform` text NOT NULL,
	`platform_message_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`sender_id` text NOT NULL,
	`sender_name` text,
	`text` text NOT NULL,
	`attachments` text DEFAULT '[]' NOT NULL,
	`meta` text DEFAULT '{}' NOT NULL,
	`sent_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`status` text DEFAULT 'received' NOT NULL,
	`case_id` text,
	`intent` text,
	`category` text,
	`confidence` real,
	`classification` text,
	`anonymous` integer DEFAULT false NOT NULL,
	`triaged_at` integer,
	`redacted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_platform_account_pmid` ON `messages` (`platform`,`account`,`platform_message_id`);--> statement-breakpoint
CREATE INDEX `messages_account_received` ON `messages` (`account`,`received_at`);--> statement-breakpoint
CREATE INDEX `messages_case` ON `messages` (`case_id`);--> statement-breakpoint
CREATE INDEX `messages_sender` ON `messages` (`platform`,`sender_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `officers` (
	`id` text PRIMARY KEY NOT NULL,
	`platform` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`role` text DEFAULT 'officer' NOT NULL,
	`token_hash` text,
	`active` integer DEFAULT true NOT NULL,
	`on_duty` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`removed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `officers_platform_user` ON `officers` (`platform`,`user_id`);--> statement-breakpoint
CREATE TABLE `rebuttals` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`claims` text NOT NULL,
	`verdict` text NOT NULL,
	`rebuttal` text NOT NULL,
	`source` text,
	`status` text DEFAULT 'draft' NOT NULL,
	`published_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rebuttals_status` ON `rebuttals` (`status`);--> statement-breakpoint
CREATE TABLE `template_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`version` integer NOT NULL,
	`source` text NOT NULL,
	`author` text NOT NULL,
	`created_at` integer NOT NULL,
	`note` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `template_versions_key_version` ON `template_versions` (`key`,`version`);