/** Runs the adapter contract against every adapter, each against a real or loopback-fake platform. */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import Fastify from 'fastify';
import { WechatyBuilder } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { createConsoleAdapter } from '../../adapters/console/index.ts';
import { createHttpAdapter } from '../../adapters/http/index.ts';
import { createTelegramAdapter } from '../../adapters/telegram/index.ts';
import { createWechatOaAdapter } from '../../adapters/wechat-oa/index.ts';
import { signature } from '../../adapters/wechat-oa/crypto.ts';
import { createWechatyAdapter } from '../../adapters/wechat/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startFakeTelegram, tg } from '../support/fake-telegram.ts';
import { startFakeWechatOa } from '../support/fake-wechat-oa.ts';
import { tempStore } from '../support/store.ts';
import { adapterContract } from './contract.ts';
import { insertDelivery, insertDraft } from '../../src/review/drafts.ts';
import { deliveries } from '../../src/store/schema.ts';
import { eq } from 'drizzle-orm';

adapterContract('console', async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (c: Buffer) => (printed += c.toString('utf8')));
  const adapter = createConsoleAdapter({ input, output, cardOutput: new PassThrough(), interactive: false, senderId: 'console-user' });
  return {
    adapter,
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    conversationId: 'console-user',
    citizenWrites: async (text) => void input.write(`${text}\n`),
    sentTo: async () => printed.split('\n\n').filter(Boolean),
    close: async () => void input.end(),
  };
});

adapterContract('http', async () => {
  const store = tempStore();
  const app = Fastify();
  const adapter = createHttpAdapter({ store });
  // The http platform's "send" is recording: the delivery worker marks the row sent and clients poll
  // GET …/replies. Do here what the worker does around the call, so the contract sees the reply.
  const send = adapter.send.bind(adapter);
  adapter.send = async (m) => {
    const r = await send(m);
    const now = new Date();
    const { draft } = insertDraft(store, { account: 'default', caseId: null, inboundMessageId: null, platform: 'http', conversationId: m.conversationId, recipientId: m.recipientId, kind: m.kind, templateKey: null, text: m.text, locale: 'zh-Hans', approval: 'required', priority: 5 }, now);
    const d = insertDelivery(store, draft, 'approved', now);
    store.db.update(deliveries).set({ status: 'sent', sentAt: now.getTime() }).where(eq(deliveries.id, d.id)).run();
    return r;
  };
  let base = '';
  return {
    adapter,
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    ctx: { http: app },
    async afterStart() {
      base = await app.listen({ host: '127.0.0.1', port: 0 });
    },
    conversationId: 'conv-1',
    citizenWrites: async (text) => {
      await fetch(`${base}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId: 'conv-1', senderId: 'u1', messageId: randomBytes(4).toString('hex'), text }) });
    },
    sentTo: async (conversationId) => {
      const res = await fetch(`${base}/v1/conversations/${conversationId}/replies`);
      return ((await res.json()) as { text: string }[]).map((r) => r.text);
    },
    close: async () => {
      await app.close();
      store.cleanup();
    },
  };
});

adapterContract('telegram', async () => {
  const fake = await startFakeTelegram();
  const config = loadConfig({ LOG_LEVEL: 'silent', ADAPTERS: 'telegram', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot });
  const citizen = tg.user(90001, '张三');
  return {
    adapter: createTelegramAdapter(config.telegram!, { botInfo: fake.botInfo, pollTimeoutSec: 1 }),
    config,
    conversationId: String(citizen.id),
    citizenWrites: async (text) => void fake.pushUpdate(tg.privateText(citizen, text)),
    // What a Telegram user sees: the HTML the bot sent, rendered (entities decoded).
    sentTo: async (id) => fake.messages(id).map((m) => (m.text ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')),
    close: () => fake.close(),
  };
});

adapterContract('wechat-oa', async () => {
  const api = await startFakeWechatOa({ appId: 'wxappid0000000001', secret: 's3cret' });
  const config = loadConfig({ LOG_LEVEL: 'silent', ADAPTERS: 'wechat-oa', WECHAT_OA_TOKEN: 'tok', WECHAT_OA_APPID: 'wxappid0000000001', WECHAT_OA_SECRET: 's3cret', WECHAT_OA_API_ROOT: api.url });
  const app = Fastify();
  let base = '';
  const openid = 'oContract000000000000000001';
  return {
    adapter: createWechatOaAdapter(config.wechatOa!),
    config,
    ctx: { http: app },
    async afterStart() {
      base = await app.listen({ host: '127.0.0.1', port: 0 });
    },
    conversationId: openid,
    citizenWrites: async (text) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = '42';
      const xml = `<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${Date.now()}</MsgId></xml>`;
      await fetch(`${base}/v1/wechat/oa?${new URLSearchParams({ signature: signature('tok', timestamp, nonce), timestamp, nonce, openid })}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
    },
    sentTo: async (id) => api.sent.filter((m) => m.touser === id).map((m) => m.content),
    close: async () => {
      await app.close();
      await api.close();
    },
  };
});

adapterContract('wechat', async () => {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const wechaty = WechatyBuilder.build({ puppet });
  const config = loadConfig({ LOG_LEVEL: 'silent', ADAPTERS: 'wechat', WECHATY_PUPPET: 'wechaty-puppet-mock', WECHAT_OFFICERS_ROOM: '值班室' });
  const bot = mocker.createContact({ name: 'bot' });
  const citizen = mocker.createContact({ name: '李四' });
  const said: { text?: string; listenerId?: string }[] = [];
  puppet.on('message', ({ messageId }) => {
    const p = mocker.messagePayload(messageId) as { talkerId?: string; text?: string; listenerId?: string };
    if (p.talkerId === bot.id) said.push(p);
  });
  return {
    adapter: createWechatyAdapter(config.wechaty!, { wechaty, minIntervalMs: 1 }),
    config,
    async afterStart() {
      mocker.login(bot);
      const end = Date.now() + 10_000;
      while (!wechaty.isLoggedIn && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    },
    conversationId: citizen.id,
    citizenWrites: async (text) => void citizen.say(text).to(bot),
    sentTo: async (id) => said.filter((s) => s.listenerId === id).map((s) => s.text ?? ''),
    close: async () => undefined,
  };
});
