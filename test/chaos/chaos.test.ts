/**
 * The chaos run at small size (issue 9 "Faults"): real `netpatrol` processes killed with SIGKILL while
 * messages flow, for the bullmq driver (two workers) and the embedded driver; then nothing lost, nothing
 * sent twice, no job stuck. Leases are shortened in the children (QUEUE_LEASE_MS) so a
 * killed job is retaken in seconds. Also checks that the invariant checker itself catches a lost
 * message, a stuck message, an unsent reply and a double send.
 */
import { describe, expect, it } from 'vitest';
import { runChaos, type ScenarioResult } from '../../scripts/chaos.ts';
import { checkExactlyOnce, openReadOnly } from '../../scripts/lib/observe.ts';
import { appendAudit } from '../../src/store/audit.ts';
import { transaction } from '../../src/store/db.ts';
import { startTestApp } from '../support/app.ts';
import { waitFor } from '../support/store.ts';

function expectClean(s: ScenarioResult, messages: number): void {
  expect(s.violations).toEqual([]);
  expect(s.ok).toBe(true);
  expect(s.check.messagesStored).toBe(messages);
  expect(s.check.untriaged).toBe(0);
  expect(s.check.autoDrafts).toBeGreaterThanOrEqual(messages);
  // Exactly once: every automatic draft sent once, or uncertain (killed mid-send) and never sent.
  expect(s.check.deliveriesSent + s.check.deliveriesUncertain).toBe(s.check.autoDrafts);
  expect(s.repliesSeenOverHttp).toBe(s.check.deliveriesSent);
  for (const q of Object.values(s.queues)) expect(q).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
}

describe('chaos: SIGKILL while messages flow', () => {
  it('bullmq (two workers, 3 kills) and embedded (start killed 3 times): every message stored once, every automatic reply sent once, queues idle', async () => {
    const lines: string[] = [];
    const summary = await runChaos({ messages: 60, kills: 3, redisRestarts: 0, scenarios: ['bullmq', 'embedded'], rate: 20, leaseMs: 1500, seed: 7, log: (l) => lines.push(l) });
    const [bullmq, embedded] = summary.scenarios;
    expect(bullmq?.scenario).toBe('bullmq');
    expect(bullmq?.kills).toBe(3);
    expectClean(bullmq as ScenarioResult, 60);
    expect(embedded?.scenario).toBe('embedded');
    expect(embedded?.kills).toBe(3);
    expectClean(embedded as ScenarioResult, 60);
    // The start process really was down: some POSTs failed and were sent again.
    expect(embedded?.postRetries).toBeGreaterThan(0);
    expect(lines.filter((l) => l.includes('killed and restarted'))).toHaveLength(6);
    expect(summary.ok).toBe(true);
  }, 120_000);
});

describe('the exactly-once checker', () => {
  it('reports a lost message, a stuck message, an unsent reply and a double send', async () => {
    const t = await startTestApp();
    try {
      for (let i = 0; i < 3; i++) {
        const r = await t.post('/v1/messages', { conversationId: `c${i}`, senderId: `u${i}`, messageId: `m${i}`, text: '我要举报，有人在QQ群里招人刷单，说先垫付再返佣金' });
        expect(r.status).toBe(202);
      }
      await t.app.waitUntilIdle();
      const db = openReadOnly(t.store.path);
      try {
        const clean = checkExactlyOnce(db, ['m0', 'm1', 'm2']);
        expect(clean.violations).toEqual([]);
        expect(clean.deliveriesSent).toBe(clean.autoDrafts);

        expect(checkExactlyOnce(db, ['m0', 'm1', 'm2', 'm3']).violations.map((v) => v.kind)).toContain('message_lost');

        const rows = t.store.sqlite.prepare(`SELECT id, account FROM deliveries ORDER BY id`).all() as { id: string; account: string }[];
        const [first, second] = rows;
        if (!first || !second) throw new Error('expected two deliveries');
        transaction(t.store, () =>
          appendAudit(t.store, { account: first.account, actor: 'system', action: 'delivery.sent', subjectType: 'delivery', subjectId: first.id, data: {} }),
        );
        t.store.sqlite.prepare(`UPDATE deliveries SET status = 'sending' WHERE id = ?`).run(second.id);
        t.store.sqlite.prepare(`UPDATE messages SET status = 'received' WHERE platform_message_id = 'm2'`).run();
        const kinds = await waitFor(() => {
          const k = checkExactlyOnce(db, ['m0', 'm1', 'm2']).violations.map((v) => v.kind);
          return k.includes('double_send') ? k : null;
        });
        expect(kinds).toEqual(expect.arrayContaining(['double_send', 'delivery_not_sent', 'message_stuck']));
      } finally {
        db.close();
      }
    } finally {
      await t.stop();
    }
  }, 30_000);
});
