/**
 * The triage worker: stored message → classification → case → reply drafts, all in one transaction,
 * then the follow-up jobs. Idempotent: a message already triaged only has its follow-up jobs
 * dispatched again (deterministic job ids make that a no-op when they exist).
 * Decisions are data: the classifier and the reply engine are pure; this module only stores and queues.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Config } from '../config/index.ts';
import type { CaseStatus, Classification } from '../domain/schemas.ts';
import type { Category, Intent } from '../domain/vocabulary.ts';
import { PermanentError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { Handler, Job } from '../queue/port.ts';
import type { Locale, ReplyEngine, ReplyInput } from '../replies/index.ts';
import { caseByNumber, CASE_INTENTS, openOrExtendCase } from '../cases/cases.ts';
import { findCaseNumbers } from '../cases/numbers.ts';
import { insertDraft } from '../review/drafts.ts';
import { CLUSTER_ANNOUNCE_AT, clusterSize, findClusterLeader, fingerprint } from '../review/clusters.ts';
import { normalizeForMatch } from '../rebuttals/normalize.ts';
import { appendAudit } from '../store/audit.ts';
import { transaction, type Store } from '../store/db.ts';
import type { DeliveryRow, DraftRow, MessageRow } from '../store/rows.ts';
import { deliveries, drafts, messages } from '../store/schema.ts';
import type { CardEvent, Dispatcher } from './dispatch.ts';
import type { Metrics } from '../metrics.ts';

/** What triage needs of the classifier (src/classify). */
export interface MessageClassifier {
  classify(text: string, id?: string): Classification;
}

/** What triage needs of the rebuttal library (src/rebuttals). */
export interface RebuttalLookup {
  match(text: string): NonNullable<ReplyInput['rebuttal']>;
}

export interface TriageDeps {
  readonly store: Store;
  readonly config: Config;
  readonly classifier: MessageClassifier;
  readonly replies: ReplyEngine;
  readonly rebuttals?: RebuttalLookup;
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => Date;
}

/** The text the classifier reads: the message plus attachment captions. */
export function classifiableText(m: Pick<MessageRow, 'text' | 'attachments'>): string {
  const captions = (m.attachments as { caption?: string }[]).map((a) => a.caption ?? '').filter(Boolean);
  return [m.text, ...captions].join('\n').trim();
}

/** The stored message by id (a prepared query: triage reads it twice per message). */
function messageById(store: Store, id: string): MessageRow | undefined {
  return store.prepared('triage.messageById', (db) => db.select().from(messages).where(eq(messages.id, sql.placeholder('id'))).prepare()).get({ id });
}

/** Outcome of one triage, for tests and logs. */
export interface TriageOutcome {
  readonly classification: Classification;
  readonly caseNumber: string | null;
  readonly drafts: DraftRow[];
  readonly deliveries: DeliveryRow[];
  readonly silenced?: 'blocked' | 'rate_limited';
}

export function createTriageHandler(deps: TriageDeps): Handler<'triage'> {
  const now = deps.now ?? (() => new Date());
  return async (job) => {
    const started = process.hrtime.bigint();
    const outcome = triageMessage(deps, job.payload.messageId, now());
    const steps = outcome ? dispatchPlan(deps, outcome) : redispatchPlan(deps, job.payload.messageId);
    for (const step of steps) {
      if (step.kind === 'deliver') await deps.dispatcher.deliver(step.delivery);
      else await deps.dispatcher.announce(step.draftId, step.event, step.suffix ? { suffix: step.suffix } : {});
    }
    if (outcome) deps.metrics?.triaged.inc({ intent: outcome.classification.intent });
    deps.metrics?.triageSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
  };
}

/**
 * The synchronous form for the embedded queue's batches (EmbeddedQueue.processBatch): triage and its
 * follow-up jobs in the caller's transaction, so several messages share one commit and a message's
 * delivery jobs commit with its drafts. Null when the dispatcher cannot enqueue synchronously.
 */
export function createTriageBatchHandler(deps: TriageDeps): ((job: Job<'triage'>) => void) | null {
  const sync = deps.dispatcher.sync;
  if (!sync) return null;
  const now = deps.now ?? (() => new Date());
  return (job) => {
    const started = process.hrtime.bigint();
    const outcome = triageMessage(deps, job.payload.messageId, now());
    const steps = outcome ? dispatchPlan(deps, outcome) : redispatchPlan(deps, job.payload.messageId);
    for (const step of steps) {
      if (step.kind === 'deliver') sync.deliver(step.delivery);
      else sync.announce(step.draftId, step.event, step.suffix ? { suffix: step.suffix } : {});
    }
    if (outcome) deps.metrics?.triaged.inc({ intent: outcome.classification.intent });
    deps.metrics?.triageSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
  };
}

