import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { RngStream } from '../../engine/rng.js';
import type { PerSampleStats } from '../plugin-contract.js';
import { AdAdaGrad } from './adadagrad.js';

/** Linear least squares ½(aᵢ·w − yᵢ)² with noisy targets: per-sample gradients in closed form. */
function leastSquares(count: number, dim: number, seed: number) {
  const rng = RngStream.derive(seed, 'adadagrad-test');
  const a = Float64Array.from({ length: count * dim }, () => rng.normal());
  const wTrue = Float64Array.from({ length: dim }, () => rng.normal());
  const y = Float64Array.from({ length: count }, (_, i) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += a[i * dim + j]! * wTrue[j]!;
    return s + 0.3 * rng.normal();
  });
  /** u_i = aᵢ(aᵢ·w − yᵢ) for each sample of the batch. */
  const grads = (w: Float64Array, idx: number[]): Float64Array[] =>
    idx.map((i) => {
      let r = -y[i]!;
      for (let j = 0; j < dim; j++) r += a[i * dim + j]! * w[j]!;
      return Float64Array.from({ length: dim }, (_, j) => a[i * dim + j]! * r);
    });
  return { grads };
}

/** The per-sample statistics a rule reports: sums split into two "tensors", and Σ‖u_i‖². */
function statsOf(us: Float64Array[], split: number): PerSampleStats {
  const dim = us[0]!.length;
  const sum = [new Float64Array(split), new Float64Array(dim - split)];
  let sumSqNorms = 0;
  for (const u of us) {
    for (let j = 0; j < dim; j++) {
      const [t, k] = j < split ? [0, j] : [1, j - split];
      sum[t]![k] += u[j]!;
      sumSqNorms += u[j]! * u[j]!;
    }
  }
  return { sum, sumSqNorms, count: us.length };
}

describe('AdAdaGrad norm test', () => {
  it('asks for exactly ⌈V/(θ²‖ū‖²)⌉ on least squares with analytic per-sample gradients', () => {
    const dim = 6;
    const { grads } = leastSquares(500, dim, 1);
    const theta = 0.5;
    for (const [b, wScale] of [[8, 1], [20, 0.2], [50, 3]] as const) {
      const w = Float64Array.from({ length: dim }, (_, j) => wScale * Math.cos(j));
      const us = grads(w, Array.from({ length: b }, (_, i) => (i * 37) % 500));
      // two-pass reference: mean first, then squared deviations
      const mean = new Float64Array(dim);
      for (const u of us) for (let j = 0; j < dim; j++) mean[j] += u[j]! / b;
      let meanSq = 0;
      let v = 0;
      for (let j = 0; j < dim; j++) {
        meanSq += mean[j]! ** 2;
        for (const u of us) v += (u[j]! - mean[j]!) ** 2 / (b - 1);
      }
      const raw = v / (theta * theta * meanSq);
      expect(Math.abs(raw - Math.round(raw))).toBeGreaterThan(1e-6); // the ceiling is well defined
      const policy = new AdAdaGrad({ theta, maxBatch: 100_000 });
      const r = policy.next({ update: 0, batchSize: b, learningRate: 0.1, stats: statsOf(us, 2) });
      expect(r.batchSize).toBe(Math.max(b, Math.ceil(raw)));
      expect(r.learningRate).toBe(0.1);
      expect(policy.diagnostics().snr).toBeCloseTo((meanSq * b) / v, 9);
    }
  });

  it('grows the batch during training, never shrinks it, and saturates at maxBatch', () => {
    const dim = 5;
    const count = 2000;
    const { grads } = leastSquares(count, dim, 2);
    const policy = new AdAdaGrad({ theta: 0.3, maxBatch: 400 });
    const w = new Float64Array(dim).fill(3);
    let b = 2;
    let cursor = 0;
    const seen: number[] = [];
    for (let update = 0; update < 300; update++) {
      const idx = Array.from({ length: b }, (_, k) => (cursor + k) % count);
      cursor += b;
      const us = grads(w, idx);
      for (const u of us) for (let j = 0; j < dim; j++) w[j] -= (0.05 * u[j]!) / b;
      b = policy.next({ update, batchSize: b, learningRate: 0.05, stats: statsOf(us, 1) }).batchSize;
      seen.push(b);
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen[0]!).toBeLessThan(400);
    expect(seen.at(-1)).toBe(400);
  });

  it('keeps the batch between tests, and refuses a rule without per-sample statistics', () => {
    const policy = new AdAdaGrad({ testInterval: 3 });
    expect(policy.next({ update: 1, batchSize: 7, learningRate: 1 }).batchSize).toBe(7);
    expect(() => policy.next({ update: 3, batchSize: 7, learningRate: 1 })).toThrow(SnnError);
  });
});
