/**
 * Officer commands typed in any officers' chat, in slash or Chinese form:
 *   /approve A7F3 · /ok A7F3 · 批准 A7F3          /approve all receipt · 批准 全部 receipt
 *   /reject A7F3 原因 · 驳回 A7F3 原因              /edit A7F3 新内容 · 修改 A7F3 新内容
 *   /forward A7F3 刑侦 · 转办 A7F3 刑侦              /warn telegram:USER[@CHAT] rumor 内容 · 警示 …
 *   /pending · 待审      /label A7F3 fraud      /block telegram:USER 原因 · /unblock …
 *   /duty on|off        /officer add|remove|list (admins)   /tpl … (admins)   /rebuttal …   /report 2026-11
 * Parsing is pure ({@link parseCommand}); {@link ChatCommands} authorizes and executes.
 */
import { and, eq } from 'drizzle-orm';
import { ZodError } from 'zod';
import { CATEGORIES, INTENTS, PLATFORMS, REPLY_KINDS, type Category, type Intent, type Platform, type ReplyKind } from '../domain/vocabulary.ts';
import type { Officer } from '../domain/schemas.ts';
import { UserFacingError } from '../errors.ts';
import { addOfficer, listOfficers, removeOfficer } from '../officers/officers.ts';
import type { CommandReply, OfficerCommandHandler, OfficerIdentity } from '../ports/commands.ts';
import { appendAudit } from '../store/audit.ts';
import { transaction, type Store } from '../store/db.ts';
import { blockedSenders, officers } from '../store/schema.ts';
import { caseByNumber } from '../cases/cases.ts';
import type { ReviewService } from './service.ts';

export type Command =
  | { name: 'approve'; ref: string }
  | { name: 'approve_all'; kind: ReplyKind }
  | { name: 'reject'; ref: string; reason: string }
  | { name: 'edit'; ref: string; text: string }
  | { name: 'forward'; ref: string; department: string }
  | { name: 'warn'; target: { platform: Platform; userId: string; conversationId: string } | { caseNumber: string }; reason: Category; content: string }
  | { name: 'pending' }
  | { name: 'label'; ref: string; intent: Intent | null; category: Category | null }
  | { name: 'block' | 'unblock'; platform: Platform; userId: string; reason: string }
  | { name: 'duty'; on: boolean }
  | { name: 'officer'; args: string[] }
  | { name: 'tpl'; args: string }
  | { name: 'rebuttal'; args: string }
  | { name: 'report'; month: string }
  | { name: 'case'; number: string }
  | { name: 'help' }
  | { name: 'invalid'; message: string };

const ALIASES: Record<string, string> = {
  approve: 'approve', ok: 'approve', a: 'approve', 批准: 'approve', 同意: 'approve', 通过: 'approve',
  reject: 'reject', no: 'reject', r: 'reject', 驳回: 'reject', 拒绝: 'reject',
  edit: 'edit', e: 'edit', 修改: 'edit',
  forward: 'forward', fwd: 'forward', 转办: 'forward', 转交: 'forward',
  warn: 'warn', 警示: 'warn',
  pending: 'pending', 待审: 'pending', 待审核: 'pending',
  label: 'label', 标注: 'label',
  block: 'block', 拉黑: 'block', unblock: 'unblock', 解除拉黑: 'unblock',
  duty: 'duty', 值班: 'duty',
  officer: 'officer', 民警: 'officer',
  tpl: 'tpl', 模板: 'tpl',
  rebuttal: 'rebuttal', rebuttals: 'rebuttal', 辟谣: 'rebuttal',
  report: 'report', 报表: 'report',
  case: 'case', 案件: 'case',
  help: 'help', 帮助: 'help',
};

const CODE = /^[A-Za-z0-9-]{4,36}$/;

function platformUser(s: string): { platform: Platform; userId: string; conversationId: string } | null {
  const m = /^([a-z-]+):([^@\s]+)(?:@(\S+))?$/.exec(s);
  if (!m || !(PLATFORMS as readonly string[]).includes(m[1] ?? '')) return null;
  return { platform: m[1] as Platform, userId: m[2] ?? '', conversationId: m[3] ?? m[2] ?? '' };
}

