/**
 * Identifiers. Ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Time-ordered
 * ids land at the right-hand end of each primary-key index, so a transaction that inserts a message,
 * a case, drafts and deliveries dirties a few hot pages instead of one random page per index (random
 * UUIDs made every commit write far more of the database). Still 122-bit-unguessable enough: 74 random
 * bits. Short codes are what officers type (`批准 A7F3`).
 */
import { randomBytes, randomInt } from 'node:crypto';

const POOL_IDS = 256;
let pool = Buffer.alloc(0);
let poolAt = 0;

export function newId(now = Date.now()): string {
  if (poolAt >= pool.length) {
    pool = randomBytes(10 * POOL_IDS);
    poolAt = 0;
  }
  const r = pool.subarray(poolAt, poolAt + 10);
  poolAt += 10;
  const ts = now.toString(16).padStart(12, '0').slice(-12);
  const hex = r.toString('hex');
  // version 7 in the 13th hex digit; variant 10xx in the 17th.
  const variant = ((parseInt(hex.slice(3, 4), 16) & 0x3) | 0x8).toString(16);
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${hex.slice(0, 3)}-${variant}${hex.slice(4, 7)}-${hex.slice(7, 19)}`;
}

/** Letters and digits that cannot be confused when read aloud or typed (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function shortCode(length = 4): string {
  let s = '';
  for (let i = 0; i < length; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}
