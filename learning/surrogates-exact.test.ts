/**
 * Each surrogate against its formula written out here (not against its own `value`): default
 * slopes, both signs of x, the window edges, the tensor form at several slopes, the spike
 * function's forward (H(0) = 0) and backward (dy·ψ with dy ≠ 1), and the refusals of a bad slope.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import { heaviside, spikeFunction, spikeSurrogate, surrogate } from './surrogates.js';
import { loadTensorBackend, type Tf } from './tensor/backend.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTensorBackend()).tf;
});

const sigma = (y: number): number => 1 / (1 + Math.exp(-y));
/** ψ(x; β) of each name, from the table in surrogates.ts's header. */
const FORMULA: Record<string, (x: number, b: number) => number> = {
  'fast-sigmoid': (x, b) => 1 / (1 + b * Math.abs(x)) ** 2,
  superspike: (x, b) => 1 / (1 + b * Math.abs(x)) ** 2,
  sigmoid: (x, b) => b * sigma(b * x) * (1 - sigma(b * x)),
  triangle: (x, b) => Math.max(0, 1 - b * Math.abs(x)),
  'hard-tanh': (x, b) => (b * Math.abs(x) < 1 ? 1 : 0),
};
const DEFAULT_BETA: Record<string, number> = { 'fast-sigmoid': 10, superspike: 10, sigmoid: 5, triangle: 1, 'hard-tanh': 1 };
const XS = [-3, -1.25, -0.6, -0.3, -0.07, 0, 0.04, 0.2, 0.45, 0.8, 1.6];

/** |got − want| ≤ tol·max(|want|, floor): float32 tensors lose relative accuracy in the tails (1 − σ near 0). */
const relClose = (got: number, want: number, tol: number, floor = 1e-12): void => {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * Math.max(Math.abs(want), floor));
};

describe('surrogates against their formulas', () => {
  it('default slopes, names (superspike is fast-sigmoid) and ψ(x) for both signs of x', () => {
    for (const [name, f] of Object.entries(FORMULA)) {
      const s = surrogate(name);
      expect(s.beta).toBe(DEFAULT_BETA[name]);
      expect(s.name).toBe(name === 'superspike' ? 'fast-sigmoid' : name);
      for (const beta of [undefined, 0.7, 3]) {
        const t = surrogate(name, beta);
        const b = beta ?? DEFAULT_BETA[name]!;
        expect(t.beta).toBe(b);
        for (const x of XS) relClose(t.value(x), f(x, b), 1e-12);
      }
    }
    // the window edge of hard-tanh is open: β|x| = 1 is outside (2·0.5 and 4·0.25 are exact)
    expect(surrogate('hard-tanh', 2).value(0.5)).toBe(0);
    expect(surrogate('hard-tanh', 4).value(-0.25)).toBe(0);
    expect(surrogate('hard-tanh', 4).value(-0.2)).toBe(1);
  });

  it('the tensor derivative is ψ at several slopes, both signs, and the window edge', () => {
    for (const [name, f] of Object.entries(FORMULA)) {
      for (const beta of [undefined, 0.7, 3]) {
        const s = surrogate(name, beta);
        const b = s.beta;
        const got = tf.tidy(() => s.derivative(tf, tf.tensor1d(XS)).dataSync());
        XS.forEach((x, k) => relClose(got[k]!, f(Math.fround(x), b), 2e-6, 0.05));
      }
    }
    const edge = tf.tidy(() => surrogate('hard-tanh', 2).derivative(tf, tf.tensor1d([-0.5, 0.5, 0.4999, -0.4999])).dataSync());
    expect(Array.from(edge)).toEqual([0, 0, 1, 1]);
  });

  it('refuses a slope that is not a finite number > 0, naming the surrogate', () => {
    for (const name of Object.keys(FORMULA)) {
      for (const beta of [0, -2, NaN, Infinity]) {
        let err: unknown = null;
        try {
          surrogate(name, beta);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(SnnError);
        const e = err as SnnError;
        const shown = name === 'superspike' ? 'fast-sigmoid' : name;
        expect([e.code, e.message, e.hint]).toEqual(['config.invalid', `surrogate '${shown}': beta must be a finite number > 0, got ${beta}`, 'use e.g. beta 10 for a threshold at 1']);
      }
    }
  });
});

describe('spike function', () => {
  it('forward H(x) = 1 only for x > 0 (H(0) = 0), backward dy·ψ(x) with dy ≠ 1', () => {
    const xs = [-0.4, -1e-7, 0, 1e-7, 0.05, 0.9];
    const dy = [3, -2, 0.5, 1.5, -0.25, 4];
    for (const name of Object.keys(FORMULA)) {
      const s = surrogate(name, 2);
      const spike = spikeFunction(tf, s);
      expect(spikeSurrogate(spike)).toBe(s);
      const fwd = tf.tidy(() => spike(tf.tensor1d(xs)).dataSync());
      expect(Array.from(fwd)).toEqual([0, 0, 0, 1, 1, 1]);
      const g = tf.tidy(() => tf.grad((x: Tensor) => tf.sum(tf.mul(spike(x), tf.tensor1d(dy))))(tf.tensor1d(xs)).dataSync());
      xs.forEach((x, k) => relClose(g[k]!, dy[k]! * FORMULA[name]!(Math.fround(x), 2), 2e-6, 0.05));
    }
    expect(Array.from(tf.tidy(() => heaviside(tf, tf.tensor1d([-1, 0, 1e-30, 2])).dataSync()))).toEqual([0, 0, 1, 1]);
    expect(spikeSurrogate((x: Tensor) => x)).toBeUndefined();
  });
});
