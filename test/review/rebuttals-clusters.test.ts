/**
 * Rebuttals through the whole pipeline: identical questions from many citizens become one card with a
 * count; a rebuttal published after three citizens asked reaches all three, once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { upsertEntries } from '../../src/rebuttals/index.ts';
import { RebuttalEntrySchema } from '../../src/rebuttals/schema.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { waitFor } from '../support/store.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const entry = (status: 'draft' | 'approved') =>
  RebuttalEntrySchema.parse({
    id: 'water-outage',
    title: '“明天起全市停水三天”系谣言',
    claims: ['明天起全市停水三天，大家赶紧储水', '接到通知全市将停水72小时'],
    verdict: 'false',
    rebuttal: '经向市供水公司核实，近期没有全市性停水计划。',
    source: 'https://example.gov.cn/notice',
    status,
  });

const ask = (t: TestApp, i: number) =>
  t.post('/v1/messages', { conversationId: `asker-${i}`, senderId: `asker-${i}`, messageId: `q-${i}`, text: '群里说明天起全市停水三天，大家赶紧储水，是真的吗？' });

describe('rebuttals and clusters', () => {
  it('shows officers one card with a count for identical questions, and approving it answers everyone', async () => {
    t = await startTestApp();
    upsertEntries(t.store, [entry('draft')]);
    const b = t.officer('officer-b', '李警官');
    for (let i = 0; i < 3; i++) await ask(t, i);
    await t.app.waitUntilIdle();
    const pending = (await t.get('/v1/review?status=pending', b)).json as any[];
    const rebuttals = pending.filter((d) => d.kind === 'rebuttal');
    expect(rebuttals).toHaveLength(3);
    // One leader card, re-posted once when the cluster reached 2; never a card per citizen.
    const cards = t.consoleOutput().split('──── 警务台 ────').filter((c) => c.includes('辟谣回复'));
    expect(cards.length).toBeGreaterThanOrEqual(1);
    expect(cards.length).toBeLessThanOrEqual(2);
    const codes = new Set(cards.map((c) => /#([A-Z0-9]+)/.exec(c)?.[1]));
    expect(codes.size).toBe(1);
    expect(cards[cards.length - 1]).toMatch(/同类消息共 [23] 条/);
    expect(cards[0]).toContain('water-outage');
    // Fifteen more identical questions: the card comes back only at 5 and 10.
    for (let i = 3; i < 18; i++) await ask(t, i);
    await t.app.waitUntilIdle();
    const after = t.consoleOutput().split('──── 警务台 ────').filter((c) => c.includes('辟谣回复'));
    expect(after.length - cards.length).toBe(2);
    expect(after[after.length - 1]).toMatch(/同类消息共 1\d 条/);
    const leader = rebuttals[0];
    expect((await t.post(`/v1/review/${leader.id}/approve`, {}, b)).status).toBe(200);
    await t.app.waitUntilIdle();
    for (let i = 0; i < 18; i++) {
      const replies = (await t.get(`/v1/conversations/asker-${i}/replies`)).json as any[];
      expect(replies.filter((r) => r.kind === 'rebuttal')).toHaveLength(1);
      expect(replies.find((r) => r.kind === 'rebuttal').text).toContain('没有全市性停水计划');
    }
  });

  it('a rebuttal published after three citizens asked reaches all three, once', async () => {
    t = await startTestApp();
    for (let i = 0; i < 3; i++) await ask(t, i);
    await t.app.waitUntilIdle();
    // Nothing in the library yet: each asker got the "still verifying" reply and has an open verify case.
    for (let i = 0; i < 3; i++) {
      const r = (await t.get(`/v1/conversations/asker-${i}/replies`)).json as any[];
      expect(r.map((x) => x.kind)).toEqual(['receipt']);
      expect(r[0].caseNumber).toMatch(/^NP/);
    }
    upsertEntries(t.store, [entry('draft')]);
    const admin = t.officer('console-officer', '管理员', 'admin', 'console');
    void admin;
    t.type('/rebuttal approve water-outage');
    await waitFor(() => t!.consoleOutput().includes('推送辟谣'), 10_000, 'publish confirmation');
    await t.app.waitUntilIdle();
    for (let i = 0; i < 3; i++) {
      const r = (await t.get(`/v1/conversations/asker-${i}/replies`)).json as any[];
      expect(r.filter((x) => x.kind === 'rebuttal')).toHaveLength(1);
    }
    // Publishing again answers nobody twice.
    const again = await t.app.publishRebuttal('water-outage', 'test');
    expect(again.cases).toBe(0);
  });
});
