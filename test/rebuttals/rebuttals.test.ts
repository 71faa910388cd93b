import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createRebuttalMatcher,
  handleRebuttalChatCommand,
  importFile,
  listRebuttals,
  normalizeForMatch,
  publishRebuttal,
  runRebuttalsCommand,
} from '../../src/rebuttals/index.ts';
import { UserFacingError } from '../../src/errors.ts';
import type { Store } from '../../src/store/db.ts';
import { cases, messages } from '../../src/store/schema.ts';
import { tempStore } from '../replies/helpers.ts';

const LIBRARY = fileURLToPath(new URL('../fixtures/rebuttals/library.jsonl', import.meta.url));

let store: Store;
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ store, dir, cleanup } = tempStore()));
afterEach(() => cleanup());

function sink(): { stream: Writable; text: () => string } {
  let buf = '';
  return {
    stream: new Writable({
      write(c: Buffer, _e, cb) {
        buf += c.toString();
        cb();
      },
    }),
    text: () => buf,
  };
}

let seq = 0;
function askCase(text: string, opts: { intent?: string; status?: string; sender?: string } = {}): string {
  seq++;
  const id = `case-${seq}`;
  const t = Date.UTC(2026, 10, 22, 2, 0, seq);
  store.db
    .insert(cases)
    .values({ id, number: `NP20261122${String(seq).padStart(6, '0')}`, account: 'default', platform: 'http', conversationId: `c${seq}`, senderId: opts.sender ?? `s${seq}`, intent: opts.intent ?? 'verify', category: 'rumor', status: opts.status ?? 'open', openedAt: t, updatedAt: t, lastMessageAt: t })
    .run();
  store.db
    .insert(messages)
    .values({ id: `msg-${seq}`, account: 'default', platform: 'http', platformMessageId: `p${seq}`, conversationId: `c${seq}`, senderId: opts.sender ?? `s${seq}`, text, sentAt: t, receivedAt: t, caseId: id, intent: opts.intent ?? 'verify' })
    .run();
  return id;
}

describe('library', () => {
  it('imports the JSONL fixture, upserts on re-import, refuses bad lines with file:line', async () => {
    expect(await importFile(store, LIBRARY)).toEqual({ added: 57, updated: 0 });
    expect(await importFile(store, LIBRARY)).toEqual({ added: 0, updated: 57 });
    expect(listRebuttals(store, { status: 'approved' }).every((e) => e.publishedAt instanceof Date)).toBe(true);
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, '{"id":"a","title":"t","claims":["明天停水"],"verdict":"false","rebuttal":"r"}\n{"id":"b","title":"t","claims":[],"verdict":"maybe","rebuttal":"r"}\n');
    await expect(importFile(store, bad)).rejects.toThrow(/bad\.jsonl:2: invalid rebuttal entry: claims: .*verdict/);
    await expect(importFile(store, bad)).rejects.toBeInstanceOf(UserFacingError);
    expect(listRebuttals(store).some((e) => e.id === 'a')).toBe(false); // all or nothing
  });

  it('adds one entry from YAML', async () => {
    const f = path.join(dir, 'one.yaml');
    fs.writeFileSync(f, 'id: test-yaml\ntitle: 测试\nclaims:\n  - 明天全市停水三天\nverdict: false\nrebuttal: 没有停水计划\nsource: https://example.org/\n');
    const s = sink();
    expect(await runRebuttalsCommand(store, ['add', f], s.stream)).toBe(0);
    expect(s.text()).toBe('1 added, 0 updated\n');
    expect(listRebuttals(store)).toEqual([expect.objectContaining({ id: 'test-yaml', status: 'draft', verdict: 'false', source: 'https://example.org/' })]);
  });
});

describe('matching', () => {
  beforeEach(async () => {
    await importFile(store, LIBRARY);
  });

  it('normalizes Traditional, full-width, punctuation, fillers and Chinese numerals', () => {
    expect(normalizeForMatch('聽說！明天　全市停水三天，是真的嗎？')).toBe('明天 全市停水3天');
    expect(normalizeForMatch('ＡＢＣ５Ｇ基站')).toBe('abc5g基站');
  });

  it('bands: a close rewording is high, a looser one middle, an unrelated question low', () => {
    const m = createRebuttalMatcher(store);
    const high = m.match('網傳白色麵包車在學校門口搶孩子，請問屬實嗎');
    expect(high.band).toBe('high');
    expect(high.best).toMatchObject({ id: 'child-abduction-van', status: 'approved' });
    const middle = m.match('聽說明天全市停水三天，要不要趕緊存水？');
    expect(middle.band).toBe('middle');
    expect(middle.best?.id).toBe('water-outage');
    expect(middle.candidates.length).toBeLessThanOrEqual(3);
    expect(m.match('停电了怎么报修，电话多少').band).toBe('low');
    expect(m.match('').best).toBeNull();
    // Thresholds are configurable.
    expect(createRebuttalMatcher(store, { high: 0.99, middle: 0.98 }).match('明天全市停水三天').band).not.toBe('high');
  });

  it('picks up library changes without an explicit refresh', async () => {
    const m = createRebuttalMatcher(store);
    expect(m.match('小区的路灯全部要拆除改成太阳能').band).toBe('low');
    const f = path.join(dir, 'new.jsonl');
    fs.writeFileSync(f, `${JSON.stringify({ id: 'lamps', title: '路灯拆除谣言', claims: ['小区路灯要全部拆除改成太阳能路灯'], verdict: 'false', rebuttal: '没有此计划', source: null, status: 'draft' })}\n`);
    await importFile(store, f);
    expect(m.match('小区的路灯全部要拆除改成太阳能').best?.id).toBe('lamps');
  });
});

