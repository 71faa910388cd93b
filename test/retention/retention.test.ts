/**
 * Retention: bodies older than the cutoff are anonymized, newer rows are untouched, the monthly
 * reports are identical before and after, the audit chain still verifies, and the job is idempotent.
 */
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.ts';
import { computeMonthlyReport } from '../../src/reports/monthly.ts';
import { verifyAuditChain } from '../../src/store/audit.ts';
import type { Store } from '../../src/store/db.ts';
import { REDACTED_TEXT, runRetention, startRetention } from '../../src/workers/retention.ts';
import { buildFixture, sh, type Fixture } from '../reports/fixture.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { waitFor } from '../support/store.ts';

const TZ = 'Asia/Shanghai';
const report = (store: Store, month: string, account = 'default') => computeMonthlyReport(store, { month, account, timezone: TZ });

type Row = Record<string, unknown>;
const all = (store: Store, q: string, ...p: unknown[]) => store.sqlite.prepare(q).all(...p) as Row[];

let fixture: Fixture | undefined;
let t: TestApp | undefined;
afterEach(async () => {
  fixture?.cleanup();
  fixture = undefined;
  await t?.stop();
  t = undefined;
});

describe('runRetention on the report fixture (Oct–Dec 2026, two accounts)', () => {
  it('anonymizes what is older than the cutoff, keeps the rest, and every monthly figure stays the same', () => {
    fixture = buildFixture();
    const { store } = fixture;
    // Make the bodies worth deleting: a phone number and a name in every message, an entity list.
    store.sqlite.prepare(`UPDATE messages SET text = text || ' 电话13812345678', sender_name = '张三', attachments = '[{"type":"image","ref":"f1"}]', meta = '{"username":"zs"}', classification = '{"intent":"tip","entities":{"phones":["13812345678"],"urls":[],"bankCards":[],"idNumbers":[],"wechatIds":[],"qqNumbers":[],"amounts":[]}}'`).run();
    store.sqlite.prepare(`UPDATE drafts SET data = json_set(data, '$.content', '他发帖说明天停水', '$.place', '某某群') WHERE kind = 'warning'`).run();

    const months = ['2026-10', '2026-11', '2026-12'];
    const before = months.flatMap((m) => [report(store, m), report(store, m, 'other')]);
    const messagesBefore = all(store, 'SELECT id, text, received_at FROM messages ORDER BY id');

    const now = new Date(sh(2027, 11, 20));
    const cutoff = sh(2026, 11, 20);
    const r = runRetention(store, { days: 365, now, batchSize: 7 });

    const old = messagesBefore.filter((m) => (m.received_at as number) < cutoff);
    const fresh = messagesBefore.filter((m) => (m.received_at as number) >= cutoff);
    expect(old.length).toBeGreaterThan(5);
    expect(fresh.length).toBeGreaterThan(2);
    expect(r.redacted).toBe(old.length);
    expect(r.drafts).toBeGreaterThan(0);
    expect(r.deliveries).toBeGreaterThan(0);

    const after = new Map(all(store, 'SELECT * FROM messages').map((m) => [m.id as string, m]));
    for (const m of old) {
      expect(after.get(m.id as string)).toMatchObject({ text: '', attachments: '[]', meta: '{}', sender_name: null, redacted_at: now.getTime() });
      const cls = JSON.parse(after.get(m.id as string)!.classification as string) as { intent: string; entities: Record<string, unknown[]> };
      expect(cls.intent).toBe('tip');
      expect(Object.values(cls.entities).every((v) => v.length === 0)).toBe(true);
    }
    for (const m of fresh) {
      expect(after.get(m.id as string)).toMatchObject({ text: m.text, sender_name: '张三', redacted_at: null });
      expect(after.get(m.id as string)!.text).toContain('13812345678');
    }

    // Replies: old ones replaced, newer ones and pending ones untouched; warning data keeps what reports read.
    for (const d of all(store, 'SELECT * FROM drafts')) {
      const isOld = (d.created_at as number) < cutoff && d.status !== 'pending';
      expect(d.text === REDACTED_TEXT, `draft ${String(d.id)}`).toBe(isOld);
      expect(d.original_text === REDACTED_TEXT).toBe(isOld);
      const data = JSON.parse(d.data as string) as Record<string, unknown>;
      if (isOld) expect(data).not.toHaveProperty('content');
      if (d.kind === 'warning' && isOld) expect(data).toHaveProperty('target');
      if (!isOld && d.kind === 'warning') expect(data.content).toBe('他发帖说明天停水');
    }
    for (const d of all(store, 'SELECT * FROM deliveries')) {
      const isOld = (d.created_at as number) < cutoff && ['sent', 'failed', 'undeliverable', 'uncertain'].includes(d.status as string);
      expect(d.text === REDACTED_TEXT, `delivery ${String(d.id)}`).toBe(isOld);
    }

    // Every figure of every month and account is what it was.
    expect(months.flatMap((m) => [report(store, m), report(store, m, 'other')])).toEqual(before);

    // Idempotent.
    expect(runRetention(store, { days: 365, now })).toEqual({ redacted: 0, drafts: 0, deliveries: 0, auditTexts: 0 });
  });

  it('a cutoff before every row changes nothing; bad settings are refused before touching anything', () => {
    fixture = buildFixture();
    const { store } = fixture;
    expect(runRetention(store, { days: 365, now: new Date(sh(2027, 1, 1)) })).toEqual({ redacted: 0, drafts: 0, deliveries: 0, auditTexts: 0 });
    expect(() => runRetention(store, { days: 0, now: new Date() })).toThrow(RangeError);
    expect(() => runRetention(store, { days: -5, now: new Date() })).toThrow(RangeError);
    expect(() => runRetention(store, { days: 1.5, now: new Date() })).toThrow(RangeError);
    expect(() => runRetention(store, { days: 365, now: new Date(Number.NaN) })).toThrow(RangeError);
    expect(store.sqlite.prepare('SELECT count(*) AS n FROM messages WHERE redacted_at IS NOT NULL').get()).toEqual({ n: 0 });
  });
});

