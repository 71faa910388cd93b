/**
 * Monthly tallies computed from the interaction log (messages, cases, drafts, deliveries, officers).
 * Read-only and deterministic: the same database and arguments give the same report, byte for byte
 * once rendered. Every figure is defined in `DEFINITIONS.md`; a figure reflects the rows as they are
 * when the report runs (a case relabelled later moves between categories in past reports too).
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Store } from '../store/db.ts';
import { CATEGORIES, INTENTS, REPLY_KINDS, type Category, type Intent, type ReplyKind } from '../domain/vocabulary.ts';
import { summarizeDurationsMs } from './stats.ts';
import { dayIndex, monthRange, MonthSchema, previousMonth, TimeZoneSchema, type MonthRange } from './time.ts';
import {
  HEADLINE_KEYS,
  MonthlyReportSchema,
  type Headline,
  type MonthlyReport,
  type OfficerTally,
  type ReportScope,
} from './types.ts';

/** Validates report arguments (month `YYYY-MM`, a known zone, a non-empty account). */
export const ReportScopeSchema = z.object({
  month: MonthSchema,
  account: z.string().min(1, 'account must not be empty').max(64),
  timezone: TimeZoneSchema,
});

/** Drafts whose decider is this are automatic decisions, not an officer's. */
const SYSTEM_ACTOR = 'system';

/** The parts of `drafts.data` the tallies read (warning target and reason, rebuttal id). */
const DraftDataSchema = z.looseObject({
  target: z.looseObject({ userId: z.coerce.string().optional() }).optional(),
  reason: z.string().optional(),
  rebuttalId: z.coerce.string().optional(),
});

const SQL = {
  // One pass over the month's messages gives counts, unique citizens, the daily series and, for each
  // message, when the first reply (not a warning) went to the same conversation at or after it.
  // Ignored messages are not expected to be answered (-1). The unary `+` keeps the planner on
  // deliveries_conversation (platform, conversation_id, sent_at): with the account term indexable it
  // walks deliveries_account_sent from received_at onwards instead, which is quadratic over a month.
  messages: `
    SELECT m.platform, m.sender_id, m.intent, m.received_at,
      CASE WHEN m.status = 'ignored' THEN -1 ELSE (
        SELECT d.sent_at FROM deliveries d
        WHERE d.platform = m.platform AND d.conversation_id = m.conversation_id
          AND d.sent_at >= m.received_at AND d.status = 'sent' AND d.kind <> 'warning'
          AND +d.account = m.account
        ORDER BY d.sent_at LIMIT 1) END AS first_sent_at
    FROM messages m
    WHERE m.account = @account AND m.received_at >= @start AND m.received_at < @end`,
  casesOpened: `
    SELECT intent, category, anonymous, opened_at FROM cases
    WHERE account = @account AND opened_at >= @start AND opened_at < @end`,
  casesClosed: `
    SELECT count(*) AS n FROM cases
    WHERE account = @account AND closed_at >= @start AND closed_at < @end`,
  // One pass over the month's sent deliveries; the draft's data only for warnings and rebuttals.
  deliveriesSent: `
    SELECT d.kind, d.approved_via, d.sent_at, d.platform, d.recipient_id,
      CASE WHEN d.kind IN ('warning', 'rebuttal') THEN (SELECT dr.data FROM drafts dr WHERE dr.id = d.draft_id) END AS data
    FROM deliveries d
    WHERE d.account = @account AND d.sent_at >= @start AND d.sent_at < @end AND d.status = 'sent'`,
  // The unary + on account: use deliveries_status (few rows) rather than every delivery of the account.
  notDelivered: `
    SELECT status, count(*) AS n FROM deliveries
    WHERE status IN ('failed', 'undeliverable', 'uncertain')
      AND +account = @account AND created_at >= @start AND created_at < @end
    GROUP BY status`,
  // Automatic approvals (decided by 'system') are left out: only rejections and forwards count for them.
  draftsDecided: `
    SELECT status, decided_by, edited, created_at, decided_at, department FROM drafts
    WHERE account = @account AND decided_at >= @start AND decided_at < @end
      AND status IN ('approved', 'rejected', 'forwarded')
      AND (status <> 'approved' OR decided_by <> '${SYSTEM_ACTOR}')`,
  warningsRequested: `
    SELECT requested_by, count(*) AS n FROM drafts
    WHERE account = @account AND kind = 'warning' AND requested_by IS NOT NULL
      AND created_at >= @start AND created_at < @end
    GROUP BY requested_by`,
  officers: `SELECT id, name FROM officers`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };
const statementCache = new WeakMap<Database.Database, Statements>();

function statements(sqlite: Database.Database): Statements {
  let s = statementCache.get(sqlite);
  if (!s) {
    s = Object.fromEntries(Object.entries(SQL).map(([k, q]) => [k, sqlite.prepare(q)])) as Statements;
    statementCache.set(sqlite, s);
  }
  return s;
}

