/**
 * Puts the jobs that follow a committed decision on the right queues: deliveries through adapters any
 * process can reach go to `deliver`, those bound to the `start` process (console, wechaty) to
 * `deliver-local`; a card goes to `notify` once per officers' chat. Job ids are deterministic, so
 * dispatching the same thing twice (a retried triage, the sweeper) is a no-op.
 */
import type { Platform } from '../domain/vocabulary.ts';
import type { JobQueue } from '../queue/port.ts';

/** Platforms whose adapter lives in one process (a terminal, a logged-in WeChat session). */
export const LOCAL_PLATFORMS: ReadonlySet<Platform> = new Set<Platform>(['console', 'wechat']);

export type CardEvent = 'new' | 'reminder' | 'decided' | 'emergency' | 'trouble';

export interface Dispatcher {
  deliver(delivery: { id: string; platform: string; priority: number }): Promise<void>;
  announce(draftId: string, event: CardEvent, opts?: { suffix?: string }): Promise<void>;
}

export function createDispatcher(queue: JobQueue, reviewChannels: () => readonly string[]): Dispatcher {
  return {
    async deliver(d) {
      const name = LOCAL_PLATFORMS.has(d.platform as Platform) ? 'deliver-local' : 'deliver';
      await queue.enqueue(name, { deliveryId: d.id }, { jobId: `d-${d.id}`, priority: d.priority });
    },
    async announce(draftId, event, opts = {}) {
      for (const channel of reviewChannels()) {
        const suffix = opts.suffix ? `-${opts.suffix}` : '';
        await queue.enqueue(
          'notify',
          { draftId, event, channel },
          { jobId: `n-${draftId}-${event}-${channel}${suffix}`, priority: event === 'emergency' ? 0 : 3 },
        );
      }
    },
  };
}
