import { describe, expect, it } from 'vitest';
import { normalizeUpdate } from '../../adapters/telegram/normalize.ts';
import { InboundMessageSchema } from '../../src/domain/schemas.ts';

const OPTS = { account: 'default', officersChatId: '-1001', botUsername: 'netpatrol_bot' };
const citizen = { id: 42, is_bot: false, first_name: '張', last_name: '小明' };
const chat = { id: 42, type: 'private', first_name: '張' };
const msg = (extra: Record<string, unknown>) => ({ update_id: 1, message: { message_id: 7, date: 1_790_000_000, chat, from: citizen, ...extra } });

describe('normalizeUpdate', () => {
  it('keeps a document, a voice note and hidden links, and the result passes InboundMessageSchema', () => {
    const n = normalizeUpdate(
      msg({
        caption: '聊天记录见附件',
        caption_entities: [{ type: 'text_link', offset: 0, length: 4, url: 'https://scam.example.com/pay' }],
        document: { file_id: 'doc1', file_unique_id: 'u', file_name: '转账记录.pdf', mime_type: 'application/pdf' },
      }),
      OPTS,
    );
    expect(n.kind).toBe('citizen');
    if (n.kind !== 'citizen') return;
    expect(n.message.attachments).toEqual([
      { type: 'document', ref: 'doc1', name: '转账记录.pdf', mimeType: 'application/pdf' },
      { type: 'link', ref: 'https://scam.example.com/pay' },
    ]);
    expect(InboundMessageSchema.safeParse(n.message).success).toBe(true);

    const voice = normalizeUpdate(msg({ voice: { file_id: 'v1', file_unique_id: 'u', duration: 3, mime_type: 'audio/ogg' } }), OPTS);
    expect(voice).toMatchObject({ kind: 'citizen', message: { text: '', attachments: [{ type: 'voice', ref: 'v1', mimeType: 'audio/ogg' }] } });
  });

  it('keeps the forward origin as evidence (Bot API 7 and the older fields)', () => {
    const modern = normalizeUpdate(
      msg({
        text: '明天全市停水三天',
        forward_origin: { type: 'channel', date: 1_789_990_000, chat: { id: -100777, type: 'channel', title: '本地生活圈', username: 'bendi' }, message_id: 321 },
      }),
      OPTS,
    );
    expect(modern).toMatchObject({
      kind: 'citizen',
      message: {
        meta: {
          forwardOrigin: { type: 'channel', chat: { id: -100777, type: 'channel', title: '本地生活圈', username: 'bendi' }, messageId: 321, date: new Date(1_789_990_000_000).toISOString() },
        },
      },
    });
    const legacy = normalizeUpdate(msg({ text: '转发', forward_sender_name: '匿名网友', forward_date: 1_789_990_000 }), OPTS);
    expect(legacy).toMatchObject({ kind: 'citizen', message: { meta: { forwardOrigin: { type: 'hidden_user', senderName: '匿名网友' } } } });
  });

  it('never throws on malformed input', () => {
    for (const bad of [null, 42, 'x', {}, { update_id: 'a' }, { update_id: 1, message: { chat: 5 } }, { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 1 } } }]) {
      const n = normalizeUpdate(bad, OPTS);
      expect(n.kind).toBe('ignored');
      if (n.kind === 'ignored') expect(n.reason).toMatch(/^malformed/);
    }
  });

  it('ignores stickers-only messages and bots', () => {
    expect(normalizeUpdate(msg({ sticker: { file_id: 's' } }), OPTS)).toEqual({ kind: 'ignored', reason: 'no_content' });
    expect(normalizeUpdate(msg({ text: 'hi', from: { ...citizen, is_bot: true } }), OPTS)).toMatchObject({ kind: 'ignored', reason: 'from_bot' });
  });

  it('reads only the officers’ group, never edits there, and leaves other bots’ commands alone', () => {
    const group = (id: number, extra: Record<string, unknown> = {}) => ({
      update_id: 2,
      message: { message_id: 8, date: 1, chat: { id, type: 'supergroup', title: 'g' }, from: { id: 501, is_bot: false, first_name: '李' }, text: '/approve A7F3', ...extra },
    });
    expect(normalizeUpdate(group(-1002), OPTS)).toMatchObject({ kind: 'ignored', reason: 'group_not_officers_chat', chatId: '-1002' });
    expect(normalizeUpdate(group(-1001), { account: 'default' })).toMatchObject({ kind: 'ignored', reason: 'group_not_officers_chat' });
    expect(normalizeUpdate(group(-1001), OPTS)).toMatchObject({ kind: 'officer', event: { type: 'text', text: '/approve A7F3', who: { userId: '501' } } });
    expect(normalizeUpdate(group(-1001, { text: '/approve@OtherBot A7F3' }), OPTS)).toMatchObject({ kind: 'ignored', reason: 'command_for_other_bot' });
    expect(normalizeUpdate(group(-1001, { text: '/approve@NetPatrol_Bot A7F3' }), OPTS)).toMatchObject({ kind: 'officer', event: { text: '/approve A7F3' } });
    const edited = { update_id: 3, edited_message: { ...group(-1001).message, edit_date: 2 } };
    expect(normalizeUpdate(edited, OPTS)).toMatchObject({ kind: 'ignored', reason: 'officers_chat_edit' });
  });

  it('takes button presses only from the officers’ group, keeping the query id to answer', () => {
    const press = (chatId: number) => ({
      update_id: 4,
      callback_query: { id: 'q1', from: { id: 501, is_bot: false, first_name: '李' }, data: 'r:approve:A7F3', message: { message_id: 9, date: 1, chat: { id: chatId, type: 'supergroup' } } },
    });
    expect(normalizeUpdate(press(-1001), OPTS)).toEqual({
      kind: 'officer',
      event: { type: 'button', who: { platform: 'telegram', userId: '501', displayName: '李' }, callbackQueryId: 'q1', data: 'r:approve:A7F3', chatId: '-1001', messageId: 9 },
    });
    expect(normalizeUpdate(press(42), OPTS)).toMatchObject({ kind: 'ignored', reason: 'callback_outside_officers_chat', callbackQueryId: 'q1' });
  });

  it('treats a private /approve as a citizen’s text, never as a command', () => {
    expect(normalizeUpdate(msg({ text: '/approve A7F3' }), OPTS)).toMatchObject({ kind: 'citizen', message: { text: '/approve A7F3' } });
  });
});
