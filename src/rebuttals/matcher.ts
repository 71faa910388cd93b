/**
 * Matches a citizen's message against the rebuttal library's claims.
 *
 * Retrieval: minisearch (BM25) over character bigrams and single characters of the normalized claims
 * (see normalize.ts) proposes candidates; each is then scored in [0, 1] by IDF-weighted overlap
 * (single characters at 0.3 of their weight):
 *   score = 0.7 · (share of the claim's weight found in the message)
 *         + 0.3 · (share of the message's weight found in the claim)
 * so a reworded message that contains most of a claim scores high even with extra words, and a
 * message that shares one common word ("停电") with a claim scores low. An entry's score is its best
 * claim's. Bands: `high` ≥ opts.high, `middle` ≥ opts.middle, else `low` (figures in README.md).
 */
import MiniSearch from 'minisearch';
import type { Store } from '../store/db.ts';
import type { Band, RebuttalCandidate } from '../replies/types.ts';
import { listRebuttals } from './library.ts';
import { features, normalizeForMatch } from './normalize.ts';
import type { RebuttalEntry } from './schema.ts';

/** Default band thresholds, chosen on test/fixtures/rebuttals (see README.md). */
export const DEFAULT_THRESHOLDS = { high: 0.6, middle: 0.4 } as const;

export interface MatchResult {
  band: Band;
  /** The best-scoring entry (also in the low band, for the officers' card), or null when nothing shares a feature. */
  best: RebuttalCandidate | null;
  /** Up to three entries, best first. */
  candidates: RebuttalCandidate[];
}

export interface RebuttalMatcher {
  match(text: string): MatchResult;
  /** The score of one entry for `text` (0 when the entry is unknown). */
  scoreOf(text: string, entryId: string): number;
  /** Reloads the library now (it also reloads by itself when the rebuttals table changed). */
  refresh(): void;
  readonly thresholds: { high: number; middle: number };
}

interface ClaimDoc {
  id: number;
  entryId: string;
  feats: string[];
}

interface Index {
  entries: Map<string, RebuttalEntry>;
  claims: ClaimDoc[];
  idf: Map<string, number>;
  search: MiniSearch<ClaimDoc>;
}

const CLAIM_WEIGHT = 0.7;
const MAX_CANDIDATE_CLAIMS = 40;
/** Single characters count, at this share of their IDF, so word order changes (停水三天 / 停三天水) still score. */
const UNIGRAM_WEIGHT = 0.3;

function buildIndex(entries: RebuttalEntry[]): Index {
  const claims: ClaimDoc[] = [];
  for (const e of entries) for (const c of e.claims) claims.push({ id: claims.length, entryId: e.id, feats: features(normalizeForMatch(c)) });
  const df = new Map<string, number>();
  for (const c of claims) for (const f of c.feats) df.set(f, (df.get(f) ?? 0) + 1);
  const n = Math.max(claims.length, 1);
  const idf = new Map<string, number>();
  for (const [f, d] of df) idf.set(f, Math.log(1 + n / d));
  const search = new MiniSearch<ClaimDoc>({
    fields: ['feats'],
    storeFields: [],
    extractField: (doc, field) => (field === 'feats' ? doc.feats.join(' ') : String((doc as unknown as Record<string, unknown>)[field])),
    tokenize: (s) => s.split(' ').filter(Boolean),
    processTerm: (t) => t,
  });
  search.addAll(claims);
  return { entries: new Map(entries.map((e) => [e.id, e])), claims, idf, search };
}

/** IDF of a feature not in any claim: as rare as can be. */
function weight(idx: Index, f: string): number {
  const w = idx.idf.get(f) ?? Math.log(1 + Math.max(idx.claims.length, 1) * 2);
  return f.startsWith('~') ? w * UNIGRAM_WEIGHT : w;
}

function claimScore(idx: Index, q: Set<string>, qWeight: number, claim: ClaimDoc): number {
  let shared = 0;
  let claimWeight = 0;
  for (const f of claim.feats) {
    const w = weight(idx, f);
    claimWeight += w;
    if (q.has(f)) shared += w;
  }
  if (claimWeight === 0 || qWeight === 0) return 0;
  return CLAIM_WEIGHT * (shared / claimWeight) + (1 - CLAIM_WEIGHT) * Math.min(1, shared / qWeight);
}

function candidate(e: RebuttalEntry, score: number): RebuttalCandidate {
  return { id: e.id, title: e.title, score, verdict: e.verdict, rebuttal: e.rebuttal, source: e.source, status: e.status };
}

/** Creates a matcher over the store's library; thresholds default to {@link DEFAULT_THRESHOLDS}. */
export function createRebuttalMatcher(store: Store, opts: { high?: number; middle?: number } = {}): RebuttalMatcher {
  const thresholds = { high: opts.high ?? DEFAULT_THRESHOLDS.high, middle: opts.middle ?? DEFAULT_THRESHOLDS.middle };
  if (!(thresholds.middle <= thresholds.high)) throw new RangeError(`rebuttal thresholds: middle (${thresholds.middle}) must not exceed high (${thresholds.high})`);
  let idx: Index | null = null;
  let stamp = '';

  const currentStamp = () => {
    const r = store.stmt('SELECT COUNT(*) AS c, COALESCE(MAX(updated_at), 0) AS u FROM rebuttals').get() as { c: number; u: number };
    return `${r.c}/${r.u}`;
  };
  const refresh = () => {
    stamp = currentStamp();
    idx = buildIndex(listRebuttals(store));
  };
  const index = (): Index => {
    if (!idx || currentStamp() !== stamp) refresh();
    return idx as unknown as Index;
  };

  const scoreAll = (text: string): Array<{ entry: RebuttalEntry; score: number }> => {
    const ix = index();
    const qFeats = features(normalizeForMatch(text));
    if (qFeats.length === 0 || ix.claims.length === 0) return [];
    const q = new Set(qFeats);
    let qWeight = 0;
    for (const f of q) qWeight += weight(ix, f);
    const hits = ix.search.search(qFeats.join(' '), { combineWith: 'OR' }).slice(0, MAX_CANDIDATE_CLAIMS);
    const best = new Map<string, number>();
    for (const h of hits) {
      const claim = ix.claims[h.id as number];
      if (!claim) continue;
      const s = claimScore(ix, q, qWeight, claim);
      if (s > (best.get(claim.entryId) ?? 0)) best.set(claim.entryId, s);
    }
    return [...best.entries()]
      .map(([id, score]) => ({ entry: ix.entries.get(id) as RebuttalEntry, score }))
      .sort((a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id));
  };

  return {
    thresholds,
    refresh,
    match(text: string): MatchResult {
      const ranked = scoreAll(text).slice(0, 3);
      const candidates = ranked.map((r) => candidate(r.entry, r.score));
      const best = candidates[0] ?? null;
      const band: Band = !best ? 'low' : best.score >= thresholds.high ? 'high' : best.score >= thresholds.middle ? 'middle' : 'low';
      return { band, best, candidates };
    },
    scoreOf(text: string, entryId: string): number {
      const ix = index();
      const q = new Set(features(normalizeForMatch(text)));
      let qWeight = 0;
      for (const f of q) qWeight += weight(ix, f);
      let s = 0;
      for (const c of ix.claims) if (c.entryId === entryId) s = Math.max(s, claimScore(ix, q, qWeight, c));
      return s;
    },
  };
}
