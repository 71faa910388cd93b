/**
 * zod schemas for the objects that cross a boundary (adapter → core, core → queue, core → adapter,
 * store → report). Types are inferred from the schemas so the two can never disagree.
 */
import { z } from 'zod';
import { CATEGORIES, INTENTS, PLATFORMS, REPLY_KINDS } from './vocabulary.ts';

export const IntentSchema = z.enum(INTENTS);
export const CategorySchema = z.enum(CATEGORIES);
export const PlatformSchema = z.enum(PLATFORMS);
export const ReplyKindSchema = z.enum(REPLY_KINDS);

/** An IANA zone name `Intl` knows (REPORT_TIMEZONE, report scopes). */
export const TimeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not a known IANA time zone (for example Asia/Shanghai)');

/** Longest inbound text we accept (characters). Longer bodies are refused at the edge, not truncated. */
export const MAX_TEXT_LENGTH = 10_000;

export const AttachmentSchema = z.object({
  type: z.enum(['image', 'document', 'voice', 'video', 'link', 'location', 'other']),
  /** Platform file id or URL; never the bytes. */
  ref: z.string().min(1).max(2048),
  name: z.string().max(512).optional(),
  mimeType: z.string().max(255).optional(),
  caption: z.string().max(MAX_TEXT_LENGTH).optional(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

/** A citizen's message, normalized by an adapter. Adapters produce exactly this and nothing else. */
export const InboundMessageSchema = z
  .object({
    platform: PlatformSchema,
    account: z.string().min(1).max(64),
    conversationId: z.string().min(1).max(256),
    senderId: z.string().min(1).max(256),
    senderName: z.string().max(256).optional(),
    platformMessageId: z.string().min(1).max(256),
    text: z.string().max(MAX_TEXT_LENGTH).default(''),
    attachments: z.array(AttachmentSchema).max(50).default([]),
    sentAt: z.coerce.date(),
    /** Evidence the platform gives beyond the text (forward origin, edit of an earlier message …). */
    meta: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((m) => m.text.trim().length > 0 || m.attachments.length > 0, {
    message: 'a message needs text or at least one attachment',
    path: ['text'],
  });
export type InboundMessage = z.infer<typeof InboundMessageSchema>;
export type InboundMessageInput = z.input<typeof InboundMessageSchema>;

export const EntitiesSchema = z.object({
  phones: z.array(z.string()),
  urls: z.array(z.string()),
  bankCards: z.array(z.string()),
  idNumbers: z.array(z.string()),
  wechatIds: z.array(z.string()),
  qqNumbers: z.array(z.string()),
  amounts: z.array(z.number()),
  caseNumbers: z.array(z.string()).optional(),
});
export type Entities = z.infer<typeof EntitiesSchema>;

export const RebuttalMatchSchema = z.object({ id: z.string(), title: z.string(), score: z.number() });
export type RebuttalMatch = z.infer<typeof RebuttalMatchSchema>;

/** The classifier's answer (DESIGN.md "Classification output"). */
export const ClassificationSchema = z.object({
  id: z.string().optional(),
  intent: IntentSchema,
  category: CategorySchema.nullable(),
  confidence: z.number().min(0).max(1),
  entities: EntitiesSchema,
  rebuttal: RebuttalMatchSchema.nullable(),
  /** True when the input was written in Traditional characters (replies then use zh-Hant). */
  traditional: z.boolean().optional(),
});
export type Classification = z.infer<typeof ClassificationSchema>;

export const CASE_STATUSES = ['open', 'forwarded', 'closed'] as const;
export const CaseStatusSchema = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof CaseStatusSchema>;

export const CaseSchema = z.object({
  id: z.string(),
  number: z.string(),
  account: z.string(),
  platform: PlatformSchema,
  conversationId: z.string(),
  senderId: z.string(),
  intent: IntentSchema,
  category: CategorySchema.nullable(),
  status: CaseStatusSchema,
  anonymous: z.boolean(),
  openedAt: z.date(),
  updatedAt: z.date(),
  closedAt: z.date().nullable(),
});
export type Case = z.infer<typeof CaseSchema>;

/**
 * A draft's life: `pending` (waits for an officer) → `approved` → delivery; or `rejected`;
 * `superseded` when an edit replaced it; `expired` when nobody decided in time.
 */
export const DRAFT_STATUSES = ['pending', 'approved', 'rejected', 'forwarded', 'expired'] as const;
export const DraftStatusSchema = z.enum(DRAFT_STATUSES);
export type DraftStatus = z.infer<typeof DraftStatusSchema>;

export const DraftSchema = z.object({
  id: z.string(),
  shortCode: z.string(),
  account: z.string(),
  caseId: z.string().nullable(),
  inboundMessageId: z.string().nullable(),
  platform: PlatformSchema,
  conversationId: z.string(),
  recipientId: z.string(),
  kind: ReplyKindSchema,
  templateKey: z.string().nullable(),
  text: z.string(),
  originalText: z.string(),
  locale: z.string(),
  approval: z.enum(['auto', 'required']),
  status: DraftStatusSchema,
  priority: z.number().int(),
  requestedBy: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.date().nullable(),
  reason: z.string().nullable(),
  department: z.string().nullable(),
  edited: z.boolean(),
  createdAt: z.date(),
});
export type Draft = z.infer<typeof DraftSchema>;

/**
 * The outbound row's states. `approved → sending` is a compare-and-set taken before the platform
 * call; `sending → sent` after it. A row left in `sending` by a crash becomes `uncertain`, is never
 * sent again automatically, and is shown to officers.
 */
export const DELIVERY_STATUSES = ['approved', 'sending', 'sent', 'failed', 'undeliverable', 'uncertain'] as const;
export const DeliveryStatusSchema = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

/** What the delivery worker hands an adapter. */
export const OutboundMessageSchema = z.object({
  id: z.string(),
  platform: PlatformSchema,
  account: z.string(),
  conversationId: z.string(),
  recipientId: z.string(),
  kind: ReplyKindSchema,
  text: z.string().min(1),
  caseNumber: z.string().nullable(),
  /** Send the text as it is: adapters escape nothing in it (used for officer cards built by the core). */
  format: z.enum(['plain']).default('plain'),
});
export type OutboundMessage = z.infer<typeof OutboundMessageSchema>;

export const AuditEventSchema = z.object({
  seq: z.number().int(),
  at: z.date(),
  account: z.string(),
  actor: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const OFFICER_ROLES = ['officer', 'admin'] as const;
export const OfficerRoleSchema = z.enum(OFFICER_ROLES);
export type OfficerRole = z.infer<typeof OfficerRoleSchema>;

export const OfficerSchema = z.object({
  id: z.string(),
  platform: PlatformSchema,
  userId: z.string(),
  name: z.string(),
  role: OfficerRoleSchema,
  active: z.boolean(),
  createdAt: z.date(),
});
export type Officer = z.infer<typeof OfficerSchema>;
