/**
 * The adapter port's contract: every platform adapter must pass these, driven through a harness that
 * knows how to act as the platform (a citizen writing, and reading what the bot sent).
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.ts';
import { InboundMessageSchema, type InboundMessageInput, type OutboundMessage } from '../../src/domain/schemas.ts';
import type { Adapter, AdapterContext } from '../../src/ports/adapter.ts';
import { waitFor } from '../support/store.ts';

export interface Harness {
  readonly adapter: Adapter;
  readonly config: Config;
  /** Extra context members the platform needs (the HTTP server for webhooks). */
  readonly ctx?: Partial<AdapterContext>;
  /** After `start`: any platform-side step (log the bot in, open the server). */
  afterStart?(): Promise<void>;
  /** Makes a citizen write `text` on the platform. */
  citizenWrites(text: string): Promise<void>;
  /** The conversation id the adapter gives that citizen. */
  readonly conversationId: string;
  /** What the platform shows the bot sent to that conversation, oldest first. */
  sentTo(conversationId: string): Promise<string[]>;
  close(): Promise<void>;
}

export function adapterContract(name: string, make: () => Promise<Harness>): void {
  describe(`adapter contract: ${name}`, () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.adapter.stop();
      await h?.close();
      h = undefined;
    });

    async function started(): Promise<{ h: Harness; received: InboundMessageInput[] }> {
      h = await make();
      const received: InboundMessageInput[] = [];
      const ctx: AdapterContext = {
        config: h.config,
        logger: pino({ level: 'silent' }),
        mode: 'full',
        history: { lastInboundAt: async () => new Date(), sentSince: async () => 0 },
        intake: {
          async receive(m) {
            received.push(m);
            return { id: `in-${received.length}`, status: 'queued' };
          },
        },
        commands: { handle: async () => null, decide: async () => ({ ok: false, text: 'no' }) },
        ...h.ctx,
      };
      await h.adapter.start(ctx);
      await h.afterStart?.();
      return { h, received };
    }

    it('names its platform and declares sane capabilities', async () => {
      h = await make();
      expect(h.adapter.platform).toBe(name);
      expect(h.adapter.capabilities.maxTextLength).toBeGreaterThan(0);
      expect(typeof h.adapter.capabilities.buttons).toBe('boolean');
    });

    it("hands a citizen's message to intake as a valid InboundMessage of its platform", async () => {
      const { h: hh, received } = await started();
      await hh.citizenWrites('我要举报，有人在网上卖银行卡');
      await waitFor(() => received.length >= 1, 10_000, 'intake');
      const m = InboundMessageSchema.parse(received[0]);
      expect(m.platform).toBe(name);
      expect(m.text).toContain('卖银行卡');
      expect(m.conversationId).toBe(hh.conversationId);
      expect(m.platformMessageId.length).toBeGreaterThan(0);
    });

    it('sends a reply the platform shows in that conversation, keeping Chinese text and special characters intact', async () => {
      const { h: hh } = await started();
      const text = '您的线索已收到，案件编号：NP20261122000001。<请勿> 轻信 & 转账 😀';
      const out: OutboundMessage = { id: `o-${Date.now()}`, platform: name as OutboundMessage['platform'], account: 'default', conversationId: hh.conversationId, recipientId: hh.conversationId, kind: 'receipt', text, caseNumber: 'NP20261122000001', format: 'plain' };
      await hh.adapter.send(out);
      const seen = await waitFor(async () => {
        const s = await hh.sentTo(hh.conversationId);
        return s.length ? s : null;
      }, 10_000, 'sent text');
      expect(seen.join('')).toContain(text);
    });

    it('stops cleanly', async () => {
      const { h: hh } = await started();
      await expect(hh.adapter.stop()).resolves.toBeUndefined();
    });
  });
}
