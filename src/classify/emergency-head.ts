/**
 * The statistical emergency head: a binary logistic regression (emergency or not) that gives the
 * emergency stage a second, independent opinion. The rules recognise what they were written for;
 * the head generalizes from the team's labelled examples to phrasings nobody wrote a pattern for.
 *
 * Features (from the idiom-masked text, so 「笑死」「累死了」 are already blanked; the lexicon scores
 * from the unmasked one): hashed character 1–3-grams, the lexicon scores, a few entity kinds, the
 * plain words of the rules' danger-word families (one flag per family) and self-harm cue groups
 * (how many groups: 1 or 2+), and who/when cues (first person, family, "now", a question).
 * It deliberately does not see which rule tier matched: the rules were tuned on the same examples,
 * so a head that saw their verdict would learn to copy them and add nothing on new text.
 *
 * Training is deterministic (fixed order, seeded shuffle, rounded weights): same examples → same
 * weights, byte for byte.
 */
import type { Entities } from '../domain/schemas.ts';
import { seededRandom } from '../util/random.ts';
import { roundWeight, sgdEpochs } from './sgd.ts';
import { lengthBucket, nameId, ngramIds, sparseDesign, type FeatureBag } from './features.ts';
import { buildScanner, DEFAULT_LEXICONS, defaultScanner, type LexiconScanner } from './lexicon-scan.ts';
import type { Lexicon } from './rules/lexicon.ts';
import { DANGER, SELF_HARM_CUES } from './rules/emergency.ts';
import { topLevelAlternatives } from './emergency.ts';

/** The head as stored in model.json: kept feature buckets and one weight each. */
export interface EmergencyHeadFile {
  features: number[];
  weights: number[];
  /**
   * Rows it was trained on (positives, all) and the longest of their (masked) texts: beyond that
   * length the head would be extrapolating, so the classifier does not let it decide there.
   */
  meta: { positives: number; rows: number; epochs: number; maxChars: number };
}

/** A labelled, featurized example for the head. */
export interface HeadRow {
  bag: FeatureBag;
  /** Length of the masked text. */
  chars: number;
  emergency: boolean;
  weight: number;
}

export interface HeadTrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  minCount?: number;
  seed?: number;
}

const PLAIN = /^[\u3400-\u9fffa-z0-9]+$/;
/** One group of plain words between plain words: 「割(?:了|伤)」. */
const ONE_GROUP = /^([\u3400-\u9fffa-z0-9]*)\(\?:([\u3400-\u9fffa-z0-9|]+)\)([\u3400-\u9fffa-z0-9]*)$/;

/** The plain words a rule regex lists (「解脱|刀片|割(?:了|伤)」 → 解脱, 刀片, 割了, 割伤); gaps and classes are skipped. */
function plainWords(re: RegExp): Record<string, number> {
  const source = re.source.startsWith('(?:') && re.source.endsWith(')') ? re.source.slice(3, -1) : re.source;
  const words: string[] = [];
  for (const alt of topLevelAlternatives(source)) {
    if (PLAIN.test(alt)) words.push(alt);
    const g = ONE_GROUP.exec(alt);
    if (g) for (const mid of g[2]!.split('|')) words.push(`${g[1]!}${mid}${g[3]!}`);
  }
  return Object.fromEntries(words.map((w) => [w, 1]));
}

/**
 * The danger-word families and self-harm cue groups of rules/emergency.ts, as plain words scanned
 * with a trie (one pass; the regexes themselves are too slow to run on every message twice).
 */
const HEAD_LEXICONS: Record<string, Lexicon> = {
  ...Object.fromEntries(DANGER.map((d) => [`danger:${d.category}`, plainWords(d.re)])),
  ...Object.fromEntries(SELF_HARM_CUES.map((re, i) => [`cue:${i}`, plainWords(re)])),
};
const HEAD_SCANNER = buildScanner(HEAD_LEXICONS);
const HEAD_LABEL_IDS = HEAD_SCANNER.labels.map((l) => nameId(`em:${l}`));
const HEAD_IS_CUE = HEAD_SCANNER.labels.map((l) => l.startsWith('cue:'));

