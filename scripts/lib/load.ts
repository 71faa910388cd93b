/**
 * The load generator: POSTs citizen messages to `POST /v1/messages` on 127.0.0.1, either as fast as
 * `concurrency` allows or paced at a fixed rate, and records when each message was first posted.
 * With `retry`, a message is posted again until the server answers 202 or 200 (duplicate): that is how
 * a platform re-delivers a webhook after a crash, and it must never store a message twice.
 */
import { sleep } from './procs.ts';

export interface OutMessage {
  readonly conversationId: string;
  readonly senderId: string;
  readonly messageId: string;
  readonly text: string;
}

export interface LoadOptions {
  /** Requests in flight at once (default 32). */
  readonly concurrency?: number;
  /** Messages per second; unset = as fast as `concurrency` allows. */
  readonly ratePerSec?: number;
  /** Keep posting a message until it is accepted (chaos runs); default false (a failure throws). */
  readonly retry?: boolean;
  /** Timeout of one POST, ms; default 120 s (an embedded process under a burst answers slowly). */
  readonly postTimeoutMs?: number;
  /** Give up after this long (ms since the start); default 10 minutes. */
  readonly deadlineMs?: number;
  /** Called with the index of each message just before its first POST (chaos: kill moments). */
  readonly onSend?: (index: number) => void;
}

export interface LoadResult {
  /** messageId → epoch ms of its first POST. */
  readonly postedAt: Map<string, number>;
  /** messageId → HTTP status of the accepting answer (202 queued, 200 duplicate). */
  readonly status: Map<string, number>;
  readonly startedAt: number;
  readonly finishedAt: number;
  /** POSTs that failed (connection refused, 5xx) and were tried again. */
  readonly retries: number;
  /** How long each accepted POST took to be answered, ms. */
  readonly postMs: number[];
}

async function postOnce(base: string, m: OutMessage, timeoutMs: number): Promise<number> {
  const res = await fetch(`${base}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversationId: m.conversationId, senderId: m.senderId, messageId: m.messageId, text: m.text }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Sends every message once (or until accepted, with `retry`). */
export async function sendMessages(base: string, messages: readonly OutMessage[], opts: LoadOptions = {}): Promise<LoadResult> {
  const concurrency = Math.max(1, opts.concurrency ?? 32);
  const deadline = Date.now() + (opts.deadlineMs ?? 600_000);
  const postedAt = new Map<string, number>();
  const status = new Map<string, number>();
  let retries = 0;
  const postMs: number[] = [];
  const startedAt = Date.now();
  let next = 0;

  const sendOne = async (i: number) => {
    const m = messages[i] as OutMessage;
    opts.onSend?.(i);
    postedAt.set(m.messageId, Date.now());
    let last = '';
    for (;;) {
      let code: number;
      const t0 = Date.now();
      try {
        code = await postOnce(base, m, opts.postTimeoutMs ?? 120_000);
        last = `HTTP ${code}`;
      } catch (err) {
        if (!opts.retry) throw err;
        code = -1;
        last = err instanceof Error ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}` : String(err);
      }
      if (code === 202 || code === 200) {
        status.set(m.messageId, code);
        postMs.push(Date.now() - t0);
        return;
      }
      if (!opts.retry || code === 400 || code === 401) throw new Error(`POST /v1/messages for ${m.messageId} answered ${code}`);
      if (Date.now() > deadline) throw new Error(`gave up posting ${m.messageId}: not accepted before the deadline (last answer: ${last})`);
      retries++;
      await sleep(100);
    }
  };

  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= messages.length) return;
      if (opts.ratePerSec) {
        const due = startedAt + (i * 1000) / opts.ratePerSec;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
      }
      if (Date.now() > deadline) throw new Error('load deadline passed');
      await sendOne(i);
    }
  };
  // Paced runs need enough workers that one slow answer does not hold back the schedule.
  const workers = opts.ratePerSec ? Math.max(concurrency, Math.ceil(opts.ratePerSec / 4)) : concurrency;
  await Promise.all(Array.from({ length: Math.min(workers, messages.length) }, worker));
  return { postedAt, status, startedAt, finishedAt: Date.now(), retries, postMs };
}

/** `n` messages, each from its own conversation and sender (so no case joining and no rate limit). */
export function makeMessages(texts: readonly string[], tag: string): OutMessage[] {
  return texts.map((text, i) => ({ conversationId: `${tag}-c${i}`, senderId: `${tag}-u${i}`, messageId: `${tag}-m${i}`, text }));
}
