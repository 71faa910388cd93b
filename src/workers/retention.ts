/**
 * Retention (RETENTION_DAYS, default 365): citizens' message bodies older than the cutoff are
 * anonymized in place, so every tally keeps working from the columns that remain.
 *
 * What one pass does, for rows older than `now - days`:
 * - `messages` (by `received_at`): `text` → '', `attachments` → '[]', `sender_name` → null,
 *   `meta` → '{}', the entities inside `classification` emptied (they are numbers taken from the
 *   text), `redacted_at` set. Kept: ids, account, platform, conversation and sender ids (needed for
 *   "unique citizens"), intent, category, confidence, case, status, anonymous flag, timestamps.
 * - `drafts` (by `created_at`, every status but `pending`): `text` and `original_text` →
 *   {@link REDACTED_TEXT}; `data.content` and `data.place` (what a warned poster wrote, and where)
 *   removed. Kept: kind, status, deciders, times, department, `data.target` / `reason` /
 *   `rebuttalId` (read by the monthly report).
 * - `deliveries` (by `created_at`, finished ones: sent, failed, undeliverable, uncertain): `text` →
 *   {@link REDACTED_TEXT}.
 *
 * - `audit_texts`: texts audit events quote (by `sha256:` reference) last used before the cutoff are
 *   deleted; the events themselves are untouched, so `audit verify` still passes.
 * Not touched: `audit_events` rows (a hash chain), cases, officers, jobs (ids only).
 * Guarantees: idempotent (a second pass with the same cutoff changes nothing), works in batches of
 * `batchSize` rows per IMMEDIATE transaction so intake is never blocked for long, and a monthly
 * report computed before and after a pass is identical.
 */
import type { Config } from '../config/index.ts';
import type { Logger } from '../logging/logger.ts';
import { transaction, type Store } from '../store/db.ts';
import { expireAuditTexts } from '../store/audit.ts';

/** What a reply's text becomes once past retention. */
export const REDACTED_TEXT = '[已按保存期限删除]';

const DAY_MS = 86_400_000;

/** The shape classification.entities keeps, emptied. */
const EMPTY_ENTITIES = JSON.stringify({ phones: [], urls: [], bankCards: [], idNumbers: [], wechatIds: [], qqNumbers: [], amounts: [], caseNumbers: [] });

export interface RetentionOptions {
  /** Keep this many days (RETENTION_DAYS). Must be a positive integer. */
  readonly days: number;
  /** The current time; the cutoff is `now - days`. */
  readonly now: Date;
  /** Rows per transaction (default 500). */
  readonly batchSize?: number;
}

export interface RetentionResult {
  /** Messages anonymized in this pass. */
  readonly redacted: number;
  /** Drafts whose texts were replaced in this pass. */
  readonly drafts: number;
  /** Deliveries whose text was replaced in this pass. */
  readonly deliveries: number;
  /** Texts quoted by audit events deleted in this pass (the events keep their hashes). */
  readonly auditTexts: number;
}

/** Runs `stmt` in batches until it changes no more rows; returns the total changed. */
function inBatches(store: Store, run: () => number): number {
  let total = 0;
  for (;;) {
    const changed = transaction(store, run);
    total += changed;
    if (changed === 0) return total;
  }
}

/**
 * One retention pass (synchronous: SQLite). Throws a RangeError for a non-positive `days` or an
 * invalid `now`, so a misconfiguration can never redact everything.
 */
export function runRetention(store: Store, opts: RetentionOptions): RetentionResult {
  if (!Number.isInteger(opts.days) || opts.days < 1) throw new RangeError(`retention days must be a positive integer, got ${opts.days}`);
  const nowMs = opts.now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('retention needs a valid current time');
  const batch = Math.max(1, Math.floor(opts.batchSize ?? 500));
  const cutoff = nowMs - opts.days * DAY_MS;
  const { sqlite } = store;

  const messagesStmt = sqlite.prepare(`
    UPDATE messages
       SET text = '', attachments = '[]', sender_name = NULL, meta = '{}',
           classification = CASE WHEN classification IS NULL OR json_valid(classification) = 0 THEN classification
                                 ELSE json_set(classification, '$.entities', json(@entities)) END,
           redacted_at = @now
     WHERE rowid IN (SELECT rowid FROM messages WHERE received_at < @cutoff AND redacted_at IS NULL LIMIT @batch)`);
  const draftsStmt = sqlite.prepare(`
    UPDATE drafts
       SET text = @redacted, original_text = @redacted,
           data = CASE WHEN json_valid(data) THEN json_remove(data, '$.content', '$.place') ELSE '{}' END
     WHERE rowid IN (SELECT rowid FROM drafts
                      WHERE created_at < @cutoff AND status <> 'pending'
                        AND (text <> @redacted OR original_text <> @redacted) LIMIT @batch)`);
  const deliveriesStmt = sqlite.prepare(`
    UPDATE deliveries SET text = @redacted
     WHERE rowid IN (SELECT rowid FROM deliveries
                      WHERE created_at < @cutoff AND status IN ('sent', 'failed', 'undeliverable', 'uncertain')
                        AND text <> @redacted LIMIT @batch)`);

  const redacted = inBatches(store, () => messagesStmt.run({ now: nowMs, cutoff, batch, entities: EMPTY_ENTITIES }).changes);
  const drafts = inBatches(store, () => draftsStmt.run({ cutoff, batch, redacted: REDACTED_TEXT }).changes);
  const deliveries = inBatches(store, () => deliveriesStmt.run({ cutoff, batch, redacted: REDACTED_TEXT }).changes);
  // Texts quoted by audit events: the events keep their hashes (the chain stays valid), the texts go.
  const auditTexts = transaction(store, () => expireAuditTexts(store, cutoff));
  return { redacted, drafts, deliveries, auditTexts };
}

export interface RetentionDeps {
  readonly store: Store;
  readonly config: Pick<Config, 'retentionDays'>;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/**
 * Runs {@link runRetention} once soon after start (so a process restarted more often than
 * `intervalMs` still applies retention) and then every `intervalMs` (default 6 hours) until stopped.
 * A failed pass is logged and retried at the next tick.
 */
export function startRetention(deps: RetentionDeps, intervalMs = 6 * 3_600_000): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const pass = () => {
    running = Promise.resolve()
      .then(() => {
        const r = runRetention(deps.store, { days: deps.config.retentionDays, now: deps.now?.() ?? new Date() });
        if (r.redacted || r.drafts || r.deliveries) deps.logger.info({ ...r, days: deps.config.retentionDays }, 'retention pass');
      })
      .catch((err: unknown) => deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'retention pass failed'));
  };
  const first = setTimeout(pass, Math.min(5_000, intervalMs));
  const timer = setInterval(pass, intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
