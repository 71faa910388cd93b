/**
 * In-test implementations of what the core gives an adapter: an intake, an officer command handler
 * and a history that record what they receive. Small and honest: the handler decides who is an
 * officer from a set, and on an approval it updates the card the way the review service will.
 */
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/index.ts';
import type { InboundMessageInput } from '../../src/domain/schemas.ts';
import type { AdapterContext, IntakeResult } from '../../src/ports/adapter.ts';
import type { CommandReply, OfficerCommandHandler, OfficerIdentity } from '../../src/ports/commands.ts';
import type { ReviewChannel } from '../../src/ports/review.ts';

export const OFFICERS_CHAT = -1001234567890;
export const OFFICER = { id: 501, first_name: '李', last_name: '警官', is_bot: false } as const;
export const OTHER_OFFICER = { id: 502, first_name: '王', last_name: '警官', is_bot: false } as const;
export const STRANGER = { id: 666, first_name: 'Mallory', is_bot: false } as const;
export const CITIZEN = { id: 90001, first_name: '张', last_name: '三', username: 'zhangsan', is_bot: false } as const;

export function testConfig(fake: { apiRoot: string; token: string }, extra: Record<string, string> = {}): Config {
  return loadConfig({
    ADAPTERS: 'telegram',
    DATABASE_URL: ':memory:',
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_OFFICERS_CHAT_ID: String(OFFICERS_CHAT),
    LOG_LEVEL: 'silent',
    ...extra,
  });
}

export class RecordingIntake {
  readonly received: InboundMessageInput[] = [];
  private waiters: (() => void)[] = [];
  /** Errors to throw on the next calls (intake down), in order. */
  failures: Error[] = [];

  receive = async (message: InboundMessageInput): Promise<IntakeResult> => {
    const f = this.failures.shift();
    if (f) throw f;
    this.received.push(message);
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
    return { id: `in-${this.received.length}`, status: 'queued' };
  };

  /** Resolves once `n` messages have arrived (rejects after `timeoutMs`). */
  async waitFor(n: number, timeoutMs = 5000): Promise<InboundMessageInput[]> {
    const end = Date.now() + timeoutMs;
    while (this.received.length < n) {
      if (Date.now() > end) throw new Error(`intake: ${this.received.length} of ${n} messages after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received;
  }
}

export interface Decision {
  who: OfficerIdentity;
  action: 'approve' | 'reject' | 'edit' | 'forward';
  ref: string;
  arg?: string;
}

export class TestCommands implements OfficerCommandHandler {
  readonly officers = new Set<string>([String(OFFICER.id), String(OTHER_OFFICER.id)]);
  readonly handled: { who: OfficerIdentity; text: string }[] = [];
  readonly decisions: Decision[] = [];
  readonly refused: Decision[] = [];
  /** Set by the test: where "decided" cards go (the adapter's review channel). */
  review?: ReviewChannel;
  /** shortCode → draftId, as the review service would look it up. */
  readonly drafts = new Map<string, string>();

  async handle(who: OfficerIdentity, text: string): Promise<CommandReply | null> {
    this.handled.push({ who, text });
    if (!/^(\/\w+|批准|驳回)/.test(text)) return null;
    if (!this.officers.has(who.userId)) return { ok: false, text: '您不在值班民警名单中，无权操作。' };
    return { ok: true, text: `已执行：${text}` };
  }

  async decide(who: OfficerIdentity, action: Decision['action'], ref: string, arg?: string): Promise<CommandReply> {
    const d: Decision = { who, action, ref, ...(arg !== undefined ? { arg } : {}) };
    if (!this.officers.has(who.userId)) {
      this.refused.push(d);
      return { ok: false, text: '您不在值班民警名单中，无权操作。' };
    }
    this.decisions.push(d);
    const draftId = this.drafts.get(ref);
    if (this.review && draftId && action !== 'edit') {
      await this.review.post({ draftId, shortCode: ref, text: `【已处理】${ref} 由 ${who.displayName ?? who.userId} ${action}`, actions: [], event: 'decided' });
    }
    return { ok: true, text: `卡片 ${ref}：已${action}` };
  }
}

export const noHistory = {
  lastInboundAt: async () => null,
  sentSince: async () => 0,
};

export function makeContext(
  config: Config,
  parts: { intake: RecordingIntake; commands: OfficerCommandHandler; http?: FastifyInstance; mode?: AdapterContext['mode'] },
): AdapterContext {
  return {
    config,
    mode: parts.mode ?? 'full',
    logger: pino({ level: 'silent' }),
    intake: parts.intake,
    commands: parts.commands,
    history: noHistory,
    ...(parts.http ? { http: parts.http } : {}),
  };
}

/** Polls `check` until it returns a value other than undefined. */
export async function eventually<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
