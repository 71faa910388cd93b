/**
 * The delivery worker: the one place that calls an adapter to send a citizen reply.
 *
 * Exactly once for people: the row moves `approved → sending` by compare-and-set before the platform
 * call and `sending → sent` after it. A job that finds its row in `sending` means a worker died
 * between the two (or the platform call hung past the lease): we cannot know whether the citizen got
 * it, so the row becomes `uncertain`, is never sent again automatically, and officers are told.
 * A failed call that surely did not send (an error answer) moves the row back to `approved` and retries;
 * 429 delays without using an attempt; a blocked recipient or closed window is `undeliverable`.
 *
 * Outages and order: when a platform keeps failing, a {@link SendBreaker} holds its deliveries back
 * (no attempts used) until a probe gets through, so a platform down for minutes loses nothing; and a
 * reply is not sent while an earlier reply to the same conversation is still waiting, so citizens read
 * them in the order they were made. Across conversations the queue's priorities decide (emergencies first).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { OutboundMessage } from '../domain/schemas.ts';
import type { Platform, ReplyKind } from '../domain/vocabulary.ts';
import { PermanentError, RetryLaterError, UndeliverableError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics.ts';
import type { Adapter } from '../ports/adapter.ts';
import type { Handler } from '../queue/port.ts';
import { appendAudit } from '../store/audit.ts';
import { transaction, type Store } from '../store/db.ts';
import { deliveries } from '../store/schema.ts';
import { SendBreaker, type BreakerOptions } from './outage.ts';

export interface DeliverDeps {
  readonly store: Store;
  readonly adapters: ReadonlyMap<string, Adapter>;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Told when a delivery ends undeliverable, failed or uncertain (officers should see it). */
  readonly onTrouble?: (deliveryId: string, status: 'undeliverable' | 'uncertain' | 'failed', reason: string) => Promise<void>;
  readonly now?: () => Date;
  /** Attempts after which a transient failure is final (must match the queue's attempts). */
  readonly maxAttempts?: number;
  /** Outage detection (thresholds and probe intervals); tests shorten the intervals. */
  readonly outage?: BreakerOptions;
}

/** Wait before looking again when an earlier reply to the same conversation is still on its way. */
const ORDER_WAIT_MS = 25;
/**
 * An earlier reply made more than this before the current one does not hold it back while the platform
 * is up: order matters between replies made together (receipt, then advice), and a reply stuck in
 * `approved` (its job dead-lettered, say) must not stop a conversation for good.
 */
export const ORDER_HORIZON_MS = 15 * 60_000;

