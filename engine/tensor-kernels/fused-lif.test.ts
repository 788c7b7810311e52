/**
 * The fused LIF kernel (fused-lif.ts) against the op-by-op path (learning/tensor/lif-tensor.ts): the same spikes and
 * membrane bit for bit, and the same gradients to float32 rounding (max |Δ| ≤ 1e-5 · max |g|), on
 * random inputs over every option the kernel takes and on MNIST through surrogate-gradient BPTT
 * with both readouts. (On MNIST the fast path runs the hidden layer as one op, fused-dense-lif.ts,
 * whose input currents are formed event-driven and equal the dense product only to float32
 * rounding; for these fixed samples no current lies within that rounding of the threshold, so the
 * spikes are still identical.)
 */
import type { Tensor, Tensor3D } from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, subset, type Dataset } from '../../datasets/dataset.js';
import { RngStream } from '../rng.js';
import { LIF_DEFAULTS, type LifParams } from '../../models/lif.js';
import { SurrogateBptt, type Readout } from '../../learning/surrogate-bptt.js';
import { spikeFunction, surrogate } from '../../learning/surrogates.js';
import { loadTensorBackend, type TensorBackend, type Tf } from '../../learning/tensor/backend.js';
import { fusedLifApplies, lifForward, lifTensorLayer, type LifForwardOptions } from '../../learning/tensor/lif-tensor.js';
import { relErr } from '../../test/helpers/relative-error.js';

let backend: TensorBackend;
let tf: Tf;
beforeAll(async () => {
  backend = await loadTensorBackend('wasm');
  tf = backend.tf;
});
afterEach(() => {
  delete process.env.SNN_TENSOR_FUSED;
});

const UNIT: LifParams = { ...LIF_DEFAULTS, vRest: 0, vReset: 0, vThresh: 1, tauM: 10, tauExc: 5, tauInh: 8 };

interface Run {
  spikes: Float32Array;
  v: Float32Array | null;
  grad: Float32Array;
}

/** Spikes, V and ∂L/∂x of L = Σ spikes·a + Σ V·b for fixed random a, b. */
function run(params: LifParams, channel: string, x: Float32Array, shape: [number, number, number], opts: LifForwardOptions, seed: number): Run {
  const layer = lifTensorLayer(params, 1, shape[2], { channel, v0: params.vRest + 0.3 });
  const rng = RngStream.derive(seed, 'test/fused-lif/loss');
  const a = Float32Array.from(x, () => rng.normal());
  const b = Float32Array.from(x, () => rng.normal());
  return tf.tidy(() => {
    const xt = tf.tensor3d(x, shape);
    let spikes: Float32Array = new Float32Array(0);
    let v: Float32Array | null = null;
    const f = (xi: Tensor): Tensor => {
      const r = lifForward(tf, layer, xi as Tensor3D, opts);
      spikes = r.spikes.dataSync() as Float32Array;
      let loss = tf.sum(tf.mul(r.spikes, tf.tensor3d(a, shape)));
      if (r.vRel) {
        v = r.vRel.dataSync() as Float32Array;
        loss = tf.add(loss, tf.sum(tf.mul(r.vRel, tf.tensor3d(b, shape))));
      }
      return loss;
    };
    const grad = tf.grad(f)(xt).dataSync() as Float32Array;
    return { spikes, v, grad } as unknown as Tensor;
  }) as unknown as Run;
}

