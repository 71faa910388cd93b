/**
 * The Telegram adapter end to end at its own level: real telegraf client, long polling against the
 * fake Bot API server, in-test intake and command handler.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter, type TelegramAdapter } from '../../adapters/telegram/index.ts';
import type { OutboundMessage } from '../../src/domain/schemas.ts';
import { PermanentError, RetryLaterError, UndeliverableError } from '../../src/errors.ts';
import { startFakeTelegram, tg, type FakeTelegram } from '../support/fake-telegram.ts';
import {
  CITIZEN,
  OFFICER,
  OFFICERS_CHAT,
  STRANGER,
  RecordingIntake,
  TestCommands,
  eventually,
  makeContext,
  testConfig,
} from './context.ts';

let fake: FakeTelegram;
let adapter: TelegramAdapter;
let intake: RecordingIntake;
let commands: TestCommands;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function outbound(text: string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: `out-${Math.random().toString(36).slice(2)}`,
    platform: 'telegram',
    account: 'default',
    conversationId: String(CITIZEN.id),
    recipientId: String(CITIZEN.id),
    kind: 'receipt',
    text,
    caseNumber: 'NP20261122000001',
    format: 'plain',
    ...extra,
  };
}

beforeAll(async () => {
  fake = await startFakeTelegram();
});
afterAll(async () => {
  await fake.close();
});

beforeEach(async () => {
  fake.reset();
  intake = new RecordingIntake();
  commands = new TestCommands();
  const config = testConfig(fake);
  adapter = createTelegramAdapter(config.telegram!, { botInfo: fake.botInfo, answerWithinMs: 1500 });
  commands.review = adapter.review;
  await adapter.start(makeContext(config, { intake, commands }));
});
afterEach(async () => {
  await adapter.stop();
});

describe('citizens in private chats', () => {
  it('hands a private text to intake as a normalized message, and confirms the update', async () => {
    const update = tg.privateText(CITIZEN, '我要举报，这个群在卖银行卡和身份证信息');
    fake.pushUpdate(update);
    const [msg] = await intake.waitFor(1);
    const sent = (update.message as { message_id: number; date: number }) ;
    expect(msg).toEqual({
      platform: 'telegram',
      account: 'default',
      conversationId: String(CITIZEN.id),
      senderId: String(CITIZEN.id),
      senderName: '张 三',
      platformMessageId: String(sent.message_id),
      text: '我要举报，这个群在卖银行卡和身份证信息',
      attachments: [],
      sentAt: new Date(sent.date * 1000),
      meta: { username: 'zhangsan' },
    });
    // The next long poll carries an offset past it: Telegram would drop it from its queue.
    await eventually(() => (fake.pendingUpdates() === 0 ? true : undefined));
    expect(fake.webhook()).toBeUndefined();
    expect(fake.calls('deleteWebhook')).toHaveLength(1);
  });

  it('takes a photo tip with its caption, choosing the largest size', async () => {
    fake.pushUpdate(
      tg.privateMessage(CITIZEN, {
        caption: '这个网站是赌博网站',
        photo: [
          { file_id: 'small', file_unique_id: 's', width: 90, height: 67, file_size: 1200 },
          { file_id: 'large', file_unique_id: 'l', width: 1280, height: 960, file_size: 98000 },
          { file_id: 'medium', file_unique_id: 'm', width: 320, height: 240, file_size: 12000 },
        ],
      }),
    );
    const [msg] = await intake.waitFor(1);
    expect(msg!.text).toBe('这个网站是赌博网站');
    expect(msg!.attachments).toEqual([{ type: 'image', ref: 'large' }]);
  });

  it('stores an edit as a new message pointing at the original', async () => {
    const original = tg.privateText(CITIZEN, '群里说明天停水');
    const id = (original.message as { message_id: number }).message_id;
    fake.pushUpdate(original);
    fake.pushUpdate(tg.privateEdit(CITIZEN, id, '群里说明天全市停水三天，是真的吗？', 1_790_000_000));
    const [first, second] = await intake.waitFor(2);
    expect(first!.platformMessageId).toBe(String(id));
    expect(second!.platformMessageId).toBe(`${id}-e1790000000`);
    expect(second!.meta).toMatchObject({ editOf: String(id) });
    expect(second!.conversationId).toBe(first!.conversationId);
    expect(second!.sentAt).toEqual(new Date(1_790_000_000 * 1000));
  });

  it('ignores a message in a group other than the officers’ group', async () => {
    fake.pushUpdate(tg.groupText(-100999, CITIZEN, '/approve A7F3'));
    fake.pushUpdate(tg.groupText(-100999, STRANGER, '大家好'));
    fake.pushUpdate(tg.privateText(CITIZEN, '你好')); // processed after the two above
    await intake.waitFor(1);
    expect(intake.received.map((m) => m.text)).toEqual(['你好']);
    expect(commands.handled).toEqual([]);
    expect(fake.calls('sendMessage')).toEqual([]);
  });

  it('stops polling quickly while a 50 s long poll is pending', async () => {
    await eventually(() => (fake.calls('getUpdates').some((c) => c.status === 0) ? true : undefined)); // a long poll in flight
    const t0 = Date.now();
    await adapter.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    // restart for afterEach's stop
    const config = testConfig(fake);
    adapter = createTelegramAdapter(config.telegram!, { botInfo: fake.botInfo });
    await adapter.start(makeContext(config, { intake, commands }));
  });

  it('retries a message when intake is down, without losing it', async () => {
    intake.failures.push(new Error('database is locked'));
    fake.pushUpdate(tg.privateText(CITIZEN, '被骗了两百块钱能立案吗'));
    const [msg] = await intake.waitFor(1, 8000);
    expect(msg!.text).toBe('被骗了两百块钱能立案吗');
    expect(intake.received).toHaveLength(1);
  });
});

describe('officers’ group', () => {
  it('passes an officer command to the handler and posts the reply in the group', async () => {
    fake.pushUpdate(tg.groupText(OFFICERS_CHAT, OFFICER, '/approve@netpatrol_test_bot A7F3'));
    const call = await fake.waitForCall('sendMessage');
    expect(commands.handled).toEqual([{ who: { platform: 'telegram', userId: String(OFFICER.id), displayName: '李 警官' }, text: '/approve A7F3' }]);
    expect(call.params).toMatchObject({ chat_id: String(OFFICERS_CHAT), text: '已执行：/approve A7F3' });
    expect(call.params.reply_parameters).toMatchObject({ message_id: expect.any(Number) });
  });

  it('says nothing for ordinary chatter', async () => {
    fake.pushUpdate(tg.groupText(OFFICERS_CHAT, OFFICER, '今天谁值班？'));
    fake.pushUpdate(tg.privateText(CITIZEN, '你好'));
    await intake.waitFor(1);
    expect(commands.handled.map((h) => h.text)).toEqual(['今天谁值班？']);
    expect(fake.calls('sendMessage')).toEqual([]);
  });

  it('posts a card with four buttons whose callback_data fits in 64 bytes', async () => {
    await adapter.review!.post({ draftId: 'd1', shortCode: 'A7F3', text: '【待审批】A7F3 案件 NP20261122000001\n拟回复：……', actions: ['approve', 'edit', 'reject', 'forward'], event: 'new' });
    const [call] = fake.calls('sendMessage');
    expect(call!.params.chat_id).toBe(String(OFFICERS_CHAT));
    expect(call!.params.parse_mode).toBeUndefined();
    const keyboard = (call!.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
    expect(keyboard.map((b) => b.text)).toEqual(['批准', '修改', '驳回', '转办']);
    for (const b of keyboard) expect(Buffer.byteLength(b.callback_data, 'utf8')).toBeLessThanOrEqual(64);
    expect(new Set(keyboard.map((b) => b.callback_data)).size).toBe(4);
    expect(keyboard.every((b) => !b.callback_data.includes('NP2026'))).toBe(true);
  });

  it('refuses a button press by a non-officer with an alert, and leaves the card alone', async () => {
    commands.drafts.set('A7F3', 'd1');
    await adapter.review!.post({ draftId: 'd1', shortCode: 'A7F3', text: '【待审批】A7F3', actions: ['approve', 'edit', 'reject', 'forward'], event: 'new' });
    const card = fake.messages(OFFICERS_CHAT)[0]!;
    fake.pressButton({ chatId: OFFICERS_CHAT, messageId: card.messageId, label: '批准', from: STRANGER });
    const answer = await fake.waitForCall('answerCallbackQuery');
    expect(answer.params).toMatchObject({ text: '您不在值班民警名单中，无权操作。', show_alert: true });
    expect(commands.refused).toEqual([{ who: { platform: 'telegram', userId: String(STRANGER.id), displayName: 'Mallory' }, action: 'approve', ref: 'A7F3' }]);
    expect(commands.decisions).toEqual([]);
    expect(fake.calls('editMessageText')).toEqual([]);
    expect(fake.message(OFFICERS_CHAT, card.messageId)!.replyMarkup?.inline_keyboard?.flat()).toHaveLength(4);
  });

  it('lets an officer approve with a press; the card is edited and its buttons removed', async () => {
    commands.drafts.set('A7F3', 'd1');
    await adapter.review!.post({ draftId: 'd1', shortCode: 'A7F3', text: '【待审批】A7F3', actions: ['approve', 'edit', 'reject', 'forward'], event: 'new' });
    const card = fake.messages(OFFICERS_CHAT)[0]!;
    fake.pressButton({ chatId: OFFICERS_CHAT, messageId: card.messageId, label: '批准', from: OFFICER });
    const answer = await fake.waitForCall('answerCallbackQuery');
    expect(answer.params).toMatchObject({ text: '卡片 A7F3：已approve', show_alert: false });
    expect(commands.decisions).toEqual([{ who: { platform: 'telegram', userId: String(OFFICER.id), displayName: '李 警官' }, action: 'approve', ref: 'A7F3' }]);
    const edited = fake.message(OFFICERS_CHAT, card.messageId)!;
    expect(edited.text).toBe('【已处理】A7F3 由 李 警官 approve');
    expect(edited.replyMarkup?.inline_keyboard ?? []).toEqual([]);
    expect(fake.calls('sendMessage')).toHaveLength(1); // edited in place, not posted again
  });

  it('edits through a ForceReply prompt', async () => {
    await adapter.review!.post({ draftId: 'd2', shortCode: 'B2C4', text: '【待审批】B2C4', actions: ['approve', 'edit', 'reject', 'forward'], event: 'new' });
    const card = fake.messages(OFFICERS_CHAT)[0]!;
    fake.pressButton({ chatId: OFFICERS_CHAT, messageId: card.messageId, label: '修改', from: OFFICER });
    const promptCall = await fake.waitForCall('sendMessage', (c) => (c.params.reply_markup as { force_reply?: boolean } | undefined)?.force_reply === true);
    expect(promptCall.params.text).toContain('B2C4');
    expect(promptCall.params.text).toContain(`tg://user?id=${OFFICER.id}`);
    const prompt = fake.messages(OFFICERS_CHAT).find((m) => m.replyMarkup?.force_reply)!;
    fake.pushUpdate(tg.groupText(OFFICERS_CHAT, OFFICER, '您好，您反映的情况已受理，案件编号 NP20261122000001。', prompt.messageId));
    await eventually(() => (commands.decisions.length ? true : undefined));
    expect(commands.decisions[0]).toMatchObject({ action: 'edit', ref: 'B2C4', arg: '您好，您反映的情况已受理，案件编号 NP20261122000001。' });
    await fake.waitForCall('sendMessage', (c) => c.params.text === '卡片 B2C4：已edit');
  });

  it('rejects with “未说明” when the officer answers the reason prompt with “-”', async () => {
    await adapter.review!.post({ draftId: 'd3', shortCode: 'C3D5', text: '【待审批】C3D5', actions: ['approve', 'edit', 'reject', 'forward'], event: 'new' });
    const card = fake.messages(OFFICERS_CHAT)[0]!;
    fake.pressButton({ chatId: OFFICERS_CHAT, messageId: card.messageId, label: '驳回', from: OFFICER });
    await fake.waitForCall('sendMessage', (c) => (c.params.reply_markup as { force_reply?: boolean } | undefined)?.force_reply === true);
    const prompt = fake.messages(OFFICERS_CHAT).find((m) => m.replyMarkup?.force_reply)!;
    fake.pushUpdate(tg.groupText(OFFICERS_CHAT, OFFICER, '-', prompt.messageId));
    await eventually(() => (commands.decisions.length ? true : undefined));
    expect(commands.decisions[0]).toMatchObject({ action: 'reject', ref: 'C3D5', arg: '未说明' });
  });

  it('asks for the department on 转办 and listing the configured ones', async () => {
    await adapter.review!.post({ draftId: 'd4', shortCode: 'D4E6', text: '【待审批】D4E6', actions: ['approve', 'forward'], event: 'new' });
    const card = fake.messages(OFFICERS_CHAT)[0]!;
    fake.pressButton({ chatId: OFFICERS_CHAT, messageId: card.messageId, label: '转办', from: OFFICER });
    const promptCall = await fake.waitForCall('sendMessage', (c) => (c.params.reply_markup as { force_reply?: boolean } | undefined)?.force_reply === true);
    expect(promptCall.params.text).toContain('反诈中心');
    const prompt = fake.messages(OFFICERS_CHAT).find((m) => m.replyMarkup?.force_reply)!;
    fake.pushUpdate(tg.groupText(OFFICERS_CHAT, OFFICER, '反诈中心', prompt.messageId));
    await eventually(() => (commands.decisions.length ? true : undefined));
    expect(commands.decisions[0]).toMatchObject({ action: 'forward', ref: 'D4E6', arg: '反诈中心' });
  });

  it('answers a forged button at once and decides nothing', async () => {
    fake.pushUpdate(tg.callback(OFFICERS_CHAT, 1, OFFICER, 'approve_everything'));
    const answer = await fake.waitForCall('answerCallbackQuery');
    expect(answer.params.show_alert).toBe(true);
    expect(commands.decisions).toEqual([]);
  });

  it('strips the buttons of a reminder and of the first card when the draft is decided', async () => {
    const card = { draftId: 'd5', shortCode: 'E5F7', actions: ['approve', 'reject'] as const };
    await adapter.review!.post({ ...card, text: '【待审批】E5F7', event: 'new' });
    await adapter.review!.post({ ...card, text: '【提醒】E5F7 已等待 30 分钟', event: 'reminder' });
    await adapter.review!.post({ ...card, text: '【已批准】E5F7', actions: [], event: 'decided' });
    const [first, reminder] = fake.messages(OFFICERS_CHAT);
    expect(first!.replyMarkup?.inline_keyboard ?? []).toEqual([]);
    expect(first!.text).toBe('【待审批】E5F7');
    expect(reminder!.text).toBe('【已批准】E5F7');
    expect(reminder!.replyMarkup?.inline_keyboard ?? []).toEqual([]);
    expect(fake.calls('sendMessage')).toHaveLength(2);
  });

  it('edits a card posted by a worker process once an officer pressed it here', async () => {
    const config = testConfig(fake);
    const worker = createTelegramAdapter(config.telegram!);
    const receiving = () => fake.calls().filter((c) => ['getMe', 'deleteWebhook', 'setWebhook'].includes(c.method)).length;
    const before = receiving();
    await worker.start(makeContext(config, { intake, commands, mode: 'send-only' }));
    expect(receiving()).toBe(before); // the worker neither asked who it is nor touched the webhook setting
    await worker.review!.post({ draftId: 'd6', shortCode: 'F6G8', text: '【待审批】F6G8', actions: ['approve'], event: 'new' });
    await worker.stop();
    commands.drafts.set('F6G8', 'd6');
    const card = fake.messages(OFFICERS_CHAT)[0]!;
    fake.pressButton({ chatId: OFFICERS_CHAT, messageId: card.messageId, label: '批准', from: OFFICER });
    await fake.waitForCall('editMessageText');
    expect(fake.message(OFFICERS_CHAT, card.messageId)).toMatchObject({ text: '【已处理】F6G8 由 李 警官 approve', replyMarkup: { inline_keyboard: [] } });
  });

  it('posts a decided card anew when it never saw the card', async () => {
    await adapter.review!.post({ draftId: 'unknown', shortCode: 'ZZ99', text: '【已处理】ZZ99', actions: [], event: 'decided' });
    const [call] = fake.calls('sendMessage');
    expect(call!.params).toMatchObject({ chat_id: String(OFFICERS_CHAT), text: '【已处理】ZZ99' });
    expect(call!.params.reply_markup).toBeUndefined();
  });
});

describe('sending to citizens', () => {
  it('escapes HTML and uses HTML parse mode without link previews', async () => {
    const res = await adapter.send(outbound('金额 <100> & 链接 https://example.org/?a=1&b=2'));
    const [call] = fake.calls('sendMessage');
    expect(call!.params).toMatchObject({
      chat_id: String(CITIZEN.id),
      parse_mode: 'HTML',
      text: '金额 &lt;100&gt; &amp; 链接 https://example.org/?a=1&amp;b=2',
      link_preview_options: { is_disabled: true },
    });
    expect(call!.status).toBe(200);
    expect(res.platformMessageId).toBe(String(fake.messages(CITIZEN.id)[0]!.messageId));
  });

  it('splits a long reply with an emoji at the boundary, one message a second', async () => {
    const text = `${'警'.repeat(4095)}😀${'示'.repeat(300)}`;
    const res = await adapter.send(outbound(text));
    const calls = fake.calls('sendMessage');
    expect(calls.map((c) => c.status)).toEqual([200, 200]);
    const parts = calls.map((c) => c.params.text as string);
    expect(parts[0]).toHaveLength(4095);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(LONE_SURROGATE.test(p)).toBe(false);
    }
    expect(parts.join('')).toBe(text);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
    expect(res.platformMessageId).toBe(String(fake.messages(CITIZEN.id)[0]!.messageId));
  });

  it('never splits inside an escaped entity', async () => {
    const text = `${'a'.repeat(4094)}&&${'b'.repeat(10)}`; // escaped: …a&amp;&amp;b…, the limit falls inside &amp;
    await adapter.send(outbound(text));
    const parts = fake.calls('sendMessage').map((c) => c.params.text as string);
    expect(fake.calls('sendMessage').every((c) => c.status === 200)).toBe(true);
    expect(parts[0]!.endsWith('a')).toBe(true);
    expect(parts.join('')).toBe(`${'a'.repeat(4094)}&amp;&amp;${'b'.repeat(10)}`);
  });

  it('turns a 429 into RetryLaterError with retry_after, then succeeds', async () => {
    fake.failNext('sendMessage', 429, { retry_after: 7 });
    const err = await adapter.send(outbound('您的举报已受理')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLaterError);
    expect((err as RetryLaterError).delayMs).toBe(7000);
    const res = await adapter.send(outbound('您的举报已受理'));
    expect(res.platformMessageId).toBeDefined();
    expect(fake.calls('sendMessage').map((c) => c.status)).toEqual([429, 200]);
  });

  it('turns a 403 into UndeliverableError(blocked) and a missing chat into chat_not_found', async () => {
    fake.failNext('sendMessage', 403);
    const blocked = await adapter.send(outbound('警示')).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(UndeliverableError);
    expect((blocked as UndeliverableError).reason).toBe('blocked');
    fake.failNext('sendMessage', 400, { description: 'Bad Request: chat not found' });
    const missing = await adapter.send(outbound('警示', { conversationId: '424242' })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(UndeliverableError);
    expect((missing as UndeliverableError).reason).toBe('chat_not_found');
  });

  it('treats a 5xx as transient: a plain Error, then the retry sends the whole reply', async () => {
    const text = `${'第一段。'.repeat(1000)}\n\n${'第二段。'.repeat(100)}`;
    const msg = outbound(text);
    fake.failNext('sendMessage', 502);
    const first = await adapter.send(msg).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(Error);
    expect(first).not.toBeInstanceOf(RetryLaterError);
    expect(first).not.toBeInstanceOf(UndeliverableError);
    expect(first).not.toBeInstanceOf(PermanentError);
    const ok = await adapter.send(msg);
    expect(fake.calls('sendMessage').map((c) => c.status)).toEqual([502, 200, 200]);
    expect(ok.platformMessageId).toBeDefined();
  });

  it('resumes a split reply after the second part failed, without a duplicate first part', async () => {
    const text = `${'第一段。'.repeat(1000)}\n\n${'第二段。'.repeat(100)}`;
    const msg = outbound(text);
    const sends = adapter.send(msg);
    await fake.waitForCall('sendMessage', (c) => c.status === 200);
    fake.failNext('sendMessage', 502);
    await expect(sends).rejects.toThrow(/sendMessage/);
    const res = await adapter.send(msg);
    const texts = fake.calls('sendMessage').filter((c) => c.status === 200).map((c) => c.params.text as string);
    expect(texts).toHaveLength(2);
    expect(texts[0]!.startsWith('第一段')).toBe(true);
    expect(texts[1]!.startsWith('第二段')).toBe(true);
    expect(res.platformMessageId).toBe(String(fake.messages(CITIZEN.id)[0]!.messageId));
  });

  it('throws RetryLaterError instead of waiting long for the per-chat limit', async () => {
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6, 7].map((i) => adapter.send(outbound(`第${i}条`))));
    const late = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason as unknown);
    expect(late.length).toBeGreaterThan(0);
    for (const e of late) {
      expect(e).toBeInstanceOf(RetryLaterError);
      expect((e as RetryLaterError).delayMs).toBeGreaterThan(5000);
    }
    expect(fake.calls('sendMessage')).toHaveLength(results.length - late.length);
  });

  it('sends a report chart as a photo', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const res = await adapter.sendPhoto(String(OFFICERS_CHAT), png, '2026年11月 月报');
    const [call] = fake.calls('sendPhoto');
    expect(call!.params).toMatchObject({ chat_id: String(OFFICERS_CHAT), caption: '2026年11月 月报', photo: { filename: 'chart.png', size: png.length } });
    expect(res.platformMessageId).toBeDefined();
  });
});