/**
 * The default lexicons and the head's words in one trie, for texts the idiom masks left unchanged
 * (most): one pass gives both `lex` (its first `defaultScanner.labels.length` scores) and the
 * head's `words` (the rest). Each score is the same as from the separate scanners.
 */
export const COMBINED_SCANNER: LexiconScanner = buildScanner({ ...DEFAULT_LEXICONS, ...HEAD_LEXICONS });
export const COMBINED_SPLIT = defaultScanner.labels.length;
const FIRST_PERSON = /我|咱|俺|偶(?=们|家)/;
const FAMILY = /孩子|儿子|女儿|老公|老婆|爸|妈|爷爷|奶奶|外婆|外公|弟|妹|哥|姐|朋友|同学|室友|闺蜜|邻居|同事|男朋友|女朋友|小孩|宝宝/;
const NOW = /现在|正在|刚刚|刚才|马上|今晚|今天|还在|已经|一直|这会/;
const QUESTION = /吗|[?？]|怎么|如何|什么|是不是|能不能|可不可以|有没有/;

const ID = {
  bias: nameId('em:bias'),
  firstPerson: nameId('em:first-person'),
  family: nameId('em:family'),
  now: nameId('em:now'),
  question: nameId('em:question'),
  cue1: nameId('em:cues:1'),
  cue2: nameId('em:cues:2+'),
  url: nameId('em:ent:url'),
  phone: nameId('em:ent:phone'),
  amount: nameId('em:ent:amount'),
};
const LENGTH_IDS = new Map(['len:0-4', 'len:5-10', 'len:11-25', 'len:26-60', 'len:61-150', 'len:150+'].map((n) => [n, nameId(`em:${n}`)]));
const lexIdCache = new WeakMap<LexiconScanner, number[]>();

/** Adds a binary dense feature when `on` (a module-level function: no closure per message). */
function flag(denseIds: number[], denseValues: number[], on: boolean, id: number): void {
  if (on) {
    denseIds.push(id);
    denseValues.push(1);
  }
}

/**
 * The head's feature bag for one message: `masked` is the idiom-masked, lower-cased normalized text
 * (emergency.ts `maskIdioms`), `lex` the lexicon scores of the unmasked text; `ngrams` and `words`
 * may pass `ngramIds(masked)` and the head's word scores of `masked` when the caller has them.
 */
