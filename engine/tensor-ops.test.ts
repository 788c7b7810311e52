/**
 * The registry's choices: Adam's moment store gives the same step for a float32 update (the SIMD
 * kernel where it compiles) and the same values as float64 (the JS loop on the same moments), bit
 * for bit over several steps; and the fused ops apply on the wasm backend only while
 * SNN_TENSOR_FUSED is not 0, with `spikeMatmul` equal to tf.matMul on the dense block either way.
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadTensorBackend, type Tf } from '../learning/tensor/backend.js';
import { SpikeRaster } from '../learning/tensor/spike-raster.js';
import { RngStream } from './rng.js';
import { adamMoments, fusionForcedOff, spikeMatmul, spikeMatmulApplies } from './tensor-ops.js';

describe('adamMoments', () => {
  it('a float32 update and the same values in float64 give the same direction and moments', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 37 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (n, seed) => {
        const rng = RngStream.derive(seed, 'test/adam-moments');
        const a = adamMoments();
        const b = adamMoments();
        const sa = a.allocate(n);
        const sb = b.allocate(n);
        for (let t = 1; t <= 4; t++) {
          const g = Float32Array.from({ length: n }, () => rng.normal());
          const c1 = 1 / (1 - 0.9 ** t);
          const c2 = 1 / (1 - 0.999 ** t);
          const ra = a.step(sa, g, 0.9, 0.999, c1, c2, 1e-8);
          const rb = b.step(sb, Float64Array.from(g), 0.9, 0.999, c1, c2, 1e-8);
          expect(Array.from(ra)).toEqual(Array.from(rb));
        }
        expect(Array.from(a.moment(sa, 0))).toEqual(Array.from(b.moment(sb, 0)));
        expect(Array.from(a.moment(sa, 1))).toEqual(Array.from(b.moment(sb, 1)));
      }),
      { numRuns: 20 },
    );
  });

  it('hands out zeroed, separate slots', () => {
    const s = adamMoments();
    const x = s.allocate(5);
    s.step(x, new Float32Array(5).fill(1), 0.9, 0.999, 10, 1000, 1e-8);
    const y = s.allocate(3);
    expect(Array.from(s.moment(y, 0))).toEqual([0, 0, 0]);
    expect(Array.from(s.moment(x, 0)).every((m) => Math.abs(m - 0.1) < 1e-12)).toBe(true);
  });
});

describe('the fused ops choice', () => {
  let tf: Tf;
  beforeAll(async () => {
    tf = (await loadTensorBackend('wasm')).tf;
  });
  afterEach(() => {
    delete process.env.SNN_TENSOR_FUSED;
  });

  it('SNN_TENSOR_FUSED=0 turns the fused ops off, and spikeMatmul equals the dense product either way', () => {
    expect(fusionForcedOff({ SNN_TENSOR_FUSED: '0' })).toBe(true);
    expect(fusionForcedOff({})).toBe(false);
    const rng = RngStream.derive(3, 'test/spike-matmul-choice');
    const [rows, nIn, nOut] = [6, 9, 8];
    const x = Float32Array.from({ length: rows * nIn }, () => (rng.uniform() < 0.3 ? 1 : 0));
    const w = tf.tensor2d(Float32Array.from({ length: nIn * nOut }, () => rng.normal()), [nIn, nOut]) as Tensor2D;
    const dense = tf.matMul(tf.tensor2d(x, [rows, nIn]), w).dataSync();
    for (const off of [false, true]) {
      if (off) process.env.SNN_TENSOR_FUSED = '0';
      expect(spikeMatmulApplies(tf, nOut)).toBe(!off);
      const got = spikeMatmul(tf, SpikeRaster.fromDense(x, rows, 1, nIn)!, w).dataSync();
      for (let i = 0; i < dense.length; i++) expect(Math.abs(got[i]! - dense[i]!)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(dense[i]!)));
    }
  });
});
