import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createReplyEngine,
  exportTemplates,
  handleTplChatCommand,
  rollbackTemplate,
  runTemplatesCommand,
  setTemplate,
  showTemplate,
  templateHistory,
  validateTemplates,
} from '../../src/replies/index.ts';
import { UserFacingError } from '../../src/errors.ts';
import type { Store } from '../../src/store/db.ts';
import { tempStore } from './helpers.ts';

let store: Store;
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ store, dir, cleanup } = tempStore()));
afterEach(() => cleanup());

function sink(): { stream: Writable; text: () => string } {
  let buf = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      buf += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => buf };
}

describe('saving templates', () => {
  it('refuses an unknown variable, a syntax error, an unknown filter, an empty body, a file tag — and stores nothing', () => {
    const cases: Array<[string, RegExp]> = [
      ['您的编号 {{ caseNumbr }}', /unknown variable.*caseNumbr/],
      ['编号 {% if caseNumber %}{{ caseNumber }}', /syntax error.*not closed/],
      ['{{ caseNumber | shout }}', /syntax error.*undefined filter: shout/],
      ['   \n  ', /body is empty/],
      ['{% include "secret.md" %}', /include.*not allowed/],
      ['{{ department }}', /unknown variable.*department/], // allowed for forward_notice, not for a receipt
    ];
    for (const [body, msg] of cases) {
      let err: unknown;
      try {
        setTemplate(store, 'receipt.fraud', body, 'admin1');
      } catch (e) {
        err = e;
      }
      expect(err, body).toBeInstanceOf(UserFacingError);
      expect((err as Error).message, body).toMatch(msg);
    }
    expect(templateHistory(store, 'receipt.fraud')).toHaveLength(1);
  });

  it('refuses front matter that does not fit the key, and a new template without front matter', () => {
    expect(() => setTemplate(store, 'receipt.fraud', '---\nkey: receipt.gambling\nkind: receipt\n---\n正文 {{ caseNumber }}', 'a')).toThrow(/its id would be "receipt.gambling"/);
    expect(() => setTemplate(store, 'receipt.fraud', '---\nkey: receipt.fraud\nkind: nonsense\n---\n正文', 'a')).toThrow(/bad front matter: kind/);
    expect(() => setTemplate(store, 'faq.new_one', '只有正文', 'a')).toThrow(/needs front matter/);
  });

  it('set → the next render uses the new version without a restart; rollback restores an old text as a new version', () => {
    const engine = createReplyEngine({ store });
    const vars = { caseNumber: 'NP20261122000007' };
    expect(engine.render('receipt.fraud', vars).text).toContain('涉嫌诈骗线索已收到');
    expect(setTemplate(store, 'receipt.fraud', '收到，编号 {{ caseNumber }}，我们会尽快处理。', 'admin1')).toBe(1);
    expect(engine.render('receipt.fraud', vars).text).toBe('收到，编号 NP20261122000007，我们会尽快处理。');
    // Front matter kept from the previous version.
    expect(showTemplate(store, 'receipt.fraud')).toMatchObject({ kind: 'receipt', approval: 'auto', version: 1, author: 'admin1' });
    expect(setTemplate(store, 'receipt.fraud', '第二版 {{ caseNumber }}', 'admin2')).toBe(2);
    expect(engine.render('receipt.fraud', vars).text).toBe('第二版 NP20261122000007');
    expect(rollbackTemplate(store, 'receipt.fraud', 1, 'admin3')).toBe(3);
    expect(engine.render('receipt.fraud', vars).text).toBe('收到，编号 NP20261122000007，我们会尽快处理。');
    expect(rollbackTemplate(store, 'receipt.fraud', 0, 'admin3')).toBe(4);
    expect(engine.render('receipt.fraud', vars).text).toContain('涉嫌诈骗线索已收到');
    const h = templateHistory(store, 'receipt.fraud');
    expect(h.map((v) => [v.version, v.author, v.note])).toEqual([
      [0, 'default', 'shipped default'],
      [1, 'admin1', null],
      [2, 'admin2', null],
      [3, 'admin3', 'rollback to v1'],
      [4, 'admin3', 'rollback to v0'],
    ]);
    expect(() => rollbackTemplate(store, 'receipt.fraud', 9, 'a')).toThrow(/no version 9/);
  });

  it('a zh-Hant variant is versioned on its own id', () => {
    const engine = createReplyEngine({ store });
    setTemplate(store, 'receipt.fraud.zh-Hant', '已收到，編號 {{ caseNumber }}。', 'admin1');
    expect(engine.render('receipt.fraud', { caseNumber: 'NP1' }, 'zh-Hant').text).toBe('已收到，編號 NP1。');
    expect(engine.render('receipt.fraud', { caseNumber: 'NP1' }, 'zh-Hans').text).toContain('涉嫌诈骗线索');
  });

  it('validate checks stored versions and the policy; export writes current versions as files', async () => {
    expect(validateTemplates(store).ok).toBe(true);
    expect(validateTemplates(store, { requiredKeys: ['receipt.fraud', 'missing.key'] }).problems).toEqual([
      expect.objectContaining({ id: 'missing.key', message: expect.stringContaining('named by the reply policy') }),
    ]);
    setTemplate(store, 'fallback', '请留言，我们会回复。', 'admin1');
    const out = path.join(dir, 'export');
    const files = exportTemplates(store, out);
    expect(files.length).toBeGreaterThanOrEqual(40);
    const text = fs.readFileSync(path.join(out, 'fallback.md'), 'utf8');
    expect(text).toMatch(/^---\nkey: fallback\nkind: fallback\n/);
    expect(text).toContain('请留言，我们会回复。');
    // An exported file can be set back as is.
    const s = sink();
    expect(await runTemplatesCommand(store, ['set', 'fallback', path.join(out, 'fallback.md')], s.stream, 'admin2')).toBe(0);
    expect(s.text()).toBe('saved fallback v2\n');
  });
});

