import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { unrolledGradientNorms } from './per-sample-norms.js';

/** ‖Σ_t a_tᵀ g_t‖² of every sample, by forming the nA × nG matrix. */
function formed(a: Float32Array, g: Float32Array, T: number, B: number, nA: number, nG: number, scale: number): number[] {
  return Array.from({ length: B }, (_, b) => {
    const u = new Float64Array(nA * nG);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < nA; i++) {
        const ai = a[(t * B + b) * nA + i]!;
        if (ai === 0) continue;
        for (let j = 0; j < nG; j++) u[i * nG + j] += ai * g[(t * B + b) * nG + j]! * scale;
      }
    }
    return u.reduce((s, x) => s + x * x, 0);
  });
}

describe('per-sample gradient norms of a layer unrolled in time', () => {
  it('equal the norms of the formed per-sample gradients (sparse spikes, dense inputs, any T, B)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.integer({ min: 0, max: 1000 }), (T, B, nA, nG, binary, seed) => {
        const rng = RngStream.derive(seed, 'per-sample-norms-test');
        const a = Float32Array.from({ length: T * B * nA }, () => (binary ? (rng.uniform() < 0.3 ? 1 : 0) : rng.normal()));
        const g = Float32Array.from({ length: T * B * nG }, () => rng.normal());
        const scale = 1 + (seed % 7);
        const got = unrolledGradientNorms(a, g, T, B, nA, nG, scale);
        const want = formed(a, g, T, B, nA, nG, scale);
        want.forEach((w, b) => expect(got[b]).toBeCloseTo(w, Math.max(0, 8 - Math.ceil(Math.log10(1 + w)))));
      }),
      { numRuns: 200 },
    );
  });

  it('one step and one input: the outer product ‖a‖²‖g‖²', () => {
    const got = unrolledGradientNorms([3, 0, 4], [1, 2], 1, 1, 3, 2);
    expect(got[0]).toBe(25 * 5);
  });

  it('refuses arrays of the wrong size', () => {
    expect(() => unrolledGradientNorms(new Float32Array(5), new Float32Array(4), 2, 1, 3, 2)).toThrow(/per-sample norms/);
  });
});
