import path from 'node:path';
import { openStore } from '../../src/store/db.ts';
import { EmbeddedQueue } from '../../src/queue/embedded.ts';
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
