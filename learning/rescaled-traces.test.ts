import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REBASE_MS, RescaledTraces } from './rescaled-traces.js';

/** Closed form: Σ a_k·e^{−(t − t_k)/τ} over the jumps before t. */
function exact(jumps: { t: number; a: number }[], t: number, tau: number): number {
  let s = 0;
  for (const j of jumps) if (j.t <= t) s += j.a * Math.exp(-(t - j.t) / tau);
  return s;
}

describe('RescaledTraces', () => {
  it('equals the closed-form sum of decaying jumps, across rebases', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.double({ min: 0, max: 3 * REBASE_MS, noNaN: true }), a: fc.double({ min: 0.01, max: 1, noNaN: true }) }), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        (steps, tau) => {
          const x = new Float64Array(1);
          const tr = new RescaledTraces(tau, [x]);
          const jumps: { t: number; a: number }[] = [];
          let t = 0;
          for (const s of steps) {
            t += s.dt;
            const f = tr.factor(t);
            const want = exact(jumps, t, tau);
            expect(x[0]! * f).toBeCloseTo(want, 10);
            x[0] = x[0]! + s.a / f;
            jumps.push({ t, a: s.a });
            expect(tr.tRef).toBeGreaterThanOrEqual(t - REBASE_MS);
          }
          expect(tr.valuesAt(x, t + 5)[0]!).toBeCloseTo(exact(jumps, t + 5, tau), 10);
        },
      ),
    );
  });

  it('rebases every array of the set together, and stored values stay bounded', () => {
    const a = new Float64Array([1, 2]);
    const b = new Float64Array([3]);
    const tr = new RescaledTraces(20, [a, b]);
    expect(tr.factor(REBASE_MS)).toBeCloseTo(Math.exp(-REBASE_MS / 20), 15); // not yet due
    expect(tr.tRef).toBe(0);
    expect(tr.factor(REBASE_MS + 1)).toBe(1); // due: values multiplied out, tRef moved
    expect(tr.tRef).toBe(REBASE_MS + 1);
    const f = Math.exp(-(REBASE_MS + 1) / 20);
    expect(Array.from(a)).toEqual([1 * f, 2 * f]);
    expect(b[0]).toBe(3 * f);
  });

  it('flushes values that decayed below 1e-30 to exact zeros (no subnormals)', () => {
    const a = new Float64Array([1, -1, 1e10]);
    const tr = new RescaledTraces(1, [a]);
    tr.factor(REBASE_MS + 1); // e^{-201} ≈ 5e-88
    expect(a[0]).toBe(0);
    expect(a[1]).toBe(0);
    expect(a[2]).toBe(0);
    const b = new Float64Array([1]);
    const slow = new RescaledTraces(1000, [b]);
    slow.factor(REBASE_MS + 1);
    expect(b[0]).toBeCloseTo(Math.exp(-0.201), 15);
  });
});

describe('RescaledTraces: when to rebase, and signed values', () => {
  it('rebases only when t has moved more than REBASE_MS past tRef', () => {
    const x = Float64Array.from([1]);
    const tr = new RescaledTraces(20, [x]);
    expect(tr.factor(150)).toBe(Math.exp(-150 / 20));
    expect(tr.tRef).toBe(0);
    expect(tr.factor(REBASE_MS + 50)).toBe(1); // rebased: x now holds the trace at 250
    expect(tr.tRef).toBe(REBASE_MS + 50);
    expect(x[0]).toBe(Math.exp(-(REBASE_MS + 50) / 20));
    // 10 ms later: no rebase, one shared factor from the new tRef
    expect(tr.factor(REBASE_MS + 60)).toBe(Math.exp(-10 / 20));
    expect(tr.tRef).toBe(REBASE_MS + 50);
  });

  it('keeps negative values through a rebase (only tiny magnitudes flush to 0)', () => {
    const x = Float64Array.from([-0.5, 0.5, -1e-40]);
    const tr = new RescaledTraces(100, [x]);
    tr.factor(REBASE_MS + 1);
    const f = Math.exp(-(REBASE_MS + 1) / 100);
    expect(Array.from(x)).toEqual([-0.5 * f, 0.5 * f, 0]);
  });
});
