/** Prometheus metrics (prom-client), one registry per app so tests and several apps don't collide. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobQueue, QueueName } from './queue/port.ts';

export interface Metrics {
  readonly registry: Registry;
  readonly received: Counter<'platform' | 'status'>;
  readonly triaged: Counter<'intent'>;
  readonly triageSeconds: Histogram<string>;
  readonly sent: Counter<'platform' | 'kind'>;
  readonly deliveryFailures: Counter<'platform' | 'outcome'>;
  readonly firstResponseSeconds: Histogram<string>;
}

export function createMetrics(queue?: () => JobQueue | undefined): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'netpatrol_process_' });
  const metrics: Metrics = {
    registry,
    received: new Counter({ name: 'netpatrol_messages_received_total', help: 'Inbound messages accepted, by platform and status (queued|duplicate)', labelNames: ['platform', 'status'], registers: [registry] }),
    triaged: new Counter({ name: 'netpatrol_messages_triaged_total', help: 'Messages triaged, by intent', labelNames: ['intent'], registers: [registry] }),
    triageSeconds: new Histogram({ name: 'netpatrol_triage_seconds', help: 'Time to triage one message', buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1], registers: [registry] }),
    sent: new Counter({ name: 'netpatrol_replies_sent_total', help: 'Replies delivered, by platform and kind', labelNames: ['platform', 'kind'], registers: [registry] }),
    deliveryFailures: new Counter({ name: 'netpatrol_delivery_failures_total', help: 'Delivery attempts that did not send, by outcome (retry|rate_limited|outage|undeliverable|uncertain|failed)', labelNames: ['platform', 'outcome'], registers: [registry] }),
    firstResponseSeconds: new Histogram({ name: 'netpatrol_first_response_seconds', help: 'Inbound message received → first reply sent', buckets: [0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 3600], registers: [registry] }),
  };
  const depth = new Gauge({
    name: 'netpatrol_queue_jobs',
    help: 'Jobs in each queue by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const q = queue?.();
      if (!q) return;
      for (const name of ['triage', 'deliver', 'deliver-local', 'notify'] as QueueName[]) {
        try {
          const c = await q.counts(name);
          for (const [state, n] of Object.entries(c)) this.set({ queue: name, state }, n);
        } catch {
          // Queue backend unreachable: leave the last values; /healthz reports the outage.
        }
      }
    },
  });
  void depth;
  return metrics;
}
