/**
 * Telegram through the whole app: telegraf against the fake Bot API server, long polling.
 * A citizen's tip gets a receipt; a warning requested in the officers' group is approved by another
 * officer's button press and reaches its target once; a stranger's press is refused.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../adapters/telegram/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startFakeTelegram, tg, type FakeTelegram } from '../support/fake-telegram.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { waitFor } from '../support/store.ts';

const OFFICERS_CHAT = -1009876543210;
const A = tg.user(701, '张');
const B = tg.user(702, '李');
const STRANGER = tg.user(666, 'Mallory');
const CITIZEN = tg.user(90001, '王五');
const POSTER = tg.user(90002, '造谣者');

let fake: FakeTelegram;
let t: TestApp | undefined;
beforeAll(async () => {
  fake = await startFakeTelegram();
});
afterAll(async () => {
  await fake.close();
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
  fake.reset();
});

async function start(): Promise<TestApp> {
  const env = { ADAPTERS: 'console,http,telegram', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_OFFICERS_CHAT_ID: String(OFFICERS_CHAT) };
  const cfg = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  const telegram = createTelegramAdapter(cfg.telegram!, { botInfo: fake.botInfo, pollTimeoutSec: 1 });
  const app = await startTestApp({ env, extraAdapters: [telegram] });
  app.officer(String(A.id), '张警官', 'officer', 'telegram');
  app.officer(String(B.id), '李警官', 'officer', 'telegram');
  return app;
}

describe('Telegram end to end', () => {
  it("answers a citizen's private tip with a receipt quoting the case number", async () => {
    t = await start();
    fake.pushUpdate(tg.privateText(CITIZEN, '我要举报，有人冒充京东客服让我刷单返利，已经转了5000元'));
    const sent = await fake.waitForCall('sendMessage', (c) => String(c.params.chat_id) === String(CITIZEN.id), 15_000);
    expect(String(sent.params.text)).toMatch(/NP\d{14}/);
    expect(sent.params.parse_mode).toBe('HTML');
  });

  it('a warning requested in the group is approved by another officer\'s button and reaches the target once', async () => {
    t = await start();
    fake.pushUpdate(tg.groupText(OFFICERS_CHAT, A, `/warn telegram:${POSTER.id} rumor 邢台有人偷小孩，大家看好孩子`));
    const card = await waitFor(
      () => fake.messages(OFFICERS_CHAT).find((m) => m.text?.includes('私信警示待审批') && m.replyMarkup?.inline_keyboard),
      15_000,
      'warning card with buttons',
    );
    const labels = card.replyMarkup!.inline_keyboard!.flat().map((b) => b.text);
    expect(labels).toEqual(expect.arrayContaining(['批准', '修改', '驳回', '转办']));
    for (const b of card.replyMarkup!.inline_keyboard!.flat()) expect(Buffer.byteLength(b.callback_data ?? '')).toBeLessThanOrEqual(64);

    // A stranger's press is refused; A cannot approve A's own warning.
    fake.pressButton({ chatId: OFFICERS_CHAT, messageId: card.messageId, label: '批准', from: STRANGER });
    await fake.waitForCall('answerCallbackQuery', (c) => String(c.params.text ?? '').includes('只有值班民警'), 10_000);
    fake.pressButton({ chatId: OFFICERS_CHAT, messageId: card.messageId, label: '批准', from: A });
    await fake.waitForCall('answerCallbackQuery', (c) => String(c.params.text ?? '').includes('四眼'), 10_000);
    expect(fake.calls('sendMessage').filter((c) => String(c.params.chat_id) === String(POSTER.id))).toHaveLength(0);

    fake.pressButton({ chatId: OFFICERS_CHAT, messageId: card.messageId, label: '批准', from: B });
    const warning = await fake.waitForCall('sendMessage', (c) => String(c.params.chat_id) === String(POSTER.id), 15_000);
    expect(String(warning.params.text)).toContain('邢台有人偷小孩');
    // A second press after the decision does not send again.
    fake.pressButton({ chatId: OFFICERS_CHAT, messageId: card.messageId, label: '批准', from: B });
    await waitFor(() => fake.message(OFFICERS_CHAT, card.messageId)?.text?.includes('已批准'), 15_000, 'card edited to decided');
    await t.app.waitUntilIdle();
    expect(fake.calls('sendMessage').filter((c) => String(c.params.chat_id) === String(POSTER.id))).toHaveLength(1);
    const edited = fake.message(OFFICERS_CHAT, card.messageId);
    expect(edited?.replyMarkup?.inline_keyboard?.flat().length ?? 0).toBe(0);
    const refused = t.store.sqlite.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'review.refused'").get() as { n: number };
    expect(refused.n).toBeGreaterThanOrEqual(1);
  });
});