/** Parses one chat line (or a multi-line message). Returns null for ordinary chatter. */
export function parseCommand(raw: string): Command | null {
  // Full-width spaces separate words like ASCII ones; the free text (reason, new reply, department)
  // is cut from the original so an officer's text keeps every character.
  const original = raw.trim();
  const text = original.replace(/\u3000/g, ' ');
  const m = /^\/?([A-Za-z]+|[\u4e00-\u9fff]{2,4})(?:@\w+)?(?:[ \t]+([\s\S]*))?$/.exec(text);
  if (!m) return null;
  const word = (m[1] ?? '').toLowerCase();
  const slash = text.startsWith('/');
  const name = ALIASES[word];
  if (!name) return slash ? { name: 'invalid', message: `未知命令 /${word}。发送 /help 查看可用命令。` } : null;
  // Chinese words without a slash only count as commands when they are followed by a code (批准 A7F3).
  const g2 = m[2] ?? '';
  const restStart = text.length - g2.length + (g2.length - g2.trimStart().length);
  const rest = g2.trim();
  const [first = '', ...others] = rest.split(/[ \t\n]+/);
  const tail = rest.slice(first.length);
  const afterStart = restStart + first.length + (tail.length - tail.trimStart().length);
  const after = original.slice(afterStart, afterStart + tail.trim().length);
  if (!slash && !['pending', 'help'].includes(name) && !first) return null;
  switch (name) {
    case 'approve':
      if ((first === 'all' || first === '全部') && others[0]) {
        const kind = others[0] as ReplyKind;
        if (!(REPLY_KINDS as readonly string[]).includes(kind)) return { name: 'invalid', message: `未知回复类型 ${others[0]}（可用：${REPLY_KINDS.join(', ')}）` };
        return { name: 'approve_all', kind };
      }
      if (!CODE.test(first)) return slash ? { name: 'invalid', message: '用法：/approve 卡片编号' } : null;
      return { name: 'approve', ref: first };
    case 'reject':
      if (!CODE.test(first)) return slash ? { name: 'invalid', message: '用法：/reject 卡片编号 原因' } : null;
      return { name: 'reject', ref: first, reason: after };
    case 'edit':
      if (!CODE.test(first) || !after) return slash ? { name: 'invalid', message: '用法：/edit 卡片编号 新内容' } : null;
      return { name: 'edit', ref: first, text: after };
    case 'forward':
      if (!CODE.test(first) || !after) return slash ? { name: 'invalid', message: '用法：/forward 卡片编号或案件编号 部门' } : null;
      return { name: 'forward', ref: first, department: after };
    case 'warn': {
      const usage = { name: 'invalid' as const, message: '用法：/warn 平台:用户ID[@会话ID] 事由(rumor|pornography|…) 发布的内容 ；或 /warn case 案件编号 事由 内容' };
      let target: Extract<Command, { name: 'warn' }>['target'] | null;
      let tail: string[];
      if (first === 'case' || first === '案件') {
        target = others[0] ? { caseNumber: others[0] } : null;
        tail = others.slice(1);
      } else {
        target = platformUser(first);
        tail = others;
      }
      const reason = tail[0] as Category;
      const content = tail.slice(1).join(' ').trim();
      if (!target || !(CATEGORIES as readonly string[]).includes(reason) || !content) return slash ? usage : null;
      return { name: 'warn', target, reason, content };
    }
    case 'pending':
      return { name: 'pending' };
    case 'label': {
      const labels = (others[0] ?? '').split('/');
      let intent: Intent | null = null;
      let category: Category | null = null;
      for (const l of labels) {
        if ((INTENTS as readonly string[]).includes(l)) intent = l as Intent;
        else if ((CATEGORIES as readonly string[]).includes(l)) category = l as Category;
        else if (l === 'none') category = null;
        else return { name: 'invalid', message: `未知标签 ${l}。用法：/label 卡片编号 fraud 或 tip/fraud` };
      }
      if (!CODE.test(first) || (!intent && !category && labels[0] !== 'none')) return { name: 'invalid', message: '用法：/label 卡片编号 类别[/意图]' };
      return { name: 'label', ref: first, intent, category };
    }
    case 'block':
    case 'unblock': {
      const t = platformUser(first);
      if (!t) return { name: 'invalid', message: `用法：/${name} 平台:用户ID [原因]` };
      return { name: name as 'block', platform: t.platform, userId: t.userId, reason: after };
    }
    case 'duty':
      if (!['on', 'off', '上岗', '下岗'].includes(first)) return { name: 'invalid', message: '用法：/duty on|off' };
      return { name: 'duty', on: first === 'on' || first === '上岗' };
    case 'officer':
      return { name: 'officer', args: rest.split(/\s+/).filter(Boolean) };
    case 'tpl':
      return { name: 'tpl', args: rest };
    case 'rebuttal':
      return { name: 'rebuttal', args: rest };
    case 'report':
      if (!/^\d{4}-\d{2}$/.test(first)) return { name: 'invalid', message: '用法：/report YYYY-MM' };
      return { name: 'report', month: first };
    case 'case':
      return first ? { name: 'case', number: first } : { name: 'invalid', message: '用法：/case 案件编号' };
    default:
      return { name: 'help' };
  }
}

