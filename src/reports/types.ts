/**
 * The monthly report's shape (DESIGN.md "Report JSON" plus the extra figures of issue 8). One zod
 * schema: the computation's output is checked against it, and renderers can parse a report read back
 * from JSON. Every figure is defined in `DEFINITIONS.md` next to this file.
 */
import { z } from 'zod';
import { CATEGORIES, INTENTS, REPLY_KINDS } from '../domain/vocabulary.ts';

const count = z.number().int().nonnegative();
const counts = z.record(z.string(), count);

function zeroFilled<const K extends readonly string[]>(keys: K) {
  return z.object(Object.fromEntries(keys.map((k) => [k, count])) as { [P in K[number]]: typeof count });
}

export const DurationSummarySchema = z.object({
  median: z.number().nonnegative(),
  p90: z.number().nonnegative(),
  count,
});

/** The figures compared with the previous month (`change`). */
export const HEADLINE_KEYS = [
  'messagesReceived',
  'uniqueCitizens',
  'tips',
  'emergencies',
  'interactions',
  'repliesSent',
  'repliesRejected',
  'warningsSent',
  'warningsPeople',
  'rebuttalsSent',
  'forwarded',
  'casesOpened',
  'casesClosed',
  'firstResponseMedianSeconds',
  'approvalMedianSeconds',
] as const;
export type HeadlineKey = (typeof HEADLINE_KEYS)[number];

export const HeadlineSchema = z.object(
  Object.fromEntries(HEADLINE_KEYS.map((k) => [k, z.number()])) as { [P in HeadlineKey]: z.ZodNumber },
);
export type Headline = z.infer<typeof HeadlineSchema>;

export const OfficerTallySchema = z.object({
  officerId: z.string(),
  name: z.string().nullable(),
  /** approved + edited + rejected + forwarded. */
  decisions: count,
  /** Approved unchanged. */
  approved: count,
  /** Approved after changing the text. */
  edited: count,
  rejected: count,
  forwarded: count,
  /** Warnings this officer asked for (drafts of kind `warning` they requested, created in the month). */
  warningsRequested: count,
  approvalSeconds: DurationSummarySchema,
});
export type OfficerTally = z.infer<typeof OfficerTallySchema>;

export const DailySchema = z.object({
  date: z.string(),
  messages: count,
  tips: count,
  repliesSent: count,
});

export const MonthlyReportSchema = z.object({
  month: z.string(),
  account: z.string(),
  timezone: z.string(),
  /** The instants bounding the month, ISO UTC: [start, end). */
  range: z.object({ start: z.string(), end: z.string() }),
  messages: z.object({
    received: count,
    uniqueCitizens: count,
    byIntent: zeroFilled(INTENTS),
    /** Not yet triaged (intent null) when the report ran. */
    untriaged: count,
    /** Stored but deliberately not answered (abuse control). */
    ignored: count,
    byPlatform: counts,
  }),
  interactions: count,
  tips: z.object({
    total: count,
    byCategory: zeroFilled(CATEGORIES),
    uncategorized: count,
    anonymous: count,
  }),
  emergencies: count,
  replies: z.object({
    sent: count,
    auto: count,
    approved: count,
    edited: count,
    rejected: count,
    byKind: zeroFilled(REPLY_KINDS),
    notDelivered: z.object({ failed: count, undeliverable: count, uncertain: count }),
  }),
  warnings: z.object({ sent: count, people: count, byReason: counts }),
  rebuttals: z.object({ sent: count, distinct: count }),
  forwarded: z.object({ total: count, byDepartment: counts }),
  cases: z.object({ opened: count, closed: count }),
  firstResponseSeconds: DurationSummarySchema.extend({ unanswered: count }),
  approvalSeconds: DurationSummarySchema,
  perOfficer: z.array(OfficerTallySchema),
  daily: z.array(DailySchema),
  change: z.object({
    previousMonth: z.string(),
    current: HeadlineSchema,
    previous: HeadlineSchema,
    /** current − previous, figure by figure. */
    difference: HeadlineSchema,
  }),
});
export type MonthlyReport = z.infer<typeof MonthlyReportSchema>;

/** Options every report entry point takes. */
export interface ReportScope {
  /** `YYYY-MM`. */
  readonly month: string;
  readonly account: string;
  /** IANA zone; month and day boundaries are local midnights there. */
  readonly timezone: string;
}

/** The report's default zone (REPORT_TIMEZONE's default). */
export const DEFAULT_REPORT_TIMEZONE = 'Asia/Shanghai';
