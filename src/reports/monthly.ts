/**
 * Monthly tallies computed from the interaction log (messages, cases, drafts, deliveries, officers).
 * Read-only and deterministic: the same database and arguments give the same report, byte for byte
 * once rendered. Every figure is defined in `DEFINITIONS.md`; a figure reflects the rows as they are
 * when the report runs (a case relabelled later moves between categories in past reports too).
 */
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { DRAFT_STATUSES } from '../domain/schemas.ts';
import type { Store } from '../store/db.ts';
import { CATEGORIES, INTENTS, REPLY_KINDS, type Category, type Intent, type ReplyKind } from '../domain/vocabulary.ts';
import { summarizeDurationsMs } from './stats.ts';
import { monthRange, MonthSchema, previousMonth, TimeZoneSchema, type MonthRange } from './time.ts';
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

/*
 * Performance: the month's rows are aggregated inside SQLite and only small grouped results (or bare
 * integers) cross into JavaScript; materialising a string per row costs more than the scan itself.
 * Day buckets come from a JSON array of [start, end) pairs (`@days`), joined first (CROSS JOIN fixes the
 * loop order) so each day is one index range.
 */
const SQL = {
  messagesByDay: `
    SELECT j.key AS day, m.platform, m.intent, (m.status = 'ignored') AS ignored, count(*) AS n
    FROM json_each(@days) j CROSS JOIN messages m
      ON m.account = @account AND m.received_at >= j.value ->> 0 AND m.received_at < j.value ->> 1
    GROUP BY 1, 2, 3, 4`,
  // Distinct senders per platform add up to distinct (platform, sender) pairs.
  citizensByPlatform: `
    SELECT platform, count(DISTINCT sender_id) AS n FROM messages
    WHERE account = @account AND received_at >= @start AND received_at < @end
    GROUP BY platform`,
  // For each message of the month: milliseconds until the first reply (not a warning) sent to the same
  // conversation at or after it; NULL when none; -1 for ignored messages (not expected to be answered).
  // The unary `+` keeps the planner on deliveries_conversation (platform, conversation_id, sent_at):
  // with the account term indexable it walks deliveries_account_sent from received_at onwards instead,
  // which is quadratic over a month.
  responses: `
    SELECT CASE WHEN m.status = 'ignored' THEN -1 ELSE (
        SELECT d.sent_at FROM deliveries d
        WHERE d.platform = m.platform AND d.conversation_id = m.conversation_id
          AND d.sent_at >= m.received_at AND d.status = 'sent' AND d.kind <> 'warning'
          AND +d.account = m.account
        ORDER BY d.sent_at LIMIT 1) - m.received_at END AS response_ms
    FROM messages m
    WHERE m.account = @account AND m.received_at >= @start AND m.received_at < @end`,
  casesByDay: `
    SELECT j.key AS day, c.intent, c.category, c.anonymous, count(*) AS n
    FROM json_each(@days) j CROSS JOIN cases c
      ON c.account = @account AND c.opened_at >= j.value ->> 0 AND c.opened_at < j.value ->> 1
    GROUP BY 1, 2, 3, 4`,
  casesClosed: `
    SELECT count(*) AS n FROM cases
    WHERE account = @account AND closed_at >= @start AND closed_at < @end`,
  // One pass over the month's sent deliveries: counts by day, kind and approval, and for warnings the
  // person and reason, for rebuttals the rebuttal id (the draft is read only for those two kinds).
  deliveriesByDay: `
    SELECT j.key AS day, d.kind, d.approved_via,
      CASE d.kind
        WHEN 'warning' THEN d.platform || char(0) || coalesce(json_extract(dr.data, '$.target.userId'), d.recipient_id)
        WHEN 'rebuttal' THEN json_extract(dr.data, '$.rebuttalId') END AS key,
      CASE d.kind WHEN 'warning' THEN json_extract(dr.data, '$.reason') END AS reason,
      count(*) AS n
    FROM json_each(@days) j CROSS JOIN deliveries d
      ON d.account = @account AND d.sent_at >= j.value ->> 0 AND d.sent_at < j.value ->> 1
    LEFT JOIN drafts dr ON d.kind IN ('warning', 'rebuttal') AND dr.id = d.draft_id
    WHERE d.status = 'sent'
    GROUP BY 1, 2, 3, 4, 5`,
  // The unary + on account: use deliveries_status (few rows) rather than every delivery of the account.
  notDelivered: `
    SELECT status, count(*) AS n FROM deliveries
    WHERE status IN ('failed', 'undeliverable', 'uncertain')
      AND +account = @account AND created_at >= @start AND created_at < @end
    GROUP BY status`,
  // Automatic approvals (decided by 'system') are left out: only rejections and forwards count for them.
  draftsDecided: `
    SELECT status, decided_by, edited, decided_at - created_at AS ms, department FROM drafts
    WHERE account = @account AND decided_at >= @start AND decided_at < @end
      AND status IN ('approved', 'rejected', 'forwarded')
      AND (status <> 'approved' OR decided_by <> '${SYSTEM_ACTOR}')`,
  // Listing every draft status lets drafts_status (account, status, created_at) serve a month range per
  // status instead of scanning the account's whole history; `status` only ever holds DRAFT_STATUSES.
  warningsRequested: `
    SELECT requested_by, count(*) AS n FROM drafts
    WHERE account = @account AND status IN (${DRAFT_STATUSES.map((s) => `'${s}'`).join(', ')})
      AND kind = 'warning' AND requested_by IS NOT NULL
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

function unknownValue(column: string, value: unknown): Error {
  return new Error(`${column} holds ${JSON.stringify(value)}, which is not in the vocabulary: the report stops rather than drop rows`);
}

function computeFigures(store: Store, scope: ReportScope): MonthFigures {
  const st = statements(store.sqlite);
  const range: MonthRange = monthRange(scope.month, scope.timezone);
  const days = JSON.stringify(range.dates.map((_, i) => [range.dayStarts[i], range.dayStarts[i + 1]]));
  const p = { account: scope.account, start: range.start, end: range.end, days };
  const daily = range.dates.map((date) => ({ date, messages: 0, tips: 0, repliesSent: 0 }));
  const dayOf = (i: number) => {
    const d = daily[i];
    if (!d) throw new Error(`day bucket ${i} outside ${scope.month}`);
    return d;
  };

  // Messages.
  const byIntent = zeros(INTENTS);
  const byPlatform: Record<string, number> = {};
  let received = 0;
  let untriaged = 0;
  let ignored = 0;
  for (const [day, platform, intent, isIgnored, n] of st.messagesByDay.raw().all(p) as [
    number,
    string,
    string | null,
    number,
    number,
  ][]) {
    received += n;
    dayOf(day).messages += n;
    bump(byPlatform, platform, n);
    if (isIgnored) ignored += n;
    if (intent === null) untriaged += n;
    else if (isIntent(intent)) byIntent[intent] += n;
    else throw unknownValue('messages.intent', intent);
  }
  let uniqueCitizens = 0;
  for (const [, n] of st.citizensByPlatform.raw().all(p) as [string, number][]) uniqueCitizens += n;

  // First response.
  const responseMs: number[] = [];
  let unanswered = 0;
  for (const ms of st.responses.pluck().all(p) as (number | null)[]) {
    if (ms === null) unanswered++;
    else if (ms >= 0) responseMs.push(ms);
  }

  // Cases, tips, emergencies.
  const tipsByCategory = zeros(CATEGORIES);
  let tipsTotal = 0;
  let tipsUncategorized = 0;
  let tipsAnonymous = 0;
  let emergencies = 0;
  let opened = 0;
  for (const [day, intent, category, anonymous, n] of st.casesByDay.raw().all(p) as [
    number,
    string,
    string | null,
    number,
    number,
  ][]) {
    opened += n;
    if (intent === 'emergency') emergencies += n;
    if (intent !== 'tip') continue;
    tipsTotal += n;
    dayOf(day).tips += n;
    if (anonymous) tipsAnonymous += n;
    if (category === null) tipsUncategorized += n;
    else if (isCategory(category)) tipsByCategory[category] += n;
    else throw unknownValue('cases.category', category);
  }
  const closed = (st.casesClosed.get(p) as { n: number }).n;

  // Replies sent, warnings, rebuttals.
  const byKind = zeros(REPLY_KINDS);
  const via = { auto: 0, approved: 0, edited: 0 };
  const people = new Set<string>();
  const byReason: Record<string, number> = {};
  const rebuttalIds = new Set<string>();
  let sent = 0;
  for (const [day, kind, approvedVia, key, reason, n] of st.deliveriesByDay.raw().all(p) as [
    number,
    string,
    string,
    string | number | null,
    string | null,
    number,
  ][]) {
    sent += n;
    dayOf(day).repliesSent += n;
    if (isReplyKind(kind)) byKind[kind] += n;
    else throw unknownValue('deliveries.kind', kind);
    if (approvedVia === 'auto' || approvedVia === 'approved' || approvedVia === 'edited') via[approvedVia] += n;
    else throw unknownValue('deliveries.approved_via', approvedVia);
    if (kind === 'warning') {
      people.add(String(key));
      bump(byReason, reason === null ? 'unspecified' : String(reason), n);
    } else if (kind === 'rebuttal' && key !== null) rebuttalIds.add(String(key));
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
  for (const [status, decidedBy, edited, ms, department] of st.draftsDecided.raw().all(p) as [
    'approved' | 'rejected' | 'forwarded',
    string | null,
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
