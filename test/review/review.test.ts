/**
 * The review workflow end to end, in its HTTP and console forms (issue "Officer review in chat").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { deliveries, drafts } from '../../src/store/schema.ts';
import { sweep } from '../../src/workers/sweeper.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { waitFor } from '../support/store.ts';
import { upsertEntries } from '../../src/rebuttals/index.ts';
import { RebuttalEntrySchema } from '../../src/rebuttals/schema.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const warning = { platform: 'http', conversationId: 'poster-chat', userId: 'poster-1', reason: 'rumor', content: '邢台有人偷小孩，大家看好孩子' };

async function warningsDelivered(t: TestApp): Promise<any[]> {
  return (await t.get('/v1/conversations/poster-chat/replies')).json.filter((r: any) => r.kind === 'warning');
}

describe('officer review over HTTP', () => {
  it('runs the warning flow with four eyes: A requests, A cannot approve, B approves, the target gets it once', async () => {
    t = await startTestApp();
    const a = t.officer('officer-a', '张警官');
    const b = t.officer('officer-b', '李警官');
    // A rumor tip arrives first.
    await t.post('/v1/messages', { conversationId: 'citizen-1', senderId: 'citizen-1', messageId: 't1', text: '举报：网上有人造谣说邢台有人偷小孩，还配了假视频' });
    await t.app.waitUntilIdle();

    const created = await t.post('/v1/warnings', warning, a);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ status: 'pending' });
    const draftId = created.json.draftId as string;

    const pending = await t.get('/v1/review?status=pending', b);
    expect(pending.status).toBe(200);
    expect(pending.json.map((d: any) => d.id)).toContain(draftId);

    const own = await t.post(`/v1/review/${draftId}/approve`, {}, a);
    expect(own.status).toBe(403);
    expect(own.json.error.code).toBe('four_eyes');

    const ok = await t.post(`/v1/review/${draftId}/approve`, {}, b);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ status: 'approved' });

    const again = await t.post(`/v1/review/${draftId}/approve`, {}, b);
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('already_decided');
    expect(again.json.error.message).toContain('李警官');

    await t.app.waitUntilIdle();
    const got = await warningsDelivered(t);
    expect(got).toHaveLength(1);
    expect(got[0].text).toContain('邢台有人偷小孩');

    const trail = t.store.sqlite
      .prepare("SELECT actor, action FROM audit_events WHERE subject_id = ? OR (subject_type = 'delivery') ORDER BY seq")
      .all(draftId) as { actor: string; action: string }[];
    const actions = trail.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['draft.created', 'warning.requested', 'draft.approved', 'delivery.sent']));
    expect(actions.indexOf('warning.requested')).toBeLessThan(actions.indexOf('draft.approved'));
    // The card and the decision reached the officers' chat (console here).
    await waitFor(() => t!.consoleOutput().includes('【已批准】'), 5000, 'decided card');
    expect(t.consoleOutput()).toContain('【私信警示待审批】');
  });

  it('refuses a non-officer and logs the attempt', async () => {
    t = await startTestApp();
    const a = t.officer('officer-a', '张警官');
    const created = await t.post('/v1/warnings', warning, a);
    const draftId = created.json.draftId as string;
    expect((await t.post(`/v1/review/${draftId}/approve`, {})).status).toBe(401);
    expect((await t.post(`/v1/review/${draftId}/approve`, {}, 'np_00000000000000000000000000000000_notarealtokenatall')).status).toBe(401);
    // A former officer's token answers 403 and the attempt is audited.
    const c = t.officer('officer-c', '王警官');
    t.store.sqlite.prepare("UPDATE officers SET active = 0 WHERE user_id = 'officer-c'").run();
    const former = await t.post(`/v1/review/${draftId}/approve`, {}, c);
    expect(former.status).toBe(403);
    const refused = t.store.sqlite.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'review.refused'").get() as { n: number };
    expect(refused.n).toBeGreaterThanOrEqual(1);
    // In chat: a citizen typing the command is refused politely and logged.
    const reply = await t.app.commands.handle({ platform: 'telegram', userId: 'random-citizen' }, `/approve ${created.json.shortCode}`);
    expect(reply?.ok).toBe(false);
    expect(reply?.text).toContain('只有值班民警');
    const status = t.store.db.select({ s: drafts.status }).from(drafts).where(eq(drafts.id, draftId)).get();
    expect(status?.s).toBe('pending');
  });

  it('sends once when two officers approve the same card at the same moment', async () => {
    t = await startTestApp();
    const a = t.officer('officer-a', '张警官');
    const b = t.officer('officer-b', '李警官');
    const c = t.officer('officer-c', '王警官');
    const created = await t.post('/v1/warnings', warning, a);
    const id = created.json.draftId as string;
    const results = await Promise.all([t.post(`/v1/review/${id}/approve`, {}, b), t.post(`/v1/review/${id}/approve`, {}, c)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    await t.app.waitUntilIdle();
    expect(await warningsDelivered(t)).toHaveLength(1);
    const n = t.store.db.select({ n: sql<number>`count(*)` }).from(deliveries).where(eq(deliveries.draftId, id)).get();
    expect(n?.n).toBe(1);
  });

  it('edits, rejects and forwards', async () => {
    t = await startTestApp();
    const a = t.officer('officer-a', '张警官');
    const b = t.officer('officer-b', '李警官');
    const w1 = (await t.post('/v1/warnings', warning, a)).json.draftId as string;
    const edited = await t.post(`/v1/review/${w1}/edit`, { text: '您发布的“邢台偷小孩”信息经核实不实，请立即删除。' }, b);
    expect(edited.json).toEqual({ status: 'pending' });
    expect((await t.post(`/v1/review/${w1}/approve`, {}, b)).status).toBe(200);
    await t.app.waitUntilIdle();
    const sent = await warningsDelivered(t);
    expect(sent.map((s: any) => s.text)).toEqual(['您发布的“邢台偷小孩”信息经核实不实，请立即删除。']);
    const via = t.store.db.select({ v: deliveries.approvedVia }).from(deliveries).where(eq(deliveries.draftId, w1)).get();
    expect(via?.v).toBe('edited');

    const w2 = (await t.post('/v1/warnings', { ...warning, userId: 'poster-2', conversationId: 'poster-2' }, a)).json.draftId as string;
    expect((await t.post(`/v1/review/${w2}/reject`, { reason: '证据不足' }, b)).json).toEqual({ status: 'rejected' });
    const bad = await t.post(`/v1/review/${w2}/approve`, {}, b);
    expect(bad.status).toBe(409);

    // Forward a pending card (a rebuttal waiting for an officer) to a department: the card closes as
    // forwarded, the case records the department, and the citizen is told.
    upsertEntries(t.store, [RebuttalEntrySchema.parse({ id: 'water-outage', title: '“全市停水三天”系谣言', claims: ['明天起全市停水三天，大家赶紧储水'], verdict: 'false', rebuttal: '近期没有全市停水计划。', source: null, status: 'draft' })]);
    await t.post('/v1/messages', { conversationId: 'cz', senderId: 'cz', messageId: 'f1', text: '群里说明天起全市停水三天，大家赶紧储水，是真的吗？' });
    await t.app.waitUntilIdle();
    const pendingCards = (await t.get('/v1/review?status=pending', b)).json as any[];
    const card = pendingCards.find((d) => d.kind === 'rebuttal');
    expect(card).toBeDefined();
    const fw = await t.post(`/v1/review/${card.id}/forward`, { department: '网信办' }, b);
    expect(fw.json).toEqual({ status: 'forwarded' });
    expect((await t.post(`/v1/review/${card.id}/approve`, {}, b)).status).toBe(409);
    await t.app.waitUntilIdle();
    const toCitizen = (await t.get('/v1/conversations/cz/replies')).json as any[];
    expect(toCitizen.filter((r) => r.kind === 'forward_notice')).toHaveLength(1);
    expect(toCitizen.find((r) => r.kind === 'forward_notice').text).toContain('网信办');
    expect(toCitizen.some((r) => r.kind === 'rebuttal')).toBe(false);
    const forwardedCase = t.store.sqlite.prepare("SELECT status, department FROM cases WHERE conversation_id = 'cz'").get();
    expect(forwardedCase).toEqual({ status: 'forwarded', department: '网信办' });
    const unknownDept = await t.post(`/v1/review/${w1}/forward`, { department: '不存在的部门' }, b);
    expect(unknownDept.status).toBe(400);
  });

  it('re-announces a card still pending after the reminder interval (fake clock)', async () => {
    let now = new Date('2026-11-23T10:00:00+08:00');
    t = await startTestApp({ now: () => now, env: { REVIEW_REMINDER_MINUTES: '30' } });
    const a = t.officer('officer-a', '张警官');
    const id = (await t.post('/v1/warnings', warning, a)).json.draftId as string;
    await t.app.waitUntilIdle();
    const deps = { store: t.store, queue: t.app.queue, dispatcher: t.app.dispatcher, config: t.app.config, logger: t.app.logger, now: () => now };
    expect((await sweep(deps)).reminded).toBe(0);
    now = new Date(now.getTime() + 31 * 60_000);
    expect((await sweep(deps)).reminded).toBe(1);
    await waitFor(() => t!.consoleOutput().includes('⏰ 提醒'), 5000, 'reminder card');
    expect(t.store.db.select().from(drafts).where(and(eq(drafts.id, id))).get()?.remindedAt).toBe(now.getTime());
    expect((await sweep(deps)).reminded).toBe(0);
  });
});

describe('officer review in the console', () => {
  it('approves by short code typed at the console, and refuses a console user not on the list', async () => {
    t = await startTestApp();
    const a = t.officer('officer-a', '张警官');
    const created = await t.post('/v1/warnings', warning, a);
    const code = created.json.shortCode as string;
    t.type(`/ok ${code}`);
    await waitFor(() => t!.consoleOutput().includes('只有值班民警'), 5000, 'refusal');
    t.officer('console-officer', '控制台民警', 'officer', 'console');
    t.type(`/approve ${code}`);
    await waitFor(() => t!.consoleOutput().includes(`已批准 #${code}`), 5000, 'approval');
    await t.app.waitUntilIdle();
    expect(await warningsDelivered(t)).toHaveLength(1);
  });
});
