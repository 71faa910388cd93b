/**
 * Pure parsing of WeChat Official Account pushes: XML → zod-validated {@link OaPush} → our
 * {@link InboundMessageInput}. Nothing here performs effects.
 *
 * Which pushes are stored (decided here, once):
 * - text, image, voice, video/shortvideo, location, link → stored as the citizen's message.
 * - `subscribe` → stored with text `[关注]` and `meta.event = 'subscribe'`, so the pipeline can answer
 *   with a welcome (and WeChat opens the 48-hour service window on it). Reports may exclude it by meta.
 * - `CLICK` (menu click) → stored with text `[菜单] <EventKey>` and `meta.event/eventKey`: the citizen
 *   chose something (a "我要举报" button) and expects an answer; WeChat opens the window on it too.
 * - `unsubscribe`, `VIEW` (menu link opened), `SCAN`, `LOCATION` reports and any other event → ignored:
 *   nobody can or needs to be answered (WeChat does not open the window for them).
 *
 * `platformMessageId` is `MsgId` for messages and `${FromUserName}-${CreateTime}` for events, so
 * WeChat's three retries of one push map to one stored message (intake stores once per id).
 */
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';
import { InboundMessageSchema, type Attachment, type InboundMessageInput } from '../../src/domain/schemas.ts';

/** A push body that is not well-formed WeChat XML. Safe to log (carries no payload). */
export class WechatPushError extends Error {
  override name = 'WechatPushError';
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false, // MsgId is 64-bit: keep every value a string
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
});

const str = z.string();
const optStr = z.string().optional();
const digits = z.string().regex(/^\d{1,20}$/, 'expected digits');

const Base = z.object({
  ToUserName: str.min(1),
  FromUserName: str.min(1).max(128),
  CreateTime: digits,
});

export const OaPushSchema = z.discriminatedUnion('MsgType', [
  Base.extend({ MsgType: z.literal('text'), Content: z.string().default(''), MsgId: digits }),
  Base.extend({ MsgType: z.literal('image'), PicUrl: str.min(1), MediaId: str.min(1), MsgId: digits }),
  Base.extend({ MsgType: z.literal('voice'), MediaId: str.min(1), Format: optStr, Recognition: optStr, MsgId: digits }),
  Base.extend({ MsgType: z.enum(['video', 'shortvideo']), MediaId: str.min(1), ThumbMediaId: optStr, MsgId: digits }),
  Base.extend({
    MsgType: z.literal('location'),
    Location_X: str,
    Location_Y: str,
    Scale: optStr,
    Label: optStr,
    MsgId: digits,
  }),
  Base.extend({ MsgType: z.literal('link'), Title: optStr, Description: optStr, Url: str.min(1), MsgId: digits }),
  Base.extend({ MsgType: z.literal('event'), Event: str.min(1), EventKey: optStr }),
]);
/** One validated push (the inner XML in safe mode). */
export type OaPush = z.infer<typeof OaPushSchema>;

const EnvelopeSchema = z.object({ ToUserName: optStr, Encrypt: str.min(1) });

function parseXmlRoot(xml: string): unknown {
  // WeChat never sends a DOCTYPE; refusing it closes the entity-expansion door entirely.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new WechatPushError('DOCTYPE/ENTITY declarations are not accepted');
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (err) {
    throw new WechatPushError(`body is not well-formed XML: ${(err as Error).message}`);
  }
  const root = (doc as { xml?: unknown } | null)?.xml;
  if (!root || typeof root !== 'object') throw new WechatPushError('body has no <xml> root element');
  return root;
}

function describe(issues: z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/** Parses a safe-mode envelope and returns its `Encrypt` value. */
export function parseEnvelope(xml: string): { encrypt: string; toUserName?: string } {
  const r = EnvelopeSchema.safeParse(parseXmlRoot(xml));
  if (!r.success) throw new WechatPushError(`not a safe-mode envelope: ${describe(r.error.issues)}`);
  return { encrypt: r.data.Encrypt, toUserName: r.data.ToUserName };
}

/** Parses a (plaintext or decrypted) push. Throws {@link WechatPushError} when it is not one. */
export function parsePush(xml: string): OaPush {
  const r = OaPushSchema.safeParse(parseXmlRoot(xml));
  if (!r.success) throw new WechatPushError(`not a WeChat push: ${describe(r.error.issues)}`);
  return r.data;
}

/** What to do with a push: store it as a citizen's message, or ignore it (with why, for the log). */
export type OaIntake =
  | { readonly action: 'store'; readonly message: InboundMessageInput }
  | { readonly action: 'ignore'; readonly reason: string };

/**
 * Maps a push to our normalized message (see the module comment for which pushes are stored). A
 * `store` result always passes InboundMessageSchema; a push that would not is ignored with the reason.
 */
export function toInbound(push: OaPush, account: string): OaIntake {
  const openid = push.FromUserName;
  const sentAt = new Date(Number(push.CreateTime) * 1000);
  const base = { platform: 'wechat-oa' as const, account, conversationId: openid, senderId: openid, sentAt };
  // A push that is well-formed XML but breaks our limits (text over 10,000 characters, a URL over
  // 2,048) is ignored with the first problem, so a `store` result always passes InboundMessageSchema.
  const msg = (platformMessageId: string, text: string, attachments: Attachment[] = [], meta: Record<string, unknown> = {}): OaIntake => {
    const message: InboundMessageInput = { ...base, platformMessageId, text, attachments, meta: { msgType: push.MsgType, ...meta } };
    const checked = InboundMessageSchema.safeParse(message);
    if (!checked.success) {
      const first = checked.error.issues[0];
      return { action: 'ignore', reason: `invalid_message: ${first ? `${first.path.join('.')} ${first.message}` : 'invalid'}` };
    }
    return { action: 'store', message };
  };

  switch (push.MsgType) {
    case 'text':
      if (push.Content.trim() === '') return { action: 'ignore', reason: 'empty text' };
      return msg(push.MsgId, push.Content);
    case 'image':
      return msg(push.MsgId, '', [{ type: 'image', ref: push.PicUrl }], { mediaId: push.MediaId });
    case 'voice':
      return msg(push.MsgId, push.Recognition ?? '', [{ type: 'voice', ref: push.MediaId, ...(push.Format ? { mimeType: `audio/${push.Format}` } : {}) }], {
        recognized: push.Recognition !== undefined && push.Recognition !== '',
      });
    case 'video':
    case 'shortvideo':
      return msg(push.MsgId, '', [{ type: 'video', ref: push.MediaId }]);
    case 'location':
      return msg(push.MsgId, push.Label ?? '', [
        { type: 'location', ref: `${push.Location_X},${push.Location_Y}`, ...(push.Label ? { name: push.Label } : {}) },
      ], { scale: push.Scale });
    case 'link':
      return msg(
        push.MsgId,
        [push.Title, push.Description, push.Url].filter((s) => s !== undefined && s !== '').join('\n'),
        [{ type: 'link', ref: push.Url, ...(push.Title ? { name: push.Title } : {}), ...(push.Description ? { caption: push.Description } : {}) }],
      );
    case 'event': {
      const id = `${openid}-${push.CreateTime}`;
      const event = push.Event;
      if (event === 'subscribe') return msg(id, '[关注]', [], { event: 'subscribe', ...(push.EventKey ? { eventKey: push.EventKey } : {}) });
      if (event === 'CLICK') {
        const key = push.EventKey ?? '';
        return msg(id, key ? `[菜单] ${key}` : '[菜单]', [], { event: 'CLICK', eventKey: key });
      }
      return { action: 'ignore', reason: `event ${event}` };
    }
  }
}
