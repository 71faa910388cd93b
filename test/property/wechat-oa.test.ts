/**
 * Property tests for the WeChat Official Account parsers: parsePush / parseEnvelope either return a
 * validated push or throw WechatPushError; toInbound's `store` result always passes
 * InboundMessageSchema; decryptMessage either returns the plaintext or throws WechatCryptoError.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptMessage, encryptMessage, WechatCryptoError } from '../../adapters/wechat-oa/crypto.ts';
import { OaPushSchema, parseEnvelope, parsePush, toInbound, WechatPushError } from '../../adapters/wechat-oa/parse.ts';
import { InboundMessageSchema } from '../../src/domain/schemas.ts';
import { anyString, hostileString, timed } from './arbitraries.ts';

const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APP_ID = 'wx1234567890abcdef';

/** Text that may go inside XML: CDATA (with `]]>` broken or not), entities, tags, anything. */
const xmlText = fc.oneof(
  hostileString(80),
  fc.constantFrom('&amp;', '&lt;', '&#65;', '&#x4E2D;', '&#xD800;', '&#x110000;', '&#99999999999;', '&#0;', '&nbsp;', '&unknown;', '&', '&#;', '&#x;'),
  hostileString(40).map((s) => `<![CDATA[${s}]]>`),
  fc.constantFrom('<![CDATA[a]]>]]>', '<![CDATA[', ']]>', '<!-- c -->', '<?pi x?>', '<a/>', '</xml>', '<xml>'),
  fc.integer({ min: 10_001, max: 60_000 }).map((n) => '长'.repeat(n)),
);

const TAGS = ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId', 'PicUrl', 'MediaId', 'Format', 'Recognition', 'ThumbMediaId', 'Location_X', 'Location_Y', 'Scale', 'Label', 'Title', 'Description', 'Url', 'Event', 'EventKey', 'Encrypt'];
const MSG_TYPES = ['text', 'image', 'voice', 'video', 'shortvideo', 'location', 'link', 'event', 'file', ''];

/** A field: a known tag (sometimes with an attribute, repeated, or nested) with hostile content. */
const field = fc
  .tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...TAGS) }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z_][\w.-]{0,10}$/) }), xmlText, fc.nat(9))
  .map(([tag, text, mode]) => (mode === 0 ? `<${tag} a="1">${text}</${tag}>` : mode === 1 ? `<${tag}><${tag}>${text}</${tag}></${tag}>` : `<${tag}>${text}</${tag}>`));

/** A push: a plausible core (types, ids) plus hostile extra fields, maybe a DOCTYPE, maybe broken. */
const pushXml = fc
  .tuple(
    fc.constantFrom(...MSG_TYPES),
    fc.oneof(fc.stringMatching(/^\d{1,20}$/), fc.constantFrom('', '-1', '1e9', '99999999999999999999999', '1.5')),
    fc.oneof(fc.constantFrom('oCitizen', ''), hostileString(20), fc.constant('o'.repeat(200))),
    fc.array(field, { maxLength: 8 }),
    fc.nat(19),
  )
  .map(([type, n, from, extra, mode]) => {
    const body = `<ToUserName>gh_x</ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${n}</CreateTime><MsgType>${type}</MsgType><MsgId>${n}</MsgId><Event>subscribe</Event><Content>hi</Content><MediaId>m</MediaId><PicUrl>p</PicUrl><Url>u</Url><Location_X>1</Location_X><Location_Y>2</Location_Y>${extra.join('')}`;
    if (mode === 0) return `<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><xml>${body}<Content>&b;</Content></xml>`;
    if (mode === 1) return `<xml>${body}`; // unclosed
    if (mode === 2) return `<root>${body}</root>`;
    if (mode === 3) return `<?xml version="1.0"?><xml>${body}</xml><xml>${body}</xml>`;
    return `<xml>${body}</xml>`;
  });

const deepXml = fc.integer({ min: 1000, max: 100_000 }).map((d) => `<xml>${'<a>'.repeat(d)}x${'</a>'.repeat(d)}</xml>`);

function checkParse(xml: string): void {
  const { value, ms } = timed(() => {
    try {
      return { ok: true as const, push: parsePush(xml) };
    } catch (err) {
      return { ok: false as const, err };
    }
  });
  expect(ms).toBeLessThan(2000);
  if (!value.ok) {
    expect(value.err).toBeInstanceOf(WechatPushError);
    return;
  }
  expect(OaPushSchema.safeParse(value.push).success).toBe(true);
  const r = toInbound(value.push, 'default');
  expect(['store', 'ignore']).toContain(r.action);
  if (r.action === 'store') {
    const checked = InboundMessageSchema.safeParse(r.message);
    expect(checked.success, checked.success ? '' : checked.error.message).toBe(true);
  } else expect(r.reason).toEqual(expect.any(String));
}

