/**
 * The audit log: every step (message received, draft created/decided, delivery sent, officer changes)
 * is appended as a row whose `hash` is SHA-256 over the previous row's hash and this row's canonical
 * content. Editing or deleting a row breaks the chain at that point; {@link verifyAuditChain} finds it.
 * Appends must run inside the caller's write transaction so the chain has no forks.
 */
import { createHash } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { Store } from './db.ts';
import { auditTexts } from './schema.ts';

/** Keys of `data` whose values are citizen-derived texts, kept out of the chain (see `audit_texts`). */
export const AUDIT_TEXT_KEYS = ['text', 'textBefore', 'textAfter', 'content'] as const;
const TEXT_REF = /^sha256:([0-9a-f]{64})$/;

export interface AuditInput {
  readonly account: string;
  readonly actor: string;
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly data?: Record<string, unknown>;
  readonly at?: Date;
}

const GENESIS = '0'.repeat(64);

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

function hashOf(prevHash: string, row: { at: number; account: string; actor: string; action: string; subjectType: string; subjectId: string; data: Record<string, unknown> }): string {
  return createHash('sha256').update(prevHash).update(canonical(row)).digest('hex');
}

/** Appends one event. Call inside a write transaction (see `transaction` in db.ts). */
export function appendAudit(store: Store, input: AuditInput): void {
  const last = store.stmt('SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as { hash: string } | undefined;
  const prevHash = last?.hash ?? GENESIS;
  const at = (input.at ?? new Date()).getTime();
  const data: Record<string, unknown> = { ...(input.data ?? {}) };
  for (const key of AUDIT_TEXT_KEYS) {
    const v = data[key];
    if (typeof v !== 'string') continue;
    const hash = createHash('sha256').update(v).digest('hex');
    store.stmt('INSERT INTO audit_texts (hash, text, created_at) VALUES (?, ?, ?) ON CONFLICT(hash) DO UPDATE SET created_at = excluded.created_at').run(hash, v, at);
    data[key] = `sha256:${hash}`;
  }
  const row = {
    at,
    account: input.account,
    actor: input.actor,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    data,
  };
  store
    .stmt('INSERT INTO audit_events (at, account, actor, action, subject_type, subject_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(row.at, row.account, row.actor, row.action, row.subjectType, row.subjectId, JSON.stringify(row.data), prevHash, hashOf(prevHash, row));
}

export type AuditVerification = { ok: true; events: number } | { ok: false; events: number; firstBadSeq: number; problem: 'edited' | 'missing' | 'reordered' };

/** Walks the chain from the start; reports the first edited or missing event. */
export function verifyAuditChain(store: Store): AuditVerification {
  let prev = GENESIS;
  let expectedSeq: number | null = null;
  let n = 0;
  const rows = store.sqlite
    .prepare('SELECT seq, at, account, actor, action, subject_type AS subjectType, subject_id AS subjectId, data, prev_hash AS prevHash, hash FROM audit_events ORDER BY seq')
    .iterate() as Iterable<{ seq: number; at: number; account: string; actor: string; action: string; subjectType: string; subjectId: string; data: string; prevHash: string; hash: string }>;
  for (const raw of rows) {
    const r = { ...raw, data: JSON.parse(raw.data) as Record<string, unknown> };
    n++;
    if (expectedSeq !== null && r.seq !== expectedSeq) return { ok: false, events: n, firstBadSeq: expectedSeq, problem: 'missing' };
    if (r.prevHash !== prev) return { ok: false, events: n, firstBadSeq: r.seq, problem: 'missing' };
    const h = hashOf(r.prevHash, { at: r.at, account: r.account, actor: r.actor, action: r.action, subjectType: r.subjectType, subjectId: r.subjectId, data: r.data });
    if (h !== r.hash) return { ok: false, events: n, firstBadSeq: r.seq, problem: 'edited' };
    prev = r.hash;
    expectedSeq = r.seq + 1;
  }
  return { ok: true, events: n };
}

/** What an officer reads: `data` with text references resolved (deleted by retention → a placeholder). */
export function resolveAuditTexts(store: Store, data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  for (const key of AUDIT_TEXT_KEYS) {
    const v = out[key];
    const m = typeof v === 'string' ? TEXT_REF.exec(v) : null;
    if (!m?.[1]) continue;
    const row = store.db.select({ text: auditTexts.text }).from(auditTexts).where(eq(auditTexts.hash, m[1])).get();
    out[key] = row?.text ?? '[已按保存期限删除]';
  }
  return out;
}

/** Deletes quoted texts last used before `cutoff` (retention); returns how many. */
export function expireAuditTexts(store: Store, cutoff: number): number {
  return store.db.delete(auditTexts).where(lt(auditTexts.createdAt, cutoff)).run().changes;
}
