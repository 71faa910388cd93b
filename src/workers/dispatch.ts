/**
 * Puts the jobs that follow a committed decision on the right queues: deliveries through adapters any
 * process can reach go to `deliver`, those bound to the `start` process (console, wechaty) to
 * `deliver-local`; a card goes to `notify` once per officers' chat. Job ids are deterministic, so
 * dispatching the same thing twice (a retried triage, the sweeper) is a no-op.
 */
import type { Platform } from '../domain/vocabulary.ts';
import type { EnqueueOptions, JobQueue, Payload, QueueName } from '../queue/port.ts';

/** Platforms whose adapter lives in one process (a terminal, a logged-in WeChat session). */
export const LOCAL_PLATFORMS: ReadonlySet<Platform> = new Set<Platform>(['console', 'wechat']);

export type CardEvent = 'new' | 'reminder' | 'decided' | 'emergency' | 'trouble';

/** One job to put on a queue. */
export interface JobSpec<Q extends QueueName = QueueName> {
  readonly queue: Q;
  readonly payload: Payload<Q>;
  readonly options: EnqueueOptions;
}

/** The same dispatching, synchronous, inside the caller's write transaction (embedded queue only). */
export interface SyncDispatch {
  deliver(delivery: { id: string; platform: string; priority: number }): void;
  announce(draftId: string, event: CardEvent, opts?: { suffix?: string }): void;
}

export interface Dispatcher {
  deliver(delivery: { id: string; platform: string; priority: number }): Promise<void>;
  announce(draftId: string, event: CardEvent, opts?: { suffix?: string }): Promise<void>;
  /**
   * Present when the queue keeps its jobs in the store's own database (the embedded driver): jobs
   * then commit or roll back with the caller's transaction.
   */
  readonly sync?: SyncDispatch;
}

/** A queue that can enqueue inside the store's transaction (the embedded driver). */
interface SyncEnqueue {
  enqueueSync<Q extends QueueName>(queue: Q, payload: Payload<Q>, options?: EnqueueOptions): void;
}

function canEnqueueSync(queue: JobQueue): queue is JobQueue & SyncEnqueue {
  return typeof (queue as Partial<SyncEnqueue>).enqueueSync === 'function';
}

/** The job that sends one delivery. */
export function deliveryJob(d: { id: string; platform: string; priority: number }): JobSpec<'deliver' | 'deliver-local'> {
  const queue = LOCAL_PLATFORMS.has(d.platform as Platform) ? 'deliver-local' : 'deliver';
  return { queue, payload: { deliveryId: d.id }, options: { jobId: `d-${d.id}`, priority: d.priority } };
}

/** The jobs that post one card event to every officers' chat. */
export function cardJobs(draftId: string, event: CardEvent, channels: readonly string[], opts: { suffix?: string } = {}): JobSpec<'notify'>[] {
  const suffix = opts.suffix ? `-${opts.suffix}` : '';
  return channels.map((channel) => ({
    queue: 'notify' as const,
    payload: { draftId, event, channel },
    options: { jobId: `n-${draftId}-${event}-${channel}${suffix}`, priority: event === 'emergency' ? 0 : 3 },
  }));
}

export function createDispatcher(queue: JobQueue, reviewChannels: () => readonly string[]): Dispatcher {
  const dispatcher: Dispatcher = {
    async deliver(d) {
      const job = deliveryJob(d);
      await queue.enqueue(job.queue, job.payload, job.options);
    },
    async announce(draftId, event, opts = {}) {
      for (const job of cardJobs(draftId, event, reviewChannels(), opts)) await queue.enqueue(job.queue, job.payload, job.options);
    },
  };
  if (!canEnqueueSync(queue)) return dispatcher;
  return {
    ...dispatcher,
    sync: {
      deliver(d) {
        const job = deliveryJob(d);
        queue.enqueueSync(job.queue, job.payload, job.options);
      },
      announce(draftId, event, opts = {}) {
        for (const job of cardJobs(draftId, event, reviewChannels(), opts)) queue.enqueueSync(job.queue, job.payload, job.options);
      },
    },
  };
}
