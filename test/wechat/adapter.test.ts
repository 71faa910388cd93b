import { pino } from 'pino';
import { types, WechatyBuilder } from 'wechaty';
import type { WechatyInterface } from 'wechaty/impls';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { InboundMessageSchema, type InboundMessageInput, type OutboundMessage } from '../../src/domain/schemas.ts';
import { RetryLaterError, UndeliverableError, UserFacingError } from '../../src/errors.ts';
import type { Adapter, AdapterContext } from '../../src/ports/adapter.ts';
import type { OfficerIdentity } from '../../src/ports/commands.ts';
import { createWechatyAdapter } from '../../adapters/wechat/index.ts';

const OFFICERS_ROOM = '网警值班室';

interface Said {
  id: string;
  text?: string;
  listenerId?: string;
  roomId?: string;
  at: number;
}

interface Rig {
  adapter: Adapter;
  wechaty: WechatyInterface;
  mocker: InstanceType<typeof mock.Mocker>;
  puppet: PuppetMock;
  bot: mock.ContactMock;
  citizen: mock.ContactMock;
  officer: mock.ContactMock;
  stranger: mock.ContactMock;
  officersRoom: mock.RoomMock;
  parentsRoom: mock.RoomMock;
  received: InboundMessageInput[];
  commands: { who: OfficerIdentity; text: string }[];
  /** What the bot said, observed on the mocker side. */
  said: Said[];
  clock: { now: Date };
}

/** `isLoggedIn` throws NOPUPPET on a Wechaty that was never started. */
function loggedIn(w: WechatyInterface): boolean {
  try {
    return w.isLoggedIn;
  } catch {
    return false;
  }
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    // adapter.stop() stops the Wechaty instance; if it failed, stop the instance directly anyway.
    await r.adapter.stop(); // stops the Wechaty instance it started
    if (loggedIn(r.wechaty)) await r.wechaty.stop(); // belt and braces: never leave one running
  }
});

async function rig(opts: { dailyCap?: number; minIntervalMs?: number; now?: Date; mode?: 'full' | 'send-only' } = {}): Promise<Rig> {
  const config = loadConfig({
    ADAPTERS: 'wechat',
    WECHATY_PUPPET: 'wechaty-puppet-mock',
    WECHAT_OFFICERS_ROOM: OFFICERS_ROOM,
    WECHAT_DAILY_CAP: String(opts.dailyCap ?? 500),
  });
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const wechaty = WechatyBuilder.build({ puppet });
  const clock = { now: opts.now ?? new Date('2026-11-22T10:00:00+08:00') };
  const received: InboundMessageInput[] = [];
  const commands: Rig['commands'] = [];
  const officerIds = new Set<string>();
  const ctx: AdapterContext = {
    config,
    logger: pino({ level: 'silent' }),
    mode: opts.mode ?? 'full',
    history: { lastInboundAt: async () => null, sentSince: async () => 0 },
    intake: {
      async receive(message) {
        InboundMessageSchema.parse(message);
        received.push(message);
        return { id: `in-${received.length}`, status: 'queued' };
      },
    },
    commands: {
      // Stand-in for the lead's handler: commands start with 批准/驳回/修改/转办; allow-list by user id.
      async handle(who, text) {
        commands.push({ who, text });
        const m = /^(批准|驳回|修改|转办)\s+([A-Z0-9]{4})/.exec(text);
        if (!m) return null;
        if (m[2] === 'ZZZZ') throw new UserFacingError('没有找到审批码 ZZZZ', 'not_found', 404);
        if (!officerIds.has(who.userId)) return { ok: false, text: `${who.displayName ?? who.userId}，您不在值班民警名单中，操作未执行。` };
        return { ok: true, text: `已${m[1]} ${m[2]}（${who.displayName ?? who.userId}）` };
      },
      decide: async () => ({ ok: false, text: '' }),
    },
  };
  const adapter = createWechatyAdapter(config.wechaty!, { wechaty, minIntervalMs: opts.minIntervalMs ?? 5, now: () => clock.now });

  const bot = mocker.createContact({ name: '网警小助手' });
  const citizen = mocker.createContact({ name: '李四' });
  const officer = mocker.createContact({ name: '王警官' });
  const stranger = mocker.createContact({ name: '群友甲' });
  officerIds.add(officer.id);
  const officersRoom = mocker.createRoom({ topic: OFFICERS_ROOM, memberIdList: [bot.id, officer.id, stranger.id] });
  const parentsRoom = mocker.createRoom({ topic: '家长群', memberIdList: [bot.id, officer.id, citizen.id] });

  const said: Said[] = [];
  puppet.on('message', ({ messageId }) => {
    const p = mocker.messagePayload(messageId) as { id: string; talkerId?: string; text?: string; listenerId?: string; roomId?: string };
    if (p.talkerId === bot.id) said.push({ id: p.id, text: p.text, listenerId: p.listenerId, roomId: p.roomId, at: Date.now() });
  });

  const r: Rig = { adapter, wechaty, mocker, puppet, bot, citizen, officer, stranger, officersRoom, parentsRoom, received, commands, said, clock };
  rigs.push(r);
  await adapter.start(ctx);
  if (ctx.mode === 'full') {
    mocker.login(bot);
    await expect.poll(() => wechaty.isLoggedIn).toBe(true);
  }
  return r;
}

