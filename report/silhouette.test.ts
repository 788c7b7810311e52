import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { silhouetteScore } from './silhouette.js';

/** n points per class around k centres `spread` apart (2-D, unit normal noise). */
function clusters(k: number, n: number, spread: number, rng: RngStream): { points: Float64Array; labels: Int32Array } {
  const points = new Float64Array(2 * k * n);
  const labels = new Int32Array(k * n);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) {
      const p = c * n + i;
      points[2 * p] = spread * Math.cos((2 * Math.PI * c) / k) + rng.normal();
      points[2 * p + 1] = spread * Math.sin((2 * Math.PI * c) / k) + rng.normal();
      labels[p] = c;
    }
  }
  return { points, labels };
}

describe('silhouetteScore', () => {
  it('is above 0.5 on well-separated clusters', () => {
    const { points, labels } = clusters(5, 40, 20, RngStream.derive(1, 'test/clusters'));
    expect(silhouetteScore(points, 2, labels)).toBeGreaterThan(0.5);
  });

  it('is near 0 on random labels', () => {
    const rng = RngStream.derive(2, 'test/random-labels');
    const { points } = clusters(5, 60, 20, rng);
    const labels = Int32Array.from({ length: 300 }, () => rng.int(5));
    // Slightly negative in expectation (b is a minimum over the other classes), and small.
    expect(Math.abs(silhouetteScore(points, 2, labels))).toBeLessThan(0.1);
  });

  it('equals the hand computation on four points on a line', () => {
    // class 0 at 0 and 1, class 1 at 4 and 6: a = 1, 1, 2, 2; b = 5, 4, 3.5, 5.5.
    const points = Float64Array.from([0, 0, 1, 0, 4, 0, 6, 0]);
    const s = [(5 - 1) / 5, (4 - 1) / 4, (3.5 - 2) / 3.5, (5.5 - 2) / 5.5];
    expect(silhouetteScore(points, 2, [0, 0, 1, 1])).toBeCloseTo(s.reduce((a, b) => a + b) / 4, 12);
  });

  it('a point alone in its class counts 0; the score lies in [-1, 1] and ignores the label names', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), fc.integer({ min: 0, max: 2 })), { minLength: 4, maxLength: 30 }), (rows) => {
        const labels = rows.map((r) => r[2]);
        if (new Set(labels).size < 2) return;
        const points = Float64Array.from(rows.flatMap((r) => [r[0], r[1]]));
        const s = silhouetteScore(points, 2, labels);
        expect(s).toBeGreaterThanOrEqual(-1 - 1e-12);
        expect(s).toBeLessThanOrEqual(1 + 1e-12);
        expect(silhouetteScore(points, 2, labels.map((l) => (l + 1) % 3))).toBeCloseTo(s, 12);
      }),
    );
    expect(silhouetteScore(Float64Array.from([0, 0, 1, 0, 9, 0]), 2, [0, 0, 1])).toBeCloseTo(((9 - 1) / 9 + (8 - 1) / 8 + 0) / 3, 12);
  });
});
