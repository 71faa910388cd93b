import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkMsgSignature,
  checkSignature,
  decryptMessage,
  encryptMessage,
  msgSignature,
  signature,
  WechatCryptoError,
} from '../../adapters/wechat-oa/crypto.ts';

// WeChat's own sample (WXBizMsgCrypt test): key, appid, random prefix and the expected ciphertext.
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wxb11529c136998cb6';
const SAMPLE_CIPHER = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==';

describe('signatures', () => {
  it('is the SHA-1 of the sorted token, timestamp and nonce', () => {
    // sorted: '1409304348' < 'pamtest' < 'xxxxxx'
    const expected = createHash('sha1').update('1409304348pamtestxxxxxx').digest('hex');
    expect(signature('pamtest', '1409304348', 'xxxxxx')).toBe(expected);
    expect(checkSignature('pamtest', '1409304348', 'xxxxxx', expected)).toBe(true);
    expect(checkSignature('pamtest', '1409304348', 'xxxxxx', expected.toUpperCase())).toBe(true);
  });

  it('refuses a wrong, truncated or empty signature', () => {
    const good = signature('pamtest', '1409304348', 'xxxxxx');
    expect(checkSignature('pamtest', '1409304348', 'xxxxxy', good)).toBe(false);
    expect(checkSignature('other', '1409304348', 'xxxxxx', good)).toBe(false);
    expect(checkSignature('pamtest', '1409304348', 'xxxxxx', good.slice(0, 39))).toBe(false);
    expect(checkSignature('pamtest', '1409304348', 'xxxxxx', '')).toBe(false);
  });

  it('msg_signature covers the ciphertext too', () => {
    const expected = createHash('sha1').update(['pamtest', '1409304348', 'xxxxxx', SAMPLE_CIPHER].sort().join('')).digest('hex');
    expect(msgSignature('pamtest', '1409304348', 'xxxxxx', SAMPLE_CIPHER)).toBe(expected);
    expect(checkMsgSignature('pamtest', '1409304348', 'xxxxxx', SAMPLE_CIPHER, expected)).toBe(true);
    expect(checkMsgSignature('pamtest', '1409304348', 'xxxxxx', `${SAMPLE_CIPHER.slice(0, -4)}AAA=`, expected)).toBe(false);
  });
});

describe('AES envelope', () => {
  it("matches WeChat's sample ciphertext byte for byte", () => {
    expect(encryptMessage(KEY, APPID, '我是中文abcd123', Buffer.from('aaaabbbbccccdddd'))).toBe(SAMPLE_CIPHER);
    expect(decryptMessage(KEY, APPID, SAMPLE_CIPHER)).toBe('我是中文abcd123');
  });

  it('round-trips any text, including Chinese, emoji and block-sized lengths', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        expect(decryptMessage(KEY, APPID, encryptMessage(KEY, APPID, text))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a ciphertext made for another appid', () => {
    const c = encryptMessage(KEY, 'wx0000000000000000', '<xml/>');
    expect(() => decryptMessage(KEY, APPID, c)).toThrow(/another appid/);
  });

  it('refuses a truncated ciphertext with a clear error', () => {
    const c = encryptMessage(KEY, APPID, '<xml><Content>举报</Content></xml>');
    const bytes = Buffer.from(c, 'base64');
    expect(() => decryptMessage(KEY, APPID, bytes.subarray(0, bytes.length - 5).toString('base64'))).toThrow(WechatCryptoError);
    expect(() => decryptMessage(KEY, APPID, bytes.subarray(0, bytes.length - 5).toString('base64'))).toThrow(/truncated/);
    // whole blocks missing: padding or length no longer adds up
    expect(() => decryptMessage(KEY, APPID, bytes.subarray(0, 32).toString('base64'))).toThrow(WechatCryptoError);
    expect(() => decryptMessage(KEY, APPID, '')).toThrow(WechatCryptoError);
  });

  it('refuses garbage, non-base64 and a wrong key without crashing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 256 }), (bytes) => {
        expect(() => decryptMessage(KEY, APPID, Buffer.from(bytes).toString('base64'))).toThrow(WechatCryptoError);
      }),
      { numRuns: 300 },
    );
    expect(() => decryptMessage(KEY, APPID, '这不是base64!')).toThrow(/not base64/);
    const otherKey = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
    expect(() => decryptMessage(otherKey, APPID, SAMPLE_CIPHER)).toThrow(WechatCryptoError);
    expect(() => decryptMessage('short', APPID, SAMPLE_CIPHER)).toThrow(/43/);
  });
});
