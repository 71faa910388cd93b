/**
 * Creating drafts and their deliveries. A draft with approval `auto` is approved on creation and gets
 * its delivery row in the same transaction; a `required` one waits (`pending`) for an officer.
 * Call inside a write transaction; dispatch the returned rows after it commits.
 */
import { eq } from 'drizzle-orm';
import type { ReplyKind } from '../domain/vocabulary.ts';
import { appendAudit } from '../store/audit.ts';
import type { Store } from '../store/db.ts';
import { newId, shortCode } from '../store/ids.ts';
import type { DeliveryRow, DraftRow } from '../store/rows.ts';
import { drafts } from '../store/schema.ts';

export interface NewDraft {
  readonly account: string;
  readonly caseId: string | null;
  readonly inboundMessageId: string | null;
  readonly platform: string;
  readonly conversationId: string;
  readonly recipientId: string;
  readonly kind: ReplyKind;
  readonly templateKey: string | null;
  readonly text: string;
  readonly locale: string;
  readonly approval: 'auto' | 'required';
  readonly priority: number;
  readonly requestedBy?: string | null;
  readonly data?: Record<string, unknown>;
}

function uniqueShortCode(store: Store): string {
  for (let len = 4; len < 10; len++) {
    for (let i = 0; i < 8; i++) {
      const code = shortCode(len);
      if (!store.stmt('SELECT 1 AS x FROM drafts WHERE short_code = ?').get(code)) return code;
    }
  }
  throw new Error('could not find a free short code');
}

export function insertDraft(store: Store, d: NewDraft, now: Date, actor = 'system'): { draft: DraftRow; delivery?: DeliveryRow } {
  const auto = d.approval === 'auto';
  const draft: DraftRow = {
    id: newId(),
    shortCode: uniqueShortCode(store),
    account: d.account,
    caseId: d.caseId,
    inboundMessageId: d.inboundMessageId,
    platform: d.platform,
    conversationId: d.conversationId,
    recipientId: d.recipientId,
    kind: d.kind,
    templateKey: d.templateKey,
    text: d.text,
    originalText: d.text,
    locale: d.locale,
    approval: d.approval,
    status: auto ? 'approved' : 'pending',
    priority: d.priority,
    requestedBy: d.requestedBy ?? null,
    decidedBy: auto ? 'system' : null,
    decidedAt: auto ? now.getTime() : null,
    reason: null,
    department: null,
    edited: false,
    data: d.data ?? {},
    createdAt: now.getTime(),
    announcedAt: null,
    remindedAt: null,
  };
  store
    .stmt(
      `INSERT INTO drafts (id, short_code, account, case_id, inbound_message_id, platform, conversation_id, recipient_id, kind, template_key, text, original_text, locale, approval, status, priority, requested_by, decided_by, decided_at, reason, department, edited, data, created_at, announced_at, reminded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(draft.id, draft.shortCode, draft.account, draft.caseId, draft.inboundMessageId, draft.platform, draft.conversationId, draft.recipientId, draft.kind, draft.templateKey, draft.text, draft.originalText, draft.locale, draft.approval, draft.status, draft.priority, draft.requestedBy, draft.decidedBy, draft.decidedAt, draft.reason, draft.department, draft.edited ? 1 : 0, JSON.stringify(draft.data), draft.createdAt, draft.announcedAt, draft.remindedAt);
  appendAudit(store, {
    account: d.account,
    actor,
    action: 'draft.created',
    subjectType: 'draft',
    subjectId: draft.id,
    data: { kind: d.kind, templateKey: d.templateKey, approval: d.approval, caseId: d.caseId, shortCode: draft.shortCode, text: d.text },
    at: now,
  });
  if (!auto) return { draft };
  return { draft, delivery: insertDelivery(store, draft, 'auto', now) };
}

/** The outbound row for an approved draft (unique per draft: approving twice cannot send twice). */
export function insertDelivery(store: Store, draft: DraftRow, approvedVia: 'auto' | 'approved' | 'edited', now: Date): DeliveryRow {
  const row: DeliveryRow = {
    id: newId(),
    draftId: draft.id,
    account: draft.account,
    platform: draft.platform,
    conversationId: draft.conversationId,
    recipientId: draft.recipientId,
    kind: draft.kind,
    templateKey: draft.templateKey,
    caseId: draft.caseId,
    text: draft.text,
    status: 'approved',
    priority: draft.priority,
    attempts: 0,
    lastError: null,
    platformMessageId: null,
    approvedVia,
    createdAt: now.getTime(),
    sendingAt: null,
    sentAt: null,
  };
  store
    .stmt(
      `INSERT INTO deliveries (id, draft_id, account, platform, conversation_id, recipient_id, kind, template_key, case_id, text, status, priority, attempts, last_error, platform_message_id, approved_via, created_at, sending_at, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(row.id, row.draftId, row.account, row.platform, row.conversationId, row.recipientId, row.kind, row.templateKey, row.caseId, row.text, row.status, row.priority, row.attempts, row.lastError, row.platformMessageId, row.approvedVia, row.createdAt, row.sendingAt, row.sentAt);
  return row;
}

/** A draft by id or by short code (case-insensitive). */
export function findDraft(store: Store, ref: string): DraftRow | undefined {
  const trimmed = ref.trim();
  if (/^[0-9a-f-]{36}$/i.test(trimmed)) return store.db.select().from(drafts).where(eq(drafts.id, trimmed)).get();
  return store.db.select().from(drafts).where(eq(drafts.shortCode, trimmed.toUpperCase())).get();
}
