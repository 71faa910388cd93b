// Preload for chaos runs (`node --import ./scripts/lib/short-leases.mjs bin/netpatrol.mjs …`): shortens
// the queue leases to CHAOS_LEASE_MS so a killed worker's job is taken again in seconds rather than the
// production 30–60 s. It only sets the drivers' documented lease options (BullQueueOptions.lockDurationMs
// and stalledIntervalMs; EmbeddedQueue leaseMs) — the code paths under test are unchanged.
// To be replaced by a QUEUE_LEASE_MS setting in src/config once the core has one.
import { register } from 'tsx/esm/api';

const leaseMs = Number(process.env.CHAOS_LEASE_MS);
if (Number.isFinite(leaseMs) && leaseMs > 0) {
  register();
  const { BullQueue } = await import('../../src/queue/bullmq.ts');
  const { EmbeddedQueue } = await import('../../src/queue/embedded.ts');
  const bullProcess = BullQueue.prototype.process;
  BullQueue.prototype.process = function process(...args) {
    if (typeof this.options !== 'object') throw new Error('short-leases: BullQueue has no options field any more');
    this.options = { ...this.options, lockDurationMs: leaseMs, stalledIntervalMs: Math.max(500, Math.round(leaseMs / 2)) };
    return bullProcess.apply(this, args);
  };
  const embeddedProcess = EmbeddedQueue.prototype.process;
  EmbeddedQueue.prototype.process = function process(...args) {
    if (typeof this.leaseMs !== 'number') throw new Error('short-leases: EmbeddedQueue has no leaseMs field any more');
    this.leaseMs = leaseMs;
    return embeddedProcess.apply(this, args);
  };
}
