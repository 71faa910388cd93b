/**
 * The drill-down behind the tallies: one row per case opened in the month, so an officer can show
 * which cases make up "受理举报线索N条". Personal data is masked unless `full` is set (an admin's
 * request, authorised and logged by the caller); an anonymous case never shows its sender, full or not.
 */
import type { Store } from '../store/db.ts';
import { maskHandle, maskName, maskPhone } from '../privacy/mask.ts';
import { ReportScopeSchema } from './monthly.ts';
import { formatLocal, monthRange } from './time.ts';

/** Shown instead of the sender of an anonymous case. */
export const ANONYMOUS_SENDER = '匿名';

export interface CaseRow {
  /** The number quoted to the citizen, e.g. `NP20261101000001`. */
  caseNumber: string;
  /** Local time in the report's zone, `YYYY-MM-DD HH:mm:ss`. */
  openedAt: string;
  platform: string;
  intent: string;
  category: string | null;
  status: string;
  department: string | null;
  anonymous: boolean;
  /** Citizen messages attached to the case (all time). */
  messages: number;
  /** When the first reply (any kind but a warning) for this case was sent; null when none yet. */
  firstReplyAt: string | null;
  /** First reply − case opened, in seconds; null when none yet. */
  firstReplySeconds: number | null;
  closedAt: string | null;
  /** `name (account id)`, masked unless full (src/privacy/mask.ts); `匿名` for anonymous cases. */
  sender: string;
}

export interface CaseRowOptions {
  month: string;
  account: string;
  timezone: string;
  /** Unmasked sender names and ids (anonymous cases stay anonymous). Authorise and audit before. */
  full?: boolean;
  /** Called every 5,000 rows and at the end with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

const CASES_SQL = `
  SELECT c.id, c.number, c.opened_at, c.platform, c.intent, c.category, c.status, c.department,
    c.anonymous, c.sender_id, c.closed_at,
    (SELECT count(*) FROM messages m WHERE m.case_id = c.id) AS messages,
    (SELECT m.sender_name FROM messages m WHERE m.case_id = c.id AND m.sender_name IS NOT NULL
      ORDER BY m.received_at LIMIT 1) AS sender_name
  FROM cases c
  WHERE c.account = @account AND c.opened_at >= @start AND c.opened_at < @end
  ORDER BY c.opened_at, c.number`;

// Every reply to a case opened in the month is sent at or after the month's start: one range scan
// on deliveries_account_sent instead of one lookup per case (deliveries has no case_id index).
const FIRST_REPLIES_SQL = `
  SELECT case_id, min(sent_at) AS first_sent FROM deliveries
  WHERE account = @account AND sent_at >= @start AND status = 'sent' AND kind <> 'warning'
    AND case_id IS NOT NULL
  GROUP BY case_id`;

interface CaseSqlRow {
  id: string;
  number: string;
  opened_at: number;
  platform: string;
  intent: string;
  category: string | null;
  status: string;
  department: string | null;
  anonymous: number;
  sender_id: string;
  closed_at: number | null;
  messages: number;
  sender_name: string | null;
}

/** A platform id that is a mainland mobile number is masked as a phone; any other id as a handle. */
function maskSenderId(id: string): string {
  return /^(?:\+?86)?1[3-9]\d{9}$/.test(id) ? maskPhone(id) : maskHandle(id);
}

function senderLabel(name: string | null, id: string, full: boolean): string {
  if (full) return name ? `${name} (${id})` : id;
  const maskedId = maskSenderId(id);
  return name ? `${maskName(name)} (${maskedId})` : maskedId;
}

/** The month's cases, oldest first (ties by number). */
export function listCaseRows(store: Store, opts: CaseRowOptions): CaseRow[] {
  const scope = ReportScopeSchema.parse(opts);
  const range = monthRange(scope.month, scope.timezone);
  const p = { account: scope.account, start: range.start, end: range.end };
  const full = opts.full === true;
  return store.sqlite
    .transaction(() => {
      const firstSent = new Map<string, number>();
      for (const [caseId, at] of store.sqlite.prepare(FIRST_REPLIES_SQL).raw().all(p) as [string, number][]) {
        firstSent.set(caseId, at);
      }
      const rows = store.sqlite.prepare(CASES_SQL).all(p) as CaseSqlRow[];
      const out: CaseRow[] = [];
      for (const r of rows) {
        const first = firstSent.get(r.id);
        out.push({
          caseNumber: r.number,
          openedAt: formatLocal(r.opened_at, scope.timezone),
          platform: r.platform,
          intent: r.intent,
          category: r.category,
          status: r.status,
          department: r.department,
          anonymous: r.anonymous === 1,
          messages: r.messages,
          firstReplyAt: first === undefined ? null : formatLocal(first, scope.timezone),
          firstReplySeconds: first === undefined ? null : (first - r.opened_at) / 1000,
          closedAt: r.closed_at === null ? null : formatLocal(r.closed_at, scope.timezone),
          sender: r.anonymous === 1 ? ANONYMOUS_SENDER : senderLabel(r.sender_name, r.sender_id, full),
        });
        if (opts.onProgress && out.length % 5000 === 0) opts.onProgress(out.length, rows.length);
      }
      opts.onProgress?.(out.length, rows.length);
      return out;
    })
    .deferred();
}