export const HELP_TEXT = [
  '可用命令：',
  '批准 编号 ｜ /approve 编号 ｜ /approve all receipt',
  '驳回 编号 原因 ｜ 修改 编号 新内容 ｜ 转办 编号 部门',
  '/warn 平台:用户ID[@会话] 事由 内容 —— 私信警示（须另一名民警批准）',
  '/pending 待审列表 ｜ /label 编号 类别 ｜ /block /unblock 平台:用户ID',
  '/duty on|off 值班 ｜ /report YYYY-MM 月报 ｜ /case 案件编号',
  '管理员：/officer add|remove|list ｜ /tpl list|show|set|preview|history|rollback ｜ /rebuttal …',
].join('\n');

export interface ChatCommandDeps {
  readonly store: Store;
  readonly review: ReviewService;
  readonly account: string;
  readonly tpl?: (args: string, author: string) => Promise<string>;
  readonly rebuttal?: (args: string, author: string) => Promise<string>;
  readonly report?: (month: string, officer: Officer) => Promise<string>;
}

export class ChatCommands implements OfficerCommandHandler {
  constructor(private readonly deps: ChatCommandDeps) {}

  async handle(who: OfficerIdentity, text: string): Promise<CommandReply | null> {
    const cmd = parseCommand(text);
    if (!cmd) return null;
    return this.run(who, cmd);
  }

  async decide(who: OfficerIdentity, action: 'approve' | 'reject' | 'edit' | 'forward', ref: string, arg?: string): Promise<CommandReply> {
    const cmd: Command =
      action === 'approve'
        ? { name: 'approve', ref }
        : action === 'reject'
          ? { name: 'reject', ref, reason: arg ?? '' }
          : action === 'edit'
            ? { name: 'edit', ref, text: arg ?? '' }
            : { name: 'forward', ref, department: arg ?? '' };
    return this.run(who, cmd);
  }

  private async run(who: OfficerIdentity, cmd: Command): Promise<CommandReply> {
    if (cmd.name === 'invalid') return { ok: false, text: cmd.message };
    if (cmd.name === 'help') return { ok: true, text: HELP_TEXT };
    try {
      const officer = this.deps.review.authorize(who, cmd.name);
      return { ok: true, text: await this.execute(officer, cmd) };
    } catch (err) {
      if (err instanceof UserFacingError) return { ok: false, text: err.message };
      if (err instanceof ZodError) return { ok: false, text: `输入有误：${err.issues.map((i) => i.message).join('；')}` };
      throw err;
    }
  }

  private requireAdmin(officer: Officer): void {
    if (officer.role !== 'admin') throw new UserFacingError('此命令仅限管理员。', 'forbidden', 403);
  }

