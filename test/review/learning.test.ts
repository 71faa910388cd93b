/** Learning from officers: a correction made in chat changes the next retrained model's answer. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadClassifier, retrain } from '../../src/classify/index.ts';
import type { Category, Intent } from '../../src/domain/vocabulary.ts';
import { labelCorrections } from '../../src/store/schema.ts';
import { createReloadingClassifier, msUntilNextRun } from '../../src/workers/learning.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

let t: TestApp | undefined;
const saved = process.env.CLASSIFIER_MODEL_PATH;
afterEach(async () => {
  await t?.stop();
  t = undefined;
  if (saved === undefined) delete process.env.CLASSIFIER_MODEL_PATH;
  else process.env.CLASSIFIER_MODEL_PATH = saved;
});

describe('learning from officers', () => {
  it('a /label correction in chat and one over HTTP are stored, and retraining changes the answer for that text', async () => {
    t = await startTestApp();
    const text = '楼下那家店晚上一直有人进进出出，神神秘秘的';
    t.officer('console-officer', '控制台民警', 'officer', 'console');
    const token = t.officer('officer-b', '李警官');
    await t.post('/v1/messages', { conversationId: 'c1', senderId: 'u1', messageId: 'm1', text });
    await t.post('/v1/messages', { conversationId: 'c2', senderId: 'u2', messageId: 'm2', text: '有个网站一直弹窗让人下注，充值送彩金' });
    await t.app.waitUntilIdle();
    const before = loadClassifier().classify(text);
    // Any draft of message m1 serves as the card to correct.
    const draftOf = (messageText: string) =>
      t!.store.sqlite.prepare('SELECT d.short_code AS code FROM drafts d JOIN messages m ON m.id = d.inbound_message_id WHERE m.text = ?').get(messageText) as { code: string };
    const reply = await t.app.commands.handle({ platform: 'console', userId: 'console-officer' }, `/label ${draftOf(text).code} tip/drugs`);
    expect(reply?.ok).toBe(true);
    const http = await t.post(`/v1/review/${draftOf('有个网站一直弹窗让人下注，充值送彩金').code}/label`, { intent: 'tip', category: 'gambling' }, token);
    expect(http.status).toBe(200);
    expect(http.json).toMatchObject({ status: 'labelled', category: 'gambling' });
    const corrections = t.store.db.select().from(labelCorrections).all();
    expect(corrections.map((c) => [c.intent, c.category])).toEqual([
      ['tip', 'drugs'],
      ['tip', 'gambling'],
    ]);
    const out = path.join(t.store.dir, 'model.json');
    retrain(corrections.map((c) => ({ text: c.text, intent: c.intent as Intent | null, category: c.category as Category | null })), out);
    const after = loadClassifier({ modelPath: out }).classify(text);
    expect(after).toMatchObject({ intent: 'tip', category: 'drugs' });
    expect(before.category).not.toBe('drugs');

    // A running process picks the new weights up without a restart.
    process.env.CLASSIFIER_MODEL_PATH = path.join(t.store.dir, 'live.json');
    const live = createReloadingClassifier({ checkMs: 0 });
    expect(live.classify(text).category).toBe(before.category);
    fs.copyFileSync(out, process.env.CLASSIFIER_MODEL_PATH);
    expect(live.classify(text)).toMatchObject({ intent: 'tip', category: 'drugs' });
  });

  it('schedules the nightly retrain at 03:00 in the report time zone', () => {
    expect(msUntilNextRun(new Date('2026-11-22T18:00:00Z'), 'Asia/Shanghai')).toBe(60 * 60_000); // 02:00 Shanghai
    expect(msUntilNextRun(new Date('2026-11-22T19:00:00Z'), 'Asia/Shanghai')).toBe(24 * 60 * 60_000); // 03:00 sharp
  });
});
