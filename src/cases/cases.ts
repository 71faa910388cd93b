/**
 * Opening and extending cases. Messages from the same sender within the join window (CASE_JOIN_MINUTES,
 * default 10) join the sender's open case, so a tip sent as several messages and screenshots is one
 * case. Every function here runs inside the caller's write transaction.
 */
import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { Category, Intent } from '../domain/vocabulary.ts';
import type { Store } from '../store/db.ts';
import { appendAudit } from '../store/audit.ts';
import { newId } from '../store/ids.ts';
import { cases } from '../store/schema.ts';
import { nextCaseNumber } from './numbers.ts';

export type CaseRow = typeof cases.$inferSelect;

/** Intents that open a case: a citizen gets a number to quote for these. */
export const CASE_INTENTS: ReadonlySet<Intent> = new Set(['tip', 'emergency', 'verify']);

/** Which intent wins when a case gets a second message: the more serious one. */
const SEVERITY: Record<Intent, number> = { emergency: 5, tip: 4, verify: 3, consult: 2, status: 1, chitchat: 0 };

export interface CaseRequest {
  readonly account: string;
  readonly platform: string;
  readonly conversationId: string;
  readonly senderId: string;
  readonly intent: Intent;
  readonly category: Category | null;
  readonly anonymous: boolean;
  readonly at: Date;
  readonly joinWindowMs: number;
  readonly prefix: string;
  readonly timezone: string;
}

/** The sender's open case still within the join window, if any. */
export function findJoinableCase(store: Store, req: Pick<CaseRequest, 'account' | 'platform' | 'senderId' | 'at' | 'joinWindowMs'>): CaseRow | undefined {
  if (req.joinWindowMs <= 0) return undefined;
  const q = store.prepared('cases.joinable', (db) =>
    db
      .select()
      .from(cases)
      .where(
        and(
          eq(cases.account, sql.placeholder('account')),
          eq(cases.platform, sql.placeholder('platform')),
          eq(cases.senderId, sql.placeholder('senderId')),
          eq(cases.status, 'open'),
          gte(cases.lastMessageAt, sql.placeholder('since')),
        ),
      )
      .orderBy(desc(cases.lastMessageAt))
      .limit(1)
      .prepare(),
  );
  return q.get({ account: req.account, platform: req.platform, senderId: req.senderId, since: req.at.getTime() - req.joinWindowMs });
}

/** Opens a new case or extends the joinable one. Returns the case and whether it is new. */
export function openOrExtendCase(store: Store, req: CaseRequest): { row: CaseRow; isNew: boolean } {
  const at = req.at.getTime();
  const existing = findJoinableCase(store, req);
  if (existing) {
    const upgrade = SEVERITY[req.intent] > SEVERITY[existing.intent as Intent];
    const patch = {
      lastMessageAt: at,
      updatedAt: at,
      anonymous: existing.anonymous || req.anonymous,
      ...(upgrade ? { intent: req.intent, category: req.category ?? existing.category } : {}),
      ...(!upgrade && !existing.category && req.category ? { category: req.category } : {}),
    };
    const row = { ...existing, ...patch };
    store
      .stmt('UPDATE cases SET last_message_at = ?, updated_at = ?, anonymous = ?, intent = ?, category = ? WHERE id = ?')
      .run(row.lastMessageAt, row.updatedAt, row.anonymous ? 1 : 0, row.intent, row.category, row.id);
    return { row, isNew: false };
  }
  const row: CaseRow = {
    id: newId(),
    number: nextCaseNumber(store, { account: req.account, prefix: req.prefix, timezone: req.timezone, at: req.at }),
    account: req.account,
    platform: req.platform,
    conversationId: req.conversationId,
    senderId: req.senderId,
    intent: req.intent,
    category: req.category,
    status: 'open',
    anonymous: req.anonymous,
    department: null,
    openedAt: at,
    updatedAt: at,
    lastMessageAt: at,
    closedAt: null,
  };
  store
    .stmt(
      `INSERT INTO cases (id, number, account, platform, conversation_id, sender_id, intent, category, status, anonymous, department, opened_at, updated_at, last_message_at, closed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(row.id, row.number, row.account, row.platform, row.conversationId, row.senderId, row.intent, row.category, row.status, row.anonymous ? 1 : 0, row.department, row.openedAt, row.updatedAt, row.lastMessageAt, row.closedAt);
  appendAudit(store, {
    account: req.account,
    actor: 'system',
    action: 'case.opened',
    subjectType: 'case',
    subjectId: row.id,
    data: { number: row.number, intent: row.intent, category: row.category },
    at: req.at,
  });
  return { row, isNew: true };
}

export function caseByNumber(store: Store, number: string): CaseRow | undefined {
  return store.prepared('cases.byNumber', (db) => db.select().from(cases).where(eq(cases.number, sql.placeholder('number'))).prepare()).get({ number: number.toUpperCase() });
}

export function caseById(store: Store, id: string): CaseRow | undefined {
  return store.prepared('cases.byId', (db) => db.select().from(cases).where(eq(cases.id, sql.placeholder('id'))).prepare()).get({ id });
}