/** One follow-up of a triage: a delivery to queue or a card to announce. */
type DispatchStep =
  | { readonly kind: 'deliver'; readonly delivery: DeliveryRow }
  | { readonly kind: 'announce'; readonly draftId: string; readonly event: CardEvent; readonly suffix?: string };

/** What to queue after a triage (data; the handlers above enqueue it). */
function dispatchPlan(deps: TriageDeps, outcome: TriageOutcome): DispatchStep[] {
  const steps: DispatchStep[] = outcome.deliveries.map((delivery) => ({ kind: 'deliver', delivery }));
  // A cluster member is not announced: its leader's card stands for it, re-posted with the count as
  // the cluster grows past 2, 5, 10, 20, 50 … so a flood of identical questions is a handful of cards.
  for (const d of outcome.drafts) {
    if (d.status !== 'pending') continue;
    const leader = d.data['clusterLeader'];
    if (typeof leader !== 'string') {
      steps.push({ kind: 'announce', draftId: d.id, event: 'new' });
      continue;
    }
    const size = clusterSize(deps.store, leader);
    if (CLUSTER_ANNOUNCE_AT.has(size)) steps.push({ kind: 'announce', draftId: leader, event: 'new', suffix: `c${size}` });
  }
  if (outcome.classification.intent === 'emergency') {
    const first = outcome.drafts[0];
    if (first) steps.push({ kind: 'announce', draftId: first.id, event: 'emergency' });
  }
  return steps;
}

/** A retried job for a message already triaged: whatever may not have been queued. */
function redispatchPlan(deps: TriageDeps, messageId: string): DispatchStep[] {
  const steps: DispatchStep[] = [];
  const ds = deps.store.db.select().from(drafts).where(eq(drafts.inboundMessageId, messageId)).all();
  for (const d of ds) {
    if (d.status === 'pending' && !d.data['clusterLeader']) steps.push({ kind: 'announce', draftId: d.id, event: 'new' });
    const del = deps.store.db.select().from(deliveries).where(and(eq(deliveries.draftId, d.id), eq(deliveries.status, 'approved'))).get();
    if (del) steps.push({ kind: 'deliver', delivery: del });
  }
  return steps;
}

const RATE_LIMIT_NOTICE: Record<Locale, string> = {
  'zh-Hans': '您发送消息过于频繁，后续消息我们已记录，但暂不逐条回复，请稍后再试。如遇紧急情况，请立即拨打110。',
  'zh-Hant': '您發送消息過於頻繁，後續消息我們已記錄，但暫不逐條回覆，請稍後再試。如遇緊急情況，請立即撥打110。',
};

/** Is this sender over the per-minute limit (counting this message)? */
function overRateLimit(store: Store, m: MessageRow, perMinute: number): { over: boolean; firstOver: boolean } {
  const since = m.receivedAt - 60_000;
  const row = store
    .stmt('SELECT count(*) AS n FROM messages WHERE platform = ? AND sender_id = ? AND received_at >= ? AND received_at <= ?')
    .get(m.platform, m.senderId, since, m.receivedAt) as { n: number } | undefined;
  const n = row?.n ?? 0;
  return { over: n > perMinute, firstOver: n === perMinute + 1 };
}

/**
 * Triage one message inside a transaction. Returns null when it was already triaged.
 * Emergencies skip the rate limit and block list: a person in danger is always answered.
 */
