import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { fitCurve, LearningCurvePredictor, predictFinal, predictionSettled, type CurvePoint } from './learning-curve.js';

/** 100 evaluations every 1000 samples of `f(i)` (i = 1..100) plus N(0, σ) noise from a seeded stream. */
function synthetic(f: (i: number) => number, seed: number, sigma = 0.002): CurvePoint[] {
  const rng = RngStream.derive(seed, 'test/curve-noise');
  return Array.from({ length: 100 }, (_, k) => ({ samples: 1000 * (k + 1), accuracy: f(k + 1) + sigma * rng.normal() }));
}

describe('learning-curve prediction', () => {
  it('recovers the asymptote of a − b·t^(−c) within 0.3 points from the first 30 % of a noisy curve (σ = 0.2 points)', () => {
    for (const [a, b, c] of [[0.9, 0.4, 1], [0.95, 0.5, 0.8], [0.85, 0.3, 1.5], [0.92, 0.6, 0.9]] as const) {
      for (let seed = 0; seed < 10; seed++) {
        const pts = synthetic((i) => a - b * i ** -c, seed).slice(0, 30);
        const fit = fitCurve(pts, { families: ['power'] })!;
        expect(Math.abs(fit.a - a)).toBeLessThan(0.003);
        expect(fit.theta[0]).toBeGreaterThan(0);
      }
    }
  });

  it('predicts the final accuracy from 30 % of a curve: power laws within 0.3 points (≥ 9 of 10 seeds, all within 1), exponentials within 1 point', () => {
    const curves: [(i: number) => number, number, string][] = [
      [(i) => 0.9 - 0.4 * i ** -0.5, 0.003, 'power'],
      [(i) => 0.95 - 0.5 * i ** -0.8, 0.003, 'power'],
      [(i) => 0.9 - 0.5 * Math.exp(-i / 15), 0.01, 'exponential'],
    ];
    for (const [f, tol, family] of curves) {
      let covered = 0, close = 0, right = 0;
      for (let seed = 0; seed < 10; seed++) {
        const p = predictFinal(synthetic(f, seed).slice(0, 30), 100_000)!;
        const err = Math.abs(p.final - f(100));
        expect(err).toBeLessThan(0.01);
        if (err < tol) close++;
        if (p.family === family) right++;
        expect(p.lo).toBeLessThanOrEqual(p.final);
        expect(p.hi).toBeGreaterThanOrEqual(p.final);
        if (p.lo <= f(100) && f(100) <= p.hi) covered++;
      }
      expect(close).toBeGreaterThanOrEqual(9);
      expect(right).toBeGreaterThanOrEqual(9);
      expect(covered).toBeGreaterThanOrEqual(8); // a 95 % interval, 10 trials
    }
  });

  it('exact curves: three points of a power law are fitted exactly, the interval is the whole range', () => {
    const f = (t: number) => 0.9 - 0.3 * (t / 1000) ** -0.7;
    const pts = [1000, 2000, 4000].map((s) => ({ samples: s, accuracy: f(s) }));
    const p = predictFinal(pts, 64_000)!;
    expect(p.family).toBe('power');
    expect(p.final).toBeCloseTo(f(64_000), 5);
    expect([p.lo, p.hi]).toEqual([0, 1]);
  });

  it('degenerate inputs: fewer than 3 points or one sample count give null; a constant curve predicts the constant', () => {
    expect(predictFinal([], 1000)).toBeNull();
    expect(predictFinal([{ samples: 1, accuracy: 0.5 }, { samples: 2, accuracy: 0.6 }], 1000)).toBeNull();
    expect(predictFinal([1, 2, 3].map(() => ({ samples: 10, accuracy: 0.5 })), 1000)).toBeNull();
    const flat = Array.from({ length: 12 }, (_, i) => ({ samples: 100 * (i + 1), accuracy: 0.73 }));
    const p = predictFinal(flat, 10_000)!;
    expect(p.final).toBeCloseTo(0.73, 12);
    expect(p.lo).toBeCloseTo(0.73, 12);
    expect(p.hi).toBeCloseTo(0.73, 12);
    expect(() => predictFinal([{ samples: 0, accuracy: 0.5 }], 10)).toThrow(/positive sample count/);
    expect(() => predictFinal(flat, Number.NaN)).toThrow(/horizon/);
  });

  it('property: for rising data the prediction is at least the fitted value at the last point and at most 1; falling data fits a constant', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.05, noNaN: true }), { minLength: 3, maxLength: 15 }), fc.double({ min: 0.1, max: 0.5, noNaN: true }), (steps, start) => {
        let acc = start;
        const pts = steps.map((s, i) => ({ samples: 500 * (i + 1), accuracy: (acc += s) }));
        const fit = fitCurve(pts)!;
        const p = predictFinal(pts, 500 * pts.length * 4, { bootstrap: 0 })!;
        expect(fit.b).toBeGreaterThanOrEqual(0);
        expect(p.final).toBeGreaterThanOrEqual(Math.min(1, fit.at(pts.at(-1)!.samples)) - 1e-9);
        expect(p.final).toBeLessThanOrEqual(1);
        const falling = pts.map((q, i) => ({ samples: q.samples, accuracy: 0.9 - 0.01 * i }));
        const g = fitCurve(falling)!;
        expect(g.b).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('is a pure function of its input (seeded bootstrap) and ignores the order of the points', () => {
    const pts = synthetic((i) => 0.9 - 0.4 / i, 3).slice(0, 20);
    expect(predictFinal(pts, 50_000)).toEqual(predictFinal([...pts].reverse(), 50_000));
  });

  it('settles once the last three refits after ≥ 5 points each moved by < δ', () => {
    expect(predictionSettled([null, null, 0.8, 0.9, 0.9, 0.9])).toBe(false); // the move 0.8 → 0.9 is within the window
    expect(predictionSettled([null, null, 0.8, 0.9, 0.9, 0.9, 0.9])).toBe(true);
    expect(predictionSettled([null, null, 0.9, 0.9, 0.9])).toBe(false); // a null in the window
    expect(predictionSettled([null, null, 0.9, 0.9, 0.9, 0.9])).toBe(true);
    expect(predictionSettled([0.9, 0.9, 0.9, 0.9])).toBe(false); // fewer than 5 points
    expect(predictionSettled([null, null, 0.9, 0.9, 0.9, 0.9], { delta: 0 })).toBe(false);
    // Incrementally on a noisy power law: it settles, and by then it is close to the truth.
    const f = (i: number) => 0.9 - 0.4 / i;
    const pred = new LearningCurvePredictor(100_000, { bootstrap: 0, delta: 0.001 });
    let at = -1;
    for (const [k, p] of synthetic(f, 5, 0.001).entries()) {
      pred.add(p);
      if (pred.settled) {
        at = k + 1;
        break;
      }
    }
    expect(at).toBeGreaterThanOrEqual(6);
    expect(at).toBeLessThan(100);
    expect(Math.abs(pred.prediction!.final - f(100))).toBeLessThan(0.005);
  });
});
