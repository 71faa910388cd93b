/**
 * WeChat through the whole app: the Official Account adapter against a loopback fake of the OA API
 * (plaintext and safe mode), and the wechaty adapter on wechaty-puppet-mock with the officers' room.
 */
import { randomBytes } from 'node:crypto';
import { WechatyBuilder } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createWechatOaAdapter } from '../../adapters/wechat-oa/index.ts';
import { encryptMessage, msgSignature, signature } from '../../adapters/wechat-oa/crypto.ts';
import { createWechatyAdapter } from '../../adapters/wechat/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startFakeWechatOa, type FakeWechatOa } from '../support/fake-wechat-oa.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { waitFor } from '../support/store.ts';

const TOKEN = 'netpatrol-token';
const APPID = 'wx1234567890abcdef';
const SECRET = 'app-secret-value';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const OPENID = 'oCitizen0000000000000000001';

let t: TestApp | undefined;
let api: FakeWechatOa | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await t?.stop();
  t = undefined;
  await api?.close();
  api = undefined;
  for (const c of cleanups.splice(0)) await c();
});

const textXml = (content: string, msgId: string) =>
  `<xml><ToUserName><![CDATA[gh_police]]></ToUserName><FromUserName><![CDATA[${OPENID}]]></FromUserName>` +
  `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;

async function oaApp(aes: boolean): Promise<TestApp> {
  api = await startFakeWechatOa({ appId: APPID, secret: SECRET });
  const env = { ADAPTERS: 'console,http,wechat-oa', WECHAT_OA_TOKEN: TOKEN, WECHAT_OA_APPID: APPID, WECHAT_OA_SECRET: SECRET, WECHAT_OA_API_ROOT: api.url, ...(aes ? { WECHAT_OA_AES_KEY: AES_KEY } : {}) };
  const cfg = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  return startTestApp({ env, extraAdapters: [createWechatOaAdapter(cfg.wechatOa!)] });
}

describe('WeChat Official Account end to end', () => {
  for (const aes of [false, true]) {
    it(`a fraud tip pushed in ${aes ? 'safe' : 'plaintext'} mode gets "success" at once and a receipt through the customer-service API`, async () => {
      t = await oaApp(aes);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(4).toString('hex');
      const inner = textXml('我要举报，有人冒充公检法让我把钱转到安全账户，已经转了2万元', `2412345678901234${aes ? 6 : 5}`);
      let url: string;
      let body: string;
      if (aes) {
        const encrypt = encryptMessage(AES_KEY, APPID, inner);
        url = `${t.url}/v1/wechat/oa?${new URLSearchParams({ signature: signature(TOKEN, timestamp, nonce), timestamp, nonce, openid: OPENID, encrypt_type: 'aes', msg_signature: msgSignature(TOKEN, timestamp, nonce, encrypt) })}`;
        body = `<xml><ToUserName><![CDATA[gh_police]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
      } else {
        url = `${t.url}/v1/wechat/oa?${new URLSearchParams({ signature: signature(TOKEN, timestamp, nonce), timestamp, nonce, openid: OPENID })}`;
        body = inner;
      }
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('success');
      // WeChat retries the same push: stored once.
      await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
      await waitFor(() => api!.sent.some((m) => m.touser === OPENID), 15_000, 'customer-service send');
      await t.app.waitUntilIdle();
      const receipts = api!.sent.filter((m) => m.touser === OPENID && /NP\d{14}/.test(JSON.stringify(m)));
      expect(receipts).toHaveLength(1);
      const stored = t.store.sqlite.prepare("SELECT count(*) AS n FROM messages WHERE platform = 'wechat-oa'").get() as { n: number };
      expect(stored.n).toBe(1);
    });
  }

  it('refuses a push with a bad signature and stores nothing', async () => {
    t = await oaApp(false);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const url = `${t.url}/v1/wechat/oa?${new URLSearchParams({ signature: '0'.repeat(40), timestamp, nonce: '1', openid: OPENID })}`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: textXml('你好', '1') });
    expect(res.status).toBe(401);
    expect((t.store.sqlite.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(0);
  });
});

