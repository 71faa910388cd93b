/**
 * Reads the outcome of a run straight from the netpatrol SQLite file (read-only, WAL lets it read while
 * the server writes): progress while waiting, first-reply times for latency, and the exactly-once
 * invariants the chaos run checks. Plain SQL on the committed schema (src/store/schema.ts).
 */
import Database from 'better-sqlite3';
import { sleep } from './procs.ts';

export type Db = Database.Database;

export function openReadOnly(file: string): Db {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  return db;
}

export interface Progress {
  /** Messages stored. */
  readonly stored: number;
  /** Messages still waiting for triage (status `received`). */
  readonly untriaged: number;
  /** Deliveries not finished (`approved` or `sending`). */
  readonly pendingDeliveries: number;
  readonly sentDeliveries: number;
}

export function progress(db: Db): Progress {
  const m = db.prepare(`SELECT COUNT(*) AS n, SUM(CASE WHEN status = 'received' THEN 1 ELSE 0 END) AS r FROM messages`).get() as { n: number; r: number | null };
  const d = db
    .prepare(`SELECT SUM(CASE WHEN status IN ('approved','sending') THEN 1 ELSE 0 END) AS p, SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END) AS s FROM deliveries`)
    .get() as { p: number | null; s: number | null };
  return { stored: m.n, untriaged: m.r ?? 0, pendingDeliveries: d.p ?? 0, sentDeliveries: d.s ?? 0 };
}

/**
 * Waits until `expected` messages are stored, all triaged, and no delivery is left to send.
 * Returns the progress at that moment; throws with the last progress after `timeoutMs`.
 */
export async function waitDrained(db: Db, expected: number, timeoutMs: number, pollMs = 100): Promise<Progress> {
  const end = Date.now() + timeoutMs;
  let p = progress(db);
  while (Date.now() < end) {
    p = progress(db);
    if (p.stored >= expected && p.untriaged === 0 && p.pendingDeliveries === 0) return p;
    await sleep(pollMs);
  }
  throw new Error(`not drained within ${timeoutMs} ms: ${JSON.stringify(p)} (expected ${expected} messages)`);
}