/** Everything but `change`: one month's figures. */
type MonthFigures = Omit<MonthlyReport, 'change'>;

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Sorts a record's keys so JSON output does not depend on row order. */
function sortedRecord(map: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const isIntent = (v: unknown): v is Intent => typeof v === 'string' && (INTENTS as readonly string[]).includes(v);
const isCategory = (v: unknown): v is Category =>
  typeof v === 'string' && (CATEGORIES as readonly string[]).includes(v);
const isReplyKind = (v: unknown): v is ReplyKind =>
  typeof v === 'string' && (REPLY_KINDS as readonly string[]).includes(v);

function computeFigures(store: Store, scope: ReportScope): MonthFigures {
  const st = statements(store.sqlite);
  const range: MonthRange = monthRange(scope.month, scope.timezone);
  const p = { account: scope.account, start: range.start, end: range.end };
  const daily = range.dates.map((date) => ({ date, messages: 0, tips: 0, repliesSent: 0 }));

  // Messages, unique citizens, messages per day, first response.
  const byIntent = zeros(INTENTS);
  const byPlatform: Record<string, number> = {};
  const citizens = new Set<string>();
  const responseMs: number[] = [];
  let received = 0;
  let untriaged = 0;
  let ignored = 0;
  let unanswered = 0;
  for (const [platform, senderId, intent, receivedAt, firstSentAt] of st.messages.raw().all(p) as [
    string,
    string,
    string | null,
    number,
    number | null,
  ][]) {
    received++;
    bump(byPlatform, platform);
    citizens.add(`${platform}\u0000${senderId}`);
    if (intent === null) untriaged++;
    else if (isIntent(intent)) byIntent[intent]++;
    else throw new Error(`messages.intent holds an unknown intent ${JSON.stringify(intent)}`);
    const day = daily[dayIndex(range, receivedAt)];
    if (day) day.messages++;
    if (firstSentAt === -1) ignored++;
    else if (firstSentAt === null) unanswered++;
    else responseMs.push(firstSentAt - receivedAt);
  }
  const uniqueCitizens = citizens.size;

  // Cases, tips, emergencies.
  const tipsByCategory = zeros(CATEGORIES);
  let tipsTotal = 0;
  let tipsUncategorized = 0;
  let tipsAnonymous = 0;
  let emergencies = 0;
  let opened = 0;
  for (const [intent, category, anonymous, openedAt] of st.casesOpened.raw().all(p) as [
    string,
    string | null,
    number,
    number,
  ][]) {
    opened++;
    if (intent === 'emergency') emergencies++;
    if (intent !== 'tip') continue;
    tipsTotal++;
    if (anonymous) tipsAnonymous++;
    if (category === null) tipsUncategorized++;
    else if (isCategory(category)) tipsByCategory[category]++;
    else throw new Error(`cases.category holds an unknown category ${JSON.stringify(category)}`);
    const day = daily[dayIndex(range, openedAt)];
    if (day) day.tips++;
  }
  const closed = (st.casesClosed.get(p) as { n: number }).n;

  // Replies sent, warnings, rebuttals.
  const byKind = zeros(REPLY_KINDS);
  const via = { auto: 0, approved: 0, edited: 0 };
  const people = new Set<string>();
  const byReason: Record<string, number> = {};
  const rebuttalIds = new Set<string>();
  let sent = 0;
  for (const [kind, approvedVia, sentAt, platform, recipientId, data] of st.deliveriesSent.raw().all(p) as [
    string,
    string,
    number,
    string,
    string,
    string | null,
  ][]) {
    sent++;
    if (isReplyKind(kind)) byKind[kind]++;
    else throw new Error(`deliveries.kind holds an unknown kind ${JSON.stringify(kind)}`);
    if (approvedVia === 'auto' || approvedVia === 'approved' || approvedVia === 'edited') via[approvedVia]++;
    else throw new Error(`deliveries.approved_via holds ${JSON.stringify(approvedVia)}`);
    const day = daily[dayIndex(range, sentAt)];
    if (day) day.repliesSent++;
    if (kind === 'warning') {
      const d = DraftDataSchema.parse(data === null ? {} : JSON.parse(data));
      people.add(`${platform}\u0000${d.target?.userId ?? recipientId}`);
      bump(byReason, d.reason ?? 'unspecified');
    } else if (kind === 'rebuttal') {
      const d = DraftDataSchema.parse(data === null ? {} : JSON.parse(data));
      if (d.rebuttalId !== undefined) rebuttalIds.add(d.rebuttalId);
    }
  }
  const notDelivered = { failed: 0, undeliverable: 0, uncertain: 0 };
  for (const r of st.notDelivered.all(p) as { status: keyof typeof notDelivered; n: number }[]) {
    notDelivered[r.status] += r.n;
  }

  // Decisions: rejected, forwarded, approval time, per officer.
  const officerNames = new Map<string, string>();
  for (const r of st.officers.all() as { id: string; name: string }[]) officerNames.set(r.id, r.name);
  const perOfficer = new Map<string, { tally: Omit<OfficerTally, 'approvalSeconds'>; durations: number[] }>();
  const officer = (id: string) => {
    let o = perOfficer.get(id);
    if (!o) {
      o = {
        tally: {
          officerId: id,
          name: officerNames.get(id) ?? null,
          decisions: 0,
          approved: 0,
          edited: 0,
          rejected: 0,
          forwarded: 0,
          warningsRequested: 0,
        },
        durations: [],
      };
      perOfficer.set(id, o);
    }
    return o;
  };
  const approvalMs: number[] = [];
  const byDepartment: Record<string, number> = {};
  let rejected = 0;
  let forwarded = 0;
  for (const [status, decidedBy, edited, createdAt, decidedAt, department] of st.draftsDecided.raw().all(p) as [
    'approved' | 'rejected' | 'forwarded',
    string | null,
    number,
    number,
    number,
    string | null,
  ][]) {
    if (status === 'rejected') rejected++;
    if (status === 'forwarded') {
      forwarded++;
      bump(byDepartment, department ?? 'unspecified');
    }
    if (decidedBy === null || decidedBy === SYSTEM_ACTOR) continue;
    const o = officer(decidedBy);
    o.tally.decisions++;
    if (status === 'approved') {
      if (edited) o.tally.edited++;
      else o.tally.approved++;
    } else o.tally[status]++;
    const ms = decidedAt - createdAt;
    o.durations.push(ms);
    approvalMs.push(ms);
  }
  for (const r of st.warningsRequested.all(p) as { requested_by: string; n: number }[]) {
    if (r.requested_by === SYSTEM_ACTOR) continue;
    officer(r.requested_by).tally.warningsRequested += r.n;
  }

  return {
    month: scope.month,
    account: scope.account,
    timezone: scope.timezone,
    range: { start: new Date(range.start).toISOString(), end: new Date(range.end).toISOString() },
    messages: { received, uniqueCitizens, byIntent, untriaged, ignored, byPlatform: sortedRecord(byPlatform) },
    interactions: sent - byKind.warning,
    tips: { total: tipsTotal, byCategory: tipsByCategory, uncategorized: tipsUncategorized, anonymous: tipsAnonymous },
    emergencies,
    replies: { sent, ...via, rejected, byKind, notDelivered },
    warnings: { sent: byKind.warning, people: people.size, byReason: sortedRecord(byReason) },
    rebuttals: { sent: byKind.rebuttal, distinct: rebuttalIds.size },
    forwarded: { total: forwarded, byDepartment: sortedRecord(byDepartment) },
    cases: { opened, closed },
    firstResponseSeconds: { ...summarizeDurationsMs(responseMs), unanswered },
    approvalSeconds: summarizeDurationsMs(approvalMs),
    perOfficer: [...perOfficer.values()]
      .map((o) => ({ ...o.tally, approvalSeconds: summarizeDurationsMs(o.durations) }))
      .sort((a, b) => (a.officerId < b.officerId ? -1 : a.officerId > b.officerId ? 1 : 0)),
    daily,
  };
}

/** The figures compared month on month. */
export function headlineOf(f: MonthFigures): Headline {
  return {
    messagesReceived: f.messages.received,
    uniqueCitizens: f.messages.uniqueCitizens,
    tips: f.tips.total,
    emergencies: f.emergencies,
    interactions: f.interactions,
    repliesSent: f.replies.sent,
    repliesRejected: f.replies.rejected,
    warningsSent: f.warnings.sent,
    warningsPeople: f.warnings.people,
    rebuttalsSent: f.rebuttals.sent,
    forwarded: f.forwarded.total,
    casesOpened: f.cases.opened,
    casesClosed: f.cases.closed,
    firstResponseMedianSeconds: f.firstResponseSeconds.median,
    approvalMedianSeconds: f.approvalSeconds.median,
  };
}

/**
 * Computes the month's report for one account. Month and day boundaries are local midnights in
 * `timezone`; the previous month is computed the same way for `change`. Throws a ZodError for a bad
 * month or zone, and an Error naming the column when the log holds a value outside the vocabulary
 * (a report never silently drops rows).
 */
export function computeMonthlyReport(
  store: Store,
  opts: { month: string; account: string; timezone: string },
): MonthlyReport {
  const scope = ReportScopeSchema.parse(opts);
  const read = store.sqlite.transaction(() => {
    const current = computeFigures(store, scope);
    const prevMonth = previousMonth(scope.month);
    const previous = computeFigures(store, { ...scope, month: prevMonth });
    const cur = headlineOf(current);
    const prev = headlineOf(previous);
    // Rounded to 0.1 ms so a difference of two durations in seconds carries no float noise.
    const difference = Object.fromEntries(
      HEADLINE_KEYS.map((k) => [k, Math.round((cur[k] - prev[k]) * 10_000) / 10_000]),
    ) as Headline;
    return { ...current, change: { previousMonth: prevMonth, current: cur, previous: prev, difference } };
  });
  // One read transaction: both months see the same snapshot even while the pipeline writes (WAL).
  return MonthlyReportSchema.parse(read.deferred());
}
