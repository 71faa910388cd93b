/**
 * Publishing an entry: it becomes `approved` (publishedAt set once), and every open verify case whose
 * messages match it in the high band is returned, so the caller drafts the rebuttal for each asker
 * through the approval policy. No asker is forgotten: the search reads the cases, not a cache.
 */
import { eq } from 'drizzle-orm';
import { UserFacingError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { rebuttals } from '../store/schema.ts';
import { createRebuttalMatcher, type RebuttalMatcher } from './matcher.ts';

export interface PublishOptions {
  /** A matcher to reuse (its thresholds decide "high"); one is created otherwise. */
  matcher?: RebuttalMatcher;
  high?: number;
  now?: Date;
}

/**
 * Approves entry `id` and returns the ids of open `verify` cases (oldest first) with a message whose
 * best library match is this entry, in the high band. Throws UserFacingError(not_found) for an
 * unknown id. Calling it again returns the same cases (the caller dedupes on what it already sent).
 */
export function publishRebuttal(store: Store, id: string, opts: PublishOptions = {}): string[] {
  const now = (opts.now ?? new Date()).getTime();
  const row = store.db.select().from(rebuttals).where(eq(rebuttals.id, id)).get();
  if (!row) throw new UserFacingError(`unknown rebuttal "${id}" (see: rebuttals list)`, 'not_found', 404);
  store.db
    .update(rebuttals)
    .set({ status: 'approved', publishedAt: row.publishedAt ?? now, updatedAt: Math.max(now, row.updatedAt + 1) })
    .where(eq(rebuttals.id, id))
    .run();
  const matcher = opts.matcher ?? createRebuttalMatcher(store, opts.high !== undefined ? { high: opts.high } : {});
  matcher.refresh();
  const rows = store.sqlite
    .prepare(
      `SELECT c.id AS caseId, m.text AS text
         FROM cases c JOIN messages m ON m.case_id = c.id
        WHERE c.status = 'open' AND c.intent = 'verify' AND m.redacted_at IS NULL
        ORDER BY c.opened_at, c.id, m.received_at`,
    )
    .all() as { caseId: string; text: string }[];
  const out: string[] = [];
  for (const r of rows) {
    if (out.includes(r.caseId) || r.text.trim() === '') continue;
    const m = matcher.match(r.text);
    if (m.band === 'high' && m.best?.id === id) out.push(r.caseId);
  }
  return out;
}
