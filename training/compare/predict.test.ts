import { describe, expect, it } from 'vitest';
import { RngStream } from '../../engine/rng.js';
import { predictFinal, type CurvePoint, type Prediction } from './predict.js';
import { decidePrune } from './prune.js';

const curve = (a: number, b: number, c: number, at: number[], noise = 0, seed = 1): CurvePoint[] => {
  const rng = RngStream.derive(seed, 'test/curve');
  return at.map((t) => ({ samples: t, accuracy: a - b * t ** -c + noise * rng.normal() }));
};

describe('the predictor compare prunes with', () => {
  it('recovers the asymptote of an exact power law from the first 30 % of the run', () => {
    // Evaluations at 300..3000 of a 10000-sample run; a = 0.92 is the accuracy at t → ∞.
    const pts = curve(0.92, 2.5, 0.5, [300, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700, 3000]);
    const p = predictFinal(pts, 10000)!;
    expect(p.family).toMatch(/^power/);
    expect(Math.abs(p.final - (0.92 - 2.5 * 10000 ** -0.5))).toBeLessThan(1e-3);
    expect(p.lo).toBeLessThanOrEqual(p.final);
    expect(p.hi).toBeGreaterThanOrEqual(p.final);
  });

  it('puts the true final value inside its interval on a noisy curve', () => {
    const truth = 0.9 - 3 * 10000 ** -0.6;
    const p = predictFinal(curve(0.9, 3, 0.6, [1000, 2000, 3000, 4000, 5000, 6000], 0.003, 4), 10000)!;
    expect(p.lo).toBeLessThan(truth);
    expect(p.hi).toBeGreaterThan(truth);
  });

  it('needs three points', () => {
    expect(predictFinal(curve(0.9, 1, 0.5, [10, 20]), 100)).toBeNull();
    expect(predictFinal(curve(0.9, 1, 0.5, [10, 20, 30]), 100)).not.toBeNull();
  });
});

describe('prune decision', () => {
  const fixed = (table: Record<string, Prediction | null>) => (points: CurvePoint[]) => table[points[0]!.accuracy.toString()] ?? null;
  const curves = (names: string[]) => new Map(names.map((n, i) => [n, [{ samples: 1, accuracy: i }]]));

  it("stops a contender whose upper bound is below the leader's lower bound, and no other", () => {
    const predict = fixed({
      '0': { final: 0.9, lo: 0.88, hi: 0.92, family: 'x' },
      '1': { final: 0.85, lo: 0.83, hi: 0.87, family: 'x' }, // hi 0.87 < 0.88: pruned
      '2': { final: 0.87, lo: 0.8, hi: 0.89, family: 'x' }, // overlaps the leader: kept
      '3': null, // no prediction yet: kept
    });
    const d = decidePrune(curves(['lead', 'worse', 'close', 'unknown']), 100, predict);
    expect(d.leader).toBe('lead');
    expect(d.pruned).toEqual(['worse']);
  });

  it('prunes nothing without predictions', () => {
    expect(decidePrune(curves(['a', 'b']), 100, () => null)).toMatchObject({ leader: null, pruned: [] });
  });
});
