/**
 * Long-tailed variants of a data set, for class-balanced samplers to have something to correct.
 *
 * Class k keeps n_k = ⌊n_max · ρ^(−k/(K−1))⌋ samples (at least 1): class 0 keeps n_max, class K−1
 * keeps n_max/ρ, the classes between fall off geometrically (K = 10: ρ^(−k/9)). n_max is the size
 * of the smallest class of the input, so every class can supply its share. Which samples of a
 * class are kept is a seeded draw (stream `dataset/long-tailed/class:<k>`); the kept samples stay
 * in file order. The result is a copy, not a view.
 */
import { SnnError } from '../engine/errors.js';
import { RngStream } from '../engine/rng.js';
import { NUM_CLASSES, type Dataset } from './dataset.js';

export interface LongTail {
  /** ρ = n_0 / n_{K−1}. */
  readonly ratio: number;
  readonly seed: number;
  /** Samples kept per class. */
  readonly classCounts: number[];
  /** Classes from rarest to most frequent. */
  readonly rarestFirst: number[];
}

export type LongTailedDataset = Dataset & { readonly longTail: LongTail };

/** Target class sizes n_k = ⌊nMax · ρ^(−k/(K−1))⌋ (at least 1). */
export function longTailedCounts(nMax: number, ratio: number, classes = NUM_CLASSES): number[] {
  return Array.from({ length: classes }, (_, k) => Math.max(1, Math.floor(nMax * ratio ** (-k / Math.max(1, classes - 1)) + 1e-9)));
}

/** ρ must be a finite ratio ≥ 1 (1: every class keeps n_max samples). */
export function checkImbalanceRatio(ratio: number): number {
  if (!(Number.isFinite(ratio) && ratio >= 1)) {
    throw new SnnError('usage', `--imbalance must be a ratio ≥ 1 (largest class / smallest class), got ${ratio}`, 'e.g. --imbalance 100');
  }
  return ratio;
}

/**
 * What `longTailed` keeps of a set with these labels, without touching its images: the class
 * counts, the classes from rarest to most frequent, and the subset's size. Checks the ratio and
 * that every class is present.
 */
export function longTailPlan(labels: ArrayLike<number>, ratio: number, classes = NUM_CLASSES): { classCounts: number[]; rarestFirst: number[]; size: number } {
  checkImbalanceRatio(ratio);
  const available = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) available[labels[i]!]!++;
  const nMax = Math.min(...available);
  if (nMax === 0) {
    throw new SnnError('config.invalid', `a long-tailed subset needs every class in the training set; class ${available.indexOf(0)} has no sample`, 'use more --train-samples');
  }
  const classCounts = longTailedCounts(nMax, ratio, classes);
  const rarestFirst = Array.from({ length: classes }, (_, k) => k).sort((a, b) => classCounts[a]! - classCounts[b]! || b - a);
  return { classCounts, rarestFirst, size: classCounts.reduce((a, b) => a + b, 0) };
}

export function longTailed(ds: Dataset, ratio: number, seed: number, classes = NUM_CLASSES): LongTailedDataset {
  const { classCounts: counts, rarestFirst } = longTailPlan(ds.labels.subarray(0, ds.count), ratio, classes);
  const members: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < ds.count; i++) members[ds.labels[i]!]!.push(i);
  const keep: number[] = [];
  for (let k = 0; k < classes; k++) {
    const idx = Int32Array.from(members[k]!);
    RngStream.derive(seed, `dataset/long-tailed/class:${k}`).shuffle(idx);
    keep.push(...idx.subarray(0, counts[k]!));
  }
  keep.sort((a, b) => a - b);
  const px = ds.rows * ds.cols;
  const images = new Uint8Array(keep.length * px);
  const labels = new Uint8Array(keep.length);
  keep.forEach((src, dst) => {
    images.set(ds.images.subarray(src * px, (src + 1) * px), dst * px);
    labels[dst] = ds.labels[src]!;
  });
  return { ...ds, count: keep.length, images, labels, longTail: { ratio, seed, classCounts: counts, rarestFirst } };
}

/** Mean of the per-class accuracies (recalls): the accuracy a class-balanced test set would give. */
export function balancedAccuracy(perClass: readonly number[]): number {
  return perClass.reduce((a, b) => a + b, 0) / Math.max(1, perClass.length);
}

/** How many of the rarest training classes "rare-class accuracy" averages over. */
export const RARE_CLASSES = 3;

/** Mean accuracy over the `k` rarest training classes (default `RARE_CLASSES`). */
export function rareClassAccuracy(perClass: readonly number[], rarestFirst: readonly number[], k = RARE_CLASSES): number {
  const rare = rarestFirst.slice(0, k);
  return rare.reduce((a, c) => a + (perClass[c] ?? 0), 0) / Math.max(1, rare.length);
}