/** platform message id → epoch ms of the first reply sent for it (http platform). */
export function firstReplies(db: Db): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT m.platform_message_id AS mid, MIN(d.sent_at) AS t
       FROM deliveries d JOIN drafts r ON r.id = d.draft_id JOIN messages m ON m.id = r.inbound_message_id
       WHERE d.status = 'sent' AND m.platform = 'http' GROUP BY m.platform_message_id`,
    )
    .all() as { mid: string; t: number }[];
  return new Map(rows.map((r) => [r.mid, r.t]));
}

/** The last `sent_at` of any delivery (epoch ms), or null. */
export function lastSentAt(db: Db): number | null {
  return (db.prepare(`SELECT MAX(sent_at) AS t FROM deliveries WHERE status = 'sent'`).get() as { t: number | null }).t;
}

/** A problem found by {@link checkExactlyOnce}. */
export interface Violation {
  readonly kind: string;
  readonly detail: string;
}

export interface ExactlyOnceReport {
  readonly messagesStored: number;
  readonly untriaged: number;
  readonly autoDrafts: number;
  readonly deliveriesSent: number;
  /** Left in `sending` by a kill and moved to `uncertain` (never sent again, officers told). */
  readonly deliveriesUncertain: number;
  readonly conversationsChecked: number;
  readonly violations: Violation[];
}

/**
 * The invariants of DESIGN.md "Delivery": every posted message stored exactly once and triaged; every
 * automatic draft has exactly one delivery, which is `sent` (or `uncertain` after a kill mid-send, never
 * both); no delivery was sent twice (one `delivery.sent` audit event at most); per conversation, sent
 * deliveries + uncertain = automatic drafts.
 */
export function checkExactlyOnce(db: Db, messageIds: readonly string[]): ExactlyOnceReport {
  const violations: Violation[] = [];
  const add = (kind: string, detail: string) => {
    if (violations.filter((v) => v.kind === kind).length < 20) violations.push({ kind, detail });
  };
  const stored = db.prepare(`SELECT platform_message_id AS mid, COUNT(*) AS n, MIN(status) AS status FROM messages WHERE platform = 'http' GROUP BY platform_message_id`).all() as {
    mid: string;
    n: number;
    status: string;
  }[];
  const byMid = new Map(stored.map((s) => [s.mid, s]));
  for (const mid of messageIds) {
    const s = byMid.get(mid);
    if (!s) add('message_lost', `${mid} was accepted but is not stored`);
    else if (s.n !== 1) add('message_duplicated', `${mid} stored ${s.n} times`);
  }
  if (stored.length !== messageIds.length) add('message_count', `${stored.length} stored, ${messageIds.length} posted`);
  const untriaged = (db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE status = 'received'`).get() as { n: number }).n;
  if (untriaged > 0) add('message_stuck', `${untriaged} message(s) still in status received`);

  const auto = db
    .prepare(
      `SELECT r.id AS draftId, r.conversation_id AS conv, r.status AS draftStatus, d.id AS deliveryId, d.status AS status,
              (SELECT COUNT(*) FROM deliveries x WHERE x.draft_id = r.id) AS deliveries,
              (SELECT COUNT(*) FROM audit_events a WHERE a.subject_type = 'delivery' AND a.subject_id = d.id AND a.action = 'delivery.sent') AS sends
       FROM drafts r LEFT JOIN deliveries d ON d.draft_id = r.id WHERE r.approval = 'auto'`,
    )
    .all() as { draftId: string; conv: string; draftStatus: string; deliveryId: string | null; status: string | null; deliveries: number; sends: number }[];
  let sent = 0;
  let uncertain = 0;
  const perConv = new Map<string, { drafts: number; sent: number; uncertain: number }>();
  for (const a of auto) {
    const c = perConv.get(a.conv) ?? { drafts: 0, sent: 0, uncertain: 0 };
    c.drafts++;
    if (a.deliveries !== 1) add('delivery_count', `auto draft ${a.draftId} has ${a.deliveries} deliveries`);
    if (a.sends > 1) add('double_send', `delivery ${a.deliveryId} was sent ${a.sends} times`);
    if (a.status === 'sent') {
      sent++;
      c.sent++;
      if (a.sends !== 1) add('sent_without_record', `delivery ${a.deliveryId} is sent but has ${a.sends} delivery.sent events`);
    } else if (a.status === 'uncertain') {
      uncertain++;
      c.uncertain++;
      if (a.sends !== 0) add('uncertain_but_sent', `delivery ${a.deliveryId} is uncertain but has a delivery.sent event`);
    } else add('delivery_not_sent', `auto draft ${a.draftId}: delivery ${a.deliveryId ?? '(none)'} is ${a.status ?? 'missing'}`);
    perConv.set(a.conv, c);
  }
  const sentPerConv = db.prepare(`SELECT conversation_id AS conv, COUNT(*) AS n FROM deliveries WHERE status = 'sent' GROUP BY conversation_id`).all() as { conv: string; n: number }[];
  for (const s of sentPerConv) {
    const c = perConv.get(s.conv);
    if (!c) add('unexpected_send', `${s.n} sent deliveries in ${s.conv}, which has no automatic draft`);
    else if (s.n !== c.sent) add('conversation_mismatch', `${s.conv}: ${s.n} sent, ${c.sent} expected`);
  }
  for (const [conv, c] of perConv) if (c.sent + c.uncertain !== c.drafts) add('conversation_mismatch', `${conv}: ${c.drafts} automatic drafts, ${c.sent} sent, ${c.uncertain} uncertain`);
  return {
    messagesStored: stored.length,
    untriaged,
    autoDrafts: auto.length,
    deliveriesSent: sent,
    deliveriesUncertain: uncertain,
    conversationsChecked: perConv.size,
    violations,
  };
}
