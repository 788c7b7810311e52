import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { LINEAR_PROBE_DEFAULTS, SparseCounts, fitLinearProbe, predictLinearProbe } from './linear-probe.js';

/**
 * Sparse "hidden layers" with a known answer: class c makes its own `perClass` neurons fire
 * (1–6 spikes each, some of them silent at random) and `noise` shared neurons fire at random.
 */
function separable(rows: number, classes: number, perClass: number, noise: number, rng: RngStream) {
  const columns = classes * perClass + noise;
  const x = new SparseCounts(columns);
  const labels = new Int32Array(rows);
  const counts = new Int32Array(columns);
  for (let r = 0; r < rows; r++) {
    const y = rng.int(classes);
    labels[r] = y;
    counts.fill(0);
    for (let j = 0; j < perClass; j++) if (rng.uniform() < 0.7 || j === 0) counts[y * perClass + j] = 1 + rng.int(6);
    for (let j = 0; j < noise; j++) if (rng.uniform() < 0.3) counts[classes * perClass + j] = 1 + rng.int(6);
    x.push(counts);
  }
  return { x, labels };
}

function accuracy(pred: Int32Array, labels: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) ok++;
  return ok / labels.length;
}

describe('linear probe', () => {
  it('stores only the non-zero counts of each row', () => {
    const x = new SparseCounts(5);
    x.push([0, 3, 0, 0, 1]);
    x.push([0, 0, 0, 0, 0]);
    x.push([2, 0, 0, 0, 0]);
    expect(x.rows).toBe(3);
    const rows = [0, 1, 2].map((r) => {
      const { start, end, indices, values } = x.row(r);
      return indices.slice(start, end).map((i, k) => [i, values[start + k]]);
    });
    expect(rows).toEqual([[[1, 3], [4, 1]], [], [[0, 2]]]);
  });

  it('separates classes that own disjoint neurons, on held-out samples', () => {
    const train = separable(2000, 10, 4, 30, RngStream.derive(1, 'train'));
    const test = separable(1000, 10, 4, 30, RngStream.derive(1, 'test'));
    const probe = fitLinearProbe(train.x, train.labels, { ...LINEAR_PROBE_DEFAULTS, classes: 10 }, RngStream.derive(1, 'probe'));
    expect(accuracy(predictLinearProbe(probe, test.x), test.labels)).toBe(1);
  });

  it('is linear: it cannot fit XOR (at most 3 of the 4 patterns)', () => {
    // class = (neuron 0 fires) XOR (neuron 1 fires); no linear score separates the four patterns.
    const x = new SparseCounts(2);
    const labels: number[] = [];
    for (let r = 0; r < 400; r++) {
      const a = r % 2;
      const b = (r >> 1) % 2;
      x.push([a * 3, b * 3]);
      labels.push(a ^ b);
    }
    const probe = fitLinearProbe(x, labels, { classes: 2, epochs: 30, learningRate: 0.1 }, RngStream.derive(2, 'probe'));
    const acc = accuracy(predictLinearProbe(probe, x), Int32Array.from(labels));
    expect(acc).toBeLessThanOrEqual(0.75);
  });

  it('gives bit-identical weights for the same counts and seed, other weights for another seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const { x, labels } = separable(200, 4, 3, 10, RngStream.derive(seed, 'data'));
        const opts = { classes: 4, epochs: 3, learningRate: 0.05 };
        const a = fitLinearProbe(x, labels, opts, RngStream.derive(seed, 'probe'));
        const b = fitLinearProbe(x, labels, opts, RngStream.derive(seed, 'probe'));
        const c = fitLinearProbe(x, labels, opts, RngStream.derive(seed + 1, 'probe'));
        expect(Buffer.from(a.weights.buffer).equals(Buffer.from(b.weights.buffer))).toBe(true);
        expect(Buffer.from(a.weights.buffer).equals(Buffer.from(c.weights.buffer))).toBe(false);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects labels outside the classes and non-positive epochs', () => {
    const x = new SparseCounts(2);
    x.push([1, 0]);
    expect(() => fitLinearProbe(x, [3], { classes: 2, epochs: 1, learningRate: 0.1 }, RngStream.derive(1, 'p'))).toThrow(/label 3 outside/);
    expect(() => fitLinearProbe(x, [0], { classes: 2, epochs: 0, learningRate: 0.1 }, RngStream.derive(1, 'p'))).toThrow(/positive integer/);
  });
});
