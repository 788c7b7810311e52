/**
 * The fused input-product + LIF op (fused-dense-lif.ts) against the composition of the two separate
 * ops it replaces (spike-matmul.ts then fused-lif.ts): the same spikes and the same weight gradient
 * bit for bit, over the options the kernels take, when one loss runs the layer twice (the second
 * forward pass overwrites the layer's memory before the first backward pass), and when W is an
 * intermediate tensor that is freed before the backward pass. The op-by-op
 * comparison on MNIST is in fused-lif.test.ts (it runs through this op).
 */
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { RngStream } from '../rng.js';
import { LIF_DEFAULTS, type LifParams } from '../../models/lif.js';
import { spikeFunction, surrogate } from '../../learning/surrogates.js';
import { loadTensorBackend, type Tf } from '../../learning/tensor/backend.js';
import { fusedDenseLifApplies, fusedDenseLifForward, lifForward, lifTensorLayer, projectSpikes, type LifForwardOptions, type LifTensorLayer } from '../../learning/tensor/lif-tensor.js';
import { SpikeRaster } from '../../learning/tensor/spike-raster.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTensorBackend('wasm')).tf;
});

const UNIT: LifParams = { ...LIF_DEFAULTS, vRest: 0, vReset: 0, vThresh: 1, tauM: 10, tauExc: 5, tauInh: 8 };

function raster(T: number, B: number, n: number, p: number, rng: RngStream): SpikeRaster {
  return SpikeRaster.fromDense(Float32Array.from({ length: T * B * n }, () => (rng.uniform() < p ? 1 : 0)), T, B, n)!;
}

/** Spikes of each pass and ∂L/∂W of L = Σ_pass Σ spikes·a_pass, fused or composed. */
function run(fused: boolean, layer: LifTensorLayer, inputs: SpikeRaster[], w: Float32Array, nIn: number, opts: LifForwardOptions, seed: number, viaIntermediate = false): { spikes: Float32Array[]; grad: Float32Array } {
  const rng = RngStream.derive(seed, 'test/fused-dense-lif/loss');
  const N = layer.size;
  const weights = inputs.map((x) => Float32Array.from({ length: x.rows * N }, () => rng.normal()));
  return tf.tidy(() => {
    const spikes: Float32Array[] = [];
    const f = (w0: Tensor): Tensor => {
      // an intermediate W is freed before the backward pass: the op must not need it then
      const wt = viaIntermediate ? tf.mul(w0, 1) : w0;
      let loss: Tensor = tf.scalar(0);
      inputs.forEach((x, i) => {
        const s = fused ? fusedDenseLifForward(tf, layer, x, wt as Tensor2D, opts) : lifForward(tf, layer, projectSpikes(tf, x, wt as Tensor2D), opts).spikes;
        spikes.push(s.dataSync() as Float32Array);
        loss = tf.add(loss, tf.sum(tf.mul(s, tf.tensor3d(weights[i]!, [x.steps, x.batch, N]))));
      });
      return loss;
    };
    const grad = tf.grad(f)(tf.tensor2d(w, [nIn, N])).dataSync() as Float32Array;
    return { spikes, grad } as unknown as Tensor;
  }) as unknown as { spikes: Float32Array[]; grad: Float32Array };
}

describe('fused input product + LIF ≡ the two separate ops', () => {
  it('same spikes and weight gradient bit for bit, over synapse, reset, floor, surrogate and detach', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('current', 'delta'), fc.boolean(), fc.constantFrom('fast-sigmoid', 'triangle', 'sigmoid', 'none'), fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 1e6 }),
        (synapse, detachReset, sur, T, B, quads, nIn, twice, intermediate, floor, seed) => {
          const N = 4 * quads;
          const params: LifParams = { ...UNIT, synapse, vReset: -0.2, iBias: 0.05, vMin: floor ? -0.15 : null };
          const layer = lifTensorLayer(params, 1, N, { v0: 0.3 });
          const opts: LifForwardOptions = { detachReset, ...(sur === 'none' ? {} : { spike: spikeFunction(tf, surrogate(sur, 4)) }) };
          expect(fusedDenseLifApplies(tf, layer, opts)).toBe(true);
          const rng = RngStream.derive(seed, 'test/fused-dense-lif');
          const inputs = Array.from({ length: twice ? 2 : 1 }, () => raster(T, B, nIn, 0.3, rng));
          const w = Float32Array.from({ length: nIn * N }, () => (1.2 / Math.sqrt(nIn * 0.3)) * rng.normal() + 0.2);
          const a = run(true, layer, inputs, w, nIn, opts, seed, intermediate);
          const b = run(false, layer, inputs, w, nIn, opts, seed, intermediate);
          a.spikes.forEach((s, i) => expect(s).toEqual(b.spikes[i]));
          expect(a.grad).toEqual(b.grad);
        }),
      { numRuns: 80 },
    );
  });

  it('the test inputs exercise threshold, reset and a non-zero gradient', () => {
    const rng = RngStream.derive(9, 'test/fused-dense-lif/coverage');
    const layer = lifTensorLayer({ ...UNIT, vReset: -0.2 }, 1, 8);
    const x = raster(20, 3, 30, 0.3, rng);
    const w = Float32Array.from({ length: 30 * 8 }, () => 0.4 * rng.normal() + 0.2);
    const r = run(true, layer, [x], w, 30, { spike: spikeFunction(tf, surrogate('fast-sigmoid', 4)) }, 9);
    const n = r.spikes[0]!.reduce((s, v) => s + v, 0);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(r.spikes[0]!.length);
    expect(r.grad.some((g) => g !== 0)).toBe(true);
  });

  it('does not apply to a recorded V, a non-spiking layer, an input delay or a width not a multiple of 4', () => {
    const layer = lifTensorLayer(UNIT, 1, 8);
    expect(fusedDenseLifApplies(tf, layer, { recordV: true })).toBe(false);
    expect(fusedDenseLifApplies(tf, layer, { spiking: false })).toBe(false);
    expect(fusedDenseLifApplies(tf, lifTensorLayer(UNIT, 1, 8, { delaySteps: 1 }))).toBe(false);
    expect(fusedDenseLifApplies(tf, lifTensorLayer(UNIT, 1, 10))).toBe(false);
    expect(fusedDenseLifApplies(tf, layer, { fused: false })).toBe(false);
  });
});
