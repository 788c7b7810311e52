/**
 * The linear probe against a plain dense reference written from its definition (softmax
 * cross-entropy on log(1 + count) features, SGD with step η/(1 + epoch), the sample order of each
 * epoch drawn by `shuffle` of the same seeded stream): the fitted weights and biases agree to
 * rounding, so every factor of the update is pinned, not just "the accuracy is high". Also: the
 * closed form of one step from zero, ties, the dense-rows input, and each refusal with its code,
 * message and hint.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { SparseCounts, fitLinearProbe, predictLinearProbe, type LinearProbe } from './linear-probe.js';
import { refusal } from '../test/helpers/refusal.js';

/** Dense softmax-regression SGD in float64: weights [feature·k + class], bias [class]. */
function reference(counts: number[][], labels: number[], k: number, epochs: number, lr0: number, rng: RngStream) {
  const n = counts.length;
  const d = counts[0]!.length;
  const w = new Float64Array(d * k);
  const bias = new Float64Array(k);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let e = 0; e < epochs; e++) {
    rng.shuffle(order);
    const lr = lr0 / (1 + e);
    for (const r of order) {
      const x = counts[r]!.map((c) => Math.log(1 + c));
      const z = Array.from({ length: k }, (_, c) => bias[c]! + x.reduce((s, xi, i) => s + xi * w[i * k + c]!, 0));
      const top = Math.max(...z);
      const ez = z.map((v) => Math.exp(v - top));
      const sum = ez.reduce((a, b) => a + b, 0);
      const grad = ez.map((v, c) => v / sum - (c === labels[r] ? 1 : 0));
      for (let i = 0; i < d; i++) for (let c = 0; c < k; c++) w[i * k + c] = w[i * k + c]! - lr * x[i]! * grad[c]!;
      for (let c = 0; c < k; c++) bias[c] = bias[c]! - lr * grad[c]!;
    }
  }
  return { w, bias };
}

function sparse(counts: number[][], columns: number): SparseCounts {
  const x = new SparseCounts(columns);
  for (const row of counts) x.push(row);
  return x;
}

function closeTo(got: Float64Array, want: Float64Array): void {
  expect(got.length).toBe(want.length);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, scale));
}

