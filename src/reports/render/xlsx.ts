/**
 * Excel workbook (exceljs): one sheet per table of the Markdown report, plus `案件` with the case
 * rows (masked as the caller asked). Numbers are stored as numbers, so officers can sum and filter.
 * Does not depend on any image renderer.
 */
import ExcelJS from 'exceljs';
import { CATEGORIES, INTENTS, REPLY_KINDS } from '../../domain/vocabulary.ts';
import type { CaseRow } from '../cases.ts';
import { HEADLINE_KEYS, type MonthlyReport } from '../types.ts';
import { headlineSentences } from './md.ts';
import {
  HEADLINE_ZH,
  OFFICER_HEADERS,
  officerRow,
  categoryZh,
  departmentZh,
  intentZh,
  kindZh,
  monthZh,
  platformZh,
  reasonZh,
  statusZh,
} from './labels.ts';

type Cell = string | number | boolean | null;

/** Sheet names, in order (exported for tests and for anyone reading the workbook back). */
export const XLSX_SHEETS = [
  '概要',
  '与上月对比',
  '消息按意图',
  '消息按平台',
  '线索按类别',
  '回复',
  '回复按类型',
  '警示与辟谣',
  '警示事由',
  '转办',
  '时效',
  '民警工作量',
  '每日量',
  '案件',
] as const;
type SheetName = (typeof XLSX_SHEETS)[number];

function sheet(wb: ExcelJS.Workbook, name: SheetName, headers: string[], rows: Cell[][]): void {
  const ws = wb.addWorksheet(name);
  ws.addRow(headers);
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  headers.forEach((h, i) => {
    const widest = Math.max(h.length * 2, ...rows.map((r) => String(r[i] ?? '').length));
    ws.getColumn(i + 1).width = Math.min(60, Math.max(10, widest + 2));
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
}

/** Builds the workbook and returns the .xlsx bytes. */
export async function renderXlsx(r: MonthlyReport, caseRows: readonly CaseRow[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'netpatrol';
  wb.title = `${monthZh(r.month)}工作统计（${r.account}）`;

  sheet(
    wb,
    '概要',
    ['项目', '内容'],
    [
      ['月份', r.month],
      ['账号', r.account],
      ['时区', r.timezone],
      ['起（UTC）', r.range.start],
      ['止（UTC，不含）', r.range.end],
      ...headlineSentences(r).map((s, i): Cell[] => [`摘要${i + 1}`, s]),
    ],
  );
  sheet(
    wb,
    '与上月对比',
    ['指标', '本月', `上月（${r.change.previousMonth}）`, '变化'],
    HEADLINE_KEYS.map((k) => [HEADLINE_ZH[k], r.change.current[k], r.change.previous[k], r.change.difference[k]]),
  );
  sheet(wb, '消息按意图', ['意图', 'intent', '消息数'], [
    ...INTENTS.map((k): Cell[] => [intentZh(k), k, r.messages.byIntent[k]]),
    ['尚未分类', null, r.messages.untriaged],
    ['合计', null, r.messages.received],
  ]);
  sheet(
    wb,
    '消息按平台',
    ['平台', 'platform', '消息数'],
    Object.entries(r.messages.byPlatform).map(([k, v]) => [platformZh(k), k, v]),
  );
  sheet(wb, '线索按类别', ['类别', 'category', '线索数'], [
    ...CATEGORIES.map((k): Cell[] => [categoryZh(k), k, r.tips.byCategory[k]]),
    ['未分类', null, r.tips.uncategorized],
    ['合计', null, r.tips.total],
    ['其中匿名', null, r.tips.anonymous],
  ]);
  sheet(wb, '回复', ['项目', '数量'], [
    ['发送回复', r.replies.sent],
    ['自动回复', r.replies.auto],
    ['审核后发送', r.replies.approved],
    ['修改后发送', r.replies.edited],
    ['驳回草稿', r.replies.rejected],
    ['与网民互动', r.interactions],
    ['发送失败', r.replies.notDelivered.failed],
    ['无法送达', r.replies.notDelivered.undeliverable],
    ['送达状态不明', r.replies.notDelivered.uncertain],
  ]);
  sheet(wb, '回复按类型', ['类型', 'kind', '发送数'], REPLY_KINDS.map((k) => [kindZh(k), k, r.replies.byKind[k]]));
  sheet(wb, '警示与辟谣', ['项目', '数量'], [
    ['警示网民（人次）', r.warnings.sent],
    ['警示网民（人）', r.warnings.people],
    ['公开辟谣（次）', r.rebuttals.sent],
    ['涉及谣言（条）', r.rebuttals.distinct],
  ]);
  sheet(
    wb,
    '警示事由',
    ['事由', 'reason', '人次'],
    Object.entries(r.warnings.byReason).map(([k, v]) => [reasonZh(k), k, v]),
  );
  sheet(wb, '转办', ['部门', '转办数'], [
    ...Object.entries(r.forwarded.byDepartment).map(([k, v]): Cell[] => [departmentZh(k), v]),
    ['合计', r.forwarded.total],
  ]);
  sheet(wb, '时效', ['项目', '中位数（秒）', 'P90（秒）', '样本数', '未获回复'], [
    ['首次回复用时', r.firstResponseSeconds.median, r.firstResponseSeconds.p90, r.firstResponseSeconds.count, r.firstResponseSeconds.unanswered],
    ['审批用时', r.approvalSeconds.median, r.approvalSeconds.p90, r.approvalSeconds.count, null],
  ]);
  sheet(
    wb,
    '民警工作量',
    [...OFFICER_HEADERS, '审批用时P90（秒）'],
    r.perOfficer.map((o) => [...officerRow(o), o.approvalSeconds.count === 0 ? null : o.approvalSeconds.p90]),
  );
  sheet(wb, '每日量', ['日期', '消息', '举报线索', '发送回复'], r.daily.map((d) => [d.date, d.messages, d.tips, d.repliesSent]));
  sheet(
    wb,
    '案件',
    ['案件编号', '受理时间', '平台', '意图', '类别', '状态', '转办部门', '匿名', '消息数', '首次回复时间', '首次回复用时（秒）', '办结时间', '来信人'],
    caseRows.map((c) => [
      c.caseNumber,
      c.openedAt,
      platformZh(c.platform),
      intentZh(c.intent),
      c.category === null ? null : categoryZh(c.category),
      statusZh(c.status),
      c.department,
      c.anonymous ? '是' : '否',
      c.messages,
      c.firstReplyAt,
      c.firstReplySeconds,
      c.closedAt,
      c.sender,
    ]),
  );
  const bytes = await wb.xlsx.writeBuffer();
  return Buffer.from(bytes as ArrayBuffer);
}