export function headFeatures(
  masked: string,
  lex: Float64Array,
  entities: Entities,
  scanner: LexiconScanner,
  ngrams: Int32Array = ngramIds(masked),
  words: Float64Array = HEAD_SCANNER.scan(masked),
): FeatureBag {
  const denseIds: number[] = [ID.bias, LENGTH_IDS.get(lengthBucket(masked.length))!];
  const denseValues: number[] = [1, 1];
  let lexIds = lexIdCache.get(scanner);
  if (!lexIds) {
    lexIds = scanner.labels.map((l) => nameId(`em:lex:${l}`));
    lexIdCache.set(scanner, lexIds);
  }
  for (let i = 0; i < lex.length; i += 1) {
    const s = lex[i]!;
    if (s > 0) {
      denseIds.push(lexIds[i]!);
      denseValues.push(Math.min(s, 9) / 3);
    }
  }
  flag(denseIds, denseValues, FIRST_PERSON.test(masked), ID.firstPerson);
  flag(denseIds, denseValues, FAMILY.test(masked), ID.family);
  flag(denseIds, denseValues, NOW.test(masked), ID.now);
  flag(denseIds, denseValues, QUESTION.test(masked), ID.question);
  flag(denseIds, denseValues, entities.urls.length > 0, ID.url);
  flag(denseIds, denseValues, entities.phones.length > 0, ID.phone);
  flag(denseIds, denseValues, entities.amounts.length > 0, ID.amount);
  let cues = 0;
  for (let i = 0; i < words.length; i += 1) {
    if (words[i]! <= 0) continue;
    if (HEAD_IS_CUE[i]) cues += 1;
    else flag(denseIds, denseValues, true, HEAD_LABEL_IDS[i]!);
  }
  flag(denseIds, denseValues, cues === 1, ID.cue1);
  flag(denseIds, denseValues, cues >= 2, ID.cue2);
  return { ngrams, ngramScale: 1 / Math.sqrt(Math.max(1, ngrams.length)), denseIds, denseValues };
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Trains the head by SGD on the logistic loss with L2, positives and negatives weighted to the same
 * total (emergencies are the minority and recall matters). Deterministic.
 */
export function trainEmergencyHead(rows: HeadRow[], options: HeadTrainOptions = {}): EmergencyHeadFile {
  const epochs = options.epochs ?? 40;
  const lr0 = options.learningRate ?? 2;
  const l2 = options.l2 ?? 1e-4;
  const minCount = options.minCount ?? 2;
  const rand = seededRandom(options.seed ?? 20261123);

  const { features, rows: sparse } = sparseDesign(rows.map((r) => r.bag), minCount);
  const positives = rows.filter((r) => r.emergency).length;
  const negatives = rows.length - positives;
  // Class weights: each class weighs half of the total.
  const wPos = positives > 0 ? rows.length / (2 * positives) : 1;
  const wNeg = negatives > 0 ? rows.length / (2 * negatives) : 1;

  const W = new Float64Array(features.length);
  sgdEpochs(rows.length, epochs, lr0, rand, (r, lr) => {
    const row = rows[r]!;
    const { idx, val } = sparse[r]!;
    let z = 0;
    for (let f = 0; f < idx.length; f += 1) z += W[idx[f]!]! * val[f]!;
    const g = (sigmoid(z) - (row.emergency ? 1 : 0)) * row.weight * (row.emergency ? wPos : wNeg);
    for (let f = 0; f < idx.length; f += 1) {
      const i = idx[f]!;
      W[i] = W[i]! * (1 - lr * l2) - lr * g * val[f]!;
    }
  });

  const kept: number[] = [];
  const weights: number[] = [];
  features.forEach((f, i) => {
    const w = roundWeight(W[i]!);
    if (Math.abs(w) >= 0.005) {
      kept.push(f);
      weights.push(w);
    }
  });
  const maxChars = rows.reduce((m, r) => Math.max(m, r.chars), 0);
  return { features: kept, weights, meta: { positives, rows: rows.length, epochs, maxChars } };
}

/** A loaded head: an open-addressing table bucket → weight, scored without allocation. */
export class CompiledEmergencyHead {
  /** The longest training text (masked, in UTF-16 units): the head is trusted up to this length. */
  readonly maxChars: number;
  private readonly keys: Int32Array;
  private readonly values: Float32Array;
  private readonly mask: number;
  private readonly stamp: Int32Array;
  private call = 0;

  constructor(file: EmergencyHeadFile) {
    this.maxChars = file.meta.maxChars;
    let size = 16;
    while (size < file.features.length * 2) size *= 2;
    this.keys = new Int32Array(size).fill(-1);
    this.values = new Float32Array(size);
    this.stamp = new Int32Array(size);
    this.mask = size - 1;
    file.features.forEach((bucket, i) => {
      let slot = (Math.imul(bucket, 0x9e3779b1) >>> 0) & this.mask;
      while (this.keys[slot] !== -1 && this.keys[slot] !== bucket) slot = (slot + 1) & this.mask;
      this.keys[slot] = bucket;
      this.values[slot] = file.weights[i] ?? 0;
    });
  }

  private slotOf(bucket: number): number {
    const keys = this.keys;
    let slot = (Math.imul(bucket, 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      const k = keys[slot]!;
      if (k === bucket) return slot;
      if (k === -1) return -1;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Probability that the message is an emergency (each distinct n-gram counts once, as in training). */
  score(bag: FeatureBag): number {
    this.call = (this.call + 1) | 0 || 1;
    const call = this.call;
    let z = 0;
    const grams = bag.ngrams;
    let ngramSum = 0;
    for (let g = 0; g < grams.length; g += 1) {
      const s = this.slotOf(grams[g]!);
      if (s < 0 || this.stamp[s] === call) continue;
      this.stamp[s] = call;
      ngramSum += this.values[s]!;
    }
    z += ngramSum * bag.ngramScale;
    for (let d = 0; d < bag.denseIds.length; d += 1) {
      const s = this.slotOf(bag.denseIds[d]!);
      if (s >= 0) z += this.values[s]! * bag.denseValues[d]!;
    }
    return sigmoid(z);
  }
}