export function triageMessage(deps: TriageDeps, messageId: string, at: Date): TriageOutcome | null {
  const { store, config } = deps;
  const pre = messageById(store, messageId);
  if (!pre) throw new PermanentError(`message ${messageId} not found`);
  if (pre.status !== 'received') return null;

  const text = classifiableText(pre);
  const classification = text
    ? deps.classifier.classify(text, pre.id)
    : ({
        intent: 'tip',
        category: null,
        confidence: 0.3,
        entities: { phones: [], urls: [], bankCards: [], idNumbers: [], wechatIds: [], qqNumbers: [], amounts: [] },
        rebuttal: null,
      } satisfies Classification);
  let rebuttal: ReplyInput['rebuttal'];
  if (deps.rebuttals && text && (classification.intent === 'verify' || classification.category === 'rumor')) {
    rebuttal = deps.rebuttals.match(text);
    if (rebuttal.best) classification.rebuttal = { id: rebuttal.best.id, title: rebuttal.best.title, score: rebuttal.best.score };
  }
  const locale: Locale = classification.traditional ? 'zh-Hant' : 'zh-Hans';

  return transaction(store, () => {
    const m = messageById(store, messageId);
    if (!m || m.status !== 'received') return null;
    const intent = classification.intent as Intent;
    const category = classification.category as Category | null;
    const markTriaged = (caseId: string | null, status: 'triaged' | 'silenced') =>
      store
        .stmt('UPDATE messages SET status = ?, case_id = ?, intent = ?, category = ?, confidence = ?, classification = ?, triaged_at = ? WHERE id = ?')
        .run(status, caseId, intent, category, classification.confidence, JSON.stringify(classification), at.getTime(), m.id);

    // Abuse control (never for emergencies): blocked senders and floods are stored, not answered.
    if (intent !== 'emergency') {
      const blocked = store.stmt('SELECT 1 AS x FROM blocked_senders WHERE platform = ? AND sender_id = ?').get(m.platform, m.senderId);
      const rate = blocked ? { over: false, firstOver: false } : overRateLimit(store, m, config.rateLimitPerMinute);
      if (blocked || (rate.over && !rate.firstOver)) {
        markTriaged(null, 'silenced');
        appendAudit(store, { account: m.account, actor: 'system', action: 'message.silenced', subjectType: 'message', subjectId: m.id, data: { why: blocked ? 'blocked' : 'rate_limited' }, at });
        return { classification, caseNumber: null, drafts: [], deliveries: [], silenced: blocked ? 'blocked' : 'rate_limited' };
      }
      if (rate.firstOver) {
        const made = insertDraft(store, {
          account: m.account, caseId: null, inboundMessageId: m.id, platform: m.platform, conversationId: m.conversationId, recipientId: m.senderId,
          kind: 'fallback', templateKey: 'rate_limit', text: RATE_LIMIT_NOTICE[locale], locale, approval: 'auto', priority: 8,
        }, at);
        markTriaged(null, 'silenced');
        appendAudit(store, { account: m.account, actor: 'system', action: 'message.silenced', subjectType: 'message', subjectId: m.id, data: { why: 'rate_limited', noticed: true }, at });
        return { classification, caseNumber: null, drafts: [made.draft], deliveries: made.delivery ? [made.delivery] : [], silenced: 'rate_limited' };
      }
    }

    let caseInfo: ReplyInput['case'] = null;
    let caseId: string | null = null;
    if (CASE_INTENTS.has(intent)) {
      const { row, isNew } = openOrExtendCase(store, {
        account: m.account,
        platform: m.platform,
        conversationId: m.conversationId,
        senderId: m.senderId,
        intent,
        category,
        anonymous: m.anonymous,
        at: new Date(m.receivedAt),
        joinWindowMs: config.cases.joinWindowMs,
        prefix: config.account.casePrefix,
        timezone: config.reports.timezone,
      });
      caseInfo = { number: row.number, status: row.status as CaseStatus, isNew };
      caseId = row.id;
    }

    let status: ReplyInput['status'];
    if (intent === 'status') {
      const wanted = classification.entities.caseNumbers?.[0] ?? findCaseNumbers(text)[0];
      const c = wanted ? caseByNumber(store, wanted) : undefined;
      // Only the citizen who opened a case learns its status.
      const mine = c && c.platform === m.platform && c.senderId === m.senderId && c.account === m.account;
      status = mine
        ? { number: c.number, found: true, status: c.status as CaseStatus, openedAt: new Date(c.openedAt), department: c.department }
        : { number: wanted ?? '', found: false };
    }

    const specs = deps.replies.draft({ classification, case: caseInfo, status, rebuttal, locale, account: { name: config.account.name }, platform: m.platform });
    const made: DraftRow[] = [];
    const dels: DeliveryRow[] = [];
    const fp = fingerprint(normalizeForMatch(text));
    for (const spec of specs) {
      let data = spec.data;
      if (spec.approval === 'required') {
        const leader = findClusterLeader(store, { account: m.account, kind: spec.kind, templateKey: spec.templateKey, fingerprint: fp, at: at.getTime() });
        data = { ...data, fingerprint: fp, ...(leader ? { clusterLeader: leader.id } : {}) };
      }
      const r = insertDraft(
        store,
        {
          account: m.account,
          caseId,
          inboundMessageId: m.id,
          platform: m.platform,
          conversationId: m.conversationId,
          recipientId: m.senderId,
          kind: spec.kind,
          templateKey: spec.templateKey,
          text: spec.text,
          locale,
          approval: spec.approval,
          priority: spec.priority,
          data,
        },
        at,
      );
      made.push(r.draft);
      if (r.delivery) dels.push(r.delivery);
    }
    markTriaged(caseId, 'triaged');
    appendAudit(store, {
      account: m.account,
      actor: 'system',
      action: 'message.triaged',
      subjectType: 'message',
      subjectId: m.id,
      data: { intent, category, confidence: classification.confidence, caseNumber: caseInfo?.number ?? null, drafts: made.map((d) => d.id) },
      at,
    });
    return { classification, caseNumber: caseInfo?.number ?? null, drafts: made, deliveries: dels };
  });
}
