/** The delivery worker's exactly-once-for-people rules, with a real store and a recording adapter. */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.ts';
import { RetryLaterError, UndeliverableError } from '../../src/errors.ts';
import type { Adapter } from '../../src/ports/adapter.ts';
import type { OutboundMessage } from '../../src/domain/schemas.ts';
import { insertDraft } from '../../src/review/drafts.ts';
import { transaction } from '../../src/store/db.ts';
import { deliveries } from '../../src/store/schema.ts';
import { createDeliverHandler } from '../../src/workers/deliver.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let s: TempStore | undefined;
afterEach(() => {
  s?.cleanup();
  s = undefined;
});

function setup(behaviour: (m: OutboundMessage, n: number) => Promise<void> = async () => undefined) {
  s = tempStore();
  const store = s;
  const sent: OutboundMessage[] = [];
  let calls = 0;
  const adapter: Adapter = {
    platform: 'http',
    capabilities: { maxTextLength: 1000, buttons: false, images: false },
    start: async () => undefined,
    stop: async () => undefined,
    async send(m) {
      calls++;
      await behaviour(m, calls);
      sent.push(m);
      return { platformMessageId: `p${calls}` };
    },
  };
  const trouble: string[] = [];
  const handler = createDeliverHandler({ store, adapters: new Map([['http', adapter]]), logger: silentLogger, onTrouble: async (_id, status) => void trouble.push(status), maxAttempts: 3 });
  const { delivery } = transaction(store, () =>
    insertDraft(store, { account: 'default', caseId: null, inboundMessageId: null, platform: 'http', conversationId: 'c', recipientId: 'u', kind: 'receipt', templateKey: null, text: '已收到', locale: 'zh-Hans', approval: 'auto', priority: 5 }, new Date()),
  );
  const id = delivery!.id;
  const job = (attempt = 1) => ({ id: `d-${id}`, queue: 'deliver' as const, payload: { deliveryId: id }, attempt });
  const status = () => store.db.select().from(deliveries).where(eq(deliveries.id, id)).get();
  return { store, sent, handler, job, status, trouble };
}

describe('delivery worker', () => {
  it('sends once and records sent; a duplicate job is a no-op', async () => {
    const d = setup();
    await d.handler(d.job());
    await d.handler(d.job());
    expect(d.sent).toHaveLength(1);
    expect(d.status()).toMatchObject({ status: 'sent', platformMessageId: 'p1', attempts: 1 });
  });

  it('a crash between the platform call and the record leaves a state officers see, and never sends again', async () => {
    const d = setup();
    // A worker took the row (approved → sending) and died before recording the result.
    d.store.db.update(deliveries).set({ status: 'sending', sendingAt: Date.now() }).where(eq(deliveries.id, d.status()!.id)).run();
    await d.handler(d.job(2));
    await d.handler(d.job(3));
    expect(d.sent).toHaveLength(0);
    expect(d.status()?.status).toBe('uncertain');
    expect(d.trouble).toEqual(['uncertain']);
  });

  it('a transient failure releases the row for a retry, and a 429 delays without being final', async () => {
    const d = setup(async (_m, n) => {
      if (n === 1) throw new Error('socket hang up');
      if (n === 2) throw new RetryLaterError('429', 1000);
    });
    await expect(d.handler(d.job(1))).rejects.toThrow('socket hang up');
    expect(d.status()?.status).toBe('approved');
    await expect(d.handler(d.job(2))).rejects.toBeInstanceOf(RetryLaterError);
    expect(d.status()?.status).toBe('approved');
    await d.handler(d.job(2));
    expect(d.status()?.status).toBe('sent');
    expect(d.sent).toHaveLength(1);
  });

  it('marks undeliverable and failed deliveries and tells officers', async () => {
    const blocked = setup(async () => {
      throw new UndeliverableError('bot was blocked by the user', 'blocked');
    });
    await blocked.handler(blocked.job());
    expect(blocked.status()).toMatchObject({ status: 'undeliverable' });
    expect(blocked.status()?.lastError).toContain('blocked');
    expect(blocked.trouble).toEqual(['undeliverable']);
    s?.cleanup();
    const broken = setup(async () => {
      throw new Error('500 Internal Server Error');
    });
    await expect(broken.handler(broken.job(3))).rejects.toThrow();
    expect(broken.status()?.status).toBe('failed');
    expect(broken.trouble).toEqual(['failed']);
  });

  it('holds a reply back behind an earlier one to the same conversation, but not behind one stuck for long', async () => {
    const d = setup();
    const first = d.status()!;
    const later = (createdAt: number) =>
      transaction(d.store, () =>
        insertDraft(d.store, { account: 'default', caseId: null, inboundMessageId: null, platform: 'http', conversationId: 'c', recipientId: 'u', kind: 'advice', templateKey: null, text: '防骗提示', locale: 'zh-Hans', approval: 'auto', priority: 5 }, new Date(createdAt)),
      ).delivery!;
    const second = later(first.createdAt + 1000);
    const job = (id: string) => ({ id: `d-${id}`, queue: 'deliver' as const, payload: { deliveryId: id }, attempt: 1 });
    // The receipt has not gone yet: the advice waits for it, without using an attempt.
    await expect(d.handler(job(second.id))).rejects.toBeInstanceOf(RetryLaterError);
    expect(d.sent).toHaveLength(0);
    await d.handler(d.job());
    await d.handler(job(second.id));
    expect(d.sent.map((m) => m.text)).toEqual(['已收到', '防骗提示']);
    // A reply made long after an earlier one that is stuck in approved (its job gone) is not held back.
    d.store.db.update(deliveries).set({ status: 'approved' }).where(eq(deliveries.id, first.id)).run();
    const third = later(first.createdAt + 20 * 60_000);
    await d.handler(job(third.id));
    expect(d.sent).toHaveLength(3);
  });
});
