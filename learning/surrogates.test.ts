import type { Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import { RngStream } from '../engine/rng.js';
import { LIF_DEFAULTS } from '../models/lif.js';
import { heaviside, spikeFunction, surrogate, surrogates } from './surrogates.js';
import { loadTensorBackend, type Tf } from './tensor/backend.js';
import { denseLifForward, lifTensorLayer } from './tensor/lif-tensor.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTensorBackend()).tf;
});

const NAMES = ['fast-sigmoid', 'hard-tanh', 'sigmoid', 'superspike', 'triangle'];

describe('surrogate registry', () => {
  it('registers the surrogates by name; an unknown name lists the valid ones', () => {
    expect(surrogates.names()).toEqual(NAMES);
    expect(() => surrogate('fast-sigmoide')).toThrow(SnnError);
    try {
      surrogate('arctan');
    } catch (e) {
      expect((e as SnnError).message).toBe("unknown surrogate 'arctan'");
      expect((e as SnnError).hint).toContain('fast-sigmoid, hard-tanh, sigmoid, superspike, triangle');
    }
    expect(() => surrogate('sigmoid', -1)).toThrow(/beta must be a finite number > 0/);
  });

  it('the tensor derivative equals the closed form ψ(x)', () => {
    const xs = [-2, -0.3, -0.05, 0, 0.02, 0.1, 0.5, 3];
    for (const name of NAMES) {
      const s = surrogate(name, 4);
      const got = tf.tidy(() => s.derivative(tf, tf.tensor1d(xs)).dataSync());
      xs.forEach((x, k) => expect(got[k]).toBeCloseTo(s.value(x), 6));
    }
    expect(surrogate('fast-sigmoid', 10).value(0.1)).toBe(0.25); // 1/(1+1)²
    expect(surrogate('sigmoid', 4).value(0)).toBe(1); // β/4
    expect(surrogate('triangle', 2).value(0.25)).toBe(0.5);
    expect(surrogate('hard-tanh', 2).value(0.49)).toBe(1);
    expect(surrogate('hard-tanh', 2).value(0.51)).toBe(0);
  });
});

describe('spike function: forward Heaviside, backward surrogate', () => {
  it('forward invariance: rasters are identical with and without any surrogate (exact)', () => {
    const T = 60;
    const B = 4;
    const nIn = 50;
    const nOut = 30;
    const rng = RngStream.derive(3, 'test/surrogates/invariance');
    const x = Float32Array.from({ length: T * B * nIn }, () => (rng.uniform() < 0.1 ? 1 : 0));
    const w = Float32Array.from({ length: nIn * nOut }, () => 0.4 * rng.normal() + 0.15);
    const layer = lifTensorLayer({ ...LIF_DEFAULTS, vRest: 0, vReset: 0, vThresh: 1, tauM: 10, synapse: 'current', refractory: 2 }, 1, nOut);
    const raster = (spike?: (z: Tensor) => Tensor): Float32Array =>
      tf.tidy(() => denseLifForward(tf, layer, tf.tensor3d(x, [T, B, nIn]), tf.tensor2d(w, [nIn, nOut]), { spike }).spikes.dataSync() as Float32Array);
    const plain = raster();
    const total = plain.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(200);
    for (const name of NAMES) expect(raster(spikeFunction(tf, surrogate(name)))).toEqual(plain);
    // Inside a gradient tape (the training path) the forward is the same too.
    const s = spikeFunction(tf, surrogate('fast-sigmoid'));
    let taped: Float32Array | null = null;
    tf.tidy(() => {
      tf.grad((wt: Tensor) => {
        const out = denseLifForward(tf, layer, tf.tensor3d(x, [T, B, nIn]), wt as never, { spike: s, detachReset: false }).spikes;
        taped = out.dataSync() as Float32Array;
        return tf.sum(out);
      })(tf.tensor2d(w, [nIn, nOut]));
    });
    expect(taped).toEqual(plain);
  });

  it('single neuron, single step, L = (s − y)²: dL/dw = 2(s − y)·ψ(v − θ)·x', () => {
    const theta = 1;
    const cases = [
      { w: 0.8, x: 1, y: 1 }, // s = 0
      { w: 1.3, x: 1, y: 0 }, // s = 1
      { w: 0.45, x: 2, y: 1 }, // s = 0, close below threshold
      { w: 0.6, x: 2, y: 0 }, // s = 1
      { w: -0.2, x: 0.5, y: 1 },
    ];
    for (const name of NAMES) {
      const sur = surrogate(name, 3);
      const spike = spikeFunction(tf, sur);
      for (const { w, x, y } of cases) {
        const g = tf.tidy(() => tf.grad((wt: Tensor) => tf.square(tf.sub(spike(tf.sub(tf.mul(wt, x), theta)), y)).sum())(tf.scalar(w)).dataSync()[0]!);
        const v = Math.fround(Math.fround(w) * x);
        const s = v - theta > 0 ? 1 : 0;
        const expected = 2 * (s - y) * sur.value(v - theta) * x;
        expect(g).toBeCloseTo(expected, 5);
        if (expected !== 0) expect(Math.abs(g / expected - 1)).toBeLessThan(1e-6);
      }
    }
  });

  it('through the tensor LIF: one input spike, one delta neuron, two steps: dL/dw = 2(s − y)·ψ(u − θ)·x·e^{−dt/τm}', () => {
    // Step 0: u0 = 0 integrates to 0, no spike; the input spike (x = 1) is delivered: u = w.
    // Step 1: u1 = w·eM is tested against θ. L = (s1 − y)².
    const params = { ...LIF_DEFAULTS, vRest: 0, vReset: 0, vThresh: 1, tauM: 10 };
    const layer = lifTensorLayer(params, 1, 1, { v0: 0 });
    const eM = layer.prop.eM;
    const sur = surrogate('fast-sigmoid', 10);
    const spike = spikeFunction(tf, sur);
    for (const [w, y] of [[1.05, 0], [1.2, 0], [1.0, 1], [0.5, 1]] as const) {
      const g = tf.tidy(() =>
        tf
          .grad((wt: Tensor) => {
            const s = denseLifForward(tf, layer, tf.tensor3d([1, 0], [2, 1, 1]), tf.reshape(wt, [1, 1]) as never, { spike }).spikes;
            return tf.square(tf.sub(tf.slice(s, [1, 0, 0], [1, 1, 1]), y)).sum();
          })(tf.scalar(w))
          .dataSync()[0]!,
      );
      const u1 = w * eM;
      const s1 = u1 > 1 ? 1 : 0;
      const expected = 2 * (s1 - y) * sur.value(u1 - 1) * eM;
      expect(Math.abs(g - expected)).toBeLessThan(1e-6 * Math.max(1, Math.abs(expected)));
    }
  });

  it('heaviside has zero gradient (the detached spike)', () => {
    const g = tf.tidy(() => tf.grad((x: Tensor) => heaviside(tf, x).sum())(tf.tensor1d([-1, 0.001, 2])).dataSync());
    expect(Array.from(g)).toEqual([0, 0, 0]);
  });
});
