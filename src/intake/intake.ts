/**
 * Intake: the one door every adapter uses. It validates the normalized message, stores it once
 * (unique on platform + account + platform message id) and queues it for triage. The promise resolves
 * only when the message is durable in SQLite; the queue job follows. If the queue is unreachable the
 * message is still stored and the sweeper queues it later: an accepted message is never lost.
 */
import { and, eq } from 'drizzle-orm';
import type { Logger } from '../logging/logger.ts';
import { InboundMessageSchema, type InboundMessageInput } from '../domain/schemas.ts';
import type { Metrics } from '../metrics.ts';
import type { IntakeResult } from '../ports/adapter.ts';
import { EmbeddedQueue } from '../queue/embedded.ts';
import type { JobQueue } from '../queue/port.ts';
import { appendAudit } from '../store/audit.ts';
import { transaction, type Store } from '../store/db.ts';
import { newId } from '../store/ids.ts';
import { messages } from '../store/schema.ts';

/** A citizen who writes 匿名 (anonymous) is hidden from officers everywhere. */
export function asksForAnonymity(text: string): boolean {
  return /匿名/.test(text);
}

export interface IntakeDeps {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Queue priority from a quick look at the text (emergencies first); default 5. */
  readonly urgency?: (text: string) => number;
  readonly now?: () => Date;
}

export class Intake {
  constructor(private readonly deps: IntakeDeps) {}

  /** Throws a ZodError for invalid input (nothing stored). */
  async receive(input: InboundMessageInput): Promise<IntakeResult> {
    const m = InboundMessageSchema.parse(input);
    const { store, queue } = this.deps;
    const now = (this.deps.now?.() ?? new Date()).getTime();
    const priority = this.deps.urgency?.(m.text) ?? 5;
    const id = newId();
    const embedded = queue instanceof EmbeddedQueue ? queue : undefined;
    const inserted = transaction(store, () => {
      const res = store
        .stmt(
          `INSERT INTO messages (id, account, platform, platform_message_id, conversation_id, sender_id, sender_name, text, attachments, meta, sent_at, received_at, anonymous)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        )
        .run(id, m.account, m.platform, m.platformMessageId, m.conversationId, m.senderId, m.senderName ?? null, m.text, JSON.stringify(m.attachments), JSON.stringify(m.meta), m.sentAt.getTime(), now, asksForAnonymity(m.text) ? 1 : 0);
      if (res.changes === 0) return false;
      appendAudit(store, { account: m.account, actor: 'system', action: 'message.received', subjectType: 'message', subjectId: id, data: { platform: m.platform }, at: new Date(now) });
      // Embedded driver: the job commits with the message, atomically.
      embedded?.enqueueSync('triage', { messageId: id }, { jobId: `m-${id}`, priority });
      return true;
    });
    if (!inserted) {
      const existing = store.db
        .select({ id: messages.id })
        .from(messages)
        .where(and(eq(messages.platform, m.platform), eq(messages.account, m.account), eq(messages.platformMessageId, m.platformMessageId)))
        .get();
      this.deps.metrics?.received.inc({ platform: m.platform, status: 'duplicate' });
      return { id: existing?.id ?? '', status: 'duplicate' };
    }
    if (!embedded) {
      try {
        await queue.enqueue('triage', { messageId: id }, { jobId: `m-${id}`, priority });
      } catch (err) {
        this.deps.logger.warn({ messageId: id, err: err instanceof Error ? err.message : String(err) }, 'queue unavailable; message stored, the sweeper will queue it');
      }
    }
    this.deps.metrics?.received.inc({ platform: m.platform, status: 'queued' });
    return { id, status: 'queued' };
  }
}