describe('publishing reaches every asker', () => {
  it('returns all three open verify cases asking about the rumor, and none of the others', async () => {
    await importFile(store, LIBRARY);
    // "hotpot-gutter-oil" is approved in the fixture; make a draft entry for this test.
    const f = path.join(dir, 'e.jsonl');
    fs.writeFileSync(f, `${JSON.stringify({ id: 'bridge-new', title: '“东门大桥要拆除重建、封闭一年”不实', claims: ['东门大桥下个月拆除重建，封闭一年', '东门大桥要封一年拆掉重建'], verdict: 'false', rebuttal: '交通部门未作出拆除决定。', status: 'draft' })}\n`);
    await importFile(store, f);
    const asked1 = askCase('东门大桥下个月要拆了重建，封闭一年？是真的吗');
    const asked2 = askCase('聽說東門大橋要封一年拆掉重建');
    const asked3 = askCase('！！东门大桥　下月拆除重建　封闭１年？？');
    askCase('东门大桥要拆除重建', { status: 'closed' }); // closed: already answered
    askCase('东门大桥下个月拆除重建', { intent: 'tip' }); // not a verify case
    askCase('明天全市停水三天是真的吗'); // another rumor
    const m = createRebuttalMatcher(store);
    expect(m.match('东门大桥下个月要拆了重建，封闭一年？是真的吗').best).toMatchObject({ id: 'bridge-new', status: 'draft' });
    const ids = publishRebuttal(store, 'bridge-new', { now: new Date('2026-11-23T00:00:00Z') });
    expect(ids).toEqual([asked1, asked2, asked3]);
    expect(listRebuttals(store).find((e) => e.id === 'bridge-new')).toMatchObject({ status: 'approved', publishedAt: new Date('2026-11-23T00:00:00Z') });
    // The matcher now reports the entry as approved (a new asker gets it at once).
    expect(m.match('东门大桥要封一年拆掉重建吗').best?.status).toBe('approved');
    expect(() => publishRebuttal(store, 'nope')).toThrow(UserFacingError);
  });

  it('approve through the CLI and the chat calls onPublished with the cases', async () => {
    await importFile(store, LIBRARY);
    const c1 = askCase('今晚开始全城要停电48小时？');
    const calls: Array<[string, string[]]> = [];
    const onPublished = async (id: string, caseIds: string[]) => {
      await Promise.resolve();
      calls.push([id, caseIds]);
    };
    const s = sink();
    expect(await runRebuttalsCommand(store, ['approve', 'power-outage'], s.stream, { onPublished })).toBe(0);
    expect(s.text()).toBe(`approved power-outage; 1 open verify case(s) match: ${c1}\n`);
    expect(await handleRebuttalChatCommand(store, 'approve power-outage', 'tg:7', { onPublished })).toContain('1 个待核实的求证案件与之匹配');
    expect(calls).toEqual([
      ['power-outage', [c1]],
      ['power-outage', [c1]],
    ]);
    expect(await handleRebuttalChatCommand(store, 'approve nope', 'tg:7')).toMatch(/^⚠️ unknown rebuttal/);
    expect(await handleRebuttalChatCommand(store, 'add\nid: chat-one\ntitle: 测试\nclaims: [网传某地明天封城]\nverdict: "false"\nrebuttal: 不实', 'tg:7')).toMatch(/新增 1 条/);
    expect(await handleRebuttalChatCommand(store, 'match 网传某地明天要封城', 'tg:7')).toMatch(/chat-one \[draft\]/);
    const l = sink();
    expect(await runRebuttalsCommand(store, ['list', '--status', 'draft'], l.stream)).toBe(0);
    expect(l.text()).toContain('chat-one  [draft] 不实  测试  (1 claim)');
  });
});
