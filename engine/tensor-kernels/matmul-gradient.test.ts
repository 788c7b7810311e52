/**
 * The transpose-free matMul gradient (matmul-gradient.ts) against tfjs's own (SNN_TENSOR_FUSED=0):
 * both operands' gradients agree to float32 rounding for every transpose combination, for 2-D and
 * batched 3-D products, wide and narrow (the readout's hidden spikes × 10 outputs).
 */
import type { Tensor } from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RngStream } from '../rng.js';
import { loadTensorBackend, type Tf } from '../../learning/tensor/backend.js';
import { installMatMulGradient } from '../tensor-ops.js';
import { relErr } from '../../test/helpers/relative-error.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTensorBackend('wasm')).tf;
  installMatMulGradient(tf);
});
afterEach(() => {
  delete process.env.SNN_TENSOR_FUSED;
});

describe('matMul gradient without transposed products', () => {
  it('equals tfjs\'s gradient to float32 rounding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 12 }),
        fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 1e6 }), (batch, r, k, n, ta, tb, batched, seed) => {
          const rng = RngStream.derive(seed, 'test/matmul-gradient');
          // A·B = [r × k]·[k × n] (before the transposes), optionally batched
          const lead = batched ? [batch] : [];
          const aShape = [...lead, ...(ta ? [k, r] : [r, k])];
          const bShape = [...lead, ...(tb ? [n, k] : [k, n])];
          const size = (s: number[]): number => s.reduce((x, y) => x * y, 1);
          const a = Float32Array.from({ length: size(aShape) }, () => rng.normal());
          const b = Float32Array.from({ length: size(bShape) }, () => rng.normal());
          const w = Float32Array.from({ length: size([...lead, r, n]) }, () => rng.normal());
          const grads = (): Float32Array[] =>
            tf.tidy(() => {
              const f = (x: Tensor, y: Tensor): Tensor => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), tf.tensor(w, [...lead, r, n])));
              const g = tf.grads(f)([tf.tensor(a, aShape), tf.tensor(b, bShape)]);
              return g.map((t) => t.dataSync() as Float32Array) as unknown as Tensor;
            }) as unknown as Float32Array[];
          const ours = grads();
          process.env.SNN_TENSOR_FUSED = '0';
          const theirs = grads();
          delete process.env.SNN_TENSOR_FUSED;
          ours.forEach((g, i) => expect(relErr(g, theirs[i]!)).toBeLessThanOrEqual(1e-5));
        }),
      { numRuns: 80 },
    );
  });
});
