import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { silhouetteScore } from './silhouette.js';
import { fastCostGrad, seededTsne, squaredDistances, tsneEmbed } from './tsne.js';

function blobs(n: number, dim: number, seed: number, offset = 6): { x: Float64Array; labels: Int32Array } {
  const rng = RngStream.derive(seed, 'test/blobs');
  const x = new Float64Array(n * dim);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    labels[i] = c;
    for (let d = 0; d < dim; d++) x[i * dim + d] = (d % 4 === c ? offset : 0) + rng.normal();
  }
  return { x, labels };
}

describe('t-SNE (@keckelt/tsne, seeded, fast gradient)', () => {
  it('the sparse-attraction gradient equals the package gradient, with and without early exaggeration', () => {
    const { x } = blobs(30, 6, 1, 40);
    const t = seededTsne({ perplexity: 5, epsilon: 10 }, RngStream.derive(1, 'test/tsne'));
    (t as unknown as { initDataDist(d: ArrayLike<number>[]): void }).initDataDist(squaredDistances(x, 30, 6));
    // Far-apart blobs: most pairs have a negligible P, so the sparse path is the one taken.
    const maxP = Math.max(...t.P);
    let significant = 0;
    for (let i = 0; i < 30; i++) for (let j = i + 1; j < 30; j++) if (t.P[i * 30 + j]! >= 1e-12 * maxP) significant++;
    expect(significant).toBeLessThan((30 * 29) / 8);
    const reference = t.costGrad.bind(t);
    const fast = fastCostGrad(t);
    const rng = RngStream.derive(3, 'test/y');
    const Y = Array.from({ length: 30 }, () => [3 * rng.normal(), 3 * rng.normal()]);
    for (const iter of [0, 150]) {
      t.iter = iter;
      const a = reference(Y).grad;
      const b = fast(Y).grad;
      for (let i = 0; i < 30; i++) for (let d = 0; d < 2; d++) expect(b[i]![d]!).toBeCloseTo(a[i]![d]!, 12);
    }
  });

  it('the dense path (most pairs significant) equals the package gradient too', () => {
    // Identical points have equal, large P with each other: every pair of this set matters.
    const x = new Float64Array(40 * 3);
    for (let i = 0; i < 40; i++) x[i * 3 + (i % 2)] = 1;
    const t = seededTsne({ perplexity: 10, epsilon: 10 }, RngStream.derive(2, 'test/tsne'));
    (t as unknown as { initDataDist(d: ArrayLike<number>[]): void }).initDataDist(squaredDistances(x, 40, 3));
    const reference = t.costGrad.bind(t);
    const fast = fastCostGrad(t);
    const rng = RngStream.derive(4, 'test/y');
    const Y = Array.from({ length: 40 }, () => [rng.normal(), rng.normal()]);
    const a = reference(Y).grad;
    const b = fast(Y).grad;
    for (let i = 0; i < 40; i++) for (let d = 0; d < 2; d++) expect(b[i]![d]!).toBeCloseTo(a[i]![d]!, 12);
  });

  it('squared distances through the sparse dot product equal the direct sums', () => {
    const x = Float64Array.from([0, 2, 0, 1, 3, 0, 0, 0, 0, 0, 5, 0]);
    const d = squaredDistances(x, 3, 4);
    expect(Array.from(d[0]!)).toEqual([0, 9 + 4 + 1, 4 + 25 + 1]);
    expect(d[1]![2]).toBe(9 + 25);
    expect(d[2]![1]).toBe(9 + 25);
  });

  it('is reproducible from its seed and separates separated blobs (silhouette > 0.5)', () => {
    const { x, labels } = blobs(120, 8, 2);
    const a = tsneEmbed(x, 120, 8, { seed: 5, iterations: 200 });
    const b = tsneEmbed(x, 120, 8, { seed: 5, iterations: 200 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(tsneEmbed(x, 120, 8, { seed: 6, iterations: 200 }))).not.toEqual(Array.from(a));
    expect(silhouetteScore(a, 2, labels)).toBeGreaterThan(0.5);
  });
});