describe('fused LIF kernel ≡ op-by-op LIF', () => {
  const cases: { name: string; params: LifParams; channel: string; opts: LifForwardOptions }[] = [];
  for (const synapse of ['current', 'delta'] as const) {
    for (const detachReset of [true, false]) {
      for (const sur of ['fast-sigmoid', 'sigmoid', 'triangle']) {
        cases.push({ name: `${synapse}, detach ${detachReset}, ${sur}, recordV`, params: { ...UNIT, synapse, vReset: -0.2, iBias: 0.05 }, channel: synapse === 'delta' ? 'v' : 'exc', opts: { detachReset, recordV: true, surrogateName: sur } as never });
      }
    }
    cases.push({ name: `${synapse}, no surrogate (zero spike gradient), recordV`, params: { ...UNIT, synapse }, channel: synapse === 'delta' ? 'v' : 'inh', opts: { recordV: true } });
    cases.push({ name: `${synapse}, spikes only`, params: { ...UNIT, synapse }, channel: synapse === 'delta' ? 'v' : 'exc', opts: { surrogateName: 'fast-sigmoid' } as never });
    cases.push({ name: `${synapse}, leaky-integrator readout`, params: { ...UNIT, synapse }, channel: synapse === 'delta' ? 'v' : 'exc', opts: { spiking: false, recordV: true } });
    for (const detachReset of [true, false]) {
      cases.push({ name: `${synapse}, floor vMin, detach ${detachReset}, recordV`, params: { ...UNIT, synapse, vMin: -0.15, vReset: -0.2 }, channel: synapse === 'delta' ? 'v' : 'exc', opts: { detachReset, recordV: true, surrogateName: 'fast-sigmoid', floor: true } as never });
    }
    cases.push({ name: `${synapse}, floor vMin = vRest (ties u' = uMin occur), leaky readout`, params: { ...UNIT, synapse, vMin: 0 }, channel: synapse === 'delta' ? 'v' : 'exc', opts: { spiking: false, recordV: true, floor: true } as never });
  }
  for (const c of cases) {
    it(c.name, () => {
      const { surrogateName, floor, ...rest } = c.opts as LifForwardOptions & { surrogateName?: string; floor?: boolean };
      for (const [seed, shape] of [[1, [12, 3, 7]], [2, [20, 4, 25]], [3, [5, 1, 1]]] as const) {
        const opts: LifForwardOptions = { ...rest, ...(surrogateName ? { spike: spikeFunction(tf, surrogate(surrogateName, 4)) } : {}) };
        const layer = lifTensorLayer(c.params, 1, shape[2], { channel: c.channel });
        expect(fusedLifApplies(tf, layer, opts)).toBe(true);
        expect(fusedLifApplies(tf, layer, { ...opts, fused: false })).toBe(false);
        const rng = RngStream.derive(seed, 'test/fused-lif/input');
        // with a floor, inputs that also drive the membrane down to it
        const x = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => (floor ? 0.05 : 0.4) + 0.6 * rng.normal());
        const fused = run(c.params, c.channel, x, [...shape], opts, seed);
        const ops = run(c.params, c.channel, x, [...shape], { ...opts, fused: false }, seed);
        expect(fused.spikes).toEqual(ops.spikes);
        expect(fused.v).toEqual(ops.v);
        // the floor is reached somewhere (a case with a floor exercises it)
        if (floor && shape[2] > 1) expect(ops.v!.some((v) => v === Math.fround(c.params.vMin! - c.params.vRest))).toBe(true);
        if (opts.spiking !== false && shape[2] > 1) {
          const n = ops.spikes.reduce((s, y) => s + y, 0);
          expect(n).toBeGreaterThan(0); // the case exercises threshold and reset
          expect(n).toBeLessThan(ops.spikes.length);
        }
        expect(ops.grad.some((g) => g !== 0)).toBe(true);
        expect(relErr(fused.grad, ops.grad)).toBeLessThanOrEqual(1e-5);
      }
    });
  }

  it('keeps the op-by-op path where the kernel does not apply', () => {
    const refractory = lifTensorLayer({ ...UNIT, refractory: 2 }, 1, 4);
    const plain = lifTensorLayer(UNIT, 1, 4);
    expect(fusedLifApplies(tf, refractory)).toBe(false);
    expect(fusedLifApplies(tf, lifTensorLayer({ ...UNIT, vMin: -1 }, 1, 4))).toBe(true);
    expect(fusedLifApplies(tf, plain, { spike: (z) => tf.step(z) })).toBe(false); // unknown ψ
    expect(fusedLifApplies(tf, plain)).toBe(true);
    process.env.SNN_TENSOR_FUSED = '0';
    expect(fusedLifApplies(tf, plain)).toBe(false);
  });
});

describe('fused ≡ op-by-op through surrogate-gradient BPTT on MNIST', () => {
  let train: Dataset;
  beforeAll(() => {
    train = subset(loadDataset('mnist', 'train'), 64);
  });
  const indices = Int32Array.from({ length: 16 }, (_, i) => i);
  for (const readout of ['membrane', 'spike-count'] as Readout[]) {
    for (const detachReset of [true, false]) {
      it(`${readout} readout, detachReset ${detachReset}: same spikes and logits, gradients within 1e-5`, () => {
        const both = (fused: boolean) => {
          if (fused) delete process.env.SNN_TENSOR_FUSED;
          else process.env.SNN_TENSOR_FUSED = '0';
          const rule = new SurrogateBptt(backend, train, { hidden: 50, steps: 20, seed: 3, readout, detachReset });
          const grads = rule.step({ indices, update: 0 }) as Float32Array[];
          return { grads, last: rule.last, seen: rule.inspect(indices) };
        };
        const f = both(true);
        const o = both(false);
        expect(f.seen.hidden).toEqual(o.seen.hidden);
        expect(f.seen.hidden.some((s) => s !== 0)).toBe(true);
        expect(f.seen.logits).toEqual(o.seen.logits);
        expect(f.last.correct).toBe(o.last.correct);
        expect(f.last.hiddenRate).toBe(o.last.hiddenRate);
        f.grads.forEach((g, k) => {
          expect(o.grads[k]!.some((y) => y !== 0)).toBe(true);
          expect(relErr(g, o.grads[k]!)).toBeLessThanOrEqual(1e-5);
        });
      });
    }
  }
});
