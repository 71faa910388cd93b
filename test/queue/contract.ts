/**
 * The queue port's contract: every driver must pass these. Each test gets a fresh queue from `make`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryLaterError } from '../../src/errors.ts';
import type { JobQueue } from '../../src/queue/port.ts';
import { waitFor } from '../support/store.ts';

export function queueContract(name: string, make: () => Promise<{ queue: JobQueue; reopen: () => Promise<JobQueue>; cleanup: () => Promise<void> }>) {
  describe(`queue contract: ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    async function setup() {
      const made = await make();
      cleanup = made.cleanup;
      return made;
    }

    it('runs an enqueued job with its validated payload', async () => {
      const { queue } = await setup();
      const seen: string[] = [];
      queue.process('triage', async (job) => {
        seen.push(job.payload.messageId);
      });
      await queue.enqueue('triage', { messageId: 'm1' });
      await waitFor(() => seen.length === 1, 5000, 'job run');
      expect(seen).toEqual(['m1']);
    });

    it('refuses an invalid payload at enqueue', async () => {
      const { queue } = await setup();
      await expect(queue.enqueue('triage', { messageId: '' })).rejects.toThrow();
      await expect(queue.enqueue('triage', {} as never)).rejects.toThrow();
    });

    it('treats the same job id as a no-op while the job is known', async () => {
      const { queue } = await setup();
      await queue.enqueue('deliver', { deliveryId: 'd1' }, { jobId: 'same', delayMs: 60_000 });
      await queue.enqueue('deliver', { deliveryId: 'd1' }, { jobId: 'same', delayMs: 60_000 });
      const c = await queue.counts('deliver');
      expect(c.delayed + c.waiting).toBe(1);
    });

    it('runs lower priority numbers first', async () => {
      const { queue } = await setup();
      await queue.enqueue('triage', { messageId: 'low' }, { priority: 9 });
      await queue.enqueue('triage', { messageId: 'mid' }, { priority: 5 });
      await queue.enqueue('triage', { messageId: 'urgent' }, { priority: 0 });
      const seen: string[] = [];
      queue.process('triage', async (job) => {
        seen.push(job.payload.messageId);
      });
      await waitFor(() => seen.length === 3, 5000, 'three jobs');
      expect(seen).toEqual(['urgent', 'mid', 'low']);
    });

    it('retries a failing job with backoff and then succeeds', async () => {
      const { queue } = await setup();
      const attempts: number[] = [];
      queue.process('triage', async (job) => {
        attempts.push(job.attempt);
        if (attempts.length < 3) throw new Error('transient');
      });
      await queue.enqueue('triage', { messageId: 'flaky' });
      await waitFor(() => attempts.length === 3, 10_000, 'three attempts');
      expect(attempts).toEqual([1, 2, 3]);
      await waitFor(async () => (await queue.counts('triage')).waiting + (await queue.counts('triage')).delayed === 0, 5000, 'empty');
      expect((await queue.deadLetters('triage')).length).toBe(0);
    });

    it('dead-letters a job that keeps failing, and keeps it visible', async () => {
      const { queue } = await setup();
      let runs = 0;
      queue.process('triage', async () => {
        runs++;
        throw new Error('always broken');
      });
      await queue.enqueue('triage', { messageId: 'doomed' }, { attempts: 2, jobId: 'doomed' });
      const dead = await waitFor(async () => (await queue.deadLetters('triage')).find((d) => d.id === 'doomed'), 10_000, 'dead letter');
      expect(runs).toBe(2);
      expect(dead.error).toContain('always broken');
      expect(dead.payload).toEqual({ messageId: 'doomed' });
      expect((await queue.counts('triage')).failed).toBe(1);
    });

    it('dead-letters a PermanentError at once', async () => {
      const { queue } = await setup();
      let runs = 0;
      queue.process('triage', async () => {
        runs++;
        throw new PermanentError('bad row');
      });
      await queue.enqueue('triage', { messageId: 'perm' }, { jobId: 'perm' });
      await waitFor(async () => (await queue.deadLetters('triage')).length === 1, 5000, 'dead letter');
      expect(runs).toBe(1);
    });

    it('delays a RetryLaterError without using up an attempt', async () => {
      const { queue } = await setup();
      const times: number[] = [];
      const attempts: number[] = [];
      queue.process('deliver', async (job) => {
        times.push(Date.now());
        attempts.push(job.attempt);
        if (times.length < 3) throw new RetryLaterError('429', 300);
      });
      await queue.enqueue('deliver', { deliveryId: 'rl' }, { attempts: 1 });
      await waitFor(() => times.length === 3, 10_000, 'three runs');
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(250);
      expect(attempts).toEqual([1, 1, 1]);
      expect((await queue.deadLetters('deliver')).length).toBe(0);
    });

    it('keeps jobs across a restart (nothing accepted is lost)', async () => {
      const { queue, reopen } = await setup();
      await queue.enqueue('triage', { messageId: 'durable-1' });
      await queue.enqueue('triage', { messageId: 'durable-2' });
      await queue.close();
      const again = await reopen();
      const seen: string[] = [];
      again.process('triage', async (job) => {
        seen.push(job.payload.messageId);
      });
      await waitFor(() => seen.length === 2, 5000, 'jobs after restart');
      expect(seen.sort()).toEqual(['durable-1', 'durable-2']);
    });

    it('runs jobs concurrently up to the concurrency', async () => {
      const { queue } = await setup();
      let running = 0;
      let peak = 0;
      let done = 0;
      queue.process(
        'triage',
        async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 100));
          running--;
          done++;
        },
        { concurrency: 3 },
      );
      for (let i = 0; i < 6; i++) await queue.enqueue('triage', { messageId: `c${i}` });
      await waitFor(() => done === 6, 10_000, 'six jobs');
      expect(peak).toBe(3);
    });
  });
}