describe('WeChat personal account (wechaty) end to end', () => {
  async function wechatyApp() {
    const mocker = new mock.Mocker();
    const puppet = new PuppetMock({ mocker });
    const wechaty = WechatyBuilder.build({ puppet });
    const env = { ADAPTERS: 'console,http,wechat', WECHATY_PUPPET: 'wechaty-puppet-mock', WECHAT_OFFICERS_ROOM: '网警值班室' };
    const cfg = loadConfig({ ...env, LOG_LEVEL: 'silent' });
    const adapter = createWechatyAdapter(cfg.wechaty!, { wechaty, minIntervalMs: 5 });
    const bot = mocker.createContact({ name: '网警小助手' });
    const citizen = mocker.createContact({ name: '李四' });
    const poster = mocker.createContact({ name: '造谣者' });
    const officerA = mocker.createContact({ name: '张警官' });
    const officerB = mocker.createContact({ name: '王警官' });
    const stranger = mocker.createContact({ name: '群友甲' });
    const room = mocker.createRoom({ topic: '网警值班室', memberIdList: [bot.id, officerA.id, officerB.id, stranger.id] });
    const said: { text?: string; listenerId?: string; roomId?: string }[] = [];
    puppet.on('message', ({ messageId }) => {
      const p = mocker.messagePayload(messageId) as { talkerId?: string; text?: string; listenerId?: string; roomId?: string };
      if (p.talkerId === bot.id) said.push(p);
    });
    t = await startTestApp({ env, extraAdapters: [adapter] });
    mocker.login(bot);
    await waitFor(() => wechaty.isLoggedIn, 10_000, 'login');
    t.officer(officerA.id, '张警官', 'officer', 'wechat');
    t.officer(officerB.id, '王警官', 'officer', 'wechat');
    return { citizen, poster, officerA, officerB, stranger, room, said, bot };
  }

  it("a citizen's DM gets a receipt; a warning is approved in the room by another officer; a stranger's 批准 is ignored and logged", async () => {
    const w = await wechatyApp();
    w.citizen.say('我要举报，这个群在卖银行卡和身份证信息').to(w.bot);
    const receipt = await waitFor(() => w.said.find((s) => s.listenerId === w.citizen.id && /NP\d{14}/.test(s.text ?? '')), 15_000, 'receipt DM');
    expect(receipt.text).toContain('案件编号');

    w.officerA.say(`/warn wechat:${w.poster.id} rumor 邢台有人偷小孩，大家看好孩子`).to(w.room);
    const card = await waitFor(() => w.said.find((s) => s.roomId === w.room.id && (s.text ?? '').includes('私信警示待审批')), 15_000, 'warning card in the room');
    const code = /#([A-Z0-9]{4,})/.exec(card.text ?? '')?.[1] ?? '';
    expect(code).not.toBe('');

    w.stranger.say(`批准 ${code}`).to(w.room);
    await waitFor(() => w.said.find((s) => s.roomId === w.room.id && (s.text ?? '').includes('只有值班民警')), 10_000, 'refusal');
    w.officerA.say(`批准 ${code}`).to(w.room);
    await waitFor(() => w.said.find((s) => s.roomId === w.room.id && (s.text ?? '').includes('四眼')), 10_000, 'four-eyes refusal');
    w.officerB.say(`批准 ${code}`).to(w.room);
    await waitFor(() => w.said.find((s) => s.listenerId === w.poster.id), 15_000, 'warning delivered');
    await t!.app.waitUntilIdle();
    expect(w.said.filter((s) => s.listenerId === w.poster.id)).toHaveLength(1);
    const refused = t!.store.sqlite.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'review.refused'").get() as { n: number };
    expect(refused.n).toBeGreaterThanOrEqual(1);
  });
});
