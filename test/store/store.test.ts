import { afterEach, describe, expect, it } from 'vitest';
import { nextCaseNumber, localDay, findCaseNumbers } from '../../src/cases/numbers.ts';
import { openOrExtendCase } from '../../src/cases/cases.ts';
import { appendAudit, verifyAuditChain } from '../../src/store/audit.ts';
import { transaction } from '../../src/store/db.ts';
import { tempStore, type TempStore } from '../support/store.ts';

let s: TempStore | undefined;
afterEach(() => {
  s?.cleanup();
  s = undefined;
});

describe('store', () => {
  it('applies the committed migrations to a fresh file, with WAL and foreign keys on', () => {
    s = tempStore();
    const tables = (s.sqlite.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['messages', 'cases', 'drafts', 'deliveries', 'audit_events', 'officers', 'jobs', 'template_versions', 'rebuttals']));
    expect(s.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('stores an inbound message once per platform + account + platform message id', () => {
    s = tempStore();
    const insert = s.sqlite.prepare(
      `INSERT INTO messages (id, account, platform, platform_message_id, conversation_id, sender_id, text, sent_at, received_at) VALUES (?, 'default', 'http', ?, 'c', 'u', 'x', 0, 0)`,
    );
    insert.run('a', 'm1');
    expect(() => insert.run('b', 'm1')).toThrow(/UNIQUE/);
    insert.run('c', 'm2');
  });
});

describe('case numbers', () => {
  it('follow PREFIX + local date in REPORT_TIMEZONE + a 6-digit daily sequence, never reused', () => {
    s = tempStore();
    const store = s;
    // 2026-11-22 23:30 in Shanghai is 15:30 UTC; 16:30 UTC is already the 23rd there.
    const a = transaction(store, () => nextCaseNumber(store, { account: 'hb', prefix: 'HB', timezone: 'Asia/Shanghai', at: new Date('2026-11-22T15:30:00Z') }));
    const b = transaction(store, () => nextCaseNumber(store, { account: 'hb', prefix: 'HB', timezone: 'Asia/Shanghai', at: new Date('2026-11-22T15:59:59Z') }));
    const c = transaction(store, () => nextCaseNumber(store, { account: 'hb', prefix: 'HB', timezone: 'Asia/Shanghai', at: new Date('2026-11-22T16:00:00Z') }));
    const other = transaction(store, () => nextCaseNumber(store, { account: 'js', prefix: 'JS', timezone: 'Asia/Shanghai', at: new Date('2026-11-22T15:30:00Z') }));
    expect([a, b, c, other]).toEqual(['HB20261122000001', 'HB20261122000002', 'HB20261123000001', 'JS20261122000001']);
    expect(localDay(new Date('2026-11-22T16:00:00Z'), 'UTC')).toBe('20261122');
    expect(findCaseNumbers('查询 hb20261122000123 谢谢')).toEqual(['HB20261122000123']);
  });

  it('joins messages from the same sender within the window into one case, and opens a new one after it', () => {
    s = tempStore();
    const store = s;
    const base = { account: 'default', platform: 'http', conversationId: 'c', senderId: 'u', category: null, anonymous: false, joinWindowMs: 10 * 60_000, prefix: 'NP', timezone: 'Asia/Shanghai' } as const;
    const t0 = new Date('2026-11-22T02:00:00Z');
    const first = transaction(store, () => openOrExtendCase(store, { ...base, intent: 'tip', at: t0 }));
    const second = transaction(store, () => openOrExtendCase(store, { ...base, intent: 'tip', category: 'fraud', at: new Date(t0.getTime() + 9 * 60_000) }));
    const third = transaction(store, () => openOrExtendCase(store, { ...base, intent: 'tip', at: new Date(t0.getTime() + 30 * 60_000) }));
    expect(first.isNew).toBe(true);
    expect(second).toMatchObject({ isNew: false, row: { number: first.row.number, category: 'fraud' } });
    expect(third.isNew).toBe(true);
    expect(third.row.number).not.toBe(first.row.number);
  });
});

describe('audit chain', () => {
  it('detects an edited and a deleted event', () => {
    s = tempStore();
    const store = s;
    for (let i = 0; i < 5; i++) transaction(store, () => appendAudit(store, { account: 'default', actor: 'system', action: 'test.event', subjectType: 't', subjectId: String(i), data: { i } }));
    expect(verifyAuditChain(store)).toEqual({ ok: true, events: 5 });
    store.sqlite.prepare("UPDATE audit_events SET data = '{\"i\":99}' WHERE seq = 3").run();
    expect(verifyAuditChain(store)).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'edited' });
    store.sqlite.prepare("UPDATE audit_events SET data = '{\"i\":2}' WHERE seq = 3").run();
    expect(verifyAuditChain(store).ok).toBe(true);
    store.sqlite.prepare('DELETE FROM audit_events WHERE seq = 4').run();
    expect(verifyAuditChain(store)).toMatchObject({ ok: false, firstBadSeq: 4, problem: 'missing' });
  });
});

describe('audit texts', () => {
  it('keeps citizen texts out of the chain: events hold a hash, the text can expire without breaking verify', async () => {
    const { resolveAuditTexts, expireAuditTexts } = await import('../../src/store/audit.ts');
    s = tempStore();
    const store = s;
    const t0 = new Date('2025-01-01T00:00:00Z');
    transaction(store, () => appendAudit(store, { account: 'default', actor: 'o1', action: 'draft.edited', subjectType: 'draft', subjectId: 'd1', data: { textBefore: '举报人电话13812345678', textAfter: '已删除', shortCode: 'AB12' }, at: t0 }));
    const row = store.sqlite.prepare('SELECT data FROM audit_events').get() as { data: string };
    expect(row.data).not.toContain('13812345678');
    expect(JSON.parse(row.data)).toMatchObject({ textBefore: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), shortCode: 'AB12' });
    expect(resolveAuditTexts(store, JSON.parse(row.data))).toMatchObject({ textBefore: '举报人电话13812345678', textAfter: '已删除' });
    expect(transaction(store, () => expireAuditTexts(store, t0.getTime() + 1))).toBe(2);
    expect(resolveAuditTexts(store, JSON.parse(row.data))).toMatchObject({ textBefore: '[已按保存期限删除]' });
    expect(verifyAuditChain(store)).toEqual({ ok: true, events: 1 });
  });
});
