/**
 * Features shared by training and classification (they must be computed identically): hashed
 * character 1–3-grams of the normalized text (digits folded to 0, L2-scaled), lexicon scores,
 * entity kinds and a length bucket. N-grams are hashed from char codes into 2^20 buckets, so
 * classification allocates no strings per n-gram.
 */
import type { Entities } from '../domain/schemas.ts';
import type { LexiconScanner } from './lexicon-scan.ts';

export const HASH_BITS = 20;
const MASK = (1 << HASH_BITS) - 1;

/** A sparse feature vector: hashed n-gram ids (may repeat) plus dense feature ids with values. */
export interface FeatureBag {
  ngrams: Int32Array;
  /** 1/sqrt(number of n-gram positions): the value of each distinct n-gram. */
  ngramScale: number;
  denseIds: number[];
  denseValues: number[];
}

function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h & MASK;
}

/** The bucket of a named (dense) feature. */
export function nameId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return avalanche(h ^ 0x5bd1e995);
}

function fold(c: number): number {
  if (c >= 48 && c <= 57) return 48; // digits → '0'
  if (c === 9 || c === 10 || c === 13 || c === 0x3000) return 32;
  return c;
}

/** Hashed 1–3-grams of a lower-cased normalized text. */
export function ngramIds(text: string): Int32Array {
  const n = text.length;
  const out = new Int32Array(n === 0 ? 0 : 3 * n - 3);
  let k = 0;
  let p2 = -1;
  let p1 = -1;
  for (let i = 0; i < n; i += 1) {
    const c = fold(text.charCodeAt(i));
    out[k++] = avalanche(Math.imul(c ^ 0x9e3779b9, 16777619));
    if (p1 >= 0) out[k++] = avalanche(Math.imul(Math.imul(p1 ^ 0x85ebca6b, 16777619) ^ c, 16777619));
    if (p2 >= 0) out[k++] = avalanche(Math.imul(Math.imul(Math.imul(p2 ^ 0xc2b2ae35, 16777619) ^ p1, 16777619) ^ c, 16777619));
    p2 = p1;
    p1 = c;
  }
  return k === out.length ? out : out.subarray(0, k);
}

export function lengthBucket(n: number): string {
  if (n <= 4) return 'len:0-4';
  if (n <= 10) return 'len:5-10';
  if (n <= 25) return 'len:11-25';
  if (n <= 60) return 'len:26-60';
  if (n <= 150) return 'len:61-150';
  return 'len:150+';
}

const ID = {
  url: nameId('ent:url'),
  phone: nameId('ent:phone'),
  wechat: nameId('ent:wechat'),
  qq: nameId('ent:qq'),
  card: nameId('ent:card'),
  id: nameId('ent:id'),
  amount: nameId('ent:amount'),
  caseNo: nameId('ent:case'),
  news: nameId('shape:news'),
  bias: nameId('bias'),
};
const LENGTH_IDS = new Map(['len:0-4', 'len:5-10', 'len:11-25', 'len:26-60', 'len:61-150', 'len:150+'].map((n) => [n, nameId(n)]));
const lexIdCache = new WeakMap<LexiconScanner, number[]>();

/** Placeholders left in redacted texts (「请登录URL」「联系CELLPHONE」) count as the entity they replaced. */
const REDACTED = /\b(url|cellphone|phone|hotline|wechat|qq|bank)\b/g;
/** News-post shape: a 【headline】, #topic#, a cited source. */
export const NEWS_LIKE = /【[^】]{2,80}】|据[^，。,]{0,12}(?:报道|消息|通报)|记者|#[^#]{1,40}#|新闻|日报|发布会|获悉|当地时间/;

/** Adds a binary dense feature when `on` (a module-level function: no closure per message). */
function flag(denseIds: number[], denseValues: number[], on: boolean, id: number): void {
  if (on) {
    denseIds.push(id);
    denseValues.push(1);
  }
}

