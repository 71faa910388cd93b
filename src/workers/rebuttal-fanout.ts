/**
 * When a rebuttal is published, every citizen whose open verify case matches it gets the rebuttal reply
 * (through the approval policy: approved entries go out at once). A case already sent this rebuttal is
 * skipped, so publishing twice never answers twice.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../config/index.ts';
import { VERDICT_ZH, type ReplyEngine } from '../replies/index.ts';
import { insertDraft } from '../review/drafts.ts';
import { getRebuttal } from '../rebuttals/index.ts';
import { transaction, type Store } from '../store/db.ts';
import type { DeliveryRow } from '../store/rows.ts';
import { cases, drafts } from '../store/schema.ts';
import type { Dispatcher } from './dispatch.ts';

export interface FanoutDeps {
  readonly store: Store;
  readonly replies: ReplyEngine;
  readonly dispatcher: Dispatcher;
  readonly config: Config;
  readonly now: () => Date;
}

export async function sendRebuttalToAskers(deps: FanoutDeps, rebuttalId: string, caseIds: readonly string[], actor: string): Promise<{ cases: number }> {
  const entry = getRebuttal(deps.store, rebuttalId);
  if (!entry) return { cases: 0 };
  const at = deps.now();
  const made: DeliveryRow[] = [];
  transaction(deps.store, () => {
    for (const caseId of caseIds) {
      const c = deps.store.db.select().from(cases).where(eq(cases.id, caseId)).get();
      if (!c) continue;
      const already = deps.store.db
        .select({ id: drafts.id })
        .from(drafts)
        .where(and(eq(drafts.caseId, caseId), eq(drafts.kind, 'rebuttal'), sql`json_extract(${drafts.data}, '$.rebuttalId') = ${rebuttalId}`))
        .get();
      if (already) continue;
      const rendered = deps.replies.render('rebuttal.reply', { caseNumber: c.number, title: entry.title, verdict: entry.verdict, verdictZh: VERDICT_ZH[entry.verdict], rebuttal: entry.rebuttal, source: entry.source ?? '' }, 'zh-Hans');
      const r = insertDraft(
        deps.store,
        {
          account: c.account,
          caseId: c.id,
          inboundMessageId: null,
          platform: c.platform,
          conversationId: c.conversationId,
          recipientId: c.senderId,
          kind: 'rebuttal',
          templateKey: 'rebuttal.reply',
          text: rendered.text,
          locale: 'zh-Hans',
          approval: entry.status === 'approved' ? 'auto' : 'required',
          priority: 4,
          data: { rebuttalId, publishedBy: actor },
        },
        at,
        actor,
      );
      if (r.delivery) made.push(r.delivery);
    }
  });
  for (const d of made) await deps.dispatcher.deliver(d);
  return { cases: made.length };
}
