/**
 * The embedded queue driver: jobs live in the `jobs` table of the process's SQLite database, so they
 * survive a crash or restart; workers run in this process. It is the default when no REDIS_URL is set.
 * Written by hand rather than with liteque because it shares the store's connection (a job can be
 * queued in the same transaction that stores the message) and needs only ~200 lines.
 *
 * Guarantees (see port.ts): at least once; a job whose worker died is taken again when its lease
 * (30 s, renewed while the handler runs) expires; the same job id while known is a no-op.
 * One process at a time: several processes on one database file would each run workers, which is safe
 * (claims are atomic) but not the intended deployment — use the bullmq driver for several workers.
 */
import { EventEmitter } from 'node:events';
import { setImmediate } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import { PermanentError, RetryLaterError } from '../errors.ts';
import {
  backoffMs,
  DEFAULT_ATTEMPTS,
  DEFAULT_PRIORITY,
  JOB_ID_PATTERN,
  parsePayload,
  type DeadLetter,
  type EnqueueOptions,
  type Handler,
  type Job,
  type JobQueue,
  type Payload,
  type QueueCounts,
  type QueueName,
  type WorkerOptions,
} from './port.ts';

interface JobRow {
  seq: number;
  id: string;
  queue: string;
  payload: string;
  attempts: number;
  max_attempts: number;
}

export interface EmbeddedQueueOptions {
  readonly logger?: Logger;
  /** Longest sleep between looks for due jobs when nothing woke the worker; default 200 ms. */
  readonly pollMs?: number;
  /** Lease on a claimed job; renewed while the handler runs; default 30 s. */
  readonly leaseMs?: number;
  readonly now?: () => number;
}

export class EmbeddedQueue implements JobQueue {
  readonly driver = 'embedded' as const;
  private readonly wake = new EventEmitter();
  private readonly loops: Promise<void>[] = [];
  private closing = false;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private readonly stmts;