const outbound = (r: Rig, text: string, id = 'out-1', to = r.citizen.id): OutboundMessage => ({
  id,
  platform: 'wechat',
  account: 'default',
  conversationId: to,
  recipientId: to,
  kind: 'receipt',
  text,
  caseNumber: 'NP20261122000001',
  format: 'plain',
});

describe('wechat (wechaty) adapter on the mock puppet', () => {
  it("a citizen's DM reaches intake normalized", async () => {
    const r = await rig();
    r.citizen.say('我要举报，这个群在卖银行卡和身份证信息').to(r.bot);
    await expect.poll(() => r.received.length).toBe(1);
    const m = InboundMessageSchema.parse(r.received[0]);
    expect(m).toMatchObject({
      platform: 'wechat',
      account: 'default',
      conversationId: r.citizen.id,
      senderId: r.citizen.id,
      senderName: '李四',
      text: '我要举报，这个群在卖银行卡和身份证信息',
      attachments: [],
    });
    expect(m.platformMessageId).toMatch(/\w+/);
    expect(m.sentAt).toBeInstanceOf(Date);
    expect(r.commands).toHaveLength(0);
  });

  it('an image DM becomes an attachment referencing the message id', async () => {
    const r = await rig();
    const msg = r.mocker.MessageMock.create({
      id: 'img-msg-1',
      talkerId: r.citizen.id,
      listenerId: r.bot.id,
      timestamp: Date.now(),
      type: types.Message.Image,
    });
    r.puppet.emit('message', { messageId: msg.id });
    await expect.poll(() => r.received.length).toBe(1);
    expect(r.received[0]).toMatchObject({ platformMessageId: 'img-msg-1', text: '', attachments: [{ type: 'image', ref: 'img-msg-1' }] });
  });

  it("a citizen typing 批准 in a private chat is a citizen's message, never a command", async () => {
    const r = await rig();
    r.citizen.say('批准 A7F3').to(r.bot);
    await expect.poll(() => r.received.length).toBe(1);
    expect(r.commands).toHaveLength(0);
  });

  it('send() makes the bot say the text to that contact', async () => {
    const r = await rig();
    const result = await r.adapter.send(outbound(r, '已收到您的举报，案件编号 NP20261122000001。'));
    await expect.poll(() => r.said.length).toBe(1);
    expect(r.said[0]).toMatchObject({ listenerId: r.citizen.id, text: '已收到您的举报，案件编号 NP20261122000001。' });
    expect(r.said[0]?.roomId).toBeUndefined();
    expect(r.received).toHaveLength(0); // the bot's own message is not taken in
    expect(result).toBeTypeOf('object');
  });

  it("an officer's 批准 A7F3 in the officers' room reaches commands.handle and the reply is said in the room", async () => {
    const r = await rig();
    r.officer.say('批准 A7F3').to(r.officersRoom);
    await expect.poll(() => r.said.length).toBe(1);
    expect(r.commands).toEqual([{ who: { platform: 'wechat', userId: r.officer.id, displayName: '王警官' }, text: '批准 A7F3' }]);
    expect(r.said[0]).toMatchObject({ roomId: r.officersRoom.id, text: '已批准 A7F3（王警官）' });
    expect(r.received).toHaveLength(0);
  });

  it("a non-officer's 批准 is passed with their own id and the handler's refusal is said", async () => {
    const r = await rig();
    r.stranger.say('批准 A7F3').to(r.officersRoom);
    await expect.poll(() => r.said.length).toBe(1);
    expect(r.commands[0]?.who.userId).toBe(r.stranger.id);
    expect(r.said[0]?.text).toContain('不在值班民警名单');
  });

  it("a UserFacingError from the handler is said in the room", async () => {
    const r = await rig();
    r.officer.say('批准 ZZZZ').to(r.officersRoom);
    await expect.poll(() => r.said.map((s) => s.text)).toEqual(['没有找到审批码 ZZZZ']);
  });

  it('ordinary chatter in the officers room (handler → null) gets no answer', async () => {
    const r = await rig();
    r.officer.say('大家辛苦了').to(r.officersRoom);
    await expect.poll(() => r.commands.length).toBe(1);
    await new Promise((res) => setTimeout(res, 50));
    expect(r.said).toHaveLength(0);
  });

  it('text in another room is ignored', async () => {
    const r = await rig();
    r.officer.say('批准 A7F3').to(r.parentsRoom);
    r.citizen.say('群里说明天全市停水三天').to(r.parentsRoom);
    r.citizen.say('你好').to(r.bot); // a marker: once this arrives, the room messages were processed
    await expect.poll(() => r.received.length).toBe(1);
    await new Promise((res) => setTimeout(res, 50));
    expect(r.received.map((m) => m.text)).toEqual(['你好']);
    expect(r.commands).toHaveLength(0);
    expect(r.said).toHaveLength(0);
  });

  it("review.post says the card in the officers' room", async () => {
    const r = await rig();
    const text = '【待审批 A7F3】案件 NP20261122000001 · 举报线索/诈骗 · 0.93\n发信人：李*\n拟回复：已收到您的举报……\n回复「批准 A7F3」「驳回 A7F3 原因」';
    await r.adapter.review!.post({ draftId: 'd1', shortCode: 'A7F3', text, actions: ['approve', 'reject', 'edit', 'forward'], event: 'new' });
    await expect.poll(() => r.said.length).toBe(1);
    expect(r.said[0]).toMatchObject({ roomId: r.officersRoom.id, text });
  });

  it('paces sends at least minIntervalMs apart', async () => {
    const r = await rig({ minIntervalMs: 150 });
    await Promise.all([r.adapter.send(outbound(r, '一', 'p1')), r.adapter.send(outbound(r, '二', 'p2')), r.adapter.send(outbound(r, '三', 'p3'))]);
    await expect.poll(() => r.said.length).toBe(3);
    expect(r.said.map((s) => s.text)).toEqual(['一', '二', '三']);
    for (let i = 1; i < r.said.length; i++) expect(r.said[i]!.at - r.said[i - 1]!.at).toBeGreaterThanOrEqual(140);
  });

  it('over the daily cap → RetryLaterError until the next local midnight (Asia/Shanghai); then sends again', async () => {
    const r = await rig({ dailyCap: 2, now: new Date('2026-11-22T23:30:00+08:00') });
    await r.adapter.send(outbound(r, '一', 'c1'));
    await r.adapter.send(outbound(r, '二', 'c2'));
    const err = await r.adapter.send(outbound(r, '三', 'c3')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).delayMs).toBe(30 * 60_000);
    // review cards are never refused by the cap (emergencies must reach officers)
    await r.adapter.review!.post({ draftId: 'd', shortCode: 'B2C4', text: '紧急：有人称要炸学校', actions: [], event: 'emergency' });
    r.clock.now = new Date('2026-11-23T00:00:01+08:00');
    await r.adapter.send(outbound(r, '三', 'c3'));
    await expect.poll(() => r.said.map((s) => s.text)).toEqual(['一', '二', '紧急：有人称要炸学校', '三']);
  });

  it('a second room with the officers room topic makes both untrusted: no cards, no commands', async () => {
    const r = await rig();
    const impostor = r.mocker.createRoom({ topic: OFFICERS_ROOM, memberIdList: [r.bot.id, r.officer.id, r.citizen.id] });
    const card = { draftId: 'd', shortCode: 'A7F3', text: '【待审批 A7F3】', actions: [], event: 'new' } as const;
    await expect(r.adapter.review!.post(card)).rejects.toThrow(/not found/);
    r.officer.say('批准 A7F3').to(impostor);
    r.officer.say('批准 A7F3').to(r.officersRoom);
    r.citizen.say('你好').to(r.bot);
    await expect.poll(() => r.received.length).toBe(1);
    await new Promise((res) => setTimeout(res, 50));
    expect(r.commands).toHaveLength(0);
    expect(r.said).toHaveLength(0);
  });

  it('send-only mode (worker process) does not log in and defers sends to the start process', async () => {
    const r = await rig({ mode: 'send-only' });
    expect(loggedIn(r.wechaty)).toBe(false);
    await expect(r.adapter.send(outbound(r, 'x'))).rejects.toSatisfy((e: unknown) => e instanceof RetryLaterError && e.delayMs === 5_000);
    await expect(r.adapter.review!.post({ draftId: 'd', shortCode: 'A7F3', text: 'card', actions: [], event: 'new' })).rejects.toBeInstanceOf(RetryLaterError);
  });

  it('an unknown contact is undeliverable', async () => {
    const r = await rig();
    await expect(r.adapter.send(outbound(r, 'x', 'u1', 'no-such-contact'))).rejects.toSatisfy(
      (e: unknown) => e instanceof UndeliverableError && e.reason === 'unknown_recipient',
    );
  });
});
