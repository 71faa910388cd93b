/**
 * A platform outage: the adapter's send fails for a while. Replies must wait (no attempts used up, no
 * dead letters, the platform not hammered), then all go out exactly once, in order per conversation,
 * with the emergency reply among the first after the platform is back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../src/domain/schemas.ts';
import type { Adapter } from '../../src/ports/adapter.ts';
import { SendBreaker } from '../../src/workers/outage.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { waitFor } from '../support/store.ts';

describe('SendBreaker', () => {
  it('opens after the threshold, lets one probe through per interval, backs off, and closes on success', () => {
    let now = 1000;
    const b = new SendBreaker({ threshold: 2, minProbeMs: 100, maxProbeMs: 300, now: () => now });
    expect(b.admit('telegram')).toEqual({ send: true });
    expect(b.failure('telegram')).toBeNull(); // one failure: an ordinary retry
    expect(b.failure('telegram')).toBe(100); // the second: down
    expect(b.isDown('telegram')).toBe(true);
    expect(b.admit('telegram')).toEqual({ send: false, waitMs: 100 });
    expect(b.admit('http')).toEqual({ send: true }); // other platforms are not affected
    now += 100;
    expect(b.admit('telegram')).toEqual({ send: true }); // the probe
    expect(b.admit('telegram')).toEqual({ send: false, waitMs: 100 }); // the rest wait for its outcome
    expect(b.failure('telegram')).toBe(200);
    now += 200;
    expect(b.admit('telegram')).toEqual({ send: true });
    expect(b.failure('telegram')).toBe(300);
    now += 300;
    expect(b.admit('telegram')).toEqual({ send: true });
    expect(b.failure('telegram')).toBe(300); // capped
    now += 300;
    expect(b.admit('telegram')).toEqual({ send: true });
    b.success('telegram');
    expect(b.isDown('telegram')).toBe(false);
    expect(b.admit('telegram')).toEqual({ send: true });
    expect(b.resumeInMs('telegram')).toBe(0);
  });
});

let t: TestApp | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

describe('platform outage end to end', () => {
  it('replies wait through the outage, then go out exactly once, in order per conversation, emergency first', async () => {
    let down = true;
    let triesWhileDown = 0;
    const sent: OutboundMessage[] = [];
    const flaky: Adapter = {
      platform: 'telegram',
      capabilities: { maxTextLength: 4096, buttons: false, images: false },
      start: async () => undefined,
      stop: async () => undefined,
      async send(m) {
        if (down) {
          triesWhileDown++;
          throw new Error('connect ECONNREFUSED 149.154.167.220:443');
        }
        sent.push(m);
        return { platformMessageId: `t${sent.length}` };
      },
    };
    const app = (t = await startTestApp({ extraAdapters: [flaky], outage: { threshold: 2, minProbeMs: 100, maxProbeMs: 300 } }));
    const receive = (conversation: string, n: number, text: string) =>
      app.app.intake.receive({ platform: 'telegram', account: 'default', conversationId: conversation, senderId: `u-${conversation}`, platformMessageId: `${conversation}-${n}`, text, sentAt: new Date() });

    const conversations = Array.from({ length: 10 }, (_, i) => `c${i}`);
    for (const c of conversations) {
      await receive(c, 1, '我要举报，有人在微信群里招人刷单，说先垫付再返佣金，我已经转了3000元');
      await receive(c, 2, '请问网上被骗了应该怎么报警？');
    }
    const outageStarted = Date.now();
    const allTriaged = () => ((app.store.stmt(`SELECT count(*) AS n FROM messages WHERE status = 'received'`).get() as { n: number }).n === 0 ? true : null);
    await waitFor(allTriaged, 20_000, 'all triaged');
    await receive('sos', 1, '我现在站在楼顶，真的不想活了，遗书已经写好了');
    await waitFor(allTriaged, 20_000, 'emergency triaged');
    // Keep the platform down for 2.5 s: without the breaker, ~30 deliveries would each retry on their
    // own backoff (0.5 s, 1 s, 2 s …) and use up attempts.
    await new Promise((r) => setTimeout(r, Math.max(0, 2500 - (Date.now() - outageStarted))));
    const outageMs = Date.now() - outageStarted;
    const total = (app.store.stmt(`SELECT count(*) AS n FROM deliveries`).get() as { n: number }).n;
    expect(total).toBeGreaterThanOrEqual(21); // at least one reply per message
    expect(sent).toHaveLength(0);
    // Two failures open the breaker; after that one probe per interval (100, 200, then 300 ms).
    expect(triesWhileDown).toBeLessThanOrEqual(2 + Math.ceil(outageMs / 100) + 2);
    down = false;

    await waitFor(() => (sent.length >= total ? true : null), 30_000, 'every reply sent');
    await app.app.waitUntilIdle();
    expect(sent).toHaveLength(total);
    // Exactly once.
    expect(new Set(sent.map((m) => m.id)).size).toBe(total);
    const rows = app.store.stmt(`SELECT id, conversation_id AS conversationId, status, attempts, priority FROM deliveries ORDER BY rowid`).all() as { id: string; conversationId: string; status: string; attempts: number; priority: number }[];
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    // No dead letters, nothing failed for good.
    expect(await app.app.queue.deadLetters('deliver')).toEqual([]);
    // In order per conversation: the order they were made (rowid) is the order they were sent.
    for (const c of [...conversations, 'sos']) {
      const made = rows.filter((r) => r.conversationId === c).map((r) => r.id);
      const went = sent.filter((m) => m.conversationId === c).map((m) => m.id);
      expect(went).toEqual(made);
    }
    // The emergency reply goes first after the outage (the very first send may be another waiting
    // reply that happened to be due first and probed the platform).
    const firstSos = sent.findIndex((m) => m.conversationId === 'sos');
    expect(firstSos).toBeGreaterThanOrEqual(0);
    expect(firstSos).toBeLessThanOrEqual(1);
    expect(sent.find((m) => m.conversationId === 'sos')?.kind).toBe('emergency');
  }, 60_000);
});
