/** Abuse control (rate limit, block list), bulk approval, and template edits from chat, end to end. */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { messages } from '../../src/store/schema.ts';
import { upsertEntries } from '../../src/rebuttals/index.ts';
import { RebuttalEntrySchema } from '../../src/rebuttals/schema.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const send = (t: TestApp, conv: string, id: string, text: string) => t.post('/v1/messages', { conversationId: conv, senderId: conv, messageId: id, text });
const replies = async (t: TestApp, conv: string) => (await t.get(`/v1/conversations/${conv}/replies`)).json as { kind: string; text: string }[];

describe('abuse control', () => {
  it('past the per-sender limit: one polite notice, then stored but not answered; others unaffected; emergencies always answered', async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    for (let i = 0; i < 6; i++) await send(t, 'troll', `t${i}`, `你好${i}`);
    await send(t, 'troll', 't-em', '我不想活了，已经吃了一瓶安眠药');
    await send(t, 'neighbour', 'n1', '你好');
    await t.app.waitUntilIdle();
    const r = await replies(t, 'troll');
    const notices = r.filter((x) => x.text.includes('过于频繁'));
    expect(notices).toHaveLength(1);
    expect(r.filter((x) => x.kind === 'emergency')).toHaveLength(1);
    expect(r.length).toBe(3 + 1 + 1);
    expect((await replies(t, 'neighbour')).length).toBe(1);
    const stored = t.store.db.select({ n: sql<number>`count(*)` }).from(messages).where(sql`${messages.senderId} = 'troll'`).get();
    expect(stored?.n).toBe(7);
    const silenced = t.store.sqlite.prepare("SELECT count(*) AS n FROM messages WHERE status = 'silenced'").get() as { n: number };
    expect(silenced.n).toBe(3);
  });

  it('officers block and unblock a sender from chat', async () => {
    t = await startTestApp();
    t.officer('console-officer', '值班民警', 'officer', 'console');
    const who = { platform: 'console' as const, userId: 'console-officer' };
    expect((await t.app.commands.handle(who, '/block http:spammer 广告骚扰'))?.ok).toBe(true);
    await send(t, 'spammer', 's1', '加我微信领红包');
    await t.app.waitUntilIdle();
    expect(await replies(t, 'spammer')).toHaveLength(0);
    expect((await t.app.commands.handle(who, '/unblock http:spammer'))?.ok).toBe(true);
    await send(t, 'spammer', 's2', '你好');
    await t.app.waitUntilIdle();
    expect(await replies(t, 'spammer')).toHaveLength(1);
  });
});

describe('admin work from chat', () => {
  it('bulk-approves every pending draft of one kind, and never warnings', async () => {
    t = await startTestApp();
    const a = t.officer('officer-a', '张警官');
    t.officer('console-officer', '值班民警', 'officer', 'console');
    await t.post('/v1/warnings', { platform: 'http', conversationId: 'p1', userId: 'p1', reason: 'rumor', content: '谣言一' }, a);
    const refused = await t.app.commands.handle({ platform: 'console', userId: 'console-officer' }, '/approve all warning');
    expect(refused?.ok).toBe(false);
    expect((await replies(t, 'p1')).length).toBe(0);
    // Two different questions matching a draft library entry wait as rebuttal cards; one command sends both.
    upsertEntries(t.store, [RebuttalEntrySchema.parse({ id: 'power-outage', title: '“全市停电48小时”不实', claims: ['今晚开始全市大面积停电48小时', '电网检修全城停电两天'], verdict: 'false', rebuttal: '经供电公司核实，没有全市停电计划。', source: null, status: 'draft' })]);
    await send(t, 'q1', 'q1', '今晚开始全市大面积停电48小时，是真的吗');
    await send(t, 'q2', 'q2', '听说电网检修全城停电两天？求证');
    await t.app.waitUntilIdle();
    expect((await replies(t, 'q1')).filter((r) => r.kind === 'rebuttal')).toHaveLength(0);
    const bulk = await t.app.commands.handle({ platform: 'console', userId: 'console-officer' }, '/approve all rebuttal');
    expect(bulk?.text).toMatch(/已批量批准 2 条/);
    await t.app.waitUntilIdle();
    expect((await replies(t, 'q1')).filter((r) => r.kind === 'rebuttal')).toHaveLength(1);
    expect((await replies(t, 'q2')).filter((r) => r.kind === 'rebuttal')).toHaveLength(1);
  });

  it('an admin edits a template in chat and the next reply uses it, with no restart; officers may not', async () => {
    t = await startTestApp();
    t.officer('9001', '管理员', 'admin', 'telegram');
    t.officer('9002', '普通民警', 'officer', 'telegram');
    const body = '您好！这里是{{ accountName }}（测试新版问候）。紧急情况请拨打110。';
    const denied = await t.app.commands.handle({ platform: 'telegram', userId: '9002' }, `/tpl set chitchat.greeting\n${body}`);
    expect(denied?.ok).toBe(false);
    const bad = await t.app.commands.handle({ platform: 'telegram', userId: '9001' }, '/tpl set chitchat.greeting\n{{ noSuchVariable }}');
    expect(bad?.text).toMatch(/⚠️|noSuchVariable/);
    const ok = await t.app.commands.handle({ platform: 'telegram', userId: '9001' }, `/tpl set chitchat.greeting\n${body}`);
    expect(ok?.ok).toBe(true);
    await send(t, 'c1', 'm1', '你好');
    await t.app.waitUntilIdle();
    const r = await replies(t, 'c1');
    expect(r).toHaveLength(1);
    expect(r[0]?.text).toContain('测试新版问候');
  });
});
