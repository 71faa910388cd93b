/** Picks the queue driver from the config: bullmq when REDIS_URL is set, embedded otherwise. */
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import type { Store } from '../store/db.ts';
import { BullQueue, assertRedisReachable } from './bullmq.ts';
import { EmbeddedQueue } from './embedded.ts';
import type { JobQueue } from './port.ts';

export async function createQueue(config: Config, store: Store, logger: Logger): Promise<JobQueue> {
  if (config.queue.driver === 'bullmq' && config.queue.redisUrl) {
    await assertRedisReachable(config.queue.redisUrl);
    const lease = config.queue.leaseMs;
    return new BullQueue({ url: config.queue.redisUrl, prefix: config.queue.prefix, logger, lockDurationMs: lease, stalledIntervalMs: Math.max(500, Math.round(lease / 2)) });
  }
  return new EmbeddedQueue(store, { logger, leaseMs: config.queue.leaseMs });
}

export type { JobQueue } from './port.ts';
