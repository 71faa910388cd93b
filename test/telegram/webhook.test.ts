/**
 * Webhook mode: the route on a real fastify server on 127.0.0.1, the secret header checked, the
 * update taken in before the 200, and setWebhook called with the secret at start.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_WEBHOOK_PATH, createTelegramAdapter, type TelegramAdapter } from '../../adapters/telegram/index.ts';
import { ConfigError } from '../../src/errors.ts';
import { startFakeTelegram, tg, type FakeTelegram } from '../support/fake-telegram.ts';
import { CITIZEN, OFFICER, OFFICERS_CHAT, RecordingIntake, TestCommands, makeContext, testConfig } from './context.ts';

const SECRET = 'wh_S3cret-token_0123456789';
let fake: FakeTelegram;
let http: FastifyInstance;
let base: string;
let adapter: TelegramAdapter;
const intake = new RecordingIntake();
const commands = new TestCommands();

beforeAll(async () => {
  fake = await startFakeTelegram();
  http = Fastify();
  const config = testConfig(fake, { TELEGRAM_WEBHOOK_URL: 'https://netpatrol.example.org/v1/telegram/webhook', TELEGRAM_WEBHOOK_SECRET: SECRET });
  adapter = createTelegramAdapter(config.telegram!, { botInfo: fake.botInfo });
  await adapter.start(makeContext(config, { intake, commands, http }));
  await http.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await adapter.stop();
  await http.close();
  await fake.close();
});

async function post(body: unknown, secret?: string): Promise<Response> {
  return fetch(`${base}${TELEGRAM_WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: JSON.stringify(body),
  });
}

describe('telegram webhook', () => {
  it('set the webhook with the secret at start and does not poll', () => {
    expect(fake.calls('setWebhook').map((c) => c.params)).toEqual([
      expect.objectContaining({ url: 'https://netpatrol.example.org/v1/telegram/webhook', secret_token: SECRET }),
    ]);
    expect(fake.calls('getUpdates')).toEqual([]);
  });

  it('takes in an update with the right secret before answering 200', async () => {
    const res = await post({ update_id: 1, ...tg.privateText(CITIZEN, '有人在贴吧说要炸学校') }, SECRET);
    expect(res.status).toBe(200);
    expect(intake.received.map((m) => m.text)).toEqual(['有人在贴吧说要炸学校']); // already there when the 200 came
  });

  it('refuses a wrong secret with 401 and takes in nothing', async () => {
    const before = intake.received.length;
    const res = await post({ update_id: 2, ...tg.privateText(CITIZEN, '伪造的消息') }, `${SECRET}x`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(intake.received.length).toBe(before);
  });

  it('refuses a missing secret with 401 and takes in nothing', async () => {
    const before = intake.received.length;
    const handledBefore = commands.handled.length;
    expect((await post({ update_id: 3, ...tg.privateText(CITIZEN, '伪造的消息') })).status).toBe(401);
    expect((await post({ update_id: 4, ...tg.groupText(OFFICERS_CHAT, OFFICER, '/approve A7F3') })).status).toBe(401);
    expect(intake.received.length).toBe(before);
    expect(commands.handled.length).toBe(handledBefore);
  });

  it('answers 500 when intake is down, so Telegram redelivers; the redelivery is taken in', async () => {
    const before = intake.received.length;
    intake.failures.push(new Error('database is locked'));
    const update = { update_id: 5, ...tg.privateText(CITIZEN, '我朋友说他吃了药不想活了') };
    expect((await post(update, SECRET)).status).toBe(500);
    expect(intake.received.length).toBe(before);
    expect((await post(update, SECRET)).status).toBe(200);
    expect(intake.received.at(-1)!.text).toBe('我朋友说他吃了药不想活了');
  });

  it('answers 200 to a malformed update with a right secret (ignored, not retried forever)', async () => {
    const before = intake.received.length;
    expect((await post({ hello: 'world' }, SECRET)).status).toBe(200);
    expect(intake.received.length).toBe(before);
  });

  it('refuses a webhook secret Telegram would reject, before any network call', () => {
    const config = testConfig(fake, { TELEGRAM_WEBHOOK_URL: 'https://x.example.org/hook', TELEGRAM_WEBHOOK_SECRET: 'has spaces!' });
    expect(() => createTelegramAdapter(config.telegram!)).toThrow(ConfigError);
  });
});
