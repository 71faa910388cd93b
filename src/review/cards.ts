/**
 * Officer cards as plain text (every officers' chat can show text; Telegram adds buttons). The sender is
 * masked (张** / 138****5678) and hidden entirely for anonymous tips; the citizen's message is an excerpt
 * with numbers masked; the proposed reply is shown in full, since that is what the officer approves.
 */
import { CATEGORY_ZH, INTENT_ZH, type Category, type Intent } from '../domain/vocabulary.ts';
import { maskHandle, maskName, maskPhone, maskText } from '../privacy/mask.ts';
import type { CaseRow, DraftRow, MessageRow } from '../store/rows.ts';

const KIND_ZH: Record<string, string> = {
  receipt: '受理回执',
  advice: '防范建议',
  rebuttal: '辟谣回复',
  warning: '私信警示',
  emergency: '紧急指引',
  status: '进度答复',
  forward_notice: '转办告知',
  fallback: '通用回复',
};

export interface CardContext {
  readonly draft: DraftRow;
  readonly message?: MessageRow;
  readonly case?: CaseRow;
  readonly requestedByName?: string;
  readonly decidedByName?: string;
  readonly timezone: string;
  /** How many citizens' drafts this card stands for (clustered identical messages). */
  readonly clusterSize?: number;
}

export function maskSender(opts: { senderId: string; senderName?: string | null; anonymous: boolean }): string {
  if (opts.anonymous) return '匿名举报人（身份已隐藏）';
  const id = /^\+?\d{11,13}$/.test(opts.senderId) ? maskPhone(opts.senderId) : maskHandle(opts.senderId);
  return opts.senderName ? `${maskName(opts.senderName)}（${id}）` : id;
}

function excerpt(text: string, max = 120): string {
  const masked = maskText(text.replace(/\s+/g, ' ').trim());
  const chars = [...masked];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : masked;
}

function time(ms: number, timezone: string): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(ms));
}

function actionsLine(code: string): string {
  return `操作：批准 ${code} ｜ 修改 ${code} 新内容 ｜ 驳回 ${code} 原因 ｜ 转办 ${code} 部门`;
}

/** A card for a pending draft (`new` or `reminder`). */
export function pendingCard(ctx: CardContext, event: 'new' | 'reminder'): string {
  const { draft, message, case: c } = ctx;
  const lines: string[] = [];
  const head = draft.kind === 'warning' ? '【私信警示待审批】' : '【待审核回复】';
  lines.push(`${event === 'reminder' ? '⏰ 提醒：仍未处理 ' : ''}${head} #${draft.shortCode}${c ? ` · 案件 ${c.number}` : ''}`);
  if (message?.intent) {
    const intent = INTENT_ZH[message.intent as Intent] ?? message.intent;
    const cat = message.category ? CATEGORY_ZH[message.category as Category] ?? message.category : '无';
    lines.push(`分类：${intent} / ${cat} · 置信度 ${(message.confidence ?? 0).toFixed(2)}`);
  }
  if ((ctx.clusterSize ?? 1) > 1) lines.push(`同类消息共 ${ctx.clusterSize} 条（不同群众发来的相同内容）；批准或驳回将一并处理。`);
  if (message) {
    lines.push(`来自：${message.platform} ${maskSender({ senderId: message.senderId, senderName: message.senderName, anonymous: message.anonymous || Boolean(c?.anonymous) })}`);
    if (message.text) lines.push(`原文：${excerpt(message.text)}`);
  }
  if (draft.kind === 'warning') {
    const data = draft.data as { target?: { platform?: string; userId?: string }; reason?: string; content?: string };
    lines.push(`申请人：${ctx.requestedByName ?? draft.requestedBy ?? '未知'}（须由另一名民警批准）`);
    lines.push(`对象：${data.target?.platform ?? draft.platform} ${maskHandle(data.target?.userId ?? draft.recipientId)}`);
    if (data.reason) lines.push(`事由：${CATEGORY_ZH[data.reason as Category] ?? data.reason}`);
  }
  const candidates = (draft.data as { candidates?: { id: string; title: string; score: number }[] }).candidates;
  if (draft.kind === 'rebuttal' && candidates?.length) {
    lines.push('辟谣库候选：');
    for (const cand of candidates.slice(0, 3)) lines.push(`  · ${cand.id} ${cand.title}（${cand.score.toFixed(2)}）`);
  }
  lines.push(`拟回复（${KIND_ZH[draft.kind] ?? draft.kind}${draft.edited ? '，已修改' : ''}）：`);
  lines.push(draft.text);
  lines.push(actionsLine(draft.shortCode));
  return lines.join('\n');
}

const DECISION_ZH: Record<string, string> = { approved: '已批准', rejected: '已驳回', forwarded: '已转办', expired: '已过期' };

/** The card after a decision: who decided what, when. */
export function decidedCard(ctx: CardContext): string {
  const { draft } = ctx;
  const what = DECISION_ZH[draft.status] ?? draft.status;
  const by = ctx.decidedByName ?? draft.decidedBy ?? '系统';
  const when = draft.decidedAt ? time(draft.decidedAt, ctx.timezone) : '';
  const extra = draft.status === 'rejected' && draft.reason ? `，原因：${draft.reason}` : draft.status === 'forwarded' && draft.department ? `，转至：${draft.department}` : '';
  return `【${what}】#${draft.shortCode}${ctx.case ? ` · 案件 ${ctx.case.number}` : ''} 由 ${by} 于 ${when} 处理${extra}\n${draft.kind === 'warning' ? '私信警示' : '回复'}：${draft.text}`;
}

/** An emergency alert for the duty officers: the citizen has already been answered. */
export function emergencyCard(ctx: CardContext & { duty: readonly string[] }): string {
  const { message, case: c } = ctx;
  const lines = [`🚨【紧急求助】${c ? `案件 ${c.number}` : ''} 已自动回复 110/120 指引，请值班民警立即跟进！`];
  if (ctx.duty.length) lines.push(`值班：${ctx.duty.map((d) => `@${d}`).join(' ')}`);
  if (message) {
    const cat = message.category ? CATEGORY_ZH[message.category as Category] ?? message.category : '未分类';
    lines.push(`类别：${cat}`);
    lines.push(`来自：${message.platform} ${maskSender({ senderId: message.senderId, senderName: message.senderName, anonymous: message.anonymous })}`);
    if (message.text) lines.push(`原文：${excerpt(message.text, 300)}`);
  }
  lines.push(`查看全文：GET /v1/cases/${c?.number ?? ''}`);
  return lines.join('\n');
}

const TROUBLE_ZH: Record<string, string> = {
  undeliverable: '无法送达',
  uncertain: '发送状态不明（发送过程中进程中断，可能已送达，系统不会自动重发）',
  failed: '多次重试后仍发送失败',
};

/** A delivery that did not go out as planned: officers decide what to do. */
export function troubleCard(ctx: CardContext & { status: string; reason: string }): string {
  const { draft } = ctx;
  return [
    `⚠️【投递异常】#${draft.shortCode}${ctx.case ? ` · 案件 ${ctx.case.number}` : ''}：${TROUBLE_ZH[ctx.status] ?? ctx.status}`,
    `原因：${ctx.reason}`,
    `平台：${draft.platform}`,
    `内容：${draft.text}`,
  ].join('\n');
}
