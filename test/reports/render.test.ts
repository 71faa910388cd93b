import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCaseRows, type CaseRow } from '../../src/reports/cases.ts';
import { computeMonthlyReport } from '../../src/reports/monthly.ts';
import { csvCell } from '../../src/reports/render/csv.ts';
import { renderReport } from '../../src/reports/render/index.ts';
import { XLSX_SHEETS } from '../../src/reports/render/xlsx.ts';
import { MonthlyReportSchema, type MonthlyReport } from '../../src/reports/types.ts';
import { buildFixture, type Fixture } from './fixture.ts';

const scope = { month: '2026-11', account: 'default', timezone: 'Asia/Shanghai' };
let fx: Fixture;
let r: MonthlyReport;
let masked: CaseRow[];
let full: CaseRow[];

beforeAll(() => {
  fx = buildFixture();
  r = computeMonthlyReport(fx.store, scope);
  masked = listCaseRows(fx.store, scope);
  full = listCaseRows(fx.store, { ...scope, full: true });
});
afterAll(() => fx.cleanup());

function sheetRows(ws: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('json', () => {
  it('has the contract keys and the same numbers as computeMonthlyReport', async () => {
    const text = (await renderReport(r, 'json')) as string;
    const parsed: unknown = JSON.parse(text);
    expect(MonthlyReportSchema.parse(parsed)).toEqual(r);
    expect(parsed).toMatchObject({
      month: '2026-11',
      account: 'default',
      timezone: 'Asia/Shanghai',
      messages: { received: 14, uniqueCitizens: 10 },
      tips: { total: 4 },
      replies: { sent: 16, auto: 11, approved: 4, edited: 1, rejected: 1 },
      warnings: { sent: 3, people: 2 },
      rebuttals: { sent: 3, distinct: 2 },
      forwarded: { total: 2 },
      cases: { opened: 7, closed: 2 },
      firstResponseSeconds: { median: 3.5, p90: 1143 },
      approvalSeconds: { median: 300, p90: 1800 },
    });
  });
});

describe('md', () => {
  it('opens with the headline sentences in the units’ style', async () => {
    const md = (await renderReport(r, 'md')) as string;
    const lines = md.split('\n');
    expect(lines[0]).toBe('# 2026年11月网上巡查执法账号工作统计（default）');
    expect(lines[2]).toBe(
      '本月共接收群众消息14条（来自10名网民），受理举报线索4条（其中匿名举报1条），处置紧急求助1起，' +
        '警示网民3人次（2人），公开辟谣3次（涉及谣言2条），与网民互动13次，向有关部门转办线索2条。',
    );
    expect(md).toContain('共发送回复16条，其中自动回复11条、民警审核后发送4条、民警修改后发送1条；驳回草稿1条。新开案件7件，办结案件2件。');
    expect(md).toContain('首次回复用时中位数3.5秒，90%的消息在19分3秒内得到回复（尚有1条消息未获回复）；民警审批用时中位数5分钟，90%的草稿在30分钟内审批完毕。');
    expect(md).toContain('与上月（2026年10月）相比，接收消息增加12条，受理举报线索增加3条，警示网民增加3人次，公开辟谣增加3次，与网民互动增加12次。');
    expect(md).toContain('| 诈骗 | 1 |');
    expect(md).toContain('| 刑侦大队 | 1 |');
    expect(md).toContain('| 李警官 | o-li | 4 | 2 | 0 | 1 | 1 | 3 | 270 |');
    expect(md).toContain('| 2026-11-01 | 2 | 1 | 3 |');
    // Aggregates only: no citizen's id or name.
    expect(md).not.toMatch(/5012345678|张三丰|13812345678/);
  });
});

describe('csv', () => {
  it('has one row per case opened in the month, oldest first, senders masked', async () => {
    const csv = (await renderReport(r, 'csv', { caseRows: masked })) as string;
    const lines = csv.trimEnd().split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe(
      'case_number,opened_at,platform,intent,category,status,department,anonymous,messages,first_reply_at,first_reply_seconds,closed_at,sender',
    );
    expect(lines[1]).toBe(
      'NP20261101000001,2026-11-01 00:00:00,telegram,tip,fraud,closed,,false,3,2026-11-01 00:00:03,3,2026-11-20 12:00:00,张** (50***78)',
    );
    expect(lines[3]).toBe('NP20261112000001,2026-11-12 09:00:00,http,tip,personal_data,forwarded,刑侦大队,true,1,2026-11-12 09:00:10,10,,匿名');
    expect(lines[7]).toBe('NP20261130000001,2026-11-30 23:59:59,telegram,consult,fraud,open,,false,1,2026-12-01 00:00:02,3,,50***00');
    expect(lines.filter((l) => l.split(',')[3] === 'tip')).toHaveLength(r.tips.total);
    expect(csv).not.toMatch(/5012345678|张三丰|13912345678|13812345678|陈小明|wx-openid-abcdef/);
    expect(csv).toContain('李* (wx***ef)');
    expect(csv).toContain('王*** (wx***01)');
  });

  it('shows senders in full when asked, but never an anonymous tipster', async () => {
    const csv = (await renderReport(r, 'csv', { caseRows: full })) as string;
    expect(csv).toContain('张三丰 (5012345678)');
    expect(csv).toContain('王五13912345678 (wx-k-0001)');
    const anon = csv.split('\n').find((l) => l.startsWith('NP20261112000001'));
    expect(anon?.endsWith(',匿名')).toBe(true);
    expect(csv).not.toMatch(/13812345678|陈小明/);
  });

  it('needs the case rows', async () => {
    await expect(renderReport(r, 'csv')).rejects.toThrow(/caseRows/);
  });
});

describe('xlsx', () => {
  it('reads back with a sheet per table and the case rows', async () => {
    const buf = (await renderReport(r, 'xlsx', { caseRows: masked })) as Buffer;
    expect(Buffer.isBuffer(buf)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual([...XLSX_SHEETS]);

    const cats = sheetRows(wb.getWorksheet('线索按类别')!);
    expect(cats[0]).toEqual(['类别', 'category', '线索数']);
    expect(cats).toContainEqual(['诈骗', 'fraud', 1]);
    expect(cats).toContainEqual(['贩卖个人信息', 'personal_data', 1]);
    expect(cats).toContainEqual(['合计', undefined, 4]);

    const replies = sheetRows(wb.getWorksheet('回复')!);
    expect(replies).toContainEqual(['发送回复', 16]);
    expect(replies).toContainEqual(['修改后发送', 1]);
    expect(replies).toContainEqual(['驳回草稿', 1]);

    const warn = sheetRows(wb.getWorksheet('警示与辟谣')!);
    expect(warn).toContainEqual(['警示网民（人次）', 3]);
    expect(warn).toContainEqual(['警示网民（人）', 2]);

    const timing = sheetRows(wb.getWorksheet('时效')!);
    expect(timing[1]).toEqual(['首次回复用时', 3.5, 1143, 12, 1]);

    const cases = sheetRows(wb.getWorksheet('案件')!);
    expect(cases).toHaveLength(1 + 7);
    expect(cases[1]).toEqual([
      'NP20261101000001',
      '2026-11-01 00:00:00',
      'Telegram',
      '举报线索',
      '诈骗',
      '已办结',
      undefined,
      '否',
      3,
      '2026-11-01 00:00:03',
      3,
      '2026-11-20 12:00:00',
      '张** (50***78)',
    ]);
    expect(cases[3]?.[12]).toBe('匿名');
    expect(JSON.stringify(cases)).not.toMatch(/5012345678|张三丰/);

    const summary = sheetRows(wb.getWorksheet('概要')!);
    expect(String(summary.find((row) => row[0] === '摘要1')?.[1])).toMatch(/^本月共接收群众消息14条/);
  });
});

describe('svg chart', () => {
  it('draws tips by category and daily volume as standalone SVG', async () => {
    const svg = (await renderReport(r, 'svg')) as string;
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('举报线索按类别（共4条）');
    expect(svg).toContain('<title>诈骗 1</title>');
    expect(svg).toContain('<title>未分类 1</title>');
    expect(svg).toContain('<title>2026-11-01 消息2 线索1</title>');
    // One column per day.
    expect(svg.match(/<title>2026-11-\d\d /g)).toHaveLength(30);
  });
});

describe('edge cases', () => {
  it('renders an empty month with zeros and says there was nothing to time', async () => {
    const empty = computeMonthlyReport(fx.store, { ...scope, month: '2025-01' });
    expect(empty.messages.received).toBe(0);
    expect(empty.firstResponseSeconds).toEqual({ median: 0, p90: 0, count: 0, unanswered: 0 });
    expect(empty.daily).toHaveLength(31);
    const md = (await renderReport(empty, 'md')) as string;
    expect(md).toContain('本月共接收群众消息0条（来自0名网民）');
    expect(md).toContain('本月没有可计算首次回复用时的消息；本月没有民警审批的草稿。');
    const csv = (await renderReport(empty, 'csv', { caseRows: listCaseRows(fx.store, { ...scope, month: '2025-01' }) })) as string;
    expect(csv.trimEnd().split('\n')).toHaveLength(1);
  });

  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    expect(csvCell('张三, "老王"')).toBe('"张三, ""老王"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+8613812345678')).toBe("'+8613812345678");
    expect(csvCell(null)).toBe('');
    expect(csvCell(3.5)).toBe('3.5');
  });
});
