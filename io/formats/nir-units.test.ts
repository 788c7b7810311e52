/**
 * The way back from seconds to ms (nir-units.ts): the answer divides back to s, no float within two
 * ulps of s·1000 that also divides back has a shorter decimal, and of equally short ones the one
 * nearer zero wins (the way back commutes with negation, like the division). Ties and winners two ulps away happen: a tie between s·1000 and its lower neighbour occurs for
 * ordinary values (below), and where s is subnormal every float within hundreds of ulps of s·1000
 * divides back to s, so each of the five candidates can be the only shortest one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { secondsToMsExact } from './nir-units.js';

const view = new DataView(new ArrayBuffer(8));
/** The float `k` steps above x (k < 0: below), for finite x > 0. */
function ulps(x: number, k: number): number {
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + BigInt(k));
  return view.getFloat64(0);
}
const len = (y: number) => String(y).length;

describe('secondsToMsExact', () => {
  it('of two equally short floats that both divide back to s, returns the one nearer zero', () => {
    const s = 9.686135744987002e-7;
    const c = s * 1000;
    // the premise: s·1000 and the float below it both divide back to s and print with 19 characters
    expect(c).toBe(0.0009686135744987002);
    expect(ulps(c, -1)).toBe(0.0009686135744987001);
    expect(ulps(c, -1) / 1000).toBe(s);
    expect(len(ulps(c, -1))).toBe(len(c));
    expect(secondsToMsExact(s)).toBe(0.0009686135744987001);
    // the way back commutes with negation: of two equally short, the one nearer zero
    expect(secondsToMsExact(-s)).toBe(-0.0009686135744987001);
  });

  it('where s is subnormal, finds the one shortest decimal at each of the five candidates', () => {
    // s = k·2^−1074: every float within ±2 ulps of s·1000 = 1000k·2^−1074 divides back to s; their
    // shortest decimals, from two ulps below to two above, are listed with the expected winner.
    const cases: Array<[number, string[], number]> = [
      [15, ['7.41e-320', '7.4105e-320', '7.411e-320', '7.4115e-320', '7.412e-320'], 0],
      [5, ['2.4693e-320', '2.47e-320', '2.4703e-320', '2.471e-320', '2.4713e-320'], 1],
      [27, ['1.3339e-319', '1.33393e-319', '1.334e-319', '1.33403e-319', '1.3341e-319'], 2],
      [22, ['1.08685e-319', '1.0869e-319', '1.08694e-319', '1.087e-319', '1.08704e-319'], 3],
      [12, ['5.928e-320', '5.9283e-320', '5.929e-320', '5.9293e-320', '5.93e-320'], 4],
      // a three-way tie (4.93, 4.94, 4.95 ·10⁻³²¹): the smallest
      [1, ['4.93e-321', '4.936e-321', '4.94e-321', '4.946e-321', '4.95e-321'], 0],
    ];
    for (const [k, decimals, winner] of cases) {
      const s = k * Number.MIN_VALUE;
      const near = [-2, -1, 0, 1, 2].map((d) => ulps(s * 1000, d));
      expect(near.map(String)).toEqual(decimals);
      for (const y of near) expect(y / 1000).toBe(s);
      expect(secondsToMsExact(s)).toBe(near[winner]);
      expect(secondsToMsExact(-s)).toBe(-near[winner]!);
    }
  });

  it('for any double: divides back, nothing within two ulps is shorter, and ties go to the one nearer zero', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, minExcluded: true, max: 1e300 }), (s) => {
        const y = secondsToMsExact(s);
        const near = [-2, -1, 0, 1, 2].map((d) => ulps(s * 1000, d));
        // for some s no float divides back to it (the floats near s·1000 are 2^10 ulps of s apart):
        // then s·1000 is the answer
        if (!near.some((z) => z / 1000 === s)) {
          expect(y).toBe(s * 1000);
          return;
        }
        expect(y / 1000).toBe(s);
        for (const z of near) {
          if (z / 1000 !== s || z === y) continue;
          expect(len(z)).toBeGreaterThanOrEqual(len(y));
          if (len(z) === len(y)) expect(z).toBeGreaterThan(y);
        }
        expect(secondsToMsExact(-s)).toBe(-y);
      }),
      { numRuns: 3000, seed: 22 },
    );
  });

  it('keeps zeros, infinities and NaN', () => {
    expect(Object.is(secondsToMsExact(0), 0)).toBe(true);
    expect(Object.is(secondsToMsExact(-0), -0)).toBe(true);
    expect(secondsToMsExact(Infinity)).toBe(Infinity);
    expect(secondsToMsExact(-Infinity)).toBe(-Infinity);
    expect(secondsToMsExact(NaN)).toBeNaN();
    // the largest s whose product is finite, and the next one, whose product overflows
    expect(secondsToMsExact(Number.MAX_VALUE / 1000)).toBe(Number.MAX_VALUE * (1 - Number.EPSILON / 2));
    expect(secondsToMsExact(ulps(Number.MAX_VALUE / 1000, 1))).toBe(Infinity);
  });
});
