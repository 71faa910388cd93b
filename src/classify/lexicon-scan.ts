/**
 * Scans text for every lexicon term at once with a character trie: one pass, cost proportional to
 * the text length (not to the number of terms), so the lexicons can grow without slowing triage.
 */
import { BENIGN_LEXICON, CATEGORY_LEXICON, INTENT_LEXICON, type Lexicon } from './rules/lexicon.ts';

interface TrieNode {
  next: Map<number, TrieNode>;
  /** Label indexes and weights of the terms ending here, flat: [label, weight, label, weight, …]. */
  hits: number[];
}

export interface LexiconScanner {
  /** Labels in index order: `cat:fraud` … `intent:verify` …. */
  readonly labels: readonly string[];
  /** Sum of the weights of the terms found, per label index. */
  scan(lowerText: string): Float64Array;
}

/** Builds a scanner from label → lexicon maps. Terms are matched on lower-cased text. */
export function buildScanner(lexicons: Record<string, Lexicon>): LexiconScanner {
  const labels = Object.keys(lexicons);
  const root: TrieNode = { next: new Map(), hits: [] };
  labels.forEach((label, index) => {
    for (const [term, weight] of Object.entries(lexicons[label] ?? {})) {
      if (weight <= 0 || term.length === 0) continue;
      let node = root;
      const lower = term.toLowerCase();
      for (let i = 0; i < lower.length; i += 1) {
        const code = lower.charCodeAt(i);
        let child = node.next.get(code);
        if (!child) {
          child = { next: new Map(), hits: [] };
          node.next.set(code, child);
        }
        node = child;
      }
      node.hits.push(index, weight);
    }
  });
  return {
    labels,
    scan(text: string): Float64Array {
      const scores = new Float64Array(labels.length);
      for (let i = 0; i < text.length; i += 1) {
        let node: TrieNode | undefined = root;
        for (let j = i; j < text.length && node; j += 1) {
          node = node.next.get(text.charCodeAt(j));
          if (node) {
            const hits = node.hits;
            for (let h = 0; h < hits.length; h += 2) scores[hits[h]!]! += hits[h + 1]!;
          }
        }
      }
      return scores;
    },
  };
}

function prefixed(prefix: string, lexicons: Record<string, Lexicon>): Record<string, Lexicon> {
  return Object.fromEntries(Object.entries(lexicons).map(([k, v]) => [`${prefix}${k}`, v]));
}

/** The scanner over the repository's category and intent lexicons. */
export const defaultScanner: LexiconScanner = buildScanner({
  ...prefixed('cat:', CATEGORY_LEXICON),
  'cat:none': BENIGN_LEXICON,
  ...prefixed('intent:', INTENT_LEXICON),
});
