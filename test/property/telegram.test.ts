/** Property tests: normalizeUpdate never throws, always answers citizen | officer | ignored, and fast. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeUpdate, type NormalizeOptions } from '../../adapters/telegram/normalize.ts';
import { InboundMessageSchema } from '../../src/domain/schemas.ts';
import { anyString, anyValue, hostileString, oddNumber, pollutedObject, timed } from './arbitraries.ts';

const OPTS: NormalizeOptions = { account: 'default', officersChatId: '-1001', botUsername: 'netpatrol_bot' };
const KINDS = new Set(['citizen', 'officer', 'ignored']);

/** A value that is usually of the right type and sometimes not. */
const maybe = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: anyValue });
const id = maybe(fc.oneof(fc.integer(), fc.constantFrom(42, -1001)));
const num = maybe(oddNumber);
const str = maybe(anyString);

const user = fc.record(
  { id, is_bot: maybe(fc.boolean()), first_name: str, last_name: str, username: str },
  { requiredKeys: ['id'] },
);
const chat = fc.record({ id, type: maybe(fc.constantFrom('private', 'group', 'supergroup', 'channel', 'weird')), title: str, username: str }, { requiredKeys: ['id', 'type'] });
const file = fc.record({ file_id: str, file_name: str, mime_type: str, file_size: num }, { requiredKeys: ['file_id'] });
const entity = fc.record({ type: maybe(fc.constantFrom('text_link', 'url', 'bold')), offset: num, length: num, url: str });
const origin = fc.record(
  { type: maybe(fc.constantFrom('user', 'hidden_user', 'chat', 'channel')), date: num, sender_user: user, sender_user_name: str, sender_chat: chat, chat, message_id: num, author_signature: str },
  { requiredKeys: ['type'] },
);
const message = fc.record(
  {
    message_id: id,
    date: num,
    edit_date: num,
    chat,
    from: user,
    text: str,
    caption: str,
    entities: maybe(fc.array(entity, { maxLength: 5 })),
    caption_entities: maybe(fc.array(entity, { maxLength: 5 })),
    photo: maybe(fc.array(fc.record({ file_id: str, width: num, height: num, file_size: num }), { maxLength: 4 })),
    document: file,
    voice: file,
    location: maybe(fc.record({ latitude: num, longitude: num })),
    media_group_id: str,
    forward_origin: origin,
    forward_from: user,
    forward_from_chat: chat,
    forward_date: num,
    forward_sender_name: str,
    reply_to_message: maybe(fc.record({ message_id: id })),
  },
  { requiredKeys: ['message_id', 'date', 'chat'] },
);
const callback = fc.record({ id: str, from: user, message: maybe(fc.record({ message_id: id, chat })), data: str }, { requiredKeys: ['id', 'from'] });
const update = fc.record(
  { update_id: maybe(fc.integer()), message, edited_message: message, callback_query: callback },
  { requiredKeys: ['update_id'] },
);

function check(input: unknown): void {
  const { value, ms } = timed(() => normalizeUpdate(input, OPTS));
  expect(KINDS.has(value.kind)).toBe(true);
  if (value.kind === 'citizen') expect(InboundMessageSchema.safeParse(value.message).success).toBe(true);
  if (value.kind === 'ignored') expect(typeof value.reason).toBe('string');
  expect(ms).toBeLessThan(1000);
}

describe('normalizeUpdate (property)', () => {
  it('never throws on update-shaped input with wrong or extreme fields', () => {
    fc.assert(fc.property(update, (u) => check(u)), { numRuns: 1500 });
  });

  it('never throws on arbitrary values (wrong types, deep, polluted)', () => {
    fc.assert(fc.property(anyValue, (v) => check(v)), { numRuns: 1000 });
    fc.assert(fc.property(pollutedObject, (v) => check({ update_id: 1, message: v })), { numRuns: 200 });
  });

  it('regression: forwarded dates beyond what a Date can hold are not a crash', () => {
    const base = { message_id: 7, date: 1_790_000_000, chat: { id: 42, type: 'private' }, from: { id: 42, first_name: 'a' }, text: '谣言' };
    for (const date of [1e15, 1e18, 1e300, -1e300]) {
      check({ update_id: 1, message: { ...base, forward_origin: { type: 'user', date } } });
      check({ update_id: 1, message: { ...base, forward_date: date } });
      check({ update_id: 1, message: { ...base, date } });
      check({ update_id: 1, edited_message: { ...base, edit_date: date } });
    }
  });

  it('private text from a person is always a citizen message carrying the text exactly (≤ 10,000 chars)', () => {
    fc.assert(
      fc.property(hostileString(300).filter((s) => s.trim().length > 0), fc.integer({ min: 1, max: 2 ** 40 }), (text, uid) => {
        const r = normalizeUpdate({ update_id: 1, message: { message_id: 1, date: 1_790_000_000, chat: { id: uid, type: 'private' }, from: { id: uid, first_name: 'x' }, text } }, OPTS);
        expect(r.kind).toBe('citizen');
        if (r.kind === 'citizen') expect(r.message.text).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});