/** Builds the feature bag of one normalized, lower-cased text. */
export function featurize(
  lowerText: string,
  entities: Entities,
  scanner: LexiconScanner,
  scores: Float64Array = scanner.scan(lowerText),
  ngrams: Int32Array = ngramIds(lowerText),
): FeatureBag {
  const denseIds: number[] = [];
  const denseValues: number[] = [];
  let lexIds = lexIdCache.get(scanner);
  if (!lexIds) {
    lexIds = scanner.labels.map((l) => nameId(`lex:${l}`));
    lexIdCache.set(scanner, lexIds);
  }
  for (let i = 0; i < scores.length; i += 1) {
    const s = scores[i]!;
    if (s > 0) {
      denseIds.push(lexIds[i]!);
      denseValues.push(Math.min(s, 9) / 3);
    }
  }
  let rUrl = false;
  let rPhone = false;
  let rWechat = false;
  let rQq = false;
  let rBank = false;
  if (/url|phone|hotline|wechat|qq|bank/.test(lowerText)) {
    for (const m of lowerText.matchAll(REDACTED)) {
      const w = m[1]!;
      if (w === 'url') rUrl = true;
      else if (w === 'wechat') rWechat = true;
      else if (w === 'qq') rQq = true;
      else if (w === 'bank') rBank = true;
      else rPhone = true;
    }
  }
  flag(denseIds, denseValues, entities.urls.length > 0 || rUrl, ID.url);
  flag(denseIds, denseValues, entities.phones.length > 0 || rPhone, ID.phone);
  flag(denseIds, denseValues, entities.wechatIds.length > 0 || rWechat, ID.wechat);
  flag(denseIds, denseValues, entities.qqNumbers.length > 0 || rQq, ID.qq);
  flag(denseIds, denseValues, entities.bankCards.length > 0 || rBank, ID.card);
  flag(denseIds, denseValues, entities.idNumbers.length > 0, ID.id);
  flag(denseIds, denseValues, entities.amounts.length > 0, ID.amount);
  flag(denseIds, denseValues, (entities.caseNumbers ?? []).length > 0, ID.caseNo);
  flag(denseIds, denseValues, NEWS_LIKE.test(lowerText), ID.news);
  flag(denseIds, denseValues, true, LENGTH_IDS.get(lengthBucket(lowerText.length))!);
  flag(denseIds, denseValues, true, ID.bias);
  return { ngrams, ngramScale: 1 / Math.sqrt(Math.max(1, ngrams.length)), denseIds, denseValues };
}

/** A row of the training design matrix: feature positions and their values. */
export interface SparseRow {
  idx: number[];
  val: number[];
}

/**
 * The training design matrix shared by both trainers (model.ts, emergency-head.ts): the vocabulary —
 * n-gram buckets seen in at least `minCount` rows, plus every dense feature seen — sorted, and each
 * row as sparse (position, value) pairs: each distinct n-gram once at `ngramScale`, dense values added.
 * Deterministic: same bags, same matrix.
 */
export function sparseDesign(bags: readonly FeatureBag[], minCount: number): { features: number[]; rows: SparseRow[] } {
  const df = new Map<number, number>();
  for (const bag of bags) for (const g of new Set(bag.ngrams)) df.set(g, (df.get(g) ?? 0) + 1);
  const vocab = new Set<number>();
  for (const bag of bags) for (const id of bag.denseIds) vocab.add(id);
  for (const [g, n] of df) if (n >= minCount) vocab.add(g);
  const features = [...vocab].sort((a, b) => a - b);
  const index = new Map(features.map((f, i) => [f, i]));
  const rows = bags.map((bag) => {
    const acc = new Map<number, number>();
    for (const g of bag.ngrams) {
      const i = index.get(g);
      if (i !== undefined && !acc.has(i)) acc.set(i, bag.ngramScale);
    }
    bag.denseIds.forEach((id, j) => {
      const i = index.get(id)!;
      acc.set(i, (acc.get(i) ?? 0) + bag.denseValues[j]!);
    });
    return { idx: [...acc.keys()], val: [...acc.values()] };
  });
  return { features, rows };
}
