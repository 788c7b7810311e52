/**
 * Zero-copy tensor data on the wasm backend (wasm-heap.ts): a filled tensor holds what was written,
 * a view reads what dataSync reads, and the tensors are tracked and freed like any other.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTensorBackend, type Tf } from '../../learning/tensor/backend.js';
import { tensorFilled, tensorValues } from './wasm-heap.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTensorBackend('wasm')).tf;
});

describe('wasm heap access', () => {
  it('round-trips values and frees the tensors', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
        const before = tf.memory().numTensors;
        const want = Float32Array.from(xs);
        tf.tidy(() => {
          const t = tensorFilled(tf, [want.length], (out) => out.set(want));
          expect(t.dataSync()).toEqual(want);
          // an op's output (·1 keeps −0, which +0 would not)
          expect(Array.from(tensorValues(tf, tf.mul(t, 1)))).toEqual(Array.from(want));
          // a view of an existing tensor is its data, not a copy of something else
          const u = tf.tensor1d(want);
          expect(Array.from(tensorValues(tf, u))).toEqual(Array.from(u.dataSync()));
        });
        expect(tf.memory().numTensors).toBe(before);
      }),
      { numRuns: 50 },
    );
  });
});