describe('linear probe: exact SGD', () => {
  it('one step from zero weights: p = 1/k for every class, so w[i,c] = −η·log(1+x_i)·(1/k − [c = y])', () => {
    const x = sparse([[0, 3, 1]], 3);
    const p = fitLinearProbe(x, [2], { classes: 4, epochs: 1, learningRate: 0.3 }, RngStream.derive(1, 'p'));
    expect(p.features).toBe(3);
    expect(p.classes).toBe(4);
    const want = new Float64Array(12);
    const wantBias = new Float64Array(4);
    for (let c = 0; c < 4; c++) {
      const g = 0.25 - (c === 2 ? 1 : 0);
      want[1 * 4 + c] = -0.3 * Math.log1p(3) * g;
      want[2 * 4 + c] = -0.3 * Math.log1p(1) * g;
      wantBias[c] = -0.3 * g;
    }
    closeTo(p.weights, want);
    closeTo(p.bias, wantBias);
  });

  it('equals the dense reference over several epochs (decaying step, seeded order), for random data', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(0.05, 0.7, 40),
        (seed, k, epochs, lr) => {
          const rng = RngStream.derive(seed, 'test/linear-probe/data');
          const d = 6;
          const n = 9;
          const counts = Array.from({ length: n }, () => Array.from({ length: d }, () => (rng.uniform() < 0.5 ? 0 : 1 + rng.int(20))));
          const labels = Array.from({ length: n }, () => rng.int(k));
          const p = fitLinearProbe(sparse(counts, d), labels, { classes: k, epochs, learningRate: lr }, RngStream.derive(seed, 'order'));
          const ref = reference(counts, labels, k, epochs, lr, RngStream.derive(seed, 'order'));
          closeTo(p.weights, ref.w);
          closeTo(p.bias, ref.bias);
          expect(p.weights.every(Number.isFinite)).toBe(true);
          // predictions are the arg max of the same scores
          const pred = predictLinearProbe(p, sparse(counts, d));
          counts.forEach((row, r) => {
            const z = Array.from({ length: k }, (_, c) => ref.bias[c]! + row.reduce((s, ci, i) => s + Math.log1p(ci) * ref.w[i * k + c]!, 0));
            expect(z[pred[r]!]).toBe(Math.max(...z));
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('stays finite when scores are in the thousands (the softmax is shifted by its maximum)', () => {
    const counts = [[200, 0], [0, 200], [200, 0], [0, 200]];
    const labels = [0, 1, 1, 0]; // not separable: the scores keep growing in both directions
    const p = fitLinearProbe(sparse(counts, 2), labels, { classes: 2, epochs: 5, learningRate: 2000 }, RngStream.derive(4, 'p'));
    const ref = reference(counts, labels, 2, 5, 2000, RngStream.derive(4, 'p'));
    expect(Math.max(...ref.w.map(Math.abs))).toBeGreaterThan(1000);
    expect(p.weights.every(Number.isFinite) && p.bias.every(Number.isFinite)).toBe(true);
    closeTo(p.weights, ref.w);
  });

  it('predicts the arg max; ties go to the lowest class', () => {
    const probe: LinearProbe = { features: 2, classes: 3, weights: Float64Array.from([0, 1, 1, 2, 0, 2]), bias: new Float64Array(3) };
    // row [e − 1, 0]: feature 1 → scores (0, 1, 1): classes 1 and 2 tie → 1
    // row [0, e − 1]: scores (2, 0, 2) → 0;  empty row: all 0 → 0;  [e − 1, e − 1]: (2, 1, 3) → 2
    const x = sparse([[Math.E - 1, 0], [0, Math.E - 1], [0, 0], [Math.E - 1, Math.E - 1]], 2);
    expect(Array.from(predictLinearProbe(probe, x))).toEqual([1, 0, 0, 2]);
    const biased: LinearProbe = { ...probe, bias: Float64Array.from([0, 0, 0.5]) };
    expect(Array.from(predictLinearProbe(biased, x))).toEqual([2, 2, 2, 2]);
    expect(predictLinearProbe(probe, new SparseCounts(2))).toHaveLength(0);
  });

  it('pushDense appends whole rows of a sample-major block, the same as pushing each row', () => {
    const dense = Uint8Array.from([0, 2, 0, 5, 0, 0, 1, 1, 0]);
    const a = new SparseCounts(3);
    a.pushDense(dense);
    const b = sparse([[0, 2, 0], [5, 0, 0], [1, 1, 0]], 3);
    expect(a.rows).toBe(3);
    for (let r = 0; r < 3; r++) {
      const ra = a.row(r);
      const rb = b.row(r);
      expect([ra.start, ra.end]).toEqual([rb.start, rb.end]);
      expect(ra.indices.slice(ra.start, ra.end)).toEqual(rb.indices.slice(rb.start, rb.end));
      expect(ra.values.slice(ra.start, ra.end)).toEqual(rb.values.slice(rb.start, rb.end));
    }
    expect(a.row(2).indices.slice(a.row(2).start, a.row(2).end)).toEqual([0, 1]);
  });

  it('refuses bad input with what is wrong and how to fix it', () => {
    const x = sparse([[1, 0]], 2);
    const cases: [() => unknown, string, string, string][] = [
      [() => new SparseCounts(3).push([1, 2]), 'internal', 'a row of 2 counts does not fit 3 columns', 'push one count per hidden neuron'],
      [() => new SparseCounts(3).pushDense(new Uint8Array(4)), 'internal', '4 counts are not whole rows of 3', 'pass rows × columns counts'],
      [() => fitLinearProbe(x, [0, 1], { classes: 2, epochs: 1, learningRate: 0.1 }, RngStream.derive(1, 'p')), 'internal', '2 labels for 1 rows', 'give one label per row'],
      [() => fitLinearProbe(x, [0], { classes: 2, epochs: 1.5, learningRate: 0.1 }, RngStream.derive(1, 'p')), 'config.invalid', 'probe epochs must be a positive integer, got 1.5', 'use e.g. 10'],
      [() => fitLinearProbe(x, [0], { classes: 2, epochs: 0, learningRate: 0.1 }, RngStream.derive(1, 'p')), 'config.invalid', 'probe epochs must be a positive integer, got 0', 'use e.g. 10'],
      [() => fitLinearProbe(x, [0], { classes: 2, epochs: NaN, learningRate: 0.1 }, RngStream.derive(1, 'p')), 'config.invalid', 'probe epochs must be a positive integer, got NaN', 'use e.g. 10'],
      [() => fitLinearProbe(x, [0], { classes: 2, epochs: 1, learningRate: 0 }, RngStream.derive(1, 'p')), 'config.invalid', 'probe learning rate must be > 0, got 0', 'use e.g. 0.05'],
      [() => fitLinearProbe(x, [0], { classes: 2, epochs: 1, learningRate: NaN }, RngStream.derive(1, 'p')), 'config.invalid', 'probe learning rate must be > 0, got NaN', 'use e.g. 0.05'],
      [() => fitLinearProbe(x, [2], { classes: 2, epochs: 1, learningRate: 0.1 }, RngStream.derive(1, 'p')), 'internal', 'label 2 outside 0…1', 'check the labels'],
      [() => fitLinearProbe(x, [-1], { classes: 2, epochs: 1, learningRate: 0.1 }, RngStream.derive(1, 'p')), 'internal', 'label -1 outside 0…1', 'check the labels'],
      [() => fitLinearProbe(x, [0.5], { classes: 2, epochs: 1, learningRate: 0.1 }, RngStream.derive(1, 'p')), 'internal', 'label 0.5 outside 0…1', 'check the labels'],
      [() => predictLinearProbe({ features: 3, classes: 2, weights: new Float64Array(6), bias: new Float64Array(2) }, x), 'internal', 'rows of 2 columns for a probe of 3 features', 'probe the layer it was fitted on'],
    ];
    for (const [f, code, message, hint] of cases) {
      const e = refusal(f);
      expect([e.code, e.message, e.hint]).toEqual([code, message, hint]);
    }
    // the boundary cases are accepted: label k − 1 and label 0, one epoch, a tiny rate
    expect(() => fitLinearProbe(sparse([[1, 0], [0, 1]], 2), [1, 0], { classes: 2, epochs: 1, learningRate: 1e-9 }, RngStream.derive(1, 'p'))).not.toThrow();
  });
});
