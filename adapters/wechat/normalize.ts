/**
 * A citizen's private wechaty message → our {@link InboundMessageInput}. The conversation and the sender
 * are the contact id; media are recorded as attachments whose `ref` is the wechaty message id (the
 * bytes stay on the phone/puppet; an officer can fetch them through the puppet while it is logged in).
 */
import { types } from 'wechaty';
import type { MessageInterface } from 'wechaty/impls';
import type { Attachment, InboundMessageInput } from '../../src/domain/schemas.ts';

const MEDIA: Partial<Record<types.Message, Attachment['type']>> = {
  [types.Message.Image]: 'image',
  [types.Message.Attachment]: 'document',
  [types.Message.Audio]: 'voice',
  [types.Message.Video]: 'video',
  [types.Message.Url]: 'link',
  [types.Message.Location]: 'location',
  [types.Message.Contact]: 'other',
};

/** What a private message becomes: a message to store, or nothing (with why, for the log). */
export type WechatIntake =
  | { readonly action: 'store'; readonly message: InboundMessageInput }
  | { readonly action: 'ignore'; readonly reason: string };

/** Normalizes a private (non-room, non-self) message from a citizen. */
export function normalizePrivateMessage(msg: MessageInterface, account: string): WechatIntake {
  const talker = msg.talker();
  if (talker.type() === types.Contact.Official) return { action: 'ignore', reason: 'from an official account' };
  const type = msg.type();
  const mediaType = MEDIA[type];
  let text = '';
  const attachments: Attachment[] = [];
  if (type === types.Message.Text) {
    text = msg.text();
  } else if (mediaType) {
    attachments.push({ type: mediaType, ref: msg.id });
    // Links and locations carry readable text (title/url, address) worth classifying.
    if (type === types.Message.Url || type === types.Message.Location) text = msg.text();
  } else {
    return { action: 'ignore', reason: `message type ${types.Message[type] ?? type}` };
  }
  if (text.trim() === '' && attachments.length === 0) return { action: 'ignore', reason: 'empty text' };
  return {
    action: 'store',
    message: {
      platform: 'wechat',
      account,
      conversationId: talker.id,
      senderId: talker.id,
      senderName: talker.name() || undefined,
      platformMessageId: msg.id,
      text,
      attachments,
      sentAt: msg.date(),
      meta: { messageType: types.Message[type] ?? String(type) },
    },
  };
}
