/**
 * Adam's kernel (kernels/adam.wat) against the textbook loop written out here in float64: the same
 * step directions bit for bit over several steps, for odd and even sizes and several tensors, and
 * a saved state resumes exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../../engine/rng.js';
import type { WeightTensor } from '../plugin-contract.js';
import { Adam } from './adam.js';
import { textbookAdam } from '../../test/helpers/textbook-adam.js';

/** Kingma & Ba's update, one tensor, float64 moments, float32 result. */
const reference = (b1: number, b2: number, eps: number) => textbookAdam(b1, b2, eps).step;

const tensor = (n: number): WeightTensor => ({ name: 'w', shape: [1, n], values: new Float32Array(n) });

describe('Adam', () => {
  it('equals the float64 loop bit for bit over several steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1e6 }), fc.constantFrom(0.9, 0.5), (n, steps, seed, b1) => {
        const rng = RngStream.derive(seed, 'test/adam');
        const adam = new Adam({ beta1: b1, beta2: 0.999, eps: 1e-8 });
        const refs = [reference(b1, 0.999, 1e-8), reference(b1, 0.999, 1e-8)];
        const sizes = [n, n + 3];
        for (let s = 0; s < steps; s++) {
          sizes.forEach((len, k) => {
            const g = Float32Array.from({ length: len }, () => (rng.uniform() < 0.1 ? 0 : rng.normal() * 10 ** (rng.uniform() * 6 - 4)));
            expect(adam.transform(k, g, tensor(len))).toEqual(refs[k]!(g));
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('resumes from a saved state exactly', () => {
    const rng = RngStream.derive(2, 'test/adam/resume');
    const grads = Array.from({ length: 6 }, () => Float32Array.from({ length: 37 }, () => rng.normal()));
    const a = new Adam();
    const outA = grads.map((g) => a.transform(0, g, tensor(37)));
    const b = new Adam();
    grads.slice(0, 3).forEach((g) => b.transform(0, g, tensor(37)));
    const c = new Adam();
    c.loadState(b.saveState());
    const outC = grads.slice(3).map((g) => c.transform(0, g, tensor(37)));
    outC.forEach((o, k) => expect(o).toEqual(outA[3 + k]));
  });
});
