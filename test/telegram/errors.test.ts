import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { mapTelegramError } from '../../adapters/telegram/errors.ts';
import { PermanentError, RetryLaterError, UndeliverableError } from '../../src/errors.ts';

const tgErr = (error_code: number, description: string, parameters?: Record<string, number>) =>
  new TelegramError({ error_code, description, ...(parameters ? { parameters } : {}) }, { method: 'sendMessage', payload: { text: '身份证 110101199003071234' } });

describe('mapTelegramError', () => {
  it('maps Telegram’s answers onto the error taxonomy', () => {
    const r = mapTelegramError(tgErr(429, 'Too Many Requests: retry after 12', { retry_after: 12 }), 'sendMessage');
    expect(r).toBeInstanceOf(RetryLaterError);
    expect((r as RetryLaterError).delayMs).toBe(12_000);
    expect((mapTelegramError(tgErr(403, 'Forbidden: bot was blocked by the user'), 'x') as UndeliverableError).reason).toBe('blocked');
    expect((mapTelegramError(tgErr(403, 'Forbidden: user is deactivated'), 'x') as UndeliverableError).reason).toBe('deactivated');
    expect((mapTelegramError(tgErr(400, 'Bad Request: chat not found'), 'x') as UndeliverableError).reason).toBe('chat_not_found');
    expect((mapTelegramError(tgErr(400, 'Bad Request: group chat was upgraded', { migrate_to_chat_id: -100 }), 'x') as UndeliverableError).reason).toBe(
      'chat_migrated',
    );
    expect(mapTelegramError(tgErr(400, "Bad Request: can't parse entities"), 'x')).toBeInstanceOf(PermanentError);
    const transient = mapTelegramError(tgErr(502, 'Bad Gateway'), 'x');
    expect([RetryLaterError, UndeliverableError, PermanentError].some((c) => transient instanceof c)).toBe(false);
  });

  it('never keeps the request payload (the citizen’s text) on the mapped error', () => {
    for (const code of [400, 403, 429, 502]) {
      const mapped = mapTelegramError(tgErr(code, 'x', code === 429 ? { retry_after: 1 } : undefined), 'sendMessage');
      expect(mapped.cause).toBeUndefined();
      expect(JSON.stringify({ ...mapped })).not.toContain('110101');
    }
  });
});