describe('netpatrol templates …', () => {
  it('list, show, history, rollback, validate, bad input', async () => {
    const run = async (...args: string[]) => {
      const s = sink();
      const code = await runTemplatesCommand(store, args, s.stream, 'cli-admin');
      return { code, text: s.text() };
    };
    const list = await run('list');
    expect(list.code).toBe(0);
    expect(list.text).toMatch(/^receipt\.fraud\s+receipt\s+zh-Hans\s+auto\s+v0/m);
    expect(list.text).toMatch(/^warning\.rumor\s+warning\s+zh-Hans\s+required\s+v0/m);
    expect((await run('show', 'forward_notice')).text).toContain('{{ department }}');
    const bad = path.join(dir, 'bad.md');
    fs.writeFileSync(bad, '编号 {{ nope }}');
    const r = await run('set', 'forward_notice', bad);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/error: template "forward_notice": unknown variable\(s\) \{\{ nope \}\}/);
    expect((await run('validate')).text).toMatch(/templates valid; reply policy OK/);
    expect((await run('rollback', 'forward_notice', 'x')).code).toBe(1);
    expect((await run('show', 'nope.nope')).code).toBe(1);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('history', 'forward_notice')).text).toMatch(/^v0 .*default/);
  });
});

describe('/tpl in the officers chat', () => {
  it('set with text on the following lines, preview, history, rollback', async () => {
    const set = await handleTplChatCommand(store, 'set forward_notice\n已转交{{ department }}，编号 {{ caseNumber }}。', 'tg:42');
    expect(set).toMatch(/^已保存 forward_notice v1/);
    expect(set).toContain('已转交市公安局刑侦支队，编号 NP20261122000123。');
    const engine = createReplyEngine({ store });
    expect(engine.render('forward_notice', { caseNumber: 'NP9', department: '市场监管局' }).text).toBe('已转交市场监管局，编号 NP9。');
    expect(await handleTplChatCommand(store, 'set forward_notice\n{{ oops', 'tg:42')).toMatch(/^⚠️ template "forward_notice": syntax error/);
    expect(await handleTplChatCommand(store, 'set forward_notice', 'tg:42')).toMatch(/^⚠️ 模板正文为空/);
    expect(await handleTplChatCommand(store, 'history forward_notice', 'tg:42')).toMatch(/v1 .*tg:42/);
    expect(await handleTplChatCommand(store, 'rollback forward_notice 0', 'tg:42')).toBe('已将 forward_notice 恢复为 v0 的内容（新版本 v2）');
    expect(await handleTplChatCommand(store, 'preview receipt.drugs.zh-Hant', 'tg:42')).toContain('您舉報的涉毒線索已收到');
    expect(await handleTplChatCommand(store, 'show receipt.drugs', 'tg:42')).toMatch(/^receipt\.drugs v0/);
    expect(await handleTplChatCommand(store, 'list', 'tg:42')).toContain('warning.porn'.slice(0, 8));
    expect(await handleTplChatCommand(store, 'what', 'tg:42')).toMatch(/^用法/);
  });
});
