/**
 * The database schema (drizzle-orm, SQLite). Migrations in `drizzle/` are generated from this file by
 * `npm run db:generate -- --name <what_changed>` and committed; never edit a generated migration.
 * Times are stored as integer milliseconds since the epoch (UTC); reports convert to REPORT_TIMEZONE.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const ms = (name: string) => integer(name, { mode: 'number' });

/** Every inbound citizen message, stored once (unique on platform + account + platform message id). */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    account: text('account').notNull(),
    platform: text('platform').notNull(),
    platformMessageId: text('platform_message_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    senderId: text('sender_id').notNull(),
    senderName: text('sender_name'),
    text: text('text').notNull(),
    attachments: text('attachments', { mode: 'json' }).$type<unknown[]>().notNull().default(sql`'[]'`),
    meta: text('meta', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    sentAt: ms('sent_at').notNull(),
    receivedAt: ms('received_at').notNull(),
    /** received → triaged; `ignored` when abuse control stored it without answering. */
    status: text('status').notNull().default('received'),
    caseId: text('case_id'),
    intent: text('intent'),
    category: text('category'),
    confidence: real('confidence'),
    classification: text('classification', { mode: 'json' }).$type<Record<string, unknown>>(),
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull().default(false),
    triagedAt: ms('triaged_at'),
    /** Body removed by the retention job (tallies keep working from the other columns). */
    redactedAt: ms('redacted_at'),
  },
  (t) => [
    uniqueIndex('messages_platform_account_pmid').on(t.platform, t.account, t.platformMessageId),
    index('messages_account_received').on(t.account, t.receivedAt),
    index('messages_case').on(t.caseId),
    index('messages_sender').on(t.platform, t.senderId, t.receivedAt),
    index('messages_conversation').on(t.platform, t.conversationId, t.receivedAt),
    index('messages_status').on(t.status),
  ],
);

