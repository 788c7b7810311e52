import { describe, expect, it } from 'vitest';
import { RngStream } from '../../engine/rng.js';
import { intervalsOverlap, meanCi, pairedDifference } from './statistics.js';

describe('mean and 95 % interval over seeds', () => {
  it('has the closed form mean ± t(0.975, n−1)·s/√n', () => {
    const r = meanCi([1, 2, 3]);
    expect(r.mean).toBe(2);
    expect(r.sd).toBeCloseTo(1, 12);
    const half = 4.302652729911275 / Math.sqrt(3);
    expect(r.ci95![0]).toBeCloseTo(2 - half, 9);
    expect(r.ci95![1]).toBeCloseTo(2 + half, 9);
  });

  it('gives no interval for one value', () => {
    expect(meanCi([0.9])).toEqual({ n: 1, mean: 0.9, sd: 0, ci95: null });
  });

  it('covers the true mean of normal samples about 95 % of the time', () => {
    const rng = RngStream.derive(7, 'test/coverage');
    let covered = 0;
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 4 }, () => 0.9 + 0.02 * rng.normal());
      const ci = meanCi(xs).ci95!;
      if (ci[0] <= 0.9 && 0.9 <= ci[1]) covered++;
    }
    // Binomial sd at 95 % over 4000 trials is 0.0034: ±0.015 is more than four of them.
    expect(Math.abs(covered / trials - 0.95)).toBeLessThan(0.015);
  });
});

describe('paired differences', () => {
  it('cancel what the seeds share: a constant shift has a zero-width interval', () => {
    const a = [0.81, 0.9, 0.77];
    const d = pairedDifference(a, a.map((x) => x + 0.02));
    expect(d.mean).toBeCloseTo(0.02, 12);
    expect(d.ci95![1] - d.ci95![0]).toBeCloseTo(0, 12);
  });

  it('equal the one-sample interval of the differences', () => {
    const a = [0.8, 0.85, 0.9, 0.82];
    const b = [0.83, 0.84, 0.95, 0.86];
    expect(pairedDifference(a, b)).toEqual(meanCi(b.map((x, i) => x - a[i]!)));
    expect(() => pairedDifference([1], [1, 2])).toThrow(RangeError);
  });

  it('overlap of intervals', () => {
    expect(intervalsOverlap([0, 1], [1, 2])).toBe(true);
    expect(intervalsOverlap([0, 1], [1.1, 2])).toBe(false);
    expect(intervalsOverlap(null, [1.1, 2])).toBe(true);
  });
});
