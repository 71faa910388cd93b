import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReplyEngine, escapeFor, listTemplates, loadDefaultTemplates, allowedVariables, type ReplyEngine, type ReplyInput } from '../../src/replies/index.ts';
import { UserFacingError } from '../../src/errors.ts';
import type { Store } from '../../src/store/db.ts';
import { classification, tempStore } from './helpers.ts';

let store: Store;
let cleanup: () => void;
let engine: ReplyEngine;

beforeEach(() => {
  ({ store, cleanup } = tempStore());
  engine = createReplyEngine({ store });
});
afterEach(() => cleanup());

const account = { name: '某市公安局网警巡查执法' };

function input(over: Partial<ReplyInput>): ReplyInput {
  return {
    classification: classification('tip', 'fraud'),
    case: { number: 'NP20261122000123', status: 'open', isNew: true },
    locale: 'zh-Hans',
    account,
    platform: 'http',
    ...over,
  };
}

describe('default templates', () => {
  it('every default template renders in both locales with every declared variable filled', () => {
    const defaults = loadDefaultTemplates();
    expect(defaults.size).toBeGreaterThanOrEqual(40);
    for (const t of listTemplates(store)) {
      const vars = Object.fromEntries(allowedVariables(t.kind).map((v) => [v, v === 'amount' ? 200 : v === 'found' || v === 'isNew' ? true : `«${v}»`]));
      delete vars['today'];
      for (const locale of ['zh-Hans', 'zh-Hant'] as const) {
        const r = engine.render(t.key, vars, locale);
        expect(r.text.length, `${t.id} ${locale}`).toBeGreaterThan(20);
        expect(r.kind).toBe(t.kind);
        // Variables are inserted verbatim, also through the Traditional conversion.
        if (t.id.endsWith('zh-Hant') === false && vars['caseNumber'] && /caseNumber/.test(defaults.get(t.id)?.body ?? '')) {
          expect(r.text).toContain('«caseNumber»');
        }
      }
    }
  });

  it('a fraud receipt quotes the case number and what happens next', () => {
    const [receipt, advice] = engine.draft(input({ classification: classification('tip', 'fraud', 0.93, [200]) }));
    expect(receipt?.templateKey).toBe('receipt.fraud');
    expect(receipt?.text).toMatchInlineSnapshot(`
      "您反映的涉嫌诈骗线索已收到，案件编号：NP20261122000123。
      您提到涉及金额约 200 元。如果您本人已经被骗，请先看下一条防骗提示，尽快止损。
      接下来：民警会在核查后依法处理，必要时转交相关部门办理。如需补充材料（截图、链接、账号、聊天记录等），直接在本对话中发送即可，会自动归入同一案件。查询进度请发送“查询 NP20261122000123”。"
    `);
    expect(advice?.templateKey).toBe('advice.fraud');
    expect(advice?.text).toContain('96110');
    expect(advice?.text).toContain('国家反诈中心');
    expect(advice?.text).toContain('受理单号');
    expect(advice?.text).toContain('www.cyberpolice.cn');
  });

  it('self-harm emergency guidance: 120/110 and the hotlines, priority 0, no approval', () => {
    const [d] = engine.draft(input({ classification: classification('emergency', 'self_harm', 0.4) }));
    expect(d).toMatchObject({ kind: 'emergency', templateKey: 'emergency.self_harm', approval: 'auto', priority: 0 });
    expect(d?.text).toMatchInlineSnapshot(`
      "我们非常重视您说的情况。如果有人已经服药、受伤或有生命危险，请马上拨打 120 急救和 110 报警！
      请告诉我们：他/她现在在哪里（具体地址），吃了什么、吃了多少、多久以前。请尽量陪在他/她身边，不要让他/她独处，移开药物、刀具等危险物品。
      如果是您自己感到痛苦、不想活了：您并不孤单，请现在就拨打心理援助热线 12356 或 400-161-9995，也可以继续在这里和我们说。（编号：NP20261122000123）"
    `);
  });

  it('rebuttal reply from an approved library entry', () => {
    const best = {
      id: 'water-outage',
      title: '“明天起全市停水三天”系谣言',
      score: 0.82,
      verdict: 'false' as const,
      rebuttal: '经向市供水公司核实，近期没有全市性停水计划。',
      source: 'https://www.piyao.org.cn/',
      status: 'approved' as const,
    };
    const [d] = engine.draft(input({ classification: classification('verify', 'rumor'), rebuttal: { band: 'high', best, candidates: [best] } }));
    expect(d).toMatchObject({ kind: 'rebuttal', templateKey: 'rebuttal.reply', approval: 'auto', data: { rebuttalId: 'water-outage', band: 'high' } });
    expect(d?.text).toMatchInlineSnapshot(`
      "感谢您的求证。
      【“明天起全市停水三天”系谣言】
      经核实，该消息不实。
      经向市供水公司核实，近期没有全市性停水计划。
      信息来源：https://www.piyao.org.cn/
      请不信谣、不传谣；如在群里看到，可以把这条回复转给亲友。（编号：NP20261122000123）"
    `);
  });

  it('Traditional input gets the zh-Hant receipt file; converted templates keep variables verbatim', () => {
    const [d] = engine.draft(input({ classification: classification('tip', 'gambling'), locale: 'zh-Hant' }));
    expect(d?.text).toContain('您舉報的涉賭線索已收到，案件編號：NP20261122000123');
    expect(d?.text).toContain('「查詢 NP20261122000123」');
    // forward_notice has no zh-Hant file: converted from zh-Hans, the department stays as given.
    const r = engine.render('forward_notice', { caseNumber: 'NP1', department: '市场监管局' }, 'zh-Hant');
    expect(r.text).toContain('已轉交市场监管局依法處理');
  });

  it('warnings render for officers and always wait for approval', () => {
    const r = engine.render('warning.rumor', { content: '<b>小区门口有人抢孩子</b>', place: '微信群“幸福小区业主群”', userName: '张三', accountName: account.name });
    expect(r.approval).toBe('required');
    expect(r.kind).toBe('warning');
    expect(r.text).toContain('“<b>小区门口有人抢孩子</b>”');
    expect(escapeFor('telegram-html', r.text)).toContain('&lt;b&gt;小区门口有人抢孩子&lt;/b&gt;');
    expect(escapeFor('plain', r.text)).toBe(r.text);
    const g = engine.render('warning.general', { content: '出售枪支配件', reason: 'weapons', accountName: account.name });
    expect(g.text).toContain('涉嫌涉枪涉爆违法信息');
  });

  it('render refuses unknown templates and variables with a UserFacingError', () => {
    expect(() => engine.render('no.such', {})).toThrow(UserFacingError);
    expect(() => engine.render('forward_notice', { caseNumber: 'NP1', department: 'x', password: 'y' })).toThrow(/password/);
  });

  it('status answers: found (with status and date) and not found', () => {
    const [found] = engine.draft(
      input({
        classification: classification('status', null),
        case: null,
        status: { number: 'NP20261122000123', found: true, status: 'forwarded', openedAt: new Date('2026-11-22T02:30:00Z'), department: '市场监管局' },
      }),
    );
    expect(found).toMatchObject({ kind: 'status', templateKey: 'status.found', approval: 'auto' });
    expect(found?.text).toContain('已转交相关部门办理（已转交：市场监管局）');
    expect(found?.text).toContain('2026-11-22 10:30');
    const [nf] = engine.draft(input({ classification: classification('status', null), case: null, status: { number: 'NP20261122000999', found: false } }));
    expect(nf?.templateKey).toBe('status.not_found');
    expect(nf?.text).toContain('NP20261122000999');
  });
});
