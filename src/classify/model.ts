/**
 * The statistical part of the classifier: two multinomial logistic-regression heads (intent and
 * category) over the features of features.ts, trained by plain SGD. Training is deterministic
 * (fixed example order, seeded shuffle, no clock, rounded weights), so the committed weights can be
 * reproduced exactly from the examples.
 */
import { z } from 'zod';
import { CATEGORIES, INTENTS, type Category, type Intent } from '../domain/vocabulary.ts';
import { HASH_BITS, sparseDesign, type FeatureBag } from './features.ts';
import { seededRandom } from '../util/random.ts';
import { roundWeight, sgdEpochs, softmaxInPlace } from './sgd.ts';
import { EMERGENCY_CATEGORY_LABELS } from './emergency-category.ts';

export const MODEL_FORMAT = 'netpatrol-classifier/1';
/** The category head predicts one of the categories or `none` (no category). */
export const CATEGORY_LABELS = [...CATEGORIES, 'none'] as const;
export type CategoryLabel = (typeof CATEGORY_LABELS)[number];

export const ModelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  intents: z.array(z.enum(INTENTS)),
  categories: z.array(z.enum(CATEGORY_LABELS)),
  /** Hashed feature buckets (features.ts); row i of `weights` belongs to features[i]. */
  hashBits: z.literal(HASH_BITS),
  features: z.array(z.number().int().min(0)),
  /** One row per feature: intents.length + categories.length weights. */
  weights: z.array(z.array(z.number())),
  /** Officers' corrections, keyed by normalized lower-cased text: they win over every other stage. */
  /** The binary emergency head (emergency-head.ts); absent in files written before it existed. */
  emergencyHead: z
    .object({
      features: z.array(z.number().int().min(0)),
      weights: z.array(z.number()),
      meta: z.object({ positives: z.number().int(), rows: z.number().int(), epochs: z.number().int(), maxChars: z.number().int() }),
    })
    .optional(),
  /** The emergency category model (emergency-category.ts); absent in files written before it existed. */
  emergencyCategories: z
    .object({
      categories: z.array(z.enum(EMERGENCY_CATEGORY_LABELS)),
      features: z.array(z.number().int().min(0)),
      weights: z.array(z.number()),
    })
    .optional(),
  overrides: z.record(z.string(), z.object({ intent: z.enum(INTENTS).nullable(), category: z.enum(CATEGORIES).nullable() })),
  meta: z.object({ examples: z.number().int(), corrections: z.number().int(), epochs: z.number().int() }),
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

/** A labelled, featurized example. `intent: null` trains only the category head. */
export interface TrainingRow {
  bag: FeatureBag;
  intent: Intent | null;
  category: CategoryLabel;
  weight: number;
}

/** Training hyper-parameters; the defaults are the ones the committed model was trained with. */
export interface TrainOptions {
  epochs?: number;
  learningRate?: number;
  l2?: number;
  minCount?: number;
  seed?: number;
}

/** Trains both heads; returns the weights and feature list of a model file (without overrides). */
export function trainModel(rows: TrainingRow[], options: TrainOptions = {}): Omit<ModelFile, 'overrides' | 'meta'> & { epochs: number } {
  const epochs = options.epochs ?? 30;
  const lr0 = options.learningRate ?? 0.6;
  const l2 = options.l2 ?? 2e-5;
  const minCount = options.minCount ?? 2;
  const rand = seededRandom(options.seed ?? 20261122);
  const nI = INTENTS.length;
  const nC = CATEGORY_LABELS.length;
  const K = nI + nC;

  // Vocabulary: n-gram buckets in at least `minCount` examples, plus every dense feature seen.
  const { features, rows: sparse } = sparseDesign(rows.map((r) => r.bag), minCount);

  const W = new Float64Array(features.length * K);
  const p = new Float64Array(K);
  sgdEpochs(rows.length, epochs, lr0, rand, (r, lr) => {
    const row = rows[r]!;
    const { idx, val } = sparse[r]!;
    p.fill(0);
    for (let f = 0; f < idx.length; f += 1) {
      const base = idx[f]! * K;
      const v = val[f]!;
      for (let k = 0; k < K; k += 1) p[k]! += W[base + k]! * v;
    }
    softmaxInPlace(p, 0, nI);
    softmaxInPlace(p, nI, K);
    const ti = row.intent === null ? -1 : INTENTS.indexOf(row.intent);
    const tc = nI + CATEGORY_LABELS.indexOf(row.category);
    for (let k = 0; k < K; k += 1) {
      if (k < nI && ti < 0) p[k] = 0;
      else p[k] = (p[k]! - (k === ti || k === tc ? 1 : 0)) * row.weight;
    }
    for (let f = 0; f < idx.length; f += 1) {
      const base = idx[f]! * K;
      const v = val[f]!;
      for (let k = 0; k < K; k += 1) W[base + k] = W[base + k]! * (1 - lr * l2) - lr * p[k]! * v;
    }
  });

  // Keep only features that matter; round so the file is small and byte-for-byte reproducible.
  const keptFeatures: number[] = [];
  const weights: number[][] = [];
  for (let f = 0; f < features.length; f += 1) {
    const row = Array.from(W.subarray(f * K, f * K + K), roundWeight);
    if (row.some((w) => Math.abs(w) >= 0.01)) {
      keptFeatures.push(features[f]!);
      weights.push(row);
    }
  }
  return {
    format: MODEL_FORMAT,
    intents: [...INTENTS],
    categories: [...CATEGORY_LABELS],
    hashBits: HASH_BITS,
    features: keptFeatures,
    weights,
    epochs,
  };
}

