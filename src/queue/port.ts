/**
 * The queue port: two drivers (embedded SQLite, BullMQ on Redis), one contract suite
 * (test/queue/contract.ts) that both pass.
 *
 * Guarantees, both drivers:
 * - At least once: a job enqueued (the promise resolved) runs until its handler returns, or it is
 *   dead-lettered after `attempts` failures (default 8, exponential backoff from 500 ms, capped at 60 s).
 *   A worker that dies mid-job leaves the job to be picked up again after its lock expires
 *   (embedded: 30 s lease; bullmq: stalled-job check). Handlers must therefore be idempotent.
 * - Deduplication: enqueueing a job id the queue still knows (waiting, active, delayed, failed) is a no-op.
 * - Order: lower `priority` first (0 = emergency), then by ready time. No order across workers.
 * - {@link RetryLaterError} from a handler delays the job by its `delayMs` without using up an attempt;
 *   {@link PermanentError} dead-letters at once. Dead letters are kept and listed by `deadLetters`.
 * Not guaranteed: exactly-once execution (the store gives exactly-once effects), FIFO within a priority.
 */
import { z } from 'zod';

/** Queue names with their payload schemas. Payloads carry ids, never citizens' text. */
export const QUEUES = {
  /** Classify a stored message, open or extend its case, draft replies. Any worker process. */
  triage: z.object({ messageId: z.string().min(1) }),
  /** Send one outbound message through a platform any process can reach (http, telegram, wechat-oa). */
  deliver: z.object({ deliveryId: z.string().min(1) }),
  /** Send through an adapter bound to the process that runs it (console, wechaty): only `netpatrol start`. */
  'deliver-local': z.object({ deliveryId: z.string().min(1) }),
  /** Post a review card to one officers' chat. Only `netpatrol start`, which runs the chat adapters. */
  notify: z.object({
    draftId: z.string().min(1),
    event: z.enum(['new', 'reminder', 'decided', 'emergency', 'trouble']),
    channel: z.string().min(1),
  }),
} as const;

export type QueueName = keyof typeof QUEUES;
export type Payload<Q extends QueueName> = z.infer<(typeof QUEUES)[Q]>;

export interface EnqueueOptions {
  /** Deterministic id; the same id again is a no-op. Letters, digits, `-` and `_` only. */
  readonly jobId?: string;
  /** 0 is most urgent; default 5. */
  readonly priority?: number;
  readonly delayMs?: number;
  /** Attempts before the job is dead-lettered; default 8. */
  readonly attempts?: number;
}

export interface Job<Q extends QueueName> {
  readonly id: string;
  readonly queue: Q;
  readonly payload: Payload<Q>;
  /** 1 on the first run. */
  readonly attempt: number;
}

export type Handler<Q extends QueueName> = (job: Job<Q>) => Promise<void>;

export interface QueueCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
}

export interface DeadLetter {
  readonly id: string;
  readonly queue: QueueName;
  readonly payload: unknown;
  readonly attempts: number;
  readonly error: string;
}

export interface WorkerOptions {
  /** Jobs run at once by this worker; default 1. */
  readonly concurrency?: number;
}

export interface JobQueue {
  readonly driver: 'embedded' | 'bullmq';
  /** Validates the payload and stores the job durably before resolving. */
  enqueue<Q extends QueueName>(queue: Q, payload: Payload<Q>, options?: EnqueueOptions): Promise<void>;
  /** Starts consuming `queue` with `handler`; payloads are validated again before the handler sees them. */
  process<Q extends QueueName>(queue: Q, handler: Handler<Q>, options?: WorkerOptions): void;
  counts(queue: QueueName): Promise<QueueCounts>;
  deadLetters(queue: QueueName): Promise<DeadLetter[]>;
  /** Stops taking new jobs, waits for running handlers, closes connections. */
  close(): Promise<void>;
}

export const DEFAULT_ATTEMPTS = 8;
export const DEFAULT_PRIORITY = 5;

/** Backoff before attempt n+1 after n failures: 500 ms · 2^(n-1), at most 60 s. */
export function backoffMs(failures: number): number {
  return Math.min(60_000, 500 * 2 ** Math.max(0, failures - 1));
}

export function parsePayload<Q extends QueueName>(queue: Q, payload: unknown): Payload<Q> {
  return QUEUES[queue].parse(payload) as Payload<Q>;
}

export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
