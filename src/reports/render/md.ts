/**
 * Markdown report: Chinese headline sentences in the units' own style first (what goes into a
 * briefing), then one table per figure group. Contains no citizen's personal data (aggregates and
 * officer names only).
 */
import { CATEGORIES, INTENTS, REPLY_KINDS } from '../../domain/vocabulary.ts';
import { HEADLINE_KEYS, type MonthlyReport } from '../types.ts';
import {
  HEADLINE_ZH,
  OFFICER_HEADERS,
  officerRow,
  categoryZh,
  changeZh,
  departmentZh,
  durationZh,
  intentZh,
  kindZh,
  monthZh,
  platformZh,
  reasonZh,
} from './labels.ts';

const cell = (v: string | number | null): string => (v === null ? '—' : String(v).replace(/\|/g, '\\|').replace(/\n/g, ' '));

function table(headers: string[], rows: (string | number | null)[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

/** The opening sentences, e.g. "本月共接收群众消息N条，受理举报线索N条，警示网民N人次，公开辟谣N次，与网民互动N次…". */
export function headlineSentences(r: MonthlyReport): string[] {
  const s1 =
    `本月共接收群众消息${r.messages.received}条（来自${r.messages.uniqueCitizens}名网民），` +
    `受理举报线索${r.tips.total}条（其中匿名举报${r.tips.anonymous}条），` +
    `处置紧急求助${r.emergencies}起，` +
    `警示网民${r.warnings.sent}人次（${r.warnings.people}人），` +
    `公开辟谣${r.rebuttals.sent}次（涉及谣言${r.rebuttals.distinct}条），` +
    `与网民互动${r.interactions}次，` +
    `向有关部门转办线索${r.forwarded.total}条。`;
  const s2 =
    `共发送回复${r.replies.sent}条，其中自动回复${r.replies.auto}条、民警审核后发送${r.replies.approved}条、` +
    `民警修改后发送${r.replies.edited}条；驳回草稿${r.replies.rejected}条。` +
    `新开案件${r.cases.opened}件，办结案件${r.cases.closed}件。`;
  const fr = r.firstResponseSeconds;
  const ap = r.approvalSeconds;
  const s3 =
    (fr.count > 0
      ? `首次回复用时中位数${durationZh(fr.median)}，90%的消息在${durationZh(fr.p90)}内得到回复`
      : '本月没有可计算首次回复用时的消息') +
    (fr.unanswered > 0 ? `（尚有${fr.unanswered}条消息未获回复）` : '') +
    '；' +
    (ap.count > 0
      ? `民警审批用时中位数${durationZh(ap.median)}，90%的草稿在${durationZh(ap.p90)}内审批完毕。`
      : '本月没有民警审批的草稿。');
  const d = r.change.difference;
  const s4 =
    `与上月（${monthZh(r.change.previousMonth)}）相比，接收消息${changeZh(d.messagesReceived, '条')}，` +
    `受理举报线索${changeZh(d.tips, '条')}，警示网民${changeZh(d.warningsSent, '人次')}，` +
    `公开辟谣${changeZh(d.rebuttalsSent, '次')}，与网民互动${changeZh(d.interactions, '次')}。`;
  return [s1, s2, s3, s4];
}

const fmtSeconds = (s: { median: number; p90: number; count: number }) =>
  s.count === 0 ? ['—', '—', 0] : [s.median, s.p90, s.count];

/** Renders the report as Markdown (UTF-8 text ending in a newline). */
export function renderMarkdown(r: MonthlyReport): string {
  const parts: string[] = [];
  parts.push(`# ${monthZh(r.month)}网上巡查执法账号工作统计（${r.account}）`);
  parts.push(headlineSentences(r).join('\n\n'));
  parts.push(
    `> 统计口径：${r.timezone} 时区 ${r.range.start} 至 ${r.range.end}（UTC，含起不含止）；各项定义见 src/reports/DEFINITIONS.md。`,
  );

  parts.push('## 群众消息');
  parts.push(
    table(
      ['意图', '消息数'],
      [...INTENTS.map((k) => [intentZh(k), r.messages.byIntent[k]]), ['尚未分类', r.messages.untriaged], ['合计', r.messages.received]],
    ),
  );
  parts.push(
    table(
      ['平台', '消息数'],
      Object.entries(r.messages.byPlatform).map(([k, v]) => [platformZh(k), v]),
    ),
  );

  parts.push('## 举报线索（按类别）');
  parts.push(
    table(
      ['类别', '线索数'],
      [
        ...CATEGORIES.map((k) => [categoryZh(k), r.tips.byCategory[k]]),
        ['未分类', r.tips.uncategorized],
        ['合计', r.tips.total],
        ['其中匿名', r.tips.anonymous],
      ],
    ),
  );

  parts.push('## 回复');
  parts.push(
    table(
      ['项目', '数量'],
      [
        ['发送回复', r.replies.sent],
        ['自动回复', r.replies.auto],
        ['审核后发送', r.replies.approved],
        ['修改后发送', r.replies.edited],
        ['驳回草稿', r.replies.rejected],
        ['发送失败', r.replies.notDelivered.failed],
        ['无法送达', r.replies.notDelivered.undeliverable],
        ['送达状态不明', r.replies.notDelivered.uncertain],
      ],
    ),
  );
  parts.push(table(['回复类型', '发送数'], REPLY_KINDS.map((k) => [kindZh(k), r.replies.byKind[k]])));

  parts.push('## 警示与辟谣');
  parts.push(
    table(
      ['项目', '数量'],
      [
        ['警示网民（人次）', r.warnings.sent],
        ['警示网民（人）', r.warnings.people],
        ['公开辟谣（次）', r.rebuttals.sent],
        ['涉及谣言（条）', r.rebuttals.distinct],
      ],
    ),
  );
  if (Object.keys(r.warnings.byReason).length > 0) {
    parts.push(table(['警示事由', '人次'], Object.entries(r.warnings.byReason).map(([k, v]) => [reasonZh(k), v])));
  }

  parts.push('## 转办');
  parts.push(
    table(
      ['部门', '转办数'],
      [...Object.entries(r.forwarded.byDepartment).map(([k, v]) => [departmentZh(k), v]), ['合计', r.forwarded.total]],
    ),
  );

  parts.push('## 案件与时效');
  parts.push(
    table(
      ['项目', '中位数（秒）', 'P90（秒）', '样本数'],
      [
        ['首次回复用时', ...fmtSeconds(r.firstResponseSeconds)],
        ['审批用时', ...fmtSeconds(r.approvalSeconds)],
      ],
    ),
  );
  parts.push(
    table(
      ['项目', '数量'],
      [
        ['新开案件', r.cases.opened],
        ['办结案件', r.cases.closed],
        ['紧急求助', r.emergencies],
        ['未获回复的消息', r.firstResponseSeconds.unanswered],
      ],
    ),
  );

  parts.push('## 民警工作量');
  parts.push(
    table(
      OFFICER_HEADERS,
      r.perOfficer.map(officerRow),
    ),
  );

  parts.push(`## 与上月对比（${monthZh(r.change.previousMonth)}）`);
  parts.push(
    table(
      ['指标', '本月', '上月', '变化'],
      HEADLINE_KEYS.map((k) => [HEADLINE_ZH[k], r.change.current[k], r.change.previous[k], r.change.difference[k]]),
    ),
  );

  parts.push('## 每日量');
  parts.push(table(['日期', '消息', '举报线索', '发送回复'], r.daily.map((d) => [d.date, d.messages, d.tips, d.repliesSent])));
  return parts.join('\n\n') + '\n';
}
