/**
 * The opaque `callback_data` carried by card buttons: `r:<action>:<shortCode>`, at most 64 bytes
 * (Telegram's limit). It names the card by its short code only: no citizen data ever rides on a button.
 */
import { PermanentError } from '../../src/errors.ts';

export const CARD_ACTIONS = ['approve', 'edit', 'reject', 'forward'] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

/** Button labels, in the order officers expect them. */
export const ACTION_LABELS: Readonly<Record<CardAction, string>> = { approve: '批准', edit: '修改', reject: '驳回', forward: '转办' };

export const CALLBACK_DATA_MAX_BYTES = 64;

/** Encodes a button; throws {@link PermanentError} when the short code would not fit in 64 bytes or contains `:`. */
export function encodeCallbackData(action: CardAction, shortCode: string): string {
  if (!shortCode || shortCode.includes(':')) throw new PermanentError(`telegram: short code ${JSON.stringify(shortCode)} cannot be put on a button`);
  const data = `r:${action}:${shortCode}`;
  if (Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_MAX_BYTES)
    throw new PermanentError(`telegram: callback_data for ${shortCode} exceeds ${CALLBACK_DATA_MAX_BYTES} bytes`);
  return data;
}

/** Parses button data from Telegram; null for anything we did not issue (forged or stale buttons). */
export function parseCallbackData(data: string): { action: CardAction; shortCode: string } | null {
  const m = /^r:(approve|edit|reject|forward):([^:\s]{1,56})$/.exec(data);
  if (!m || Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_MAX_BYTES) return null;
  return { action: m[1] as CardAction, shortCode: m[2]! };
}
