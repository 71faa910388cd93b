/**
 * WeChat Official Account message crypto, written on node:crypto (no SDK).
 *
 * - Plaintext mode: every request carries `signature` = SHA-1 of the sorted token, timestamp and nonce.
 * - Safe mode (安全模式): the body carries `<Encrypt>`, authenticated by `msg_signature` = SHA-1 of the
 *   sorted token, timestamp, nonce and the ciphertext. The ciphertext is AES-256-CBC with
 *   key = base64(EncodingAESKey + '='), IV = the key's first 16 bytes, PKCS#7 padded to 32-byte blocks;
 *   the plaintext is random(16) ‖ msg_len(4, big-endian) ‖ msg ‖ appid.
 *
 * Every function here is pure. Malformed input never crashes: it throws {@link WechatCryptoError}.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A signature or ciphertext that cannot be trusted or read. Safe to log (carries no payload). */
export class WechatCryptoError extends Error {
  override name = 'WechatCryptoError';
}

const BLOCK = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function sha1Sorted(parts: readonly string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

function safeEqualHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The `signature` WeChat computes for URL verification and plaintext pushes. */
export function signature(token: string, timestamp: string, nonce: string): string {
  return sha1Sorted([token, timestamp, nonce]);
}

/** True when `given` is the request's valid `signature` (constant-time compare). */
export function checkSignature(token: string, timestamp: string, nonce: string, given: string): boolean {
  return safeEqualHex(signature(token, timestamp, nonce), given);
}

/** The `msg_signature` of a safe-mode envelope. */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1Sorted([token, timestamp, nonce, encrypt]);
}

/** True when `given` is the envelope's valid `msg_signature` (constant-time compare). */
export function checkMsgSignature(token: string, timestamp: string, nonce: string, encrypt: string, given: string): boolean {
  return safeEqualHex(msgSignature(token, timestamp, nonce, encrypt), given);
}

function aesKey(aesKey43: string): Buffer {
  if (aesKey43.length !== 43 || !BASE64.test(`${aesKey43}=`)) throw new WechatCryptoError('EncodingAESKey must be 43 base64 characters');
  const key = Buffer.from(`${aesKey43}=`, 'base64');
  if (key.length !== 32) throw new WechatCryptoError('EncodingAESKey does not decode to 32 bytes');
  return key;
}

/**
 * Decrypts a safe-mode `Encrypt` value and returns the inner XML. Throws {@link WechatCryptoError}
 * when the ciphertext is not base64, not whole blocks, badly padded, has an impossible length or was
 * encrypted for another appid.
 */
export function decryptMessage(aesKey43: string, appId: string, encryptBase64: string): string {
  const key = aesKey(aesKey43);
  const trimmed = encryptBase64.trim();
  if (!BASE64.test(trimmed)) throw new WechatCryptoError('ciphertext is not base64');
  const data = Buffer.from(trimmed, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new WechatCryptoError('ciphertext is truncated (not whole AES blocks)');

  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (err) {
    throw new WechatCryptoError(`ciphertext cannot be decrypted: ${(err as Error).message}`);
  }

  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WechatCryptoError('bad padding (wrong key or garbled ciphertext)');
  for (let i = plain.length - pad; i < plain.length; i++) {
    if (plain[i] !== pad) throw new WechatCryptoError('bad padding (wrong key or garbled ciphertext)');
  }
  const content = plain.subarray(0, plain.length - pad);
  if (content.length < 20) throw new WechatCryptoError('decrypted content too short');
  const msgLen = content.readUInt32BE(16);
  if (20 + msgLen > content.length) throw new WechatCryptoError('declared message length exceeds the content');
  const msg = content.subarray(20, 20 + msgLen);
  const from = content.subarray(20 + msgLen).toString('utf8');
  if (from !== appId) throw new WechatCryptoError('message was encrypted for another appid');
  return msg.toString('utf8');
}

/** Encrypts `xml` for `appId` the way WeChat does (used for passive replies and by test fakes). */
export function encryptMessage(aesKey43: string, appId: string, xml: string, random16: Buffer = randomBytes(16)): string {
  if (random16.length !== 16) throw new WechatCryptoError('random prefix must be 16 bytes');
  const key = aesKey(aesKey43);
  const msg = Buffer.from(xml, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const content = Buffer.concat([random16, len, msg, Buffer.from(appId, 'utf8')]);
  const pad = BLOCK - (content.length % BLOCK);
  const padded = Buffer.concat([content, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}