export function createDeliverHandler(deps: DeliverDeps): Handler<'deliver' | 'deliver-local'> {
  const now = deps.now ?? (() => new Date());
  const { store } = deps;
  const breaker = new SendBreaker({ now: () => now().getTime(), ...deps.outage });
  return async (job) => {
    const id = job.payload.deliveryId;
    const row = store.prepared('deliver.byId', (db) => db.select().from(deliveries).where(eq(deliveries.id, sql.placeholder('id'))).prepare()).get({ id });
    if (!row) throw new PermanentError(`delivery ${id} not found`);
    if (row.status === 'sending') {
      const marked = store.db.update(deliveries).set({ status: 'uncertain', lastError: 'worker stopped during the platform call' }).where(and(eq(deliveries.id, id), eq(deliveries.status, 'sending'))).run();
      if (marked.changes === 1) {
        transaction(store, () => appendAudit(store, { account: row.account, actor: 'system', action: 'delivery.uncertain', subjectType: 'delivery', subjectId: id, data: { draftId: row.draftId } }));
        deps.metrics?.deliveryFailures.inc({ platform: row.platform, outcome: 'uncertain' });
        await deps.onTrouble?.(id, 'uncertain', 'worker stopped during the platform call');
      }
      return;
    }
    if (row.status !== 'approved') return;
    const adapter = deps.adapters.get(row.platform);
    if (!adapter) throw new Error(`no ${row.platform} adapter in this process`);

    // Order per conversation: an earlier reply still approved or being sent goes first.
    const horizon = breaker.isDown(row.platform) ? 0 : row.createdAt - ORDER_HORIZON_MS;
    const earlier = store
      .stmt(
        `SELECT 1 AS x FROM deliveries WHERE platform = ? AND conversation_id = ? AND status IN ('approved', 'sending') AND created_at >= ?
           AND rowid < (SELECT rowid FROM deliveries WHERE id = ?) LIMIT 1`,
      )
      .get(row.platform, row.conversationId, horizon, id);
    if (earlier) throw new RetryLaterError('an earlier reply to this conversation goes first', Math.max(ORDER_WAIT_MS, breaker.resumeInMs(row.platform)));
    const admission = breaker.admit(row.platform);
    if (!admission.send) throw new RetryLaterError(`${row.platform} is down; waiting for it to come back`, admission.waitMs);

    const claimed = store.stmt("UPDATE deliveries SET status = 'sending', sending_at = ?, attempts = attempts + 1 WHERE id = ? AND status = 'approved'").run(now().getTime(), id);
    if (claimed.changes !== 1) return;

    const caseNumber = row.caseId ? ((store.stmt('SELECT number FROM cases WHERE id = ?').get(row.caseId) as { number: string } | undefined)?.number ?? null) : null;
    const message: OutboundMessage = {
      id: row.id,
      platform: row.platform as Platform,
      account: row.account,
      conversationId: row.conversationId,
      recipientId: row.recipientId,
      kind: row.kind as ReplyKind,
      text: row.text,
      caseNumber,
      format: 'plain',
    };
    try {
      const result = await adapter.send(message);
      const sentAt = now();
      transaction(store, () => {
        store.stmt("UPDATE deliveries SET status = 'sent', sent_at = ?, platform_message_id = ?, last_error = NULL WHERE id = ?").run(sentAt.getTime(), result.platformMessageId ?? null, id);
        appendAudit(store, { account: row.account, actor: 'system', action: 'delivery.sent', subjectType: 'delivery', subjectId: id, data: { draftId: row.draftId, kind: row.kind, platform: row.platform }, at: sentAt });
      });
      breaker.success(row.platform);
      deps.metrics?.sent.inc({ platform: row.platform, kind: row.kind });
      observeFirstResponse(deps, row, sentAt);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof UndeliverableError) {
        transaction(store, () => {
          store.db.update(deliveries).set({ status: 'undeliverable', lastError: `${err.reason}: ${reason}` }).where(eq(deliveries.id, id)).run();
          appendAudit(store, { account: row.account, actor: 'system', action: 'delivery.undeliverable', subjectType: 'delivery', subjectId: id, data: { reason: err.reason } });
        });
        deps.metrics?.deliveryFailures.inc({ platform: row.platform, outcome: 'undeliverable' });
        await deps.onTrouble?.(id, 'undeliverable', err.reason);
        return;
      }
      const outageWait = err instanceof RetryLaterError || err instanceof PermanentError ? null : breaker.failure(row.platform);
      if (outageWait !== null) {
        // The platform is down: back to approved, wait for the next probe without using an attempt.
        store.stmt("UPDATE deliveries SET status = 'approved', last_error = ? WHERE id = ? AND status = 'sending'").run(reason, id);
        deps.metrics?.deliveryFailures.inc({ platform: row.platform, outcome: 'outage' });
        throw new RetryLaterError(`${row.platform} is down (${reason}); waiting for it to come back`, outageWait);
      }
      const final = !(err instanceof RetryLaterError) && (err instanceof PermanentError || job.attempt >= (deps.maxAttempts ?? 8));
      store.db.update(deliveries).set({ status: final ? 'failed' : 'approved', lastError: reason }).where(and(eq(deliveries.id, id), eq(deliveries.status, 'sending'))).run();
      deps.metrics?.deliveryFailures.inc({ platform: row.platform, outcome: err instanceof RetryLaterError ? 'rate_limited' : final ? 'failed' : 'retry' });
      if (final) {
        transaction(store, () => appendAudit(store, { account: row.account, actor: 'system', action: 'delivery.failed', subjectType: 'delivery', subjectId: id, data: { error: reason } }));
        await deps.onTrouble?.(id, 'failed', reason);
      }
      throw err;
    }
  };
}

function observeFirstResponse(deps: DeliverDeps, row: { platform: string; conversationId: string; createdAt: number }, sentAt: Date): void {
  if (!deps.metrics) return;
  // The latest message of this conversation received before the reply was drafted, if it had no reply yet.
  const m = deps.store
    .stmt('SELECT received_at AS receivedAt FROM messages WHERE platform = ? AND conversation_id = ? AND received_at <= ? ORDER BY received_at DESC LIMIT 1')
    .get(row.platform, row.conversationId, row.createdAt) as { receivedAt: number } | undefined;
  if (!m) return;
  const earlier = deps.store
    .stmt('SELECT 1 AS x FROM deliveries WHERE platform = ? AND conversation_id = ? AND sent_at IS NOT NULL AND sent_at > ? AND sent_at < ? LIMIT 1')
    .get(row.platform, row.conversationId, m.receivedAt, sentAt.getTime());
  if (!earlier) deps.metrics.firstResponseSeconds.observe((sentAt.getTime() - m.receivedAt) / 1000);
}
