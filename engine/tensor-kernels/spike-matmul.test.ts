/**
 * The event-driven product (spike-matmul.ts) against tf.matMul: X·W and ∂L/∂W = Xᵀ·G agree to
 * float32 rounding (the sums run in another order); the spike lists (spike-raster.ts) round-trip
 * the dense matrix, and non-binary X has none (null).
 */
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { RngStream } from '../rng.js';
import { loadTensorBackend, type Tf } from '../../learning/tensor/backend.js';
import { spikeMatmul as spikeMatMul, spikeMatmulApplies as spikeMatMulApplies } from '../tensor-ops.js';
import { SpikeRaster } from '../../learning/tensor/spike-raster.js';
import { relErr } from '../../test/helpers/relative-error.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTensorBackend('wasm')).tf;
});

describe('event-driven spike product', () => {
  it('lists the spikes of each row in column order, and each column\'s rows', () => {
    const r = SpikeRaster.fromDense(Float32Array.from([0, 1, 1, 0, 0, 0, 1, 0, 1]), 3, 1, 3)!;
    expect([...r.idx]).toEqual([1, 2, 0, 2]);
    expect([...r.starts]).toEqual([0, 2, 2, 4]);
    expect([...r.columns().idx]).toEqual([2, 0, 0, 2]);
    expect([...r.columns().starts]).toEqual([0, 1, 2, 4]);
    expect(SpikeRaster.fromDense(Float32Array.from([0, 0.5]), 1, 1, 2)).toBeNull();
  });

  it('builds the same lists from per-sample encoder output as from the dense block (step-major rows)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 1e6 }), (T, B, n, seed) => {
        const rng = RngStream.derive(seed, 'test/spike-raster');
        const x = Float32Array.from({ length: T * B * n }, () => (rng.uniform() < 0.3 ? 1 : 0));
        // sample b's spikes as an encoder gives them: per step, ascending ids
        const r = SpikeRaster.fromSamples(T, B, n, (b) => {
          const ids: number[] = [];
          const stepStart = [0];
          for (let t = 0; t < T; t++) {
            for (let i = 0; i < n; i++) if (x[(t * B + b) * n + i] === 1) ids.push(i);
            stepStart.push(ids.length);
          }
          return { ids: Int32Array.from(ids), stepStart: Int32Array.from(stepStart) };
        });
        const d = SpikeRaster.fromDense(x, T, B, n)!;
        expect(r.idx).toEqual(d.idx);
        expect(r.starts).toEqual(d.starts);
        expect(r.dense()).toEqual(x);
        const cols = r.columns();
        const back = new Float32Array(x.length);
        for (let c = 0; c < n; c++) {
          for (let k = cols.starts[c]!; k < cols.starts[c + 1]!; k++) {
            if (k > cols.starts[c]!) expect(cols.idx[k]!).toBeGreaterThan(cols.idx[k - 1]!);
            back[cols.idx[k]! * n + c] = 1;
          }
        }
        expect(back).toEqual(x);
      }),
      { numRuns: 60 },
    );
  });

  it('equals tf.matMul and its weight gradient to float32 rounding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 20 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 1e6 }),
        (rows, nIn, quads, p, seed) => {
          const nOut = 4 * quads;
          expect(spikeMatMulApplies(tf, nOut)).toBe(true);
          const rng = RngStream.derive(seed, 'test/spike-matmul');
          const x = Float32Array.from({ length: rows * nIn }, () => (rng.uniform() < p ? 1 : 0));
          const w = Float32Array.from({ length: nIn * nOut }, () => rng.normal());
          const a = Float32Array.from({ length: rows * nOut }, () => rng.normal());
          const run = (sparse: boolean): [Float32Array, Float32Array] =>
            tf.tidy(() => {
              let y: Float32Array = new Float32Array(0);
              const f = (wt: Tensor): Tensor => {
                const out = sparse ? spikeMatMul(tf, SpikeRaster.fromDense(x, rows, 1, nIn)!, wt as Tensor2D) : tf.matMul(tf.tensor2d(x, [rows, nIn]), wt as Tensor2D);
                y = out.dataSync() as Float32Array;
                return tf.sum(tf.mul(out, tf.tensor2d(a, [rows, nOut])));
              };
              const g = tf.grad(f)(tf.tensor2d(w, [nIn, nOut])).dataSync() as Float32Array;
              return [y, g] as unknown as Tensor;
            }) as unknown as [Float32Array, Float32Array];
          const [ys, gs] = run(true);
          const [yd, gd] = run(false);
          if (yd.some((v) => v !== 0)) expect(relErr(ys, yd)).toBeLessThanOrEqual(1e-5);
          else expect(ys.every((v) => v === 0)).toBe(true);
          if (gd.some((v) => v !== 0)) expect(relErr(gs, gd)).toBeLessThanOrEqual(1e-5);
          else expect(gs.every((v) => v === 0)).toBe(true);
        }),
      { numRuns: 40 },
    );
  });

  it('does not apply to rows that are not a multiple of 4 wide, nor with SNN_TENSOR_FUSED=0', () => {
    expect(spikeMatMulApplies(tf, 10)).toBe(false);
    process.env.SNN_TENSOR_FUSED = '0';
    try {
      expect(spikeMatMulApplies(tf, 12)).toBe(false);
    } finally {
      delete process.env.SNN_TENSOR_FUSED;
    }
  });
});
