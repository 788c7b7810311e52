/**
 * The post-spike column pass against its per-synapse definition: column i moves by c·x_j clipped
 * at wMax from above, a synapse with x_j = 0 keeps its weight (even one above wMax), every other
 * column is untouched.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { potentiateColumn } from './column-pass.js';

const finite = fc.double({ min: -4, max: 4, noNaN: true });

describe('potentiateColumn', () => {
  it('equals w_ji ← min(w_ji + c·x_j, wMax) for x_j ≠ 0 in column i, and nothing else changes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.nat(),
        fc.array(finite, { minLength: 36, maxLength: 36 }),
        fc.array(fc.oneof(fc.constant(0), finite), { minLength: 6, maxLength: 6 }),
        finite,
        fc.double({ min: 0, max: 3, noNaN: true }),
        (m, n, iRaw, wAll, xAll, c, wMax) => {
          const i = iRaw % n;
          const w = Float64Array.from(wAll.slice(0, m * n));
          const x = Float64Array.from(xAll.slice(0, m));
          const before = Float64Array.from(w);
          potentiateColumn(w, m, n, i, x, c, wMax);
          for (let j = 0; j < m; j++) {
            for (let q = 0; q < n; q++) {
              const k = j * n + q;
              const want = q !== i || x[j] === 0 ? before[k]! : Math.min(before[k]! + c * x[j]!, wMax);
              expect(Object.is(w[k], want)).toBe(true);
            }
          }
        },
      ),
    );
  });

  it('a weight above wMax whose pre trace is 0 stays where it is; one with a trace is clipped', () => {
    const w = Float64Array.from([5, 5]); // m = 2 rows, n = 1 column
    potentiateColumn(w, 2, 1, 0, Float64Array.from([0, 1e-3]), 1, 2);
    expect(Array.from(w)).toEqual([5, 2]);
  });
});
