/**
 * The notify worker posts review cards to one officers' chat per job (so a failing chat never causes a
 * second post in a healthy one). A card for a draft that was decided meanwhile is not posted as pending.
 */
import { and, eq, desc } from 'drizzle-orm';
import type { Config } from '../config/index.ts';
import { PermanentError } from '../errors.ts';
import type { ReviewCard, ReviewChannel } from '../ports/review.ts';
import type { Handler } from '../queue/port.ts';
import { officerById } from '../officers/officers.ts';
import type { Store } from '../store/db.ts';
import { auditEvents, cases, deliveries, drafts, messages, officers } from '../store/schema.ts';
import { clusterSize } from '../review/clusters.ts';
import { decidedCard, emergencyCard, pendingCard, troubleCard, type CardContext } from '../review/cards.ts';

export interface NotifyDeps {
  readonly store: Store;
  readonly config: Config;
  readonly channels: ReadonlyMap<string, ReviewChannel>;
  readonly now?: () => Date;
}

export function createNotifyHandler(deps: NotifyDeps): Handler<'notify'> {
  const { store } = deps;
  return async (job) => {
    const { draftId, event, channel } = job.payload;
    const review = deps.channels.get(channel);
    if (!review) throw new PermanentError(`no officers' chat on ${channel} in this process`);
    const draft = store.db.select().from(drafts).where(eq(drafts.id, draftId)).get();
    if (!draft) throw new PermanentError(`draft ${draftId} not found`);
    const message = draft.inboundMessageId ? store.db.select().from(messages).where(eq(messages.id, draft.inboundMessageId)).get() : undefined;
    const c = draft.caseId ? store.db.select().from(cases).where(eq(cases.id, draft.caseId)).get() : undefined;
    const ctx: CardContext = {
      draft,
      message,
      case: c,
      requestedByName: draft.requestedBy ? officerById(store, draft.requestedBy)?.name : undefined,
      decidedByName: draft.decidedBy && draft.decidedBy !== 'system' ? officerById(store, draft.decidedBy)?.name : undefined,
      timezone: deps.config.reports.timezone,
      clusterSize: draft.status === 'pending' ? clusterSize(store, draft.id) : 1,
    };
    let card: ReviewCard;
    switch (event) {
      case 'new':
      case 'reminder':
        if (draft.status !== 'pending') return;
        card = { draftId, shortCode: draft.shortCode, text: pendingCard(ctx, event), actions: ['approve', 'edit', 'reject', 'forward'], event };
        break;
      case 'decided':
        card = { draftId, shortCode: draft.shortCode, text: decidedCard(ctx), actions: [], event };
        break;
      case 'emergency': {
        const duty = store.db.select({ name: officers.name }).from(officers).where(and(eq(officers.active, true), eq(officers.onDuty, true))).all().map((o) => o.name);
        card = { draftId, shortCode: draft.shortCode, text: emergencyCard({ ...ctx, duty }), actions: [], event };
        break;
      }
      case 'trouble': {
        const d = store.db.select().from(deliveries).where(eq(deliveries.draftId, draftId)).get();
        const audit = d ? store.db.select().from(auditEvents).where(and(eq(auditEvents.subjectType, 'delivery'), eq(auditEvents.subjectId, d.id))).orderBy(desc(auditEvents.seq)).limit(1).get() : undefined;
        card = { draftId, shortCode: draft.shortCode, text: troubleCard({ ...ctx, status: d?.status ?? 'failed', reason: d?.lastError ?? String(audit?.data?.reason ?? '') }), actions: [], event: 'notice' };
        break;
      }
    }
    await review.post(card);
    if (event === 'new') store.db.update(drafts).set({ announcedAt: (deps.now?.() ?? new Date()).getTime() }).where(eq(drafts.id, draftId)).run();
  };
}
