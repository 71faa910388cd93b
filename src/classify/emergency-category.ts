/**
 * Which kind of emergency a message is (self-harm, violence, a fraud in progress, someone trapped or
 * missing) when the statistical stage, not a rule, found it. The rules name their category; the
 * emergency head only says "emergency", and the intent/category model, trained mostly on tips, calls
 * most such messages fraud (out of sample it chose right 2 times in 3). The emergency reply depends
 * on the category (a self-harm message gets the crisis-line template), so it gets its own small
 * model: a softmax regression over the emergency head's own features (the same bag, computed once),
 * trained only on emergencies.
 *
 * Training is deterministic (fixed order, seeded shuffle, rounded weights).
 */
import { seededRandom } from '../util/random.ts';
import { sparseDesign, type FeatureBag } from './features.ts';
import { roundWeight, sgdEpochs, softmaxInPlace } from './sgd.ts';
import type { EmergencyCategory } from './rules/emergency.ts';

export const EMERGENCY_CATEGORY_LABELS = ['self_harm', 'violent_threat', 'fraud', 'other'] as const satisfies readonly EmergencyCategory[];

/** As stored in model.json: kept feature buckets, and per feature one weight per category (flattened). */
export interface EmergencyCategoryFile {
  categories: EmergencyCategory[];
  features: number[];
  /** `features.length × categories.length` weights, row by row. */
  weights: number[];
}

export interface EmergencyCategoryRow {
  bag: FeatureBag;
  category: EmergencyCategory;
  weight: number;
}

/** Softmax regression by SGD with L2; each category weighs the same in total (self-harm and fraud rows outnumber the rest). */
export function trainEmergencyCategories(
  rows: EmergencyCategoryRow[],
  options: { epochs?: number; learningRate?: number; l2?: number; minCount?: number; seed?: number } = {},
): EmergencyCategoryFile {
  const epochs = options.epochs ?? 30;
  const lr0 = options.learningRate ?? 1;
  const l2 = options.l2 ?? 1e-4;
  const rand = seededRandom(options.seed ?? 20261124);
  const labels = [...EMERGENCY_CATEGORY_LABELS];
  const K = labels.length;
  const { features, rows: sparse } = sparseDesign(
    rows.map((r) => r.bag),
    options.minCount ?? 2,
  );
  const counts = labels.map((l) => rows.filter((r) => r.category === l).length);
  const classWeight = counts.map((n) => (n > 0 ? rows.length / (K * n) : 1));
  const target = rows.map((r) => labels.indexOf(r.category as (typeof labels)[number]));

  const W = new Float64Array(features.length * K);
  const z = new Float64Array(K);
  sgdEpochs(rows.length, epochs, lr0, rand, (r, lr) => {
    const y = target[r]!;
    if (y < 0) return;
    const { idx, val } = sparse[r]!;
    z.fill(0);
    for (let f = 0; f < idx.length; f += 1) {
      const base = idx[f]! * K;
      for (let k = 0; k < K; k += 1) z[k] = z[k]! + W[base + k]! * val[f]!;
    }
    softmaxInPlace(z, 0, K);
    const scale = rows[r]!.weight * classWeight[y]!;
    for (let f = 0; f < idx.length; f += 1) {
      const base = idx[f]! * K;
      for (let k = 0; k < K; k += 1) {
        const g = (z[k]! - (k === y ? 1 : 0)) * scale;
        W[base + k] = W[base + k]! * (1 - lr * l2) - lr * g * val[f]!;
      }
    }
  });

  const kept: number[] = [];
  const weights: number[] = [];
  features.forEach((f, i) => {
    const ws = labels.map((_, k) => roundWeight(W[i * K + k]!));
    if (ws.some((w) => Math.abs(w) >= 0.005)) {
      kept.push(f);
      weights.push(...ws);
    }
  });
  return { categories: labels, features: kept, weights };
}

/** A loaded category model: bucket → row of weights, scored without allocation. */
export class CompiledEmergencyCategories {
  private readonly categories: EmergencyCategory[];
  private readonly rowOf = new Map<number, number>();
  private readonly weights: Float32Array;
  private readonly z: Float64Array;
  private readonly seen = new Set<number>();

  constructor(file: EmergencyCategoryFile) {
    this.categories = file.categories;
    this.weights = Float32Array.from(file.weights);
    this.z = new Float64Array(file.categories.length);
    file.features.forEach((bucket, i) => this.rowOf.set(bucket, i));
  }

  /** The most likely emergency category and its probability (each distinct n-gram counts once, as in training). */
  best(bag: FeatureBag): { category: EmergencyCategory; p: number } {
    const K = this.categories.length;
    const z = this.z.fill(0);
    const seen = this.seen;
    seen.clear();
    for (let g = 0; g < bag.ngrams.length; g += 1) {
      const bucket = bag.ngrams[g]!;
      const row = this.rowOf.get(bucket);
      if (row === undefined || seen.has(bucket)) continue;
      seen.add(bucket);
      for (let k = 0; k < K; k += 1) z[k] = z[k]! + this.weights[row * K + k]! * bag.ngramScale;
    }
    for (let d = 0; d < bag.denseIds.length; d += 1) {
      const row = this.rowOf.get(bag.denseIds[d]!);
      if (row === undefined) continue;
      for (let k = 0; k < K; k += 1) z[k] = z[k]! + this.weights[row * K + k]! * bag.denseValues[d]!;
    }
    let best = 0;
    for (let k = 1; k < K; k += 1) if (z[k]! > z[best]!) best = k;
    let sum = 0;
    for (let k = 0; k < K; k += 1) sum += Math.exp(z[k]! - z[best]!);
    return { category: this.categories[best]!, p: 1 / sum };
  }
}
