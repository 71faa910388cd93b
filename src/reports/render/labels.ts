/**
 * Chinese labels and number formats shared by the human-facing renderers (md, xlsx, chart), so the
 * same figure reads the same everywhere.
 */
import { CATEGORY_ZH, INTENT_ZH, type Category, type Intent } from '../../domain/vocabulary.ts';
import type { HeadlineKey, MonthlyReport } from '../types.ts';

export const KIND_ZH: Record<string, string> = {
  receipt: '受理回执',
  advice: '防范建议',
  rebuttal: '辟谣',
  warning: '私信警示',
  emergency: '紧急求助指引',
  status: '进度答复',
  forward_notice: '转办告知',
  fallback: '兜底回复',
};

export const PLATFORM_ZH: Record<string, string> = {
  console: '控制台',
  http: '网页接口',
  telegram: 'Telegram',
  wechat: '微信',
  'wechat-oa': '微信公众号',
};

export const STATUS_ZH: Record<string, string> = { open: '办理中', forwarded: '已转办', closed: '已办结' };

export const HEADLINE_ZH: Record<HeadlineKey, string> = {
  messagesReceived: '接收群众消息（条）',
  uniqueCitizens: '来信网民（人）',
  tips: '受理举报线索（条）',
  emergencies: '紧急求助（起）',
  interactions: '与网民互动（次）',
  repliesSent: '发送回复（条）',
  repliesRejected: '驳回草稿（条）',
  warningsSent: '警示网民（人次）',
  warningsPeople: '警示网民（人）',
  rebuttalsSent: '公开辟谣（次）',
  forwarded: '转办线索（条）',
  casesOpened: '新开案件（件）',
  casesClosed: '办结案件（件）',
  firstResponseMedianSeconds: '首次回复用时中位数（秒）',
  approvalMedianSeconds: '审批用时中位数（秒）',
};

export const intentZh = (k: string): string => INTENT_ZH[k as Intent] ?? k;
export const categoryZh = (k: string | null): string => (k === null ? '未分类' : (CATEGORY_ZH[k as Category] ?? k));
export const platformZh = (k: string): string => PLATFORM_ZH[k] ?? k;
export const kindZh = (k: string): string => KIND_ZH[k] ?? k;
export const statusZh = (k: string): string => STATUS_ZH[k] ?? k;
export const departmentZh = (k: string): string => (k === 'unspecified' ? '未注明' : k);
export const reasonZh = (k: string): string => (k === 'unspecified' ? '未注明' : categoryZh(k));

/** `2026-11` → `2026年11月`. */
export function monthZh(month: string): string {
  return `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
}

/** A duration in seconds as officers say it: `45.5秒`, `3分20秒`, `5分钟`, `2小时5分`. */
export function durationZh(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(1))}秒`;
  const whole = Math.round(seconds);
  if (whole < 3600) {
    const m = Math.floor(whole / 60);
    const s = whole % 60;
    return s === 0 ? `${m}分钟` : `${m}分${s}秒`;
  }
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  return m === 0 ? `${h}小时` : `${h}小时${m}分`;
}

/** A signed change in words: `增加12条`, `减少3条`, `持平`. */
export function changeZh(diff: number, unit: string): string {
  if (diff === 0) return '持平';
  return diff > 0 ? `增加${diff}${unit}` : `减少${-diff}${unit}`;
}

/** The per-officer table shared by the md and xlsx renderers (xlsx adds the p90 column). */
export const OFFICER_HEADERS = ['民警', '编号', '审批合计', '通过', '修改后通过', '驳回', '转办', '发起警示', '审批用时中位数（秒）'];

export function officerRow(o: MonthlyReport['perOfficer'][number]): (string | number | null)[] {
  return [o.name, o.officerId, o.decisions, o.approved, o.edited, o.rejected, o.forwarded, o.warningsRequested, o.approvalSeconds.count === 0 ? null : o.approvalSeconds.median];
}
