import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { InboundMessageSchema, type InboundMessageInput, type OutboundMessage } from '../../src/domain/schemas.ts';
import { PermanentError, RetryLaterError, UndeliverableError } from '../../src/errors.ts';
import type { Adapter, AdapterContext, ConversationHistory } from '../../src/ports/adapter.ts';
import { encryptMessage, msgSignature, signature } from '../../adapters/wechat-oa/crypto.ts';
import { createWechatOaAdapter } from '../../adapters/wechat-oa/index.ts';
import { startFakeWechatOa, type FakeWechatOa } from '../support/fake-wechat-oa.ts';

const TOKEN = 'netpatrol-token';
const APPID = 'wx1234567890abcdef';
const SECRET = 'app-secret-value';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const OPENID = 'oAbCdEfGhIjKlMnOpQrStUvWxYz0';
const T0 = new Date('2026-11-22T10:00:00+08:00');

/** In-test history: the last inbound time per conversation (set by intake) and a settable sent count. */
class History implements ConversationHistory {
  inbound = new Map<string, Date>();
  sent = new Map<string, number>();
  async lastInboundAt(_p: string, conversationId: string) {
    return this.inbound.get(conversationId) ?? null;
  }
  async sentSince(_p: string, conversationId: string) {
    return this.sent.get(conversationId) ?? 0;
  }
}

interface Rig {
  app: FastifyInstance;
  base: string;
  api: FakeWechatOa;
  adapter: Adapter;
  received: InboundMessageInput[];
  history: History;
  clock: { now: Date };
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.adapter.stop();
    await r.app.close();
    await r.api.close();
  }
});

async function rig(opts: { aes?: boolean; mode?: 'full' | 'send-only' } = {}): Promise<Rig> {
  const clock = { now: T0 };
  const api = await startFakeWechatOa({ appId: APPID, secret: SECRET, now: () => clock.now.getTime() });
  const config = loadConfig({
    ADAPTERS: 'wechat-oa',
    WECHAT_OA_TOKEN: TOKEN,
    WECHAT_OA_APPID: APPID,
    WECHAT_OA_SECRET: SECRET,
    WECHAT_OA_API_ROOT: api.url,
    ...(opts.aes ? { WECHAT_OA_AES_KEY: AES_KEY } : {}),
  });
  const history = new History();
  const received: InboundMessageInput[] = [];
  const ids = new Map<string, string>();
  const app = Fastify();
  const ctx: AdapterContext = {
    config,
    logger: pino({ level: 'silent' }),
    mode: opts.mode ?? 'full',
    http: app,
    history,
    commands: {
      handle: async () => null,
      decide: async () => ({ text: '', ok: false }),
    },
    intake: {
      async receive(message) {
        const m = InboundMessageSchema.parse(message); // the adapter must produce valid input
        received.push(message);
        history.inbound.set(m.conversationId, m.sentAt);
        const key = `${m.platform}/${m.account}/${m.platformMessageId}`;
        const known = ids.get(key);
        if (known) return { id: known, status: 'duplicate' };
        ids.set(key, `in-${ids.size + 1}`);
        return { id: `in-${ids.size}`, status: 'queued' };
      },
    },
  };
  const adapter = createWechatOaAdapter(config.wechatOa!, { now: () => clock.now });
  await adapter.start(ctx);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const r = { app, base, api, adapter, received, history, clock };
  rigs.push(r);
  return r;
}

const pushXml = (content: string, msgId = '24123456789012345', create = Math.floor(T0.getTime() / 1000)) =>
  `<xml><ToUserName><![CDATA[gh_police]]></ToUserName><FromUserName><![CDATA[${OPENID}]]></FromUserName>` +
  `<CreateTime>${create}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content>` +
  `<MsgId>${msgId}</MsgId></xml>`;

