/**
 * Telegram's answers mapped onto our error taxonomy (src/errors.ts), so the delivery worker acts on
 * the class: 429 → {@link RetryLaterError} with `retry_after`; 403 → {@link UndeliverableError}
 * (`blocked`, or `deactivated`/`kicked`); 400 "chat not found" → `chat_not_found`; a group that became
 * a supergroup → `chat_migrated`; other 400s → {@link PermanentError}; 5xx, network and anything else
 * → a plain Error (transient, retried with backoff).
 *
 * telegraf's TelegramError carries the request payload (the citizen's reply text): it is never kept as
 * a `cause`, so logging the mapped error cannot leak it.
 */
import { TelegramError } from 'telegraf';
import { PermanentError, RetryLaterError, UndeliverableError, withContext } from '../../src/errors.ts';

export function mapTelegramError(err: unknown, what: string): Error {
  if (!(err instanceof TelegramError)) return withContext(err, `telegram ${what}`);
  const code = err.code;
  const description = err.description ?? '';
  const message = `telegram ${what}: ${code} ${description}`;
  if (code === 429) {
    const seconds = err.parameters?.retry_after;
    return new RetryLaterError(message, typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : 5000);
  }
  if (code === 403) {
    const reason = /deactivated/i.test(description) ? 'deactivated' : /kicked|not a member/i.test(description) ? 'kicked' : 'blocked';
    return new UndeliverableError(message, reason);
  }
  if (code === 400) {
    if (err.parameters?.migrate_to_chat_id !== undefined) return new UndeliverableError(message, 'chat_migrated');
    if (/chat not found|PEER_ID_INVALID|user not found/i.test(description)) return new UndeliverableError(message, 'chat_not_found');
    return new PermanentError(message);
  }
  return new Error(message);
}
