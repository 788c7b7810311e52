/**
 * The budget of a long-tailed job: one epoch is the subset `snn train --imbalance` builds, whose
 * size does not depend on the seed; a budget that is not whole passes over it is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDataset, subset } from '../../datasets/dataset.js';
import { longTailed } from '../../datasets/long-tailed.js';
import { SnnError } from '../../engine/errors.js';
import { longTailEpochs, longTailSubset } from './long-tail-budget.js';

const oneLine = (f: () => unknown): SnnError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SnnError);
    expect((e as SnnError).oneLine()).not.toContain('\n');
    return e as SnnError;
  }
  throw new Error('expected an SnnError');
};

describe('longTailSubset', () => {
  it('has the size and class counts of the subset snn train --imbalance trains on, for every seed', () => {
    const first = subset(loadDataset('mnist', 'train'), 500);
    for (const rho of [1, 10, 100]) {
      const lt = longTailSubset('mnist', rho, 500);
      for (const seed of [0, 1, 7, 123456]) {
        const ds = longTailed(first, rho, seed);
        expect(lt.size).toBe(ds.count);
        expect(lt.classCounts).toEqual(ds.longTail.classCounts);
        expect(lt.rarestFirst).toEqual(ds.longTail.rarestFirst);
      }
    }
  });

  it('counts whole passes over the subset only', () => {
    const lt = longTailSubset('mnist', 10, 500);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: lt.size - 1 }), (e, off) => {
        expect(longTailEpochs(e * lt.size, lt)).toBe(e);
        expect(oneLine(() => longTailEpochs(e * lt.size + off, lt)).message).toMatch(/not whole passes/);
      }),
      { numRuns: 50 },
    );
    expect(oneLine(() => longTailEpochs(lt.size - 1, lt)).hint).toContain('--budget-epochs 1');
  });

  it('refuses a bad ratio, a data set it cannot subset and more images than the set holds, in one line', () => {
    for (const rho of [0.5, NaN, 0, -1, Infinity]) expect(oneLine(() => longTailSubset('mnist', rho, 500)).message).toMatch(/ratio ≥ 1/);
    expect(oneLine(() => longTailSubset('cifar10', 10, 500)).message).toMatch(/cannot|not one/);
    expect(oneLine(() => longTailSubset('mnist', 10, 60001)).message).toMatch(/more than the 60000/);
    expect(oneLine(() => longTailSubset('mnist', 10, 5)).message).toMatch(/has no sample/);
  });
});