async function postPlain(r: Rig, xml: string, sig?: string) {
  const timestamp = String(Math.floor(T0.getTime() / 1000));
  const nonce = '158390';
  const q = new URLSearchParams({ signature: sig ?? signature(TOKEN, timestamp, nonce), timestamp, nonce, openid: OPENID });
  return fetch(`${r.base}/v1/wechat/oa?${q}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
}

async function postSafe(r: Rig, innerXml: string, opts: { badSig?: boolean; mangle?: (enc: string) => string } = {}) {
  const timestamp = String(Math.floor(T0.getTime() / 1000));
  const nonce = randomBytes(4).toString('hex');
  let encrypt = encryptMessage(AES_KEY, APPID, innerXml);
  if (opts.mangle) encrypt = opts.mangle(encrypt);
  const msgSig = opts.badSig ? '0'.repeat(40) : msgSignature(TOKEN, timestamp, nonce, encrypt);
  const q = new URLSearchParams({
    signature: signature(TOKEN, timestamp, nonce),
    timestamp,
    nonce,
    openid: OPENID,
    encrypt_type: 'aes',
    msg_signature: msgSig,
  });
  const body = `<xml><ToUserName><![CDATA[gh_police]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return fetch(`${r.base}/v1/wechat/oa?${q}`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body });
}

const outbound = (text: string, id = 'out-1'): OutboundMessage => ({
  id,
  platform: 'wechat-oa',
  account: 'default',
  conversationId: OPENID,
  recipientId: OPENID,
  kind: 'receipt',
  text,
  caseNumber: 'NP20261122000001',
  format: 'plain',
});

const FRAUD_TIP = '我要举报，有人冒充客服让我转账两百元，对方电话13812345678';

describe('wechat-oa: server URL verification', () => {
  it('echoes echostr for a valid signature and refuses a bad one', async () => {
    const r = await rig();
    const q = (sig: string) => new URLSearchParams({ signature: sig, timestamp: '1795392000', nonce: 'n0nce', echostr: '8163474581277346' });
    const ok = await fetch(`${r.base}/v1/wechat/oa?${q(signature(TOKEN, '1795392000', 'n0nce'))}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('8163474581277346');
    const bad = await fetch(`${r.base}/v1/wechat/oa?${q(signature('wrong-token', '1795392000', 'n0nce'))}`);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: { code: 'bad_signature' } });
    const missing = await fetch(`${r.base}/v1/wechat/oa?timestamp=1&nonce=2`);
    expect(missing.status).toBe(401);
  });
});

describe('wechat-oa: pushes', () => {
  it('a plaintext fraud tip reaches intake and is answered success; the receipt goes out through custom/send', async () => {
    const r = await rig();
    const res = await postPlain(r, pushXml(FRAUD_TIP));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    expect(r.received).toHaveLength(1);
    expect(r.received[0]).toMatchObject({
      platform: 'wechat-oa',
      conversationId: OPENID,
      senderId: OPENID,
      platformMessageId: '24123456789012345',
      text: FRAUD_TIP,
    });

    await r.adapter.send(outbound('已收到您的举报，案件编号 NP20261122000001。'));
    expect(r.api.sent).toEqual([
      { accessToken: 'tok-1', touser: OPENID, msgtype: 'text', content: '已收到您的举报，案件编号 NP20261122000001。' },
    ]);
  });

  it('a safe-mode (AES) fraud tip is verified, decrypted and reaches intake', async () => {
    const r = await rig({ aes: true });
    const res = await postSafe(r, pushXml(FRAUD_TIP, '24123456789099999'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    expect(r.received.map((m) => [m.platformMessageId, m.text])).toEqual([['24123456789099999', FRAUD_TIP]]);
  });

  it('a bad signature or msg_signature → 401 and nothing stored', async () => {
    const plain = await rig();
    expect((await postPlain(plain, pushXml(FRAUD_TIP), 'f'.repeat(40))).status).toBe(401);
    expect(plain.received).toHaveLength(0);

    const safe = await rig({ aes: true });
    expect((await postSafe(safe, pushXml(FRAUD_TIP), { badSig: true })).status).toBe(401);
    // a plaintext body claiming safe mode without msg_signature is refused as well
    const timestamp = '1795392000';
    const q = new URLSearchParams({ signature: signature(TOKEN, timestamp, 'x'), timestamp, nonce: 'x', encrypt_type: 'aes' });
    const noMsgSig = await fetch(`${safe.base}/v1/wechat/oa?${q}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>',
    });
    expect(noMsgSig.status).toBe(401);
    expect(safe.received).toHaveLength(0);
  });

  it('a truncated ciphertext with a valid msg_signature → 400, nothing stored, server still up', async () => {
    const r = await rig({ aes: true });
    const res = await postSafe(r, pushXml(FRAUD_TIP), {
      mangle: (enc) => Buffer.from(enc, 'base64').subarray(0, 40).toString('base64'),
    });
    expect(res.status).toBe(400);
    expect(r.received).toHaveLength(0);
    expect((await postSafe(r, pushXml('你好', '77'))).status).toBe(200);
    expect(r.received).toHaveLength(1);
  });

  it("WeChat's three retries of one push reach intake with the same platformMessageId (deduped by the core)", async () => {
    const r = await rig();
    for (let i = 0; i < 3; i++) {
      const res = await postPlain(r, pushXml(FRAUD_TIP, '24000000000000042'));
      expect(await res.text()).toBe('success');
    }
    const event = `<xml><ToUserName><![CDATA[gh_police]]></ToUserName><FromUserName><![CDATA[${OPENID}]]></FromUserName><CreateTime>1795392005</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>`;
    for (let i = 0; i < 3; i++) expect(await (await postPlain(r, event)).text()).toBe('success');
    expect(r.received.map((m) => m.platformMessageId)).toEqual([
      '24000000000000042',
      '24000000000000042',
      '24000000000000042',
      `${OPENID}-1795392005`,
      `${OPENID}-1795392005`,
      `${OPENID}-1795392005`,
    ]);
  });

  it('ignored events (unsubscribe) and malformed XML store nothing', async () => {
    const r = await rig();
    const unsub = `<xml><ToUserName>gh</ToUserName><FromUserName>${OPENID}</FromUserName><CreateTime>1795392006</CreateTime><MsgType>event</MsgType><Event>unsubscribe</Event></xml>`;
    expect(await (await postPlain(r, unsub)).text()).toBe('success');
    expect((await postPlain(r, '<xml><oops>')).status).toBe(400);
    expect(r.received).toHaveLength(0);
  });

  it('a failing intake is not answered success (WeChat will retry)', async () => {
    const config = loadConfig({ ADAPTERS: 'wechat-oa', WECHAT_OA_TOKEN: TOKEN, WECHAT_OA_APPID: APPID, WECHAT_OA_SECRET: SECRET });
    const app = Fastify();
    const adapter = createWechatOaAdapter(config.wechatOa!);
    await adapter.start({
      config,
      logger: pino({ level: 'silent' }),
      mode: 'full',
      http: app,
      history: new History(),
      commands: { handle: async () => null, decide: async () => ({ text: '', ok: false }) },
      intake: {
        receive: async () => {
          throw new Error('database is locked');
        },
      },
    });
    const timestamp = '1795392000';
    const q = new URLSearchParams({ signature: signature(TOKEN, timestamp, 'n'), timestamp, nonce: 'n' });
    const res = await app.inject({ method: 'POST', url: `/v1/wechat/oa?${q}`, headers: { 'content-type': 'text/xml' }, payload: pushXml('举报') });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toBe('success');
    await adapter.stop();
    await app.close();
  });
});

