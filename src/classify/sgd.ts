/**
 * What the classifier's three trainers (model.ts, emergency-head.ts, emergency-category.ts) share:
 * the SGD schedule and the rounding of weights. Each trainer keeps its own loss; sharing the
 * schedule keeps them deterministic in the same way (a seeded shuffle per epoch, the same decay),
 * so every committed weight file is reproducible byte for byte.
 */
import { shuffleInPlace } from '../util/random.ts';

/**
 * Runs `epochs` passes over rows 0…n-1, each in a fresh seeded order, calling `step(row, lr)` with
 * the learning rate decayed as lr0 / (1 + 0.15 · epoch).
 */
export function sgdEpochs(n: number, epochs: number, lr0: number, rand: () => number, step: (row: number, lr: number) => void): void {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    shuffleInPlace(order, rand);
    const lr = lr0 / (1 + epoch * 0.15);
    for (const r of order) step(r, lr);
  }
}

/** Softmax of `v[from..to)` in place (shifted by the maximum, so large scores do not overflow). */
export function softmaxInPlace(v: Float64Array, from: number, to: number): void {
  let max = -Infinity;
  for (let i = from; i < to; i += 1) if (v[i]! > max) max = v[i]!;
  let sum = 0;
  for (let i = from; i < to; i += 1) {
    const e = Math.exp(v[i]! - max);
    v[i] = e;
    sum += e;
  }
  for (let i = from; i < to; i += 1) v[i]! /= sum;
}

/** A trained weight as stored: three decimals, never -0 (so the JSON is the same on every run). */
export function roundWeight(w: number): number {
  const r = Math.round(w * 1000) / 1000;
  return Object.is(r, -0) ? 0 : r;
}