  constructor(
    private readonly store: Store,
    private readonly options: EmbeddedQueueOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 200;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.wake.setMaxListeners(0);
    const s = store.sqlite;
    this.stmts = {
      insert: s.prepare(
        `INSERT INTO jobs (id, queue, payload, state, priority, run_at, attempts, max_attempts, created_at, updated_at)
         VALUES (?, ?, ?, 'waiting', ?, ?, 0, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
      ),
      claim: s.prepare(
        `UPDATE jobs SET state = 'active', attempts = attempts + 1, locked_until = ?, updated_at = ?
         WHERE seq = (SELECT seq FROM jobs WHERE queue = ? AND state = 'waiting' AND run_at <= ?
                      ORDER BY priority, run_at, seq LIMIT 1)
         RETURNING seq, id, queue, payload, attempts, max_attempts`,
      ),
      reclaimStalled: s.prepare(
        `UPDATE jobs SET state = 'waiting', locked_until = NULL, updated_at = ? WHERE queue = ? AND state = 'active' AND locked_until < ?`,
      ),
      extend: s.prepare(`UPDATE jobs SET locked_until = ? WHERE seq = ? AND state = 'active'`),
      complete: s.prepare(`DELETE FROM jobs WHERE seq = ?`),
      retry: s.prepare(`UPDATE jobs SET state = 'waiting', run_at = ?, attempts = attempts - ?, last_error = ?, locked_until = NULL, updated_at = ? WHERE seq = ?`),
      fail: s.prepare(`UPDATE jobs SET state = 'failed', last_error = ?, locked_until = NULL, updated_at = ? WHERE seq = ?`),
      nextRunAt: s.prepare(`SELECT MIN(run_at) AS t FROM jobs WHERE queue = ? AND state = 'waiting'`),
      counts: s.prepare(
        `SELECT state, SUM(CASE WHEN run_at > ? THEN 1 ELSE 0 END) AS later, COUNT(*) AS n FROM jobs WHERE queue = ? GROUP BY state`,
      ),
      failed: s.prepare(`SELECT id, queue, payload, attempts, last_error FROM jobs WHERE queue = ? AND state = 'failed' ORDER BY seq`),
    };
  }

  async enqueue<Q extends QueueName>(queue: Q, payload: Payload<Q>, options: EnqueueOptions = {}): Promise<void> {
    this.enqueueSync(queue, payload, options);
  }

  /** Synchronous enqueue, usable inside a store transaction (the job commits or rolls back with it). */
  enqueueSync<Q extends QueueName>(queue: Q, payload: Payload<Q>, options: EnqueueOptions = {}): void {
    const data = parsePayload(queue, payload);
    const jobId = options.jobId ?? randomUUID();
    if (!JOB_ID_PATTERN.test(jobId)) throw new PermanentError(`invalid job id ${JSON.stringify(jobId)}`);
    const now = this.now();
    this.stmts.insert.run(
      `${queue}/${jobId}`,
      queue,
      JSON.stringify(data),
      options.priority ?? DEFAULT_PRIORITY,
      now + (options.delayMs ?? 0),
      options.attempts ?? DEFAULT_ATTEMPTS,
      now,
      now,
    );
    this.wake.emit(queue);
  }

  process<Q extends QueueName>(queue: Q, handler: Handler<Q>, options: WorkerOptions = {}): void {
    const concurrency = Math.max(1, options.concurrency ?? 1);
    for (let i = 0; i < concurrency; i++) this.loops.push(this.loop(queue, handler));
  }

  private async loop<Q extends QueueName>(queue: Q, handler: Handler<Q>): Promise<void> {
    let lastStallCheck = 0;
    while (!this.closing) {
      const now = this.now();
      lastStallCheck = this.reclaimStalledIfDue(queue, now, lastStallCheck);
      const row = this.stmts.claim.get(now + this.leaseMs, now, queue, now) as JobRow | undefined;
      if (!row) {
        await this.sleep(queue);
        continue;
      }
      await this.run(queue, row, handler);
      // Let I/O (HTTP intake, adapters) in between jobs: without this a backlog starves the event loop.
      await setImmediate();
    }
  }

  /** Every half lease, gives jobs whose worker died (lease expired) back to `waiting`; returns the time of the last check. */
  private reclaimStalledIfDue(queue: QueueName, now: number, lastCheck: number): number {
    if (now - lastCheck <= this.leaseMs / 2) return lastCheck;
    this.stmts.reclaimStalled.run(now, queue, now);
    return now;
  }

  /**
   * Runs one claimed job and deletes it at once when it succeeded. (Deleting it together with the next
   * claim saved a commit but left finished jobs active under their lease: after a crash they waited 30 s
   * to be taken again, for nothing.)
   */
  private async run<Q extends QueueName>(queue: Q, row: JobRow, handler: Handler<Q>): Promise<void> {
    const heartbeat = setInterval(() => {
      try {
        this.stmts.extend.run(this.now() + this.leaseMs, row.seq);
      } catch (err) {
        this.options.logger?.warn({ err: String(err) }, 'could not renew job lease');
      }
    }, Math.max(50, this.leaseMs / 3));
    heartbeat.unref();
    try {
      await handler(this.jobOf(queue, row));
      this.stmts.complete.run(row.seq);
    } catch (err) {
      this.settleFailure(queue, row, err);
    } finally {
      clearInterval(heartbeat);
    }
  }

  private jobOf<Q extends QueueName>(queue: Q, row: JobRow): Job<Q> {
    return { id: row.id.slice(queue.length + 1), queue, payload: parsePayload(queue, JSON.parse(row.payload)), attempt: row.attempts };
  }

  /** A job's handler threw: delay it (RetryLaterError, no attempt used), retry with backoff, or dead-letter it. */
  private settleFailure(queue: QueueName, row: JobRow, err: unknown): void {
    const now = this.now();
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (err instanceof RetryLaterError) {
      this.stmts.retry.run(now + err.delayMs, 1, message, now, row.seq);
    } else if (err instanceof PermanentError || err instanceof SyntaxError || isZodError(err) || row.attempts >= row.max_attempts) {
      this.stmts.fail.run(message, now, row.seq);
      this.options.logger?.error({ queue, jobId: row.id, attempts: row.attempts, err: message }, 'job failed for good (dead letter)');
    } else {
      this.stmts.retry.run(now + backoffMs(row.attempts), 0, message, now, row.seq);
      this.options.logger?.warn({ queue, jobId: row.id, attempts: row.attempts, err: message }, 'job failed; will retry');
    }
  }

  /**
   * Consumes `queue` in batches with a synchronous handler: up to `max` due jobs are claimed, handled
   * and deleted in ONE write transaction (each handler in its own savepoint), so jobs whose work is
   * all in this database share a commit — the commit, not the work, was most of a triage's cost.
   * A handler that throws has its savepoint rolled back and is retried or dead-lettered as usual; the
   * others commit. A crash rolls the whole batch back: the jobs are simply taken again.
   * Only for handlers with no effect outside the database (no platform calls).
   */
  processBatch<Q extends QueueName>(queue: Q, handler: (job: Job<Q>) => void, options: { max?: number } = {}): void {
    const max = Math.max(1, options.max ?? 8);
    this.loops.push(this.batchLoop(queue, handler, max));
  }

  private async batchLoop<Q extends QueueName>(queue: Q, handler: (job: Job<Q>) => void, max: number): Promise<void> {
    let lastStallCheck = 0;
    while (!this.closing) {
      const now = this.now();
      lastStallCheck = this.reclaimStalledIfDue(queue, now, lastStallCheck);
      const handled = this.store.sqlite
        .transaction(() => {
          let n = 0;
          for (; n < max; n += 1) {
            const at = this.now();
            const row = this.stmts.claim.get(at + this.leaseMs, at, queue, at) as JobRow | undefined;
            if (!row) break;
            try {
              this.store.sqlite.transaction(() => handler(this.jobOf(queue, row)))();
              this.stmts.complete.run(row.seq);
            } catch (err) {
              this.settleFailure(queue, row, err);
            }
          }
          return n;
        })
        .immediate();
      if (handled === 0) await this.sleep(queue);
      // Let I/O (HTTP intake, adapters) in between batches.
      else await setImmediate();
    }
  }

  private sleep(queue: QueueName): Promise<void> {
    const next = (this.stmts.nextRunAt.get(queue) as { t: number | null }).t;
    const wait = next === null ? this.pollMs : Math.min(this.pollMs, Math.max(1, next - this.now()));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.off(queue, done);
        this.wake.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, wait);
      this.wake.once(queue, done);
      this.wake.once('close', done);
    });
  }

  async counts(queue: QueueName): Promise<QueueCounts> {
    const rows = this.stmts.counts.all(this.now(), queue) as { state: string; later: number; n: number }[];
    const c = { waiting: 0, active: 0, delayed: 0, failed: 0 };
    for (const r of rows) {
      if (r.state === 'waiting') {
        c.delayed += r.later;
        c.waiting += r.n - r.later;
      } else if (r.state === 'active') c.active += r.n;
      else if (r.state === 'failed') c.failed += r.n;
    }
    return c;
  }

  async deadLetters(queue: QueueName): Promise<DeadLetter[]> {
    const rows = this.stmts.failed.all(queue) as { id: string; queue: QueueName; payload: string; attempts: number; last_error: string | null }[];
    return rows.map((r) => ({ id: r.id.slice(queue.length + 1), queue: r.queue, payload: JSON.parse(r.payload) as unknown, attempts: r.attempts, error: r.last_error ?? '' }));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.wake.emit('close');
    await Promise.all(this.loops);
  }
}

function isZodError(err: unknown): boolean {
  return err instanceof Error && err.name === 'ZodError';
}
