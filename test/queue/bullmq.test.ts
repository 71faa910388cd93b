import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { BullQueue, assertRedisReachable } from '../../src/queue/bullmq.ts';
import { queueContract } from './contract.ts';
import { describe, expect, it } from 'vitest';

queueContract('bullmq (Redis)', async () => {
  const url = inject('redisUrl');
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const queue = new BullQueue({ url, prefix });
  let current = queue;
  return {
    queue,
    reopen: async () => {
      current = new BullQueue({ url, prefix });
      return current;
    },
    cleanup: async () => {
      await queue.close();
      if (current !== queue) {
        await current.obliterate();
        await current.close();
      } else {
        const q = new BullQueue({ url, prefix });
        await q.obliterate();
        await q.close();
      }
    },
  };
});

describe('bullmq driver start-up', () => {
  it('says clearly when Redis is unreachable', async () => {
    await expect(assertRedisReachable('redis://127.0.0.1:1', 500)).rejects.toThrow(/REDIS_URL: cannot reach Redis/);
  });
});
