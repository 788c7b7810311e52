import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { studentTCdf, studentTQuantile } from './student-t.js';

describe('Student t quantile', () => {
  it('matches the tabulated two-sided 95 % values', () => {
    // Standard t tables (e.g. NIST/SEMATECH e-Handbook, table of upper critical values).
    const table: [number, number][] = [[1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [9, 2.262], [10, 2.228], [29, 2.045], [30, 2.042], [100, 1.984]];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
  });

  it('matches other tabulated levels', () => {
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(1.812, 3);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032, 3);
    expect(studentTQuantile(0.9, 20)).toBeCloseTo(1.325, 3);
  });

  it('has the closed forms of one and two degrees of freedom', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (p) => {
        // df = 1 is the Cauchy distribution; df = 2 has t = (2p − 1) / sqrt(2p(1 − p)).
        expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 6);
        expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 8);
      }),
    );
  });

  it('tends to the normal quantile and is the inverse of the CDF, odd in p', () => {
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 4);
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.double({ min: 0.5, max: 200, noNaN: true }), (p, df) => {
        const t = studentTQuantile(p, df);
        expect(studentTCdf(t, df)).toBeCloseTo(p, 9);
        expect(studentTQuantile(1 - p, df)).toBeCloseTo(-t, 8);
      }),
    );
  });

  it('refuses levels outside (0, 1) and df ≤ 0', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
  });
});
