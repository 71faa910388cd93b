/**
 * TEMPORARY minimal audit writer, until the lead's `appendAudit` lands in `src/store/audit.ts`; then
 * this file goes and `cli.ts` imports that one. Same contract as the brief: the row's `hash` is the
 * sha256 hex of `prevHash` followed by the canonical JSON (keys sorted, recursively) of the row's
 * content `{at, account, actor, action, subjectType, subjectId, data}`; the first row's prevHash is
 * 64 zeros. Reading the last hash and inserting happen in one IMMEDIATE transaction, so two writers
 * cannot fork the chain.
 */
import { createHash } from 'node:crypto';
import { desc } from 'drizzle-orm';
import { transaction, type Store } from '../store/db.ts';
import { auditEvents } from '../store/schema.ts';

export interface AuditInput {
  readonly at?: number;
  readonly account: string;
  readonly actor: string;
  readonly action: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly data?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Appends one event to the hash chain and returns its sequence number and hash. */
export function appendAudit(store: Store, event: AuditInput): { seq: number; hash: string } {
  return transaction(store, () => {
    const last = store.db.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1).get();
    const prevHash = last?.hash ?? GENESIS_HASH;
    const content = {
      at: event.at ?? Date.now(),
      account: event.account,
      actor: event.actor,
      action: event.action,
      subjectType: event.subjectType,
      subjectId: event.subjectId,
      data: event.data ?? {},
    };
    const hash = createHash('sha256').update(prevHash + canonicalJson(content)).digest('hex');
    const row = store.db
      .insert(auditEvents)
      .values({ ...content, prevHash, hash })
      .returning({ seq: auditEvents.seq })
      .get();
    return { seq: row.seq, hash };
  });
}
