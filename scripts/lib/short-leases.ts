/**
 * Preload for chaos runs (`node --import tsx/esm --import scripts/lib/short-leases.ts bin/netpatrol.mjs …`):
 * shortens the queue leases to CHAOS_LEASE_MS so a killed worker's job is taken again in seconds rather
 * than the production 30–60 s. It only sets the drivers' own lease options (BullQueueOptions
 * lockDurationMs and stalledIntervalMs; EmbeddedQueue leaseMs); the code paths under test are unchanged.
 * To be replaced by a queue-lease setting in src/config once the core has one.
 */
import { BullQueue, type BullQueueOptions } from '../../src/queue/bullmq.ts';
import { EmbeddedQueue } from '../../src/queue/embedded.ts';

const leaseMs = Number(process.env.CHAOS_LEASE_MS);
if (Number.isFinite(leaseMs) && leaseMs > 0) {
  const bullProcess = BullQueue.prototype.process;
  BullQueue.prototype.process = function process(this: BullQueue, ...args: Parameters<BullQueue['process']>) {
    const self = this as unknown as { options?: BullQueueOptions };
    if (typeof self.options !== 'object') throw new Error('short-leases: BullQueue has no options field any more');
    self.options = { ...self.options, lockDurationMs: leaseMs, stalledIntervalMs: Math.max(500, Math.round(leaseMs / 2)) };
    return bullProcess.apply(this, args);
  } as BullQueue['process'];
  const embeddedProcess = EmbeddedQueue.prototype.process;
  EmbeddedQueue.prototype.process = function process(this: EmbeddedQueue, ...args: Parameters<EmbeddedQueue['process']>) {
    const self = this as unknown as { leaseMs?: number };
    if (typeof self.leaseMs !== 'number') throw new Error('short-leases: EmbeddedQueue has no leaseMs field any more');
    self.leaseMs = leaseMs;
    return embeddedProcess.apply(this, args);
  } as EmbeddedQueue['process'];
}
