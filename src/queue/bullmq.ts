/**
 * The BullMQ driver (Redis). Any number of processes may enqueue and run workers (`netpatrol worker`).
 * Payloads hold ids only: Redis keeps job data in clear text.
 *
 * Mapping of the port's guarantees: our priority p becomes BullMQ priority p+1 (every job is
 * prioritized, so emergencies overtake); attempts and our backoff (500 ms doubling, ≤ 60 s) via a custom
 * backoff strategy; {@link RetryLaterError} → `moveToDelayed` + `DelayedError` (no attempt used);
 * {@link PermanentError} → `UnrecoverableError`; completed jobs are removed, failed ones kept.
 * A killed worker's job is recovered by BullMQ's stalled check (lock 30 s).
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { PermanentError, RetryLaterError } from '../errors.ts';
import {
  backoffMs,
  DEFAULT_ATTEMPTS,
  DEFAULT_PRIORITY,
  JOB_ID_PATTERN,
  parsePayload,
  QUEUES,
  type DeadLetter,
  type EnqueueOptions,
  type Handler,
  type JobQueue,
  type Payload,
  type QueueCounts,
  type QueueName,
  type WorkerOptions,
} from './port.ts';

export interface BullQueueOptions {
  readonly url: string;
  /** Key prefix in Redis; tests use a fresh one per run. */
  readonly prefix: string;
  readonly logger?: Logger;
  /** Lock on an active job; a worker that dies loses it after this long. Default 30 s. */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
}

/** Checks that Redis answers within `timeoutMs`; throws a clear error otherwise. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(`REDIS_URL: cannot reach Redis at ${redactUrl(url)} (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  } finally {
    client.disconnect();
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

export class BullQueue implements JobQueue {
  readonly driver = 'bullmq' as const;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly workerConnections: Redis[] = [];
  private readonly connection: Redis;

  constructor(private readonly options: BullQueueOptions) {
    this.connection = new Redis(options.url, { maxRetriesPerRequest: null });
    this.connection.on('error', (err: Error) => options.logger?.warn({ err: err.message }, 'redis connection error'));
  }

  private queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.options.prefix });
      q.on('error', (err: Error) => this.options.logger?.warn({ queue: name, err: err.message }, 'queue error'));
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<Q extends QueueName>(queue: Q, payload: Payload<Q>, options: EnqueueOptions = {}): Promise<void> {
    const data = parsePayload(queue, payload);
    const jobId = options.jobId ?? randomUUID();
    if (!JOB_ID_PATTERN.test(jobId)) throw new PermanentError(`invalid job id ${JSON.stringify(jobId)}`);
    await this.queue(queue).add(queue, data, {
      jobId,
      priority: (options.priority ?? DEFAULT_PRIORITY) + 1,
      delay: options.delayMs,
      attempts: options.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: 'netpatrol' },
      removeOnComplete: true,
      removeOnFail: false,
    });
  }

  process<Q extends QueueName>(queue: Q, handler: Handler<Q>, options: WorkerOptions = {}): void {
    const connection = this.connection.duplicate({ maxRetriesPerRequest: null });
    connection.on('error', (err: Error) => this.options.logger?.warn({ err: err.message }, 'redis connection error'));
    this.workerConnections.push(connection);
    const worker = new Worker(
      queue,
      async (job: BullJob, token?: string) => {
        let payload: Payload<Q>;
        try {
          payload = parsePayload(queue, job.data);
        } catch (err) {
          throw new UnrecoverableError(`invalid payload: ${err instanceof Error ? err.message : String(err)}`);
        }
        try {
          await handler({ id: job.id ?? '', queue, payload, attempt: job.attemptsMade + 1 });
        } catch (err) {
          if (err instanceof RetryLaterError) {
            await job.moveToDelayed(Date.now() + err.delayMs, token);
            throw new DelayedError();
          }
          if (err instanceof PermanentError) throw new UnrecoverableError(`${err.name}: ${err.message}`);
          throw err;
        }
      },
      {
        connection,
        prefix: this.options.prefix,
        concurrency: Math.max(1, options.concurrency ?? 1),
        lockDuration: this.options.lockDurationMs ?? 30_000,
        stalledInterval: this.options.stalledIntervalMs ?? 30_000,
        maxStalledCount: 5,
        settings: { backoffStrategy: (attemptsMade: number) => backoffMs(attemptsMade) },
      },
    );
    worker.on('error', (err: Error) => this.options.logger?.warn({ queue, err: err.message }, 'worker error'));
    worker.on('failed', (job, err) => {
      if (job && (job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError))
        this.options.logger?.error({ queue, jobId: job.id, err: err.message }, 'job failed for good (dead letter)');
    });
    this.workers.push(worker);
  }

  async counts(queue: QueueName): Promise<QueueCounts> {
    const c = await this.queue(queue).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'waiting-children');
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  async deadLetters(queue: QueueName): Promise<DeadLetter[]> {
    const jobs = await this.queue(queue).getFailed(0, -1);
    return jobs.map((j) => ({ id: j.id ?? '', queue, payload: j.data as unknown, attempts: j.attemptsMade, error: j.failedReason }));
  }

  /** Removes every key of this prefix's queues (tests and benchmarks only). */
  async obliterate(): Promise<void> {
    for (const name of Object.keys(QUEUES) as QueueName[]) await this.queue(name).obliterate({ force: true });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await Promise.all(this.workerConnections.map((c) => c.quit().catch(() => undefined)));
    await this.connection.quit().catch(() => undefined);
  }
}
