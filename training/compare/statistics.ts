/**
 * Summaries over seeds: the mean with its 95 % Student-t interval, and paired differences (the
 * same seed means the same initial weights, samples and input spikes, so differences per seed
 * cancel what the seeds share and give narrower intervals than comparing two means).
 */
import { studentTQuantile } from './student-t.js';

export interface MeanCi {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for n = 1. */
  sd: number;
  /** 95 % interval of the mean, or null with fewer than two values. */
  ci95: [number, number] | null;
}

export function meanCi(xs: readonly number[], level = 0.95): MeanCi {
  const n = xs.length;
  if (n === 0) return { n, mean: NaN, sd: 0, ci95: null };
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  if (n < 2) return { n, mean, sd: 0, ci95: null };
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, sd, ci95: [mean - half, mean + half] };
}

/** Mean and interval of b[i] − a[i] over the pairs (equal lengths: pairs by position). */
export function pairedDifference(a: readonly number[], b: readonly number[]): MeanCi {
  if (a.length !== b.length) throw new RangeError(`paired samples differ in length: ${a.length} and ${b.length}`);
  return meanCi(b.map((x, i) => x - a[i]!));
}

/** Whether two intervals share a point (null: unknown, treated as overlapping). */
export function intervalsOverlap(a: [number, number] | null, b: [number, number] | null): boolean {
  if (a === null || b === null) return true;
  return a[0] <= b[1] && b[0] <= a[1];
}
