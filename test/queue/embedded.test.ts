import path from 'node:path';
import { openStore } from '../../src/store/db.ts';
import { EmbeddedQueue } from '../../src/queue/embedded.ts';
import { RetryLaterError } from '../../src/errors.ts';
import { tempStore } from '../support/store.ts';
import { queueContract } from './contract.ts';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/store.ts';

queueContract('embedded (SQLite)', async () => {
  const store = tempStore();
  const opened: { close(): void }[] = [];
  const queue = new EmbeddedQueue(store, { pollMs: 20 });
  let current: EmbeddedQueue = queue;
  return {
    queue,
    reopen: async () => {
      const s2 = openStore(path.join(store.dir, 'test.db'));
      opened.push(s2);
      current = new EmbeddedQueue(s2, { pollMs: 20 });
      return current;
    },
    cleanup: async () => {
      await queue.close();
      await current.close();
      for (const s of opened) s.close();
      store.cleanup();
    },
  };
});

describe('embedded queue leases', () => {
  it('takes a job again when its worker died without finishing (lease expired)', async () => {
    const store = tempStore();
    // The first worker claims the job and "dies": its handler never returns and the lease is short.
    const first = new EmbeddedQueue(store, { pollMs: 10, leaseMs: 200 });
    let firstRuns = 0;
    first.process('triage', async () => {
      firstRuns++;
      await new Promise(() => undefined);
    });
    await first.enqueue('triage', { messageId: 'stuck' });
    await waitFor(() => firstRuns === 1, 5000, 'first claim');
    // Simulate the process dying: its heartbeat stops (we stop the lease renewal by expiring it by hand).
    store.sqlite.prepare("UPDATE jobs SET locked_until = 0 WHERE state = 'active'").run();
    const second = new EmbeddedQueue(store, { pollMs: 10, leaseMs: 200 });
    const seen: number[] = [];
    second.process('triage', async (job) => {
      seen.push(job.attempt);
    });
    await waitFor(() => seen.length === 1, 5000, 'second run');
    expect(seen).toEqual([2]);
    await second.close();
    store.cleanup();
  });
});

describe('embedded queue batches (processBatch)', () => {
  it('handles due jobs in one transaction; a failing job is rolled back alone and retried, a RetryLaterError delays without an attempt', async () => {
    const store = tempStore();
    store.sqlite.exec('CREATE TABLE scratch (id TEXT PRIMARY KEY)');
    const queue = new EmbeddedQueue(store, { pollMs: 10 });
    try {
      for (let i = 1; i <= 6; i++) queue.enqueueSync('triage', { messageId: `m${i}` }, { jobId: `j${i}` });
      const inTransaction: boolean[] = [];
      const seen: string[] = [];
      let m3Runs = 0;
      queue.processBatch(
        'triage',
        (job) => {
          seen.push(job.payload.messageId);
          inTransaction.push(store.sqlite.inTransaction); // the batch's transaction
          // Every job writes; the failing ones must leave nothing behind.
          store.stmt('INSERT INTO scratch (id) VALUES (?)').run(`${job.payload.messageId}#${job.attempt}`);
          if (job.payload.messageId === 'm3' && ++m3Runs === 1) throw new Error('boom');
          if (job.payload.messageId === 'm5') throw new RetryLaterError('later', 60_000);
        },
        { max: 8 },
      );
      await waitFor(() => ((store.stmt('SELECT count(*) AS n FROM scratch').get() as { n: number }).n >= 5 ? true : null), 10_000, 'batch handled');
      await waitFor(() => (seen.filter((m) => m === 'm3').length === 2 ? true : null), 10_000, 'm3 retried');
      const rows = (store.stmt('SELECT id FROM scratch ORDER BY id').all() as { id: string }[]).map((r) => r.id);
      // m3's first run and m5's run were rolled back; m3's retry (attempt 2) committed.
      expect(rows).toEqual(['m1#1', 'm2#1', 'm3#2', 'm4#1', 'm6#1']);
      expect(inTransaction.every(Boolean)).toBe(true);
      const left = store.stmt(`SELECT id, state, attempts, last_error AS err FROM jobs ORDER BY id`).all() as { id: string; state: string; attempts: number; err: string }[];
      // Only m5 is left: waiting for a minute, its attempt given back.
      expect(left).toEqual([{ id: 'triage/j5', state: 'waiting', attempts: 0, err: 'RetryLaterError: later' }]);
    } finally {
      await queue.close();
      store.cleanup();
    }
  });
});
