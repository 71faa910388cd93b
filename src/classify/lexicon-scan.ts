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
  // The first level as a table indexed by UTF-16 code unit: most positions start no term, and an
  // array read is much cheaper than a Map lookup on that hot path.
  const first: Array<TrieNode | undefined> = new Array<TrieNode | undefined>(0x10000).fill(undefined);
  for (const [code, node] of root.next) first[code] = node;
  return {
    labels,
    scan(text: string): Float64Array {
      const scores = new Float64Array(labels.length);
      for (let i = 0; i < text.length; i += 1) {
        let node: TrieNode | undefined = first[text.charCodeAt(i)];
        for (let j = i + 1; node; j += 1) {
          const hits = node.hits;
          for (let h = 0; h < hits.length; h += 2) scores[hits[h]!]! += hits[h + 1]!;
          if (j >= text.length) break;
          node = node.next.get(text.charCodeAt(j));
        }
      }
      return scores;
    },
  };
}

function prefixed(prefix: string, lexicons: Record<string, Lexicon>): Record<string, Lexicon> {
  return Object.fromEntries(Object.entries(lexicons).map(([k, v]) => [`${prefix}${k}`, v]));
}

/** The repository's category and intent lexicons, by label. */
export const DEFAULT_LEXICONS: Record<string, Lexicon> = {
  ...prefixed('cat:', CATEGORY_LEXICON),
  'cat:none': BENIGN_LEXICON,
  ...prefixed('intent:', INTENT_LEXICON),
};

/** The scanner over the repository's category and intent lexicons. */
export const defaultScanner: LexiconScanner = buildScanner(DEFAULT_LEXICONS);
