import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { balancedAccuracy, longTailPlan, longTailed, longTailedCounts, rareClassAccuracy } from './long-tailed.js';

/** A tiny synthetic data set: 2×2 images whose first two pixels hold the sample index. */
function fakeSet(perClass: number[]): Dataset {
  const labels: number[] = [];
  perClass.forEach((n, k) => labels.push(...new Array<number>(n).fill(k)));
  // Interleave deterministically so that classes are not contiguous.
  labels.sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13) || a - b);
  const count = labels.length;
  const images = new Uint8Array(count * 4);
  for (let i = 0; i < count; i++) {
    images[i * 4] = i & 255;
    images[i * 4 + 1] = i >> 8;
  }
  return { name: 'mnist', split: 'train', count, rows: 2, cols: 2, images, labels: Uint8Array.from(labels), sha256: '', offset: 0, rescaledMeanTo: null, files: { images: '', labels: '' } };
}

describe('long-tailed subsets', () => {
  it('class counts follow n_k = ⌊n_max·ρ^(−k/9)⌋ with n_max the smallest class', () => {
    const ds = fakeSet([600, 700, 650, 620, 640, 610, 605, 660, 630, 615]);
    for (const rho of [1, 10, 100]) {
      const lt = longTailed(ds, rho, 1);
      const got = new Array<number>(10).fill(0);
      for (const l of lt.labels) got[l]!++;
      const want = Array.from({ length: 10 }, (_, k) => Math.floor(600 * rho ** (-k / 9) + 1e-9));
      expect(got).toEqual(want);
      expect(lt.longTail.classCounts).toEqual(want);
      expect(got[0]! / got[9]!).toBeCloseTo(rho, 0);
      expect(lt.count).toBe(want.reduce((a, b) => a + b, 0));
    }
    expect(longTailedCounts(5000, 100)).toEqual([5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]);
  });

  it('kept samples are real members of their class, in file order, seeded and deterministic', () => {
    const ds = fakeSet(new Array<number>(10).fill(100));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(2, 10, 100), (seed, rho) => {
        const a = longTailed(ds, rho, seed);
        expect(longTailed(ds, rho, seed).images).toEqual(a.images);
        const src = Array.from({ length: a.count }, (_, i) => a.images[i * 4]! + 256 * a.images[i * 4 + 1]!);
        for (let i = 0; i < a.count; i++) {
          expect(ds.labels[src[i]!]).toBe(a.labels[i]);
          if (i > 0) expect(src[i]!).toBeGreaterThan(src[i - 1]!);
        }
      }),
      { numRuns: 30 },
    );
    expect(longTailed(ds, 10, 1).images).not.toEqual(longTailed(ds, 10, 2).images);
  });

  it('balanced and rare-class accuracies', () => {
    const perClass = [1, 1, 1, 1, 1, 1, 1, 0.5, 0.25, 0];
    expect(balancedAccuracy(perClass)).toBeCloseTo(7.75 / 10, 12);
    expect(rareClassAccuracy(perClass, [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])).toBeCloseTo(0.25, 12);
  });

  it('longTailPlan tells from the labels alone what longTailed keeps, whatever the seed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 80 }), { minLength: 10, maxLength: 10 }), fc.double({ min: 1, max: 300, noNaN: true }), fc.integer({ min: 0, max: 1e6 }), (perClass, rho, seed) => {
        const ds = fakeSet(perClass);
        const plan = longTailPlan(ds.labels, rho);
        const lt = longTailed(ds, rho, seed);
        const kept = new Array<number>(10).fill(0);
        for (const l of lt.labels) kept[l]!++;
        expect(plan.classCounts).toEqual(kept);
        expect(plan.size).toBe(lt.count);
        expect(plan.rarestFirst).toEqual(lt.longTail.rarestFirst);
        for (let i = 1; i < 10; i++) expect(kept[plan.rarestFirst[i]!]!).toBeGreaterThanOrEqual(kept[plan.rarestFirst[i - 1]!]!);
      }),
      { numRuns: 40 },
    );
  });

  it('bad ratio or a missing class is a one-line error', () => {
    for (const rho of [0.5, NaN, Infinity, -3]) expect(() => longTailPlan(new Uint8Array(10).map((_, i) => i), rho)).toThrow(/ratio ≥ 1/);
    expect(() => longTailed(fakeSet(new Array<number>(10).fill(5)), 0.5, 1)).toThrow(/ratio ≥ 1/);
    expect(() => longTailed(fakeSet([5, 5, 5, 5, 5, 5, 5, 5, 5, 0]), 10, 1)).toThrow(/class 9 has no sample/);
  });
});
