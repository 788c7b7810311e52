import { describe, expect, it } from 'vitest';
import { RngStream } from '../../engine/rng.js';
import type { WeightTensor } from '../plugin-contract.js';
import { norm2 } from './dense-linalg.js';
import { Lamb } from './lamb.js';

function gaussian(n: number, seed: number, scale = 1): Float32Array {
  const rng = RngStream.derive(seed, 'lamb-test');
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

const ctx = { batchSize: 8 };

describe('LAMB', () => {
  it('moves every layer by exactly η·‖W‖ per step (the trust ratio), whatever the update size', () => {
    const lamb = new Lamb();
    const eta = 0.01;
    const tensors: WeightTensor[] = [
      { name: 'a', shape: [20, 30], values: gaussian(600, 1, 0.3) },
      { name: 'b', shape: [30, 5], values: gaussian(150, 2, 2) },
    ];
    for (let step = 0; step < 6; step++) {
      tensors.forEach((w, k) => {
        const u = gaussian(w.values.length, 100 + 10 * step + k, 10 ** (step - 3));
        const wNorm = norm2(w.values);
        const out = lamb.transform(k, u, w, ctx);
        const stepNorm = eta * norm2(out);
        expect(Math.abs(stepNorm - eta * wNorm) / (eta * wNorm)).toBeLessThan(1e-6);
        expect(lamb.diagnostics()[`trustRatio/${w.name}`]).toBeGreaterThan(0);
        for (let i = 0; i < out.length; i++) w.values[i] = w.values[i]! - eta * out[i]!;
      });
    }
  });

  it('clamps φ(‖W‖) to [normMin, normMax] and falls back to ratio 1 for a zero layer', () => {
    const big: WeightTensor = { name: 'big', shape: [10, 10], values: gaussian(100, 3, 5) };
    const out = new Lamb({ normMax: 1 }).transform(0, gaussian(100, 4), big, ctx);
    expect(norm2(out)).toBeCloseTo(1, 5);
    const zero: WeightTensor = { name: 'zero', shape: [10, 10], values: new Float32Array(100) };
    const lamb = new Lamb();
    const u = gaussian(100, 5);
    const z = lamb.transform(0, u, zero, ctx);
    expect(lamb.diagnostics()['trustRatio/zero']).toBe(1);
    // first step, no decay: r = g/(|g|+ε) ≈ sign(g)
    for (let i = 0; i < 100; i++) expect(z[i]).toBeCloseTo(Math.sign(u[i]!), 4);
    const small = new Lamb({ normMin: 2 }).transform(0, u, zero, ctx);
    expect(norm2(small)).toBeCloseTo(norm2(z), 5); // ‖W‖ = 0 still means ratio 1, not φ = normMin
  });

  it('gives the same updates when U is scaled by 1000', () => {
    const a = new Lamb();
    const b = new Lamb();
    const wa: WeightTensor = { name: 'w', shape: [12, 9], values: gaussian(108, 6) };
    const wb: WeightTensor = { name: 'w', shape: [12, 9], values: wa.values.slice() };
    for (let step = 0; step < 8; step++) {
      const u = gaussian(108, 200 + step);
      const ua = a.transform(0, u, wa, ctx);
      const ub = b.transform(0, u.map((x) => 1000 * x), wb, ctx);
      for (let i = 0; i < 108; i++) expect(Math.abs(ua[i]! - ub[i]!)).toBeLessThan(1e-4 * Math.max(1e-3, Math.abs(ua[i]!)) + 1e-6);
      for (let i = 0; i < 108; i++) {
        wa.values[i] = wa.values[i]! - 0.01 * ua[i]!;
        wb.values[i] = wb.values[i]! - 0.01 * ub[i]!;
      }
    }
  });

  it('adds decoupled weight decay before the trust ratio', () => {
    const w: WeightTensor = { name: 'w', shape: [4, 4], values: gaussian(16, 7) };
    const u = new Float32Array(16); // no gradient: r = λW, so U' = ‖W‖·W/‖W‖ = W
    const out = new Lamb({ weightDecay: 0.1 }).transform(0, u, w, ctx);
    for (let i = 0; i < 16; i++) expect(out[i]).toBeCloseTo(w.values[i]!, 5);
  });
});
