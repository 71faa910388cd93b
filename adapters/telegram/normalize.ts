/**
 * Telegram update → what the core understands, as one pure function. Private chats are citizens;
 * the officers' group (and only that group) carries officer commands, replies and button presses;
 * everything else is ignored with a reason. The update is validated with zod first: a malformed or
 * unexpected update yields `{ kind: 'ignored' }`, never a throw.
 */
import { z } from 'zod';
import { InboundMessageSchema, type Attachment, type InboundMessageInput } from '../../src/domain/schemas.ts';
import type { OfficerIdentity } from '../../src/ports/commands.ts';

const UserSchema = z.object({
  id: z.number().int(),
  is_bot: z.boolean().default(false),
  first_name: z.string().default(''),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
type TgUser = z.infer<typeof UserSchema>;

const ChatSchema = z.object({
  id: z.number().int(),
  type: z.string(),
  title: z.string().optional(),
  username: z.string().optional(),
});
type TgChat = z.infer<typeof ChatSchema>;

const FileSchema = z.object({
  file_id: z.string().min(1),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
  file_size: z.number().optional(),
});

const PhotoSizeSchema = z.object({
  file_id: z.string().min(1),
  width: z.number().default(0),
  height: z.number().default(0),
  file_size: z.number().optional(),
});

const EntitySchema = z.object({ type: z.string(), offset: z.number(), length: z.number(), url: z.string().optional() });

const OriginSchema = z.object({
  type: z.string(),
  date: z.number().optional(),
  sender_user: UserSchema.optional(),
  sender_user_name: z.string().optional(),
  sender_chat: ChatSchema.optional(),
  chat: ChatSchema.optional(),
  message_id: z.number().optional(),
  author_signature: z.string().optional(),
});

const MessageSchema = z.object({
  message_id: z.number().int(),
  date: z.number(),
  edit_date: z.number().optional(),
  chat: ChatSchema,
  from: UserSchema.optional(),
  sender_chat: ChatSchema.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(EntitySchema).optional(),
  caption_entities: z.array(EntitySchema).optional(),
  photo: z.array(PhotoSizeSchema).optional(),
  document: FileSchema.optional(),
  voice: FileSchema.optional(),
  audio: FileSchema.optional(),
  video: FileSchema.optional(),
  video_note: FileSchema.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
  media_group_id: z.string().optional(),
  forward_origin: OriginSchema.optional(),
  forward_from: UserSchema.optional(),
  forward_from_chat: ChatSchema.optional(),
  forward_from_message_id: z.number().optional(),
  forward_sender_name: z.string().optional(),
  forward_signature: z.string().optional(),
  forward_date: z.number().optional(),
  reply_to_message: z.object({ message_id: z.number().int(), from: UserSchema.optional() }).optional(),
});
type TgMessage = z.infer<typeof MessageSchema>;

const CallbackQuerySchema = z.object({
  id: z.string().min(1),
  from: UserSchema,
  message: z.object({ message_id: z.number().int(), chat: ChatSchema }).optional(),
  data: z.string().optional(),
});

const UpdateSchema = z.object({
  update_id: z.number().int(),
  message: MessageSchema.optional(),
  edited_message: MessageSchema.optional(),
  callback_query: CallbackQuerySchema.optional(),
});

/** What an officer did in the officers' group. */
export type OfficerEvent =
  | {
      readonly type: 'text';
      readonly who: OfficerIdentity;
      readonly chatId: string;
      readonly messageId: number;
      readonly text: string;
      /** The message this one replies to (a ForceReply prompt or a card), when it is a reply. */
      readonly replyToMessageId?: number;
    }
  | {
      readonly type: 'button';
      readonly who: OfficerIdentity;
      readonly callbackQueryId: string;
      readonly data: string;
      readonly chatId: string;
      readonly messageId: number;
    };

export type Normalized =
  | { readonly kind: 'citizen'; readonly message: InboundMessageInput }
  | { readonly kind: 'officer'; readonly event: OfficerEvent }
  | {
      readonly kind: 'ignored';
      readonly reason: string;
      /** Set when the update was a button press: it must still be answered so the spinner stops. */
      readonly callbackQueryId?: string;
      /** The chat it came from, for the log (a group id, never a citizen's text). */
      readonly chatId?: string;
    };

export interface NormalizeOptions {
  /** Our account id (`ACCOUNT_ID`), stamped on every inbound message. */
  readonly account: string;
  /** The officers' group (`TELEGRAM_OFFICERS_CHAT_ID`); without it no group is read. */
  readonly officersChatId?: string;
  /** The bot's username, so `/cmd@OtherBot` in the officers' group is left to the other bot. */
  readonly botUsername?: string;
}

function displayName(u: TgUser): string {
  return [u.first_name, u.last_name].filter((s) => s && s.trim()).join(' ').trim() || (u.username ? `@${u.username}` : String(u.id));
}

function chatRef(c: TgChat): Record<string, unknown> {
  return { id: c.id, type: c.type, ...(c.title ? { title: c.title } : {}), ...(c.username ? { username: c.username } : {}) };
}

function userRef(u: TgUser): Record<string, unknown> {
  return { id: u.id, name: displayName(u), ...(u.username ? { username: u.username } : {}), ...(u.is_bot ? { isBot: true } : {}) };
}

/** A Unix time in seconds as ISO text, or undefined when no Date can hold it (a forged 1e300). */
function isoFromUnix(seconds: number): string | undefined {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Where a forwarded message came from, kept as evidence (Bot API 7 `forward_origin`, or the older fields). */
function forwardOrigin(m: TgMessage): Record<string, unknown> | undefined {
  const o = m.forward_origin;
  if (o) {
    const out: Record<string, unknown> = { type: o.type };
    const date = o.date !== undefined ? isoFromUnix(o.date) : undefined;
    if (date) out.date = date;
    if (o.sender_user) out.user = userRef(o.sender_user);
    if (o.sender_user_name) out.senderName = o.sender_user_name;
    if (o.sender_chat) out.chat = chatRef(o.sender_chat);
    if (o.chat) out.chat = chatRef(o.chat);
    if (o.message_id !== undefined) out.messageId = o.message_id;
    if (o.author_signature) out.authorSignature = o.author_signature;
    return out;
  }
  if (m.forward_date === undefined && !m.forward_from && !m.forward_from_chat && !m.forward_sender_name) return undefined;
  const out: Record<string, unknown> = {
    type: m.forward_from_chat ? (m.forward_from_chat.type === 'channel' ? 'channel' : 'chat') : m.forward_from ? 'user' : 'hidden_user',
  };
  const date = m.forward_date !== undefined ? isoFromUnix(m.forward_date) : undefined;
  if (date) out.date = date;
  if (m.forward_from) out.user = userRef(m.forward_from);
  if (m.forward_sender_name) out.senderName = m.forward_sender_name;
  if (m.forward_from_chat) out.chat = chatRef(m.forward_from_chat);
  if (m.forward_from_message_id !== undefined) out.messageId = m.forward_from_message_id;
  if (m.forward_signature) out.authorSignature = m.forward_signature;
  return out;
}

/** The largest photo size: by pixels, then by bytes; Telegram lists sizes smallest first, so the last wins ties. */
function largestPhoto(sizes: readonly z.infer<typeof PhotoSizeSchema>[]): z.infer<typeof PhotoSizeSchema> | undefined {
  let best: z.infer<typeof PhotoSizeSchema> | undefined;
  for (const s of sizes) {
    if (!best) {
      best = s;
      continue;
    }
    const a = s.width * s.height;
    const b = best.width * best.height;
    if (a > b || (a === b && (s.file_size ?? 0) >= (best.file_size ?? 0))) best = s;
  }
  return best;
}

function attachmentsOf(m: TgMessage): Attachment[] {
  const out: Attachment[] = [];
  const photo = m.photo ? largestPhoto(m.photo) : undefined;
  if (photo) out.push({ type: 'image', ref: photo.file_id });
  const file = (type: Attachment['type'], f: z.infer<typeof FileSchema> | undefined) => {
    if (!f) return;
    out.push({
      type,
      ref: f.file_id,
      ...(f.file_name ? { name: f.file_name.slice(0, 512) } : {}),
      ...(f.mime_type ? { mimeType: f.mime_type.slice(0, 255) } : {}),
    });
  };
  file('document', m.document);
  file('voice', m.voice);
  file('video', m.video);
  file('video', m.video_note);
  file('other', m.audio);
  if (m.location) out.push({ type: 'location', ref: `${m.location.latitude},${m.location.longitude}` });
  // Hidden links (text_link) are not in the text itself: keep them, they are often the evidence.
  for (const e of [...(m.entities ?? []), ...(m.caption_entities ?? [])]) {
    if (e.type === 'text_link' && e.url) out.push({ type: 'link', ref: e.url.slice(0, 2048) });
  }
  return out;
}

function citizen(m: TgMessage, edited: boolean, opts: NormalizeOptions): Normalized {
  const from = m.from;
  if (!from) return { kind: 'ignored', reason: 'private_without_sender' };
  if (from.is_bot) return { kind: 'ignored', reason: 'from_bot' };
  const meta: Record<string, unknown> = {};
  const origin = forwardOrigin(m);
  if (origin) meta.forwardOrigin = origin;
  if (m.media_group_id) meta.mediaGroupId = m.media_group_id;
  if (m.reply_to_message) meta.replyTo = String(m.reply_to_message.message_id);
  if (from.username) meta.username = from.username;
  let platformMessageId = String(m.message_id);
  let sentAt = m.date;
  if (edited) {
    const editDate = m.edit_date ?? m.date;
    meta.editOf = String(m.message_id);
    platformMessageId = `${m.message_id}-e${editDate}`;
    sentAt = editDate;
  }
  const input: InboundMessageInput = {
    platform: 'telegram',
    account: opts.account,
    conversationId: String(m.chat.id),
    senderId: String(from.id),
    senderName: displayName(from).slice(0, 256),
    platformMessageId,
    text: m.text ?? m.caption ?? '',
    attachments: attachmentsOf(m),
    sentAt: new Date(sentAt * 1000),
    meta,
  };
  if (!input.text?.trim() && input.attachments?.length === 0) return { kind: 'ignored', reason: 'no_content' };
  const checked = InboundMessageSchema.safeParse(input);
  if (!checked.success) {
    const first = checked.error.issues[0];
    return { kind: 'ignored', reason: `invalid_message: ${first ? `${first.path.join('.')} ${first.message}` : 'invalid'}` };
  }
  return { kind: 'citizen', message: input };
}

function officerText(m: TgMessage, opts: NormalizeOptions): Normalized {
  const chatId = String(m.chat.id);
  const from = m.from;
  if (!from) return { kind: 'ignored', reason: 'officers_chat_without_sender', chatId };
  if (from.is_bot) return { kind: 'ignored', reason: 'from_bot', chatId };
  let text = (m.text ?? m.caption ?? '').trim();
  if (!text) return { kind: 'ignored', reason: 'officers_chat_no_text', chatId };
  const addressed = /^(\/[A-Za-z0-9_]+)@([A-Za-z0-9_]+)(?=\s|$)/.exec(text);
  if (addressed) {
    if (opts.botUsername && addressed[2]!.toLowerCase() !== opts.botUsername.toLowerCase())
      return { kind: 'ignored', reason: 'command_for_other_bot', chatId };
    text = addressed[1]! + text.slice(addressed[0].length);
  }
  return {
    kind: 'officer',
    event: {
      type: 'text',
      who: { platform: 'telegram', userId: String(from.id), displayName: displayName(from) },
      chatId,
      messageId: m.message_id,
      text,
      ...(m.reply_to_message ? { replyToMessageId: m.reply_to_message.message_id } : {}),
    },
  };
}

/**
 * Classifies and normalizes one update. Guarantees: a `citizen` result passes `InboundMessageSchema`;
 * edits get their own `platformMessageId` (`<id>-e<edit_date>`) with `meta.editOf` = the original id;
 * nothing from a group other than the officers' group is ever returned as citizen or officer input.
 */
export function normalizeUpdate(update: unknown, opts: NormalizeOptions): Normalized {
  const parsed = UpdateSchema.safeParse(update);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { kind: 'ignored', reason: `malformed: ${first ? `${first.path.join('.')} ${first.message}` : 'invalid update'}` };
  }
  const u = parsed.data;
  const isOfficersChat = (chat: TgChat) => opts.officersChatId !== undefined && String(chat.id) === opts.officersChatId;

  if (u.callback_query) {
    const q = u.callback_query;
    const chat = q.message?.chat;
    if (!chat || !q.message || !isOfficersChat(chat))
      return { kind: 'ignored', reason: 'callback_outside_officers_chat', callbackQueryId: q.id, ...(chat ? { chatId: String(chat.id) } : {}) };
    if (!q.data) return { kind: 'ignored', reason: 'callback_without_data', callbackQueryId: q.id, chatId: String(chat.id) };
    return {
      kind: 'officer',
      event: {
        type: 'button',
        who: { platform: 'telegram', userId: String(q.from.id), displayName: displayName(q.from) },
        callbackQueryId: q.id,
        data: q.data,
        chatId: String(chat.id),
        messageId: q.message.message_id,
      },
    };
  }

  const edited = u.edited_message !== undefined;
  const m = u.message ?? u.edited_message;
  if (!m) return { kind: 'ignored', reason: 'unsupported_update' };
  if (m.chat.type === 'private') return citizen(m, edited, opts);
  if (m.chat.type === 'channel') return { kind: 'ignored', reason: 'channel', chatId: String(m.chat.id) };
  if (!isOfficersChat(m.chat)) return { kind: 'ignored', reason: 'group_not_officers_chat', chatId: String(m.chat.id) };
  // Re-running a command because an officer fixed a typo in it would decide twice: edits in the group are ignored.
  if (edited) return { kind: 'ignored', reason: 'officers_chat_edit', chatId: String(m.chat.id) };
  return officerText(m, opts);
}