  private async execute(officer: Officer, cmd: Exclude<Command, { name: 'invalid' | 'help' }>): Promise<string> {
    const { review, store } = this.deps;
    switch (cmd.name) {
      case 'approve': {
        const d = await review.approve(officer, cmd.ref);
        return `已批准 #${d.shortCode}，回复即将发出。`;
      }
      case 'approve_all': {
        const r = await review.approveAll(officer, cmd.kind);
        return `已批量批准 ${r.approved} 条 ${cmd.kind}${r.skipped ? `（${r.skipped} 条已被他人处理或不可批准）` : ''}。`;
      }
      case 'reject': {
        const d = await review.reject(officer, cmd.ref, cmd.reason);
        return `已驳回 #${d.shortCode}。`;
      }
      case 'edit': {
        const d = await review.edit(officer, cmd.ref, cmd.text);
        return `已修改 #${d.shortCode}，请确认后批准（批准 ${d.shortCode}）。`;
      }
      case 'forward': {
        const d = await review.forward(officer, cmd.ref, cmd.department);
        return `已转办至 ${cmd.department}${d.shortCode ? `（#${d.shortCode}）` : ''}，并已告知群众。`;
      }
      case 'warn': {
        let target: { platform: Platform; userId: string; conversationId: string };
        if ('caseNumber' in cmd.target) {
          const c = caseByNumber(store, cmd.target.caseNumber);
          if (!c) throw new UserFacingError(`找不到案件 ${cmd.target.caseNumber}`, 'not_found', 404);
          target = { platform: c.platform as Platform, userId: c.senderId, conversationId: c.conversationId };
        } else target = cmd.target;
        const r = await review.warn(officer, { ...target, reason: cmd.reason, content: cmd.content });
        return `私信警示已提交 #${r.shortCode}，须由另一名民警批准后发出。`;
      }
      case 'pending': {
        const list = review.pending();
        if (!list.length) return '当前没有待审核的卡片。';
        return [`待审核 ${list.length} 条：`, ...list.slice(0, 20).map((d) => `#${d.shortCode} ${d.kind} ${[...d.text].slice(0, 30).join('')}…`)].join('\n');
      }
      case 'label': {
        const r = review.label(officer, cmd.ref, cmd.intent, cmd.category);
        return `已记录标注：${r.intent ?? ''}/${r.category ?? '无类别'}，下次重新训练时生效。`;
      }
      case 'block': {
        transaction(store, () => {
          store.db.insert(blockedSenders).values({ platform: cmd.platform, senderId: cmd.userId, reason: cmd.reason || null, blockedBy: officer.id, createdAt: Date.now() }).onConflictDoNothing().run();
          appendAudit(store, { account: this.deps.account, actor: officer.id, action: 'sender.blocked', subjectType: 'sender', subjectId: `${cmd.platform}:${cmd.userId}`, data: { reason: cmd.reason } });
        });
        return `已拉黑 ${cmd.platform}:${cmd.userId}：其消息将被记录但不再回复（紧急求助除外）。`;
      }
      case 'unblock': {
        transaction(store, () => {
          store.db.delete(blockedSenders).where(and(eq(blockedSenders.platform, cmd.platform), eq(blockedSenders.senderId, cmd.userId))).run();
          appendAudit(store, { account: this.deps.account, actor: officer.id, action: 'sender.unblocked', subjectType: 'sender', subjectId: `${cmd.platform}:${cmd.userId}`, data: {} });
        });
        return `已解除拉黑 ${cmd.platform}:${cmd.userId}。`;
      }
      case 'duty':
        store.db.update(officers).set({ onDuty: cmd.on }).where(eq(officers.id, officer.id)).run();
        return cmd.on ? `${officer.name} 已上岗值班，紧急求助将提醒您。` : `${officer.name} 已下岗。`;
      case 'officer': {
        this.requireAdmin(officer);
        const [sub, platform, userId, ...nameParts] = cmd.args;
        if (sub === 'list') return listOfficers(store).map((o) => `${o.platform}:${o.userId} ${o.name} (${o.role})`).join('\n') || '名单为空。';
        if (sub === 'add' && platform && userId) {
          const role = nameParts[nameParts.length - 1] === 'admin' ? 'admin' : 'officer';
          const name = (role === 'admin' ? nameParts.slice(0, -1) : nameParts).join(' ') || userId;
          const r = addOfficer(store, { platform: platform as Platform, userId, name, role }, { actor: officer.id, account: this.deps.account });
          return `已加入名单：${r.officer.platform}:${r.officer.userId} ${r.officer.name} (${r.officer.role})`;
        }
        if (sub === 'remove' && platform && userId) {
          removeOfficer(store, platform as Platform, userId, { actor: officer.id, account: this.deps.account });
          return `已移出名单：${platform}:${userId}`;
        }
        return '用法：/officer add 平台 用户ID 姓名 [admin] ｜ /officer remove 平台 用户ID ｜ /officer list';
      }
      case 'tpl':
        this.requireAdmin(officer);
        if (!this.deps.tpl) throw new UserFacingError('模板管理不可用。', 'unavailable', 503);
        return this.deps.tpl(cmd.args, officer.id);
      case 'rebuttal':
        if (!this.deps.rebuttal) throw new UserFacingError('辟谣库命令不可用。', 'unavailable', 503);
        return this.deps.rebuttal(cmd.args, officer.id);
      case 'report':
        if (!this.deps.report) throw new UserFacingError('月报功能不可用。', 'unavailable', 503);
        return this.deps.report(cmd.month, officer);
      case 'case': {
        const c = caseByNumber(store, cmd.number);
        if (!c) throw new UserFacingError(`找不到案件 ${cmd.number}`, 'not_found', 404);
        return `案件 ${c.number}：${c.intent}/${c.category ?? '无'}，状态 ${c.status}${c.department ? `，已转 ${c.department}` : ''}${c.anonymous ? '（匿名）' : ''}`;
      }
    }
  }
}
