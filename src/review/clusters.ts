/**
 * Clusters: when a viral rumor brings the same question from many senders, officers see one card with a
 * count instead of hundreds. A pending draft whose message has the same fingerprint (text with case,
 * width, punctuation, spaces and Traditional/Simplified differences removed) and the same template as a
 * pending "leader" drafted within the window joins the leader's cluster; deciding the leader decides
 * every member the same way, each citizen still getting their own reply.
 */
import { createHash } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Store } from '../store/db.ts';
import type { DraftRow } from '../store/rows.ts';
import { drafts } from '../store/schema.ts';

/** How long a leader gathers identical messages. */
export const CLUSTER_WINDOW_MS = 30 * 60_000;

/** Cluster sizes at which the leader's card is posted again with the new count. */
export const CLUSTER_ANNOUNCE_AT: ReadonlySet<number> = new Set([2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]);

/** A stable fingerprint of a message's words; `normalized` is the classifier's normalized text. */
export function fingerprint(normalized: string): string {
  const core = normalized.toLowerCase().replace(/[\p{P}\p{S}\s]+/gu, '');
  return createHash('sha256').update(core).digest('hex').slice(0, 32);
}

/** The pending leader this draft should join, if any. Call inside the write transaction. */
export function findClusterLeader(store: Store, d: { account: string; kind: string; templateKey: string | null; fingerprint: string; at: number }): DraftRow | undefined {
  const withTemplate = d.templateKey !== null;
  const q = store.prepared(`clusters.leader.${withTemplate ? 'template' : 'none'}`, (db) =>
    db
      .select()
      .from(drafts)
      .where(
        and(
          eq(drafts.account, sql.placeholder('account')),
          eq(drafts.status, 'pending'),
          eq(drafts.kind, sql.placeholder('kind')),
          withTemplate ? eq(drafts.templateKey, sql.placeholder('templateKey')) : sql`${drafts.templateKey} IS NULL`,
          gt(drafts.createdAt, sql.placeholder('since')),
          sql`json_extract(${drafts.data}, '$.fingerprint') = ${sql.placeholder('fingerprint')}`,
          sql`json_extract(${drafts.data}, '$.clusterLeader') IS NULL`,
        ),
      )
      .orderBy(drafts.createdAt)
      .limit(1)
      .prepare(),
  );
  return q.get({ account: d.account, kind: d.kind, templateKey: d.templateKey ?? '', since: d.at - CLUSTER_WINDOW_MS, fingerprint: d.fingerprint });
}

/** Pending members of a leader's cluster. */
export function clusterMembers(store: Store, leaderId: string): DraftRow[] {
  return store.db
    .select()
    .from(drafts)
    .where(and(eq(drafts.status, 'pending'), sql`json_extract(${drafts.data}, '$.clusterLeader') = ${leaderId}`))
    .all();
}

/** How many drafts a card stands for (the leader plus its members, decided or not). */
export function clusterSize(store: Store, leaderId: string): number {
  const r = store
    .prepared('clusters.size', (db) =>
      db.select({ n: sql<number>`count(*)` }).from(drafts).where(sql`json_extract(${drafts.data}, '$.clusterLeader') = ${sql.placeholder('leader')}`).prepare(),
    )
    .get({ leader: leaderId });
  return 1 + (r?.n ?? 0);
}