function checkEnvelope(xml: string): void {
  try {
    const r = parseEnvelope(xml);
    expect(r.encrypt.length).toBeGreaterThan(0);
  } catch (err) {
    expect(err).toBeInstanceOf(WechatPushError);
  }
}

describe('parsePush / parseEnvelope / toInbound (property)', () => {
  it('return a valid push or throw WechatPushError, for push-shaped hostile XML', () => {
    fc.assert(fc.property(pushXml, (xml) => { checkParse(xml); checkEnvelope(xml); }), { numRuns: 800 });
  });

  it('… and for any string at all, deep nesting and huge bodies', () => {
    fc.assert(fc.property(anyString, (s) => { checkParse(s); checkEnvelope(s); }), { numRuns: 500 });
    fc.assert(fc.property(deepXml, (s) => { checkParse(s); checkEnvelope(s); }), { numRuns: 20 });
  });

  it('one field at a time: each known tag with hostile or oversized content, on every message type', () => {
    const one = fc
      .tuple(fc.constantFrom(...MSG_TYPES), fc.constantFrom(...TAGS.filter((t) => !['MsgType', 'FromUserName'].includes(t))), fc.oneof(xmlText, fc.integer({ min: 2000, max: 12_000 }).map((n) => `http://x/${'a'.repeat(n)}`)))
      .map(([type, tag, text]) => {
        const base: Record<string, string> = { ToUserName: 'gh', FromUserName: 'oX', CreateTime: '1795392000', MsgType: type, MsgId: '1', Content: 'hi', PicUrl: 'p', MediaId: 'm', Url: 'u', Location_X: '1', Location_Y: '2', Event: 'CLICK' };
        base[tag] = text;
        return `<xml>${Object.entries(base).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</xml>`;
      });
    fc.assert(fc.property(one, (xml) => checkParse(xml)), { numRuns: 1500 });
  });

  it('refuses DOCTYPE and ENTITY declarations (no entity expansion), whatever the case', () => {
    fc.assert(
      fc.property(fc.constantFrom('<!DOCTYPE', '<!doctype', '<!DocType', '<!ENTITY', '<!entity'), hostileString(20), (decl, s) => {
        const xml = `<?xml version="1.0"?>${decl} x [<!ENTITY e "${s}">]><xml><ToUserName>a</ToUserName><Encrypt>&e;</Encrypt></xml>`;
        expect(() => parsePush(xml)).toThrow(WechatPushError);
        expect(() => parseEnvelope(xml)).toThrow(WechatPushError);
      }),
      { numRuns: 100 },
    );
  });

  it('a text push carries its content exactly (CDATA), for any text without "]]>"', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }).filter((s) => !s.includes(']]>') && s.trim() !== '' && s === s.trim()),
        (content) => {
          const xml = `<xml><ToUserName>gh</ToUserName><FromUserName>oX</FromUserName><CreateTime>1795392000</CreateTime><MsgType>text</MsgType><Content><![CDATA[${content}]]></Content><MsgId>1</MsgId></xml>`;
          const r = toInbound(parsePush(xml), 'default');
          expect(r.action).toBe('store');
          if (r.action === 'store') expect(r.message.text).toBe(content);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('decryptMessage (property)', () => {
  const decrypt = (key: string, appId: string, enc: string) => {
    try {
      return { ok: true as const, xml: decryptMessage(key, appId, enc) };
    } catch (err) {
      expect(err).toBeInstanceOf(WechatCryptoError);
      return { ok: false as const };
    }
  };

  it('any key, appid and ciphertext → plaintext or WechatCryptoError, never anything else', () => {
    const b64 = fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b).toString('base64'));
    fc.assert(
      fc.property(fc.oneof(fc.constant(AES_KEY), hostileString(50)), fc.oneof(fc.constant(APP_ID), hostileString(20)), fc.oneof(b64, anyString), (key, appId, enc) => {
        const { ms } = timed(() => decrypt(key, appId, enc));
        expect(ms).toBeLessThan(1000);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any well-formed text, and a flipped byte or another appid is refused or garbled, never a crash', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (xml, at, flip) => {
        const enc = encryptMessage(AES_KEY, APP_ID, xml, randomBytes(16));
        expect(decryptMessage(AES_KEY, APP_ID, enc)).toBe(xml);
        expect(() => decryptMessage(AES_KEY, 'wx_other', enc)).toThrow(WechatCryptoError);
        const bytes = Buffer.from(enc, 'base64');
        const i = at % bytes.length;
        bytes[i] = bytes[i]! ^ flip;
        const r = decrypt(AES_KEY, APP_ID, bytes.toString('base64'));
        // Flipping a byte of the last block breaks the padding or the appid; of an earlier block, garbles.
        if (r.ok) expect(r.xml).not.toBe(undefined);
      }),
      { numRuns: 1000 },
    );
  });
});