describe('wechat-oa: delivery', () => {
  it('send-only mode (worker process): no push route, sends still work', async () => {
    const r = await rig({ mode: 'send-only' });
    expect((await postPlain(r, pushXml(FRAUD_TIP))).status).toBe(404);
    r.history.inbound.set(OPENID, T0);
    await r.adapter.send(outbound('回执'));
    expect(r.api.sent.map((m) => m.content)).toEqual(['回执']);
  });

  async function openWindow(r: Rig, at = T0) {
    r.history.inbound.set(OPENID, at);
  }

  it('caches the access token across sends and refreshes it after expiry', async () => {
    const r = await rig();
    await openWindow(r);
    await r.adapter.send(outbound('一', 'o1'));
    await r.adapter.send(outbound('二', 'o2'));
    expect(r.api.tokenCalls).toBe(1);
    r.clock.now = new Date(T0.getTime() + 2 * 3600_000); // tokens live 7200 s: past the refresh point
    r.history.inbound.set(OPENID, r.clock.now);
    await r.adapter.send(outbound('三', 'o3'));
    expect(r.api.tokenCalls).toBe(2);
    expect(r.api.sent.map((m) => [m.accessToken, m.content])).toEqual([
      ['tok-1', '一'],
      ['tok-1', '二'],
      ['tok-2', '三'],
    ]);
  });

  it('refreshes before expiry (margin) and fetches once for concurrent sends', async () => {
    const r = await rig();
    await openWindow(r);
    r.api.tokenDelayMs = 50;
    await Promise.all([1, 2, 3, 4, 5].map((i) => r.adapter.send(outbound(`并发${i}`, `c${i}`))));
    expect(r.api.tokenCalls).toBe(1);
    expect(r.api.sent).toHaveLength(5);
    r.clock.now = new Date(T0.getTime() + (7200 - 299) * 1000); // inside the 5-minute margin
    await r.adapter.send(outbound('margin', 'c6'));
    expect(r.api.tokenCalls).toBe(2);
  });

  it('on 42001 (expired) and 40001 (invalid) refreshes once and retries once', async () => {
    const r = await rig();
    await openWindow(r);
    await r.adapter.send(outbound('first', 'e1'));
    r.api.expireTokens();
    await r.adapter.send(outbound('after 42001', 'e2'));
    r.api.revokeTokens();
    await r.adapter.send(outbound('after 40001', 'e3'));
    expect(r.api.tokenCalls).toBe(3);
    expect(r.api.sent.map((m) => [m.accessToken, m.content])).toEqual([
      ['tok-1', 'first'],
      ['tok-2', 'after 42001'],
      ['tok-3', 'after 40001'],
    ]);
  });

  it('49 hours after the last message: window_closed, no API call at all', async () => {
    const r = await rig();
    await openWindow(r, new Date(T0.getTime() - 49 * 3600_000));
    const err = await r.adapter.send(outbound('太晚了')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UndeliverableError);
    expect((err as UndeliverableError).reason).toBe('window_closed');
    expect(r.api.tokenCalls + r.api.sendCalls).toBe(0);
    // a citizen who never wrote: same
    r.history.inbound.clear();
    await expect(r.adapter.send(outbound('never'))).rejects.toMatchObject({ reason: 'window_closed' });
    // 47 h is still inside
    await openWindow(r, new Date(T0.getTime() - 47 * 3600_000));
    await r.adapter.send(outbound('still inside'));
    expect(r.api.sent).toHaveLength(1);
  });

  it('the 21st reply in a window is refused', async () => {
    const r = await rig();
    await openWindow(r);
    r.history.sent.set(OPENID, 19);
    await r.adapter.send(outbound('20th'));
    r.history.sent.set(OPENID, 20);
    await expect(r.adapter.send(outbound('21st', 'o21'))).rejects.toMatchObject({ name: 'UndeliverableError', reason: 'window_closed' });
    expect(r.api.sent.map((m) => m.content)).toEqual(['20th']);
  });

  it('maps errcodes: 45015/45047 → window_closed, 43004 → unsubscribed, 45009/-1 → retryable plain Error', async () => {
    const r = await rig();
    await openWindow(r);
    r.api.failNext(45015);
    await expect(r.adapter.send(outbound('x', 'a'))).rejects.toMatchObject({ name: 'UndeliverableError', reason: 'window_closed' });
    r.api.failNext(45047);
    await expect(r.adapter.send(outbound('x', 'b'))).rejects.toMatchObject({ name: 'UndeliverableError', reason: 'window_closed' });
    r.api.failNext(43004);
    await expect(r.adapter.send(outbound('x', 'c'))).rejects.toMatchObject({ reason: 'unsubscribed' });
    for (const code of [45009, -1]) {
      r.api.failNext(code);
      const err = await r.adapter.send(outbound('x', `busy${code}`)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(UndeliverableError);
      expect(err).not.toBeInstanceOf(PermanentError);
      expect(err).not.toBeInstanceOf(RetryLaterError);
      expect((err as Error).message).toContain(String(code));
      expect((err as Error).message).not.toContain(SECRET);
    }
    expect(r.api.sent).toHaveLength(0);
  });

  it('splits long replies at 2000 characters and resumes a half-sent reply without repeating pieces', async () => {
    const r = await rig();
    await openWindow(r);
    const text = `${'反诈提示。'.repeat(500)}${'转账前请先核实对方身份！'.repeat(150)}`; // 2500 + 1800 chars
    r.api.failNext(-1, 1, 1); // piece 1 delivered, piece 2 answered "busy"
    await expect(r.adapter.send(outbound(text, 'long'))).rejects.toThrow(/-1/);
    expect(r.api.sent).toHaveLength(1);
    await r.adapter.send(outbound(text, 'long')); // the worker's retry
    const pieces = r.api.sent.map((m) => m.content);
    expect(pieces.length).toBe(3);
    expect(pieces.every((p) => Array.from(p).length <= 2000)).toBe(true);
    expect(pieces.join('')).toBe(text);
  });
});
