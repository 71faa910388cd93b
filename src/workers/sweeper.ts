/**
 * The sweeper makes "nothing accepted is lost" hold when a queue was unreachable or a process died
 * between commit and enqueue: it re-queues stored messages still waiting for triage and approved
 * deliveries still waiting to be sent (deterministic job ids make this a no-op when the job exists),
 * and re-announces cards pending longer than the reminder interval.
 */
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Config } from '../config/index.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobQueue } from '../queue/port.ts';
import type { Store } from '../store/db.ts';
import { deliveries, drafts, messages } from '../store/schema.ts';
import type { Dispatcher } from './dispatch.ts';

export interface SweeperDeps {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly dispatcher: Dispatcher;
  readonly config: Config;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface SweepResult {
  readonly requeuedMessages: number;
  readonly requeuedDeliveries: number;
  readonly reminded: number;
}

/** One pass. `graceMs`: how old a row must be before we assume its job went missing. */
export async function sweep(deps: SweeperDeps, graceMs = 30_000): Promise<SweepResult> {
  const now = (deps.now?.() ?? new Date()).getTime();
  const cutoff = now - graceMs;
  const { store } = deps;
  const waiting = store.db.select({ id: messages.id }).from(messages).where(and(eq(messages.status, 'received'), lt(messages.receivedAt, cutoff))).limit(1000).all();
  for (const m of waiting) await deps.queue.enqueue('triage', { messageId: m.id }, { jobId: `m-${m.id}` });
  const unsent = store.db.select().from(deliveries).where(and(eq(deliveries.status, 'approved'), lt(deliveries.createdAt, cutoff))).limit(1000).all();
  for (const d of unsent) await deps.dispatcher.deliver(d);

  const remindBefore = now - deps.config.review.reminderMs;
  const stale = store.db
    .select()
    .from(drafts)
    .where(and(eq(drafts.status, 'pending'), lt(drafts.createdAt, remindBefore), or(isNull(drafts.remindedAt), lt(drafts.remindedAt, remindBefore)), sql`json_extract(${drafts.data}, '$.clusterLeader') IS NULL`))
    .limit(200)
    .all();
  for (const d of stale) {
    store.db.update(drafts).set({ remindedAt: now }).where(eq(drafts.id, d.id)).run();
    await deps.dispatcher.announce(d.id, 'reminder', { suffix: String(now) });
  }
  if (waiting.length || unsent.length || stale.length)
    deps.logger.info({ requeuedMessages: waiting.length, requeuedDeliveries: unsent.length, reminded: stale.length }, 'sweeper pass');
  return { requeuedMessages: waiting.length, requeuedDeliveries: unsent.length, reminded: stale.length };
}

/** Runs {@link sweep} every `intervalMs` until stopped. */
export function startSweeper(deps: SweeperDeps, intervalMs = 15_000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = sweep(deps).catch((err: unknown) => deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'sweeper pass failed'));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