describe('retention through the real pipeline', () => {
  it('redacts a year-old conversation end to end; the new one, the audit chain and the report are intact', async () => {
    let clock = new Date('2025-01-10T02:00:00Z');
    t = await startTestApp({ now: () => clock });
    const oldTexts = ['我要举报，有人冒充客服让我刷单，对方电话13812345678，我的卡号6222021234567890被骗了3000元', '张三的身份证110101199003071234被人拿去贷款了'];
    for (const [i, text] of oldTexts.entries()) {
      expect((await t.post('/v1/messages', { conversationId: 'old-conv', senderId: 'citizen-old', senderName: '李四', messageId: `old-${i}`, text })).status).toBe(202);
    }
    await t.app.waitUntilIdle();
    await waitFor(async () => ((await t!.get('/v1/conversations/old-conv/replies')).json as unknown[]).length >= 2, 10_000, 'old replies');

    clock = new Date('2026-03-01T02:00:00Z');
    expect((await t.post('/v1/messages', { conversationId: 'new-conv', senderId: 'citizen-new', messageId: 'new-0', text: '被骗了两百块钱，电话13912345678，能立案吗？' })).status).toBe(202);
    await t.app.waitUntilIdle();
    await waitFor(async () => ((await t!.get('/v1/conversations/new-conv/replies')).json as unknown[]).length >= 1, 10_000, 'new reply');

    const store = t.store;
    const before = [report(store, '2025-01'), report(store, '2026-03')];
    expect(before[0]!.messages.received).toBe(2);
    expect(verifyAuditChain(store).ok).toBe(true);
    const oldReplyCount = ((await t.get('/v1/conversations/old-conv/replies')).json as unknown[]).length;

    const r = runRetention(store, { days: 365, now: clock });
    expect(r.redacted).toBe(2);

    // No trace of the old citizen's words, numbers or name in messages, drafts or deliveries.
    const dump = (q: string) => JSON.stringify(all(store, q));
    const oldRows = dump(`SELECT m.*, d.text AS dt, d.original_text AS dot, d.data AS dd, v.text AS vt FROM messages m
      LEFT JOIN drafts d ON d.case_id = m.case_id OR d.inbound_message_id = m.id LEFT JOIN deliveries v ON v.draft_id = d.id WHERE m.conversation_id = 'old-conv'`);
    for (const secret of ['13812345678', '6222021234567890', '110101199003071234', '李四', '张三', '刷单']) expect(oldRows).not.toContain(secret);
    const replies = (await t.get('/v1/conversations/old-conv/replies')).json as { text: string; caseNumber: string | null }[];
    expect(replies).toHaveLength(oldReplyCount);
    expect(replies.every((x) => x.text === REDACTED_TEXT)).toBe(true);
    expect(replies.some((x) => x.caseNumber !== null)).toBe(true);

    // The new conversation is untouched.
    expect(dump(`SELECT text FROM messages WHERE conversation_id = 'new-conv'`)).toContain('13912345678');
    expect(((await t.get('/v1/conversations/new-conv/replies')).json as { text: string }[]).every((x) => x.text !== REDACTED_TEXT)).toBe(true);

    // Tallies and the hash chain.
    expect([report(store, '2025-01'), report(store, '2026-03')]).toEqual(before);
    expect(verifyAuditChain(store).ok).toBe(true);
  }, 60_000);

  it('startRetention runs a pass soon after start and on its interval, and stops cleanly', async () => {
    fixture = buildFixture();
    const { store } = fixture;
    const job = startRetention({ store, config: { retentionDays: 30 }, logger: silentLogger, now: () => new Date(sh(2027, 6, 1)) }, 40);
    await waitFor(() => (store.sqlite.prepare('SELECT count(*) AS n FROM messages WHERE redacted_at IS NULL').get() as { n: number }).n === 0, 5_000, 'a retention pass');
    await job.stop();
    const redacted = store.db.select({ n: sql<number>`count(*)` }).from(sql`messages`).where(sql`text = ''`).get()?.n;
    expect(redacted).toBeGreaterThan(0);
  });
});
