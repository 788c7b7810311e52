import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { RngStream } from '../../engine/rng.js';
import type { WeightTensor } from '../plugin-contract.js';
import { matmul, matmulTransA, norm2 } from './dense-linalg.js';
import { Sso, crossEntropyWithGrad, targetSurrogate } from './sso.js';

function gaussian(n: number, seed: number, scale = 1): Float64Array {
  const rng = RngStream.derive(seed, 'sso-test');
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

/** A linear softmax readout on fixed features: loss, factors X and G = d/b, and U = XᵀG. */
function readoutProblem(b: number, n: number, k: number, seed: number) {
  const x = Float32Array.from(gaussian(b * n, seed));
  const labels = Int32Array.from({ length: b }, (_, i) => (i * 7 + seed) % k);
  const evaluate = (w: ArrayLike<number>) => {
    const z = matmul(x, w, b, n, k);
    let loss = 0;
    const g = new Float32Array(b * k);
    for (let i = 0; i < b; i++) {
      const r = crossEntropyWithGrad(z.subarray(i * k, (i + 1) * k), labels[i]!);
      loss += r.loss / b;
      for (let j = 0; j < k; j++) g[i * k + j] = r.grad[j]! / b;
    }
    const u = Float32Array.from(matmulTransA(x, g, b, n, k));
    return { loss, g, u };
  };
  return { x, evaluate };
}

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i]! * b[i]!;
  return d / (norm2(a) * norm2(b));
};

describe('SSO', () => {
  it('with m = 1 and a tiny inner step, moves along the plain gradient', () => {
    const [b, n, k] = [16, 12, 5];
    const { x, evaluate } = readoutProblem(b, n, k, 1);
    const w: WeightTensor = { name: 'readout', shape: [n, k], values: Float32Array.from(gaussian(n * k, 2, 0.3)) };
    const { g, u } = evaluate(w.values);
    const sso = new Sso({ inner: 1, innerStep: 1e-6, lineSearch: false });
    const out = sso.transform(1, u, w, { batchSize: b, tensorCount: 2, readout: { x, g, rows: b } });
    expect(cosine(out, u)).toBeGreaterThan(0.999);
    // and the first tensor (not the readout) passes through untouched
    expect(sso.transform(0, u, w, { batchSize: b, tensorCount: 2 })).toBe(u);
  });

  it('its target-space surrogate lies above softmax cross-entropy for η ≤ 2 (10⁴ random pairs)', () => {
    const rng = RngStream.derive(3, 'sso-pairs');
    for (let trial = 0; trial < 10_000; trial++) {
      const k = 2 + rng.int(9);
      const label = rng.int(k);
      const scale = 10 ** rng.uniformRange(-1, 1.3);
      const zt = Float64Array.from({ length: k }, () => scale * rng.normal());
      const z = Float64Array.from({ length: k }, () => scale * rng.normal());
      const eta = rng.uniformRange(0.01, 2);
      const at = crossEntropyWithGrad(zt, label);
      const truth = crossEntropyWithGrad(z, label).loss;
      expect(targetSurrogate(at.loss, at.grad, z, zt, eta)).toBeGreaterThanOrEqual(truth - 1e-12 * (1 + truth));
    }
    // and above η = 2 it can fail: the bound is tight at the worst curvature (two classes)
    let violated = false;
    for (let trial = 0; trial < 2000 && !violated; trial++) {
      const zt = Float64Array.from([0, 0]);
      const z = Float64Array.from([rng.normal() * 0.1, rng.normal() * 0.1]);
      const at = crossEntropyWithGrad(zt, 0);
      violated = targetSurrogate(at.loss, at.grad, z, zt, 4) < crossEntropyWithGrad(z, 0).loss;
    }
    expect(violated).toBe(true);
  });

  it('decreases q monotonically over the inner loop (Armijo line search)', () => {
    const [b, n, k] = [40, 30, 10];
    const { x, evaluate } = readoutProblem(b, n, k, 4);
    const w: WeightTensor = { name: 'readout', shape: [n, k], values: Float32Array.from(gaussian(n * k, 5, 0.5)) };
    const { g, u } = evaluate(w.values);
    const sso = new Sso({ inner: 25, eta: 1 });
    sso.transform(0, u, w, { batchSize: b, tensorCount: 1, readout: { x, g, rows: b } });
    expect(sso.lastQ.length).toBeGreaterThan(5);
    for (let i = 1; i < sso.lastQ.length; i++) expect(sso.lastQ[i]!).toBeLessThanOrEqual(sso.lastQ[i - 1]!);
    expect(sso.lastQ.at(-1)!).toBeLessThan(sso.lastQ[0]!);
    expect(sso.diagnostics()['ssoDecrease/readout']).toBeCloseTo(sso.lastQ[0]! - sso.lastQ.at(-1)!, 12);
  });

  it('full batch with η ≤ 2 never increases the loss (majorization–minimization)', () => {
    const [b, n, k] = [30, 8, 4];
    const { x, evaluate } = readoutProblem(b, n, k, 6);
    const w: WeightTensor = { name: 'readout', shape: [n, k], values: Float32Array.from(gaussian(n * k, 7, 2)) };
    const eta = 2;
    const sso = new Sso({ inner: 15, eta });
    let prev = evaluate(w.values);
    const first = prev.loss;
    for (let outer = 0; outer < 12; outer++) {
      const out = sso.transform(0, prev.u, w, { batchSize: b, tensorCount: 1, readout: { x, g: prev.g, rows: b } });
      for (let i = 0; i < out.length; i++) w.values[i] = w.values[i]! - eta * out[i]!;
      const next = evaluate(w.values);
      expect(next.loss).toBeLessThanOrEqual(prev.loss + 1e-6);
      prev = next;
    }
    expect(prev.loss).toBeLessThan(0.9 * first);
  });

  it('refuses a rule that offers no readout factors', () => {
    const w: WeightTensor = { name: 'r', shape: [2, 2], values: new Float32Array(4) };
    expect(() => new Sso().transform(0, new Float32Array(4), w, { batchSize: 1, tensorCount: 1 })).toThrow(SnnError);
    expect(() => new Sso({ eta: 0 })).toThrow(SnnError);
  });
});