/** Probabilities of both heads for one feature bag. */
export interface HeadOutput {
  intent: Float64Array;
  category: Float64Array;
}

/** A loaded model, ready to score feature bags quickly. */
export class CompiledModel {
  readonly intents: readonly Intent[];
  readonly categories: readonly CategoryLabel[];
  readonly overrides: ReadonlyMap<string, { intent: Intent | null; category: Category | null }>;
  /** Open-addressing table bucket → row of W, small enough to stay in cache. */
  private readonly slotKeys: Int32Array;
  private readonly slotRows: Int32Array;
  private readonly slotMask: number;
  private readonly W: Float32Array;
  private readonly K: number;
  private readonly stamp: Uint32Array;
  private readonly logits: Float64Array;
  private readonly out: HeadOutput;
  private call = 0;

  constructor(file: ModelFile) {
    this.intents = file.intents;
    this.categories = file.categories;
    this.K = file.intents.length + file.categories.length;
    this.W = new Float32Array(file.features.length * this.K);
    let size = 16;
    while (size < file.features.length * 2) size *= 2;
    this.slotKeys = new Int32Array(size).fill(-1);
    this.slotRows = new Int32Array(size).fill(-1);
    this.slotMask = size - 1;
    file.features.forEach((bucket, i) => {
      let slot = Math.imul(bucket, 0x9e3779b1) >>> 0 & this.slotMask;
      while (this.slotKeys[slot] !== -1 && this.slotKeys[slot] !== bucket) slot = (slot + 1) & this.slotMask;
      this.slotKeys[slot] = bucket;
      this.slotRows[slot] = i;
      const row = file.weights[i] ?? [];
      for (let k = 0; k < this.K; k += 1) this.W[i * this.K + k] = row[k] ?? 0;
    });
    this.stamp = new Uint32Array(file.features.length);
    this.logits = new Float64Array(this.K);
    const nI = file.intents.length;
    this.out = { intent: this.logits.subarray(0, nI), category: this.logits.subarray(nI, this.K) };
    this.overrides = new Map(Object.entries(file.overrides));
  }

  private rowOf(bucket: number): number {
    const keys = this.slotKeys;
    let slot = Math.imul(bucket, 0x9e3779b1) >>> 0 & this.slotMask;
    for (;;) {
      const k = keys[slot]!;
      if (k === bucket) return this.slotRows[slot]!;
      if (k === -1) return -1;
      slot = (slot + 1) & this.slotMask;
    }
  }

  /**
   * Probabilities of both heads. The returned arrays are reused by the next call (no allocation per
   * message): read them before scoring again.
   */
  score(bag: FeatureBag): HeadOutput {
    const K = this.K;
    const nI = this.intents.length;
    const logits = this.logits;
    logits.fill(0);
    this.call = (this.call + 1) >>> 0 || 1;
    const call = this.call;
    const W = this.W;
    const scale = bag.ngramScale;
    const grams = bag.ngrams;
    for (let g = 0; g < grams.length; g += 1) {
      const i = this.rowOf(grams[g]!);
      if (i < 0 || this.stamp[i] === call) continue;
      this.stamp[i] = call;
      const base = i * K;
      for (let k = 0; k < K; k += 1) logits[k]! += W[base + k]! * scale;
    }
    for (let d = 0; d < bag.denseIds.length; d += 1) {
      const i = this.rowOf(bag.denseIds[d]!);
      if (i < 0) continue;
      const base = i * K;
      const v = bag.denseValues[d]!;
      for (let k = 0; k < K; k += 1) logits[k]! += W[base + k]! * v;
    }
    softmaxInPlace(logits, 0, nI);
    softmaxInPlace(logits, nI, K);
    return this.out;
  }
}
