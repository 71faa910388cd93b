/**
 * The review workflow (警示审批): officers approve, edit, reject or forward drafts, and request private
 * warnings. Guarantees:
 * - Only active officers on the allow-list decide; any other attempt is refused and audited.
 * - A decision is a compare-and-set on `status = 'pending'`: of two officers deciding at once exactly
 *   one wins, the other is told who decided (409 `already_decided`), and at most one delivery exists.
 * - A warning must be approved by an officer other than the one who requested it (FOUR_EYES, 403 `four_eyes`).
 * - Every decision is an audit event with the text before and after.
 */
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import type { Officer } from '../domain/schemas.ts';
import { CATEGORIES, PLATFORMS, type Category, type Intent, type Platform, type ReplyKind } from '../domain/vocabulary.ts';
import { UserFacingError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import { findOfficer, officerById } from '../officers/officers.ts';
import type { OfficerIdentity } from '../ports/commands.ts';
import type { ReplyEngine } from '../replies/index.ts';
import { appendAudit } from '../store/audit.ts';
import { transaction, type Store } from '../store/db.ts';
import type { DeliveryRow, DraftRow } from '../store/rows.ts';
import { cases, drafts, labelCorrections, messages } from '../store/schema.ts';
import type { Dispatcher } from '../workers/dispatch.ts';
import { caseByNumber, caseById } from '../cases/cases.ts';
import { CASE_NUMBER_PATTERN } from '../cases/numbers.ts';
import { findDraft, insertDelivery, insertDraft } from './drafts.ts';
import { clusterMembers } from './clusters.ts';

export interface ReviewDeps {
  readonly store: Store;
  readonly config: Config;
  readonly dispatcher: Dispatcher;
  readonly replies: ReplyEngine;
  readonly logger: Logger;
  readonly now?: () => Date;
}

export interface Decision {
  readonly status: 'approved' | 'rejected' | 'pending' | 'forwarded';
  readonly draftId: string;
  readonly shortCode: string;
}

export const WarningRequestSchema = z.object({
  platform: z.enum(PLATFORMS),
  conversationId: z.string().trim().min(1).max(256),
  userId: z.string().trim().min(1).max(256),
  reason: z.enum(CATEGORIES),
  content: z.string().trim().min(1).max(2000),
  place: z.string().trim().max(200).optional(),
});
export type WarningRequest = z.infer<typeof WarningRequestSchema>;

export class ReviewService {
  private readonly now: () => Date;
  constructor(private readonly deps: ReviewDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private get store() {
    return this.deps.store;
  }
  private get account() {
    return this.deps.config.account.id;
  }

  /** The active officer behind a chat identity; otherwise refuses politely and audits the attempt. */
  authorize(who: OfficerIdentity, attempted: string): Officer {
    const officer = findOfficer(this.store, who.platform, who.userId);
    if (officer) return officer;
    transaction(this.store, () =>
      appendAudit(this.store, {
        account: this.account,
        actor: `${who.platform}:${who.userId}`,
        action: 'review.refused',
        subjectType: 'identity',
        subjectId: `${who.platform}:${who.userId}`,
        data: { attempted, displayName: who.displayName ?? null },
      }),
    );
    this.deps.logger.warn({ platform: who.platform, userId: who.userId, attempted }, 'non-officer tried to decide');
    throw new UserFacingError('抱歉，只有值班民警可以执行此操作。', 'forbidden', 403);
  }

  /** Records a refusal for an authenticated caller who is not (or no longer) an officer (HTTP 403). */
  refuse(actor: string, attempted: string): void {
    transaction(this.store, () =>
      appendAudit(this.store, { account: this.account, actor, action: 'review.refused', subjectType: 'identity', subjectId: actor, data: { attempted } }),
    );
  }

  private load(ref: string): DraftRow {
    const d = findDraft(this.store, ref);
    if (!d) throw new UserFacingError(`找不到待审核卡片 ${ref}`, 'not_found', 404);
    return d;
  }

  private alreadyDecided(d: DraftRow): UserFacingError {
    const by = d.decidedBy ? (officerById(this.store, d.decidedBy)?.name ?? d.decidedBy) : '系统';
    const what = { approved: '批准', rejected: '驳回', forwarded: '转办', expired: '过期', pending: '待审' }[d.status as 'approved'] ?? d.status;
    return new UserFacingError(`#${d.shortCode} 已由 ${by} ${what}，无需重复处理。`, 'already_decided', 409);
  }

  /** Takes the draft from pending to `status` if nobody else did; returns false when someone was first. */
  private claim(d: DraftRow, officer: Officer, status: 'approved' | 'rejected' | 'forwarded', extra: Partial<DraftRow> = {}): boolean {
    const res = this.store.db
      .update(drafts)
      .set({ status, decidedBy: officer.id, decidedAt: this.now().getTime(), ...extra })
      .where(and(eq(drafts.id, d.id), eq(drafts.status, 'pending')))
      .run();
    return res.changes === 1;
  }

  async approve(officer: Officer, ref: string): Promise<Decision> {
    const now = this.now();
    const { draft, delivery } = transaction(this.store, () => {
      const d = this.load(ref);
      if (d.status !== 'pending') throw this.alreadyDecided(d);
      if (d.kind === 'warning' && this.deps.config.review.fourEyes && d.requestedBy === officer.id)
        throw new UserFacingError('私信警示须由另一名民警批准（四眼原则），您不能批准自己提交的警示。', 'four_eyes', 403);
      if (!this.claim(d, officer, 'approved')) throw this.alreadyDecided(this.load(ref));
      const approved = { ...d, status: 'approved', decidedBy: officer.id, decidedAt: now.getTime() };
      const via = d.edited ? 'edited' : 'approved';
      const delivery = [insertDelivery(this.store, approved, via, now)];
      appendAudit(this.store, {
        account: d.account,
        actor: officer.id,
        action: 'draft.approved',
        subjectType: 'draft',
        subjectId: d.id,
        data: { shortCode: d.shortCode, kind: d.kind, textBefore: d.originalText, textAfter: d.text, officer: officer.name },
        at: now,
      });
      // The cluster this card stands for: every member gets its own reply (the officer's edit, if any).
      for (const mem of clusterMembers(this.store, d.id)) {
        const text = d.edited ? d.text : mem.text;
        const patch = { status: 'approved', decidedBy: officer.id, decidedAt: now.getTime(), text, edited: d.edited };
        const res = this.store.db.update(drafts).set(patch).where(and(eq(drafts.id, mem.id), eq(drafts.status, 'pending'))).run();
        if (res.changes !== 1) continue;
        delivery.push(insertDelivery(this.store, { ...mem, ...patch }, via, now));
        appendAudit(this.store, { account: mem.account, actor: officer.id, action: 'draft.approved', subjectType: 'draft', subjectId: mem.id, data: { shortCode: mem.shortCode, kind: mem.kind, cluster: d.id, textBefore: mem.originalText, textAfter: text, officer: officer.name }, at: now });
      }
      return { draft: approved, delivery };
    });
    await this.afterDecision(draft, ...delivery);
    return { status: 'approved', draftId: draft.id, shortCode: draft.shortCode };
  }

  async reject(officer: Officer, ref: string, reason: string): Promise<Decision> {
    const now = this.now();
    const draft = transaction(this.store, () => {
      const d = this.load(ref);
      if (d.status !== 'pending') throw this.alreadyDecided(d);
      const why = reason.trim() || '未说明';
      if (!this.claim(d, officer, 'rejected', { reason: why })) throw this.alreadyDecided(this.load(ref));
      appendAudit(this.store, {
        account: d.account,
        actor: officer.id,
        action: 'draft.rejected',
        subjectType: 'draft',
        subjectId: d.id,
        data: { shortCode: d.shortCode, kind: d.kind, reason: why, textBefore: d.text, officer: officer.name },
        at: now,
      });
      for (const mem of clusterMembers(this.store, d.id)) {
        const res = this.store.db.update(drafts).set({ status: 'rejected', reason: why, decidedBy: officer.id, decidedAt: now.getTime() }).where(and(eq(drafts.id, mem.id), eq(drafts.status, 'pending'))).run();
        if (res.changes === 1)
          appendAudit(this.store, { account: mem.account, actor: officer.id, action: 'draft.rejected', subjectType: 'draft', subjectId: mem.id, data: { shortCode: mem.shortCode, cluster: d.id, reason: why, officer: officer.name }, at: now });
      }
      return { ...d, status: 'rejected', reason: why, decidedBy: officer.id, decidedAt: now.getTime() };
    });
    await this.afterDecision(draft);
    return { status: 'rejected', draftId: draft.id, shortCode: draft.shortCode };
  }

  /** Replaces the text; the card is shown again for approval (the draft stays pending). */
  async edit(officer: Officer, ref: string, text: string): Promise<Decision> {
    const newText = text.trim();
    if (!newText) throw new UserFacingError('修改后的内容不能为空。', 'invalid_request', 400);
    if (newText.length > 4000) throw new UserFacingError('修改后的内容过长（最多 4000 字）。', 'invalid_request', 400);
    const now = this.now();
    const draft = transaction(this.store, () => {
      const d = this.load(ref);
      if (d.status !== 'pending') throw this.alreadyDecided(d);
      const res = this.store.db
        .update(drafts)
        .set({ text: newText, edited: true })
        .where(and(eq(drafts.id, d.id), eq(drafts.status, 'pending')))
        .run();
      if (res.changes !== 1) throw this.alreadyDecided(this.load(ref));
      appendAudit(this.store, {
        account: d.account,
        actor: officer.id,
        action: 'draft.edited',
        subjectType: 'draft',
        subjectId: d.id,
        data: { shortCode: d.shortCode, textBefore: d.text, textAfter: newText, officer: officer.name },
        at: now,
      });
      return { ...d, text: newText, edited: true };
    });
    await this.deps.dispatcher.announce(draft.id, 'new', { suffix: `e${now.getTime()}` });
    return { status: 'pending', draftId: draft.id, shortCode: draft.shortCode };
  }

  /**
   * 转办: forwards the draft's case (or a case by number) to a department. A pending draft is closed as
   * forwarded; the citizen gets the forward notice; the department is recorded for tallies.
   */
  async forward(officer: Officer, ref: string, department: string): Promise<Decision> {
    const dept = department.trim();
    const allowed = this.deps.config.review.departments;
    if (!allowed.includes(dept)) throw new UserFacingError(`未知部门「${dept}」。可转办：${allowed.join('、')}`, 'invalid_department', 400);
    const now = this.now();
    const byCase = CASE_NUMBER_PATTERN.test(ref.trim().toUpperCase()) ? caseByNumber(this.store, ref.trim()) : undefined;
    const result = transaction(this.store, () => {
      let d: DraftRow | undefined;
      let caseRow = byCase;
      if (!caseRow) {
        d = this.load(ref);
        if (d.status !== 'pending') throw this.alreadyDecided(d);
        if (!this.claim(d, officer, 'forwarded', { department: dept })) throw this.alreadyDecided(this.load(ref));
        caseRow = d.caseId ? caseById(this.store, d.caseId) : undefined;
      }
      if (caseRow) {
        if (caseRow.status === 'forwarded' && !d) throw new UserFacingError(`案件 ${caseRow.number} 已转办至 ${caseRow.department ?? ''}。`, 'already_decided', 409);
        this.store.db.update(cases).set({ status: 'forwarded', department: dept, updatedAt: now.getTime() }).where(eq(cases.id, caseRow.id)).run();
        appendAudit(this.store, { account: caseRow.account, actor: officer.id, action: 'case.forwarded', subjectType: 'case', subjectId: caseRow.id, data: { number: caseRow.number, department: dept }, at: now });
      }
      if (d) {
        appendAudit(this.store, {
          account: d.account,
          actor: officer.id,
          action: 'draft.forwarded',
          subjectType: 'draft',
          subjectId: d.id,
          data: { shortCode: d.shortCode, department: dept, officer: officer.name, caseNumber: caseRow?.number ?? null },
          at: now,
        });
      }
      const target = d ?? null;
      const platform = target?.platform ?? caseRow?.platform;
      const conversationId = target?.conversationId ?? caseRow?.conversationId;
      const recipientId = target?.recipientId ?? caseRow?.senderId;
      let notice: { draft: DraftRow; delivery?: DeliveryRow } | undefined;
      if (platform && conversationId && recipientId && (d?.kind !== 'warning')) {
        const rendered = this.deps.replies.render('forward_notice', { caseNumber: caseRow?.number ?? '', department: dept }, (target?.locale as 'zh-Hans' | 'zh-Hant' | undefined) ?? 'zh-Hans');
        notice = insertDraft(
          this.store,
          {
            account: caseRow?.account ?? this.account,
            caseId: caseRow?.id ?? null,
            inboundMessageId: target?.inboundMessageId ?? null,
            platform,
            conversationId,
            recipientId,
            kind: 'forward_notice',
            templateKey: 'forward_notice',
            text: rendered.text,
            locale: target?.locale ?? 'zh-Hans',
            approval: 'auto',
            priority: 4,
            data: { department: dept },
          },
          now,
          officer.id,
        );
      }
      return { draft: d, notice, caseRow };
    });
    if (result.notice?.delivery) await this.deps.dispatcher.deliver(result.notice.delivery);
    if (result.draft) {
      await this.deps.dispatcher.announce(result.draft.id, 'decided');
      // Forwarding concerns one case: the rest of its cluster gets cards of its own.
      for (const mem of clusterMembers(this.store, result.draft.id)) {
        this.store.db.update(drafts).set({ data: { ...mem.data, clusterLeader: null, detachedFrom: result.draft.id } }).where(eq(drafts.id, mem.id)).run();
        await this.deps.dispatcher.announce(mem.id, 'new');
      }
    }
    const ref2 = result.draft ?? result.notice?.draft;
    return { status: 'forwarded', draftId: ref2?.id ?? '', shortCode: ref2?.shortCode ?? '' };
  }

  /** Approves every pending draft of one kind (`/approve all receipt`); warnings are never bulk-approved. */
  async approveAll(officer: Officer, kind: ReplyKind): Promise<{ approved: number; skipped: number }> {
    if (kind === 'warning') throw new UserFacingError('私信警示须逐条审批，不能批量批准。', 'invalid_request', 400);
    const pending = this.store.db.select().from(drafts).where(and(eq(drafts.status, 'pending'), eq(drafts.kind, kind))).orderBy(asc(drafts.createdAt)).all();
    let approved = 0;
    let skipped = 0;
    for (const d of pending) {
      try {
        await this.approve(officer, d.id);
        approved++;
      } catch (err) {
        if (err instanceof UserFacingError) skipped++;
        else throw err;
      }
    }
    return { approved, skipped };
  }

  /** 私信警示: creates a pending warning draft that another officer must approve. */
  async warn(officer: Officer, request: WarningRequest): Promise<{ draftId: string; shortCode: string; status: 'pending' }> {
    const req = WarningRequestSchema.parse(request);
    const now = this.now();
    const key = this.warningTemplate(req.reason);
    const rendered = this.deps.replies.render(key, { content: req.content, place: req.place ?? '', reason: req.reason }, 'zh-Hans');
    const draft = transaction(this.store, () => {
      const { draft } = insertDraft(
        this.store,
        {
          account: this.account,
          caseId: null,
          inboundMessageId: null,
          platform: req.platform,
          conversationId: req.conversationId,
          recipientId: req.userId,
          kind: 'warning',
          templateKey: key,
          text: rendered.text,
          locale: 'zh-Hans',
          approval: 'required',
          priority: 4,
          requestedBy: officer.id,
          data: { target: { platform: req.platform, conversationId: req.conversationId, userId: req.userId }, reason: req.reason, content: req.content, place: req.place ?? null },
        },
        now,
        officer.id,
      );
      appendAudit(this.store, { account: this.account, actor: officer.id, action: 'warning.requested', subjectType: 'draft', subjectId: draft.id, data: { reason: req.reason, target: `${req.platform}:${req.userId}` }, at: now });
      return draft;
    });
    await this.deps.dispatcher.announce(draft.id, 'new');
    return { draftId: draft.id, shortCode: draft.shortCode, status: 'pending' };
  }

  private warningTemplate(reason: string): string {
    const specific = `warning.${reason}`;
    try {
      this.deps.replies.render(specific, { content: 'x', place: '', reason }, 'zh-Hans');
      return specific;
    } catch {
      return 'warning.general';
    }
  }

  /**
   * Stores an officer's correction of a message's labels (the card's message); the next retrain
   * learns it. `category: null` means "no category"; `intent: null` keeps the intent.
   */
  label(officer: Officer, ref: string, intent: Intent | null, category: Category | null): { messageId: string; intent: string | null; category: Category | null } {
    const d = this.load(ref);
    const msg = d.inboundMessageId ? this.store.db.select().from(messages).where(eq(messages.id, d.inboundMessageId)).get() : undefined;
    if (!msg) throw new UserFacingError(`卡片 ${ref} 没有对应的群众消息，无法标注。`, 'not_found', 404);
    transaction(this.store, () => {
      this.store.db.insert(labelCorrections).values({ messageId: msg.id, text: msg.text, intent, category, officerId: officer.id, createdAt: this.now().getTime() }).run();
      appendAudit(this.store, { account: msg.account, actor: officer.id, action: 'label.corrected', subjectType: 'message', subjectId: msg.id, data: { intent, category, was: { intent: msg.intent, category: msg.category } } });
    });
    return { messageId: msg.id, intent: intent ?? msg.intent, category };
  }

  pending(): DraftRow[] {
    return this.store.db.select().from(drafts).where(and(eq(drafts.account, this.account), eq(drafts.status, 'pending'))).orderBy(asc(drafts.createdAt)).all();
  }

  private async afterDecision(draft: DraftRow, ...delivery: DeliveryRow[]): Promise<void> {
    for (const d of delivery) await this.deps.dispatcher.deliver(d);
    await this.deps.dispatcher.announce(draft.id, 'decided');
  }
}

export function isPlatform(p: string): p is Platform {
  return (PLATFORMS as readonly string[]).includes(p);
}