/** A case groups a citizen's messages about one matter and carries the number quoted to them. */
export const cases = sqliteTable(
  'cases',
  {
    id: text('id').primaryKey(),
    number: text('number').notNull(),
    account: text('account').notNull(),
    platform: text('platform').notNull(),
    conversationId: text('conversation_id').notNull(),
    senderId: text('sender_id').notNull(),
    intent: text('intent').notNull(),
    category: text('category'),
    status: text('status').notNull().default('open'),
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull().default(false),
    department: text('department'),
    openedAt: ms('opened_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    lastMessageAt: ms('last_message_at').notNull(),
    closedAt: ms('closed_at'),
  },
  (t) => [
    uniqueIndex('cases_number').on(t.number),
    index('cases_sender').on(t.account, t.platform, t.senderId, t.lastMessageAt),
    index('cases_account_opened').on(t.account, t.openedAt),
    index('cases_account_closed').on(t.account, t.closedAt),
  ],
);

/** Per account per day sequence for case numbers; a number once taken is never handed out again. */
export const caseCounters = sqliteTable(
  'case_counters',
  {
    account: text('account').notNull(),
    day: text('day').notNull(),
    seq: integer('seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.account, t.day] })],
);

/** A proposed reply: drafted by triage or an officer, decided automatically or by an officer. */
export const drafts = sqliteTable(
  'drafts',
  {
    id: text('id').primaryKey(),
    shortCode: text('short_code').notNull(),
    account: text('account').notNull(),
    caseId: text('case_id'),
    inboundMessageId: text('inbound_message_id'),
    platform: text('platform').notNull(),
    conversationId: text('conversation_id').notNull(),
    recipientId: text('recipient_id').notNull(),
    kind: text('kind').notNull(),
    templateKey: text('template_key'),
    text: text('text').notNull(),
    originalText: text('original_text').notNull(),
    locale: text('locale').notNull().default('zh-Hans'),
    approval: text('approval').notNull(),
    status: text('status').notNull(),
    priority: integer('priority').notNull().default(5),
    requestedBy: text('requested_by'),
    decidedBy: text('decided_by'),
    decidedAt: ms('decided_at'),
    reason: text('reason'),
    department: text('department'),
    edited: integer('edited', { mode: 'boolean' }).notNull().default(false),
    /** Extra data: warning target and reason, rebuttal candidates, rebuttal id … */
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    createdAt: ms('created_at').notNull(),
    announcedAt: ms('announced_at'),
    remindedAt: ms('reminded_at'),
  },
  (t) => [
    uniqueIndex('drafts_short_code').on(t.shortCode),
    index('drafts_status').on(t.account, t.status, t.createdAt),
    index('drafts_case').on(t.caseId),
    index('drafts_inbound').on(t.inboundMessageId),
    index('drafts_account_decided').on(t.account, t.decidedAt),
    index('drafts_account_kind_created').on(t.account, t.kind, t.createdAt),
    // Cluster sizes and members are looked up by leader on every clustered draft (see review/clusters.ts).
    index('drafts_cluster_leader').on(sql`json_extract(${t.data}, '$.clusterLeader')`),
  ],
);

/**
 * The outbound message: one per approved draft. Its status moves approved → sending → sent by
 * compare-and-set; the platform is called only by whoever won `approved → sending`.
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    draftId: text('draft_id').notNull(),
    account: text('account').notNull(),
    platform: text('platform').notNull(),
    conversationId: text('conversation_id').notNull(),
    recipientId: text('recipient_id').notNull(),
    kind: text('kind').notNull(),
    templateKey: text('template_key'),
    caseId: text('case_id'),
    text: text('text').notNull(),
    status: text('status').notNull(),
    priority: integer('priority').notNull().default(5),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    platformMessageId: text('platform_message_id'),
    /** How the text was approved: auto, approved, edited (for tallies). */
    approvedVia: text('approved_via').notNull(),
    createdAt: ms('created_at').notNull(),
    sendingAt: ms('sending_at'),
    sentAt: ms('sent_at'),
  },
  (t) => [
    uniqueIndex('deliveries_draft').on(t.draftId),
    index('deliveries_conversation_reply').on(t.platform, t.conversationId, t.sentAt, t.status, t.kind, t.account),
    index('deliveries_account_sent').on(t.account, t.sentAt),
    index('deliveries_status').on(t.status),
  ],
);

/** Tamper-evident log of every step: each row hashes its content and the previous row's hash. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    at: ms('at').notNull(),
    account: text('account').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_subject').on(t.subjectType, t.subjectId), index('audit_account_at').on(t.account, t.action, t.at)],
);

/**
 * Citizen-derived texts quoted by audit events (drafts, edits, warnings). The event stores only
 * `sha256:<hash>` of the text, so the hash chain covers it, while retention can delete the text
 * itself: an expired text reads as deleted, not as tampering.
 */
export const auditTexts = sqliteTable(
  'audit_texts',
  {
    hash: text('hash').primaryKey(),
    text: text('text').notNull(),
    /** Last time an event quoted this text (retention counts from here). */
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('audit_texts_created').on(t.createdAt)],
);

/** The allow-list of officers and admins, per platform identity. Tokens are stored as scrypt hashes. */
export const officers = sqliteTable(
  'officers',
  {
    id: text('id').primaryKey(),
    platform: text('platform').notNull(),
    userId: text('user_id').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull().default('officer'),
    tokenHash: text('token_hash'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    onDuty: integer('on_duty', { mode: 'boolean' }).notNull().default(false),
    createdAt: ms('created_at').notNull(),
    removedAt: ms('removed_at'),
  },
  (t) => [uniqueIndex('officers_platform_user').on(t.platform, t.userId)],
);

/** Versions of reply templates edited by admins; files under templates/ are version 0. */
export const templateVersions = sqliteTable(
  'template_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    key: text('key').notNull(),
    version: integer('version').notNull(),
    source: text('source').notNull(),
    author: text('author').notNull(),
    createdAt: ms('created_at').notNull(),
    note: text('note'),
  },
  (t) => [uniqueIndex('template_versions_key_version').on(t.key, t.version)],
);

/** The rebuttal library (辟谣库). */
export const rebuttals = sqliteTable(
  'rebuttals',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    claims: text('claims', { mode: 'json' }).$type<string[]>().notNull(),
    verdict: text('verdict').notNull(),
    rebuttal: text('rebuttal').notNull(),
    source: text('source'),
    status: text('status').notNull().default('draft'),
    publishedAt: ms('published_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('rebuttals_status').on(t.status)],
);

/** Labels corrected by officers; training input for the classifier's next retrain. */
export const labelCorrections = sqliteTable('label_corrections', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  messageId: text('message_id'),
  text: text('text').notNull(),
  intent: text('intent'),
  category: text('category'),
  officerId: text('officer_id').notNull(),
  createdAt: ms('created_at').notNull(),
});

/** Senders officers blocked; their messages are stored but not answered. */
export const blockedSenders = sqliteTable(
  'blocked_senders',
  {
    platform: text('platform').notNull(),
    senderId: text('sender_id').notNull(),
    reason: text('reason'),
    blockedBy: text('blocked_by').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.senderId] })],
);

/**
 * The embedded queue driver's jobs. `id` is `${queue}/${jobId}`, so re-enqueueing the same job id is a
 * no-op while the job is known. Completed jobs are deleted; failed ones stay (dead letter).
 */
export const jobs = sqliteTable(
  'jobs',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    queue: text('queue').notNull(),
    payload: text('payload').notNull(),
    state: text('state').notNull(),
    priority: integer('priority').notNull().default(5),
    runAt: ms('run_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    lockedUntil: ms('locked_until'),
    lastError: text('last_error'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [uniqueIndex('jobs_id').on(t.id), index('jobs_ready').on(t.queue, t.state, t.priority, t.runAt)],
);
