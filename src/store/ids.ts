/** Identifiers. Ids are random UUIDs; short codes are what officers type (`批准 A7F3`). */
import { randomInt, randomUUID } from 'node:crypto';

export function newId(): string {
  return randomUUID();
}

/** Letters and digits that cannot be confused when read aloud or typed (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function shortCode(length = 4): string {
  let s = '';
  for (let i = 0; i < length; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}
