/**
 * Surrogate spike derivatives (docs/tensor-mode.md; Norse's threshold.py / superspike.py).
 *
 * The forward pass of every spiking unit in tensor mode is ONE Heaviside step,
 * s = H(x) with x = v − θ and H(x) = 1 for x > 0, 0 otherwise (the event engine's `v > θ`).
 * A surrogate only replaces H'(x) = δ(x) in the backward pass by a smooth pseudo-derivative ψ(x):
 *
 * | name          | ψ(x)                          | peak   | reference                        |
 * |---------------|-------------------------------|--------|----------------------------------|
 * | fast-sigmoid  | 1 / (1 + β|x|)²               | 1      | SuperSpike (Zenke & Ganguli 2018) |
 * | superspike    | alias of fast-sigmoid         |        |                                  |
 * | sigmoid       | β·σ(βx)·(1 − σ(βx))           | β/4    | sigmoid-slope STE (Bengio 2013)  |
 * | triangle      | max(0, 1 − β|x|)              | 1      | Bellec et al. 2018 (γ = 1)       |
 * | hard-tanh     | 1 if β|x| < 1 else 0          | 1      | gated straight-through estimator |
 *
 * β is in 1/(unit of x) — 1/mV for a model in mV. A model with threshold 15 mV above rest wants a
 * β about 15× smaller than one normalised to threshold 1.
 *
 * Because the forward is shared, spike rasters never depend on the surrogate (tested exactly).
 * An unknown name throws an SnnError listing the valid names.
 */
import type { Tensor } from '@tensorflow/tfjs';
import { SnnError } from '../engine/errors.js';
import { Registry } from './registry.js';
import type { Tf } from './tensor/backend.js';

export interface Surrogate {
  readonly name: string;
  /** Slope in 1/(unit of v − θ). */
  readonly beta: number;
  /** ψ(x) as a tensor op (used in the backward pass). */
  derivative(tf: Tf, x: Tensor): Tensor;
  /** ψ(x) for one number (float64), for tests and plots. */
  value(x: number): number;
}

export type SurrogateFactory = (beta?: number) => Surrogate;

export const surrogates = new Registry<SurrogateFactory>('surrogate');

function checkBeta(name: string, beta: number): number {
  if (!(beta > 0) || !Number.isFinite(beta)) {
    throw new SnnError('config.invalid', `surrogate '${name}': beta must be a finite number > 0, got ${beta}`, 'use e.g. beta 10 for a threshold at 1');
  }
  return beta;
}

const fastSigmoid: SurrogateFactory = (beta = 10) => {
  const b = checkBeta('fast-sigmoid', beta);
  return {
    name: 'fast-sigmoid',
    beta: b,
    // 1 / (1 + β|x|)²
    derivative: (tf, x) => tf.tidy(() => tf.reciprocal(tf.square(tf.add(1, tf.mul(b, tf.abs(x)))))),
    value: (x) => 1 / (1 + b * Math.abs(x)) ** 2,
  };
};

surrogates.register('fast-sigmoid', fastSigmoid);
surrogates.register('superspike', fastSigmoid);

surrogates.register('sigmoid', (beta = 5) => {
  const b = checkBeta('sigmoid', beta);
  return {
    name: 'sigmoid',
    beta: b,
    // β σ(βx) (1 − σ(βx))
    derivative: (tf, x) =>
      tf.tidy(() => {
        const s = tf.sigmoid(tf.mul(b, x));
        return tf.mul(b, tf.mul(s, tf.sub(1, s)));
      }),
    value: (x) => {
      const s = 1 / (1 + Math.exp(-b * x));
      return b * s * (1 - s);
    },
  };
});

surrogates.register('triangle', (beta = 1) => {
  const b = checkBeta('triangle', beta);
  return {
    name: 'triangle',
    beta: b,
    // max(0, 1 − β|x|)
    derivative: (tf, x) => tf.tidy(() => tf.relu(tf.sub(1, tf.mul(b, tf.abs(x))))),
    value: (x) => Math.max(0, 1 - b * Math.abs(x)),
  };
});

surrogates.register('hard-tanh', (beta = 1) => {
  const b = checkBeta('hard-tanh', beta);
  return {
    name: 'hard-tanh',
    beta: b,
    // 1 inside the window |x| < 1/β (the derivative of hard-tanh(βx)/β), 0 outside
    derivative: (tf, x) => tf.tidy(() => tf.cast(tf.less(tf.mul(b, tf.abs(x)), 1), 'float32')),
    value: (x) => (b * Math.abs(x) < 1 ? 1 : 0),
  };
});

/** The surrogate `name` with slope β (its default when omitted); unknown names list the valid ones. */
export function surrogate(name: string, beta?: number): Surrogate {
  return surrogates.get(name)(beta);
}

/** A spike function: forward H(x), backward ψ(x)·dy. */
export type SpikeFn = (x: Tensor) => Tensor;

/**
 * The one forward Heaviside, H(x) = 1 for x > 0 else 0 (tf.step; exactly the engine's `v > θ`,
 * since for floats v − θ > 0 ⇔ v > θ). Its tfjs gradient is zero: used as is, it is the
 * "detached" spike (e.g. for a detached reset path).
 */
export function heaviside(tf: Tf, x: Tensor): Tensor {
  return tf.step(x);
}

/** The surrogate behind each spike function made by `spikeFunction` (fused kernels need ψ itself). */
const surrogateOf = new WeakMap<SpikeFn, Surrogate>();

/** The surrogate of a spike function made by `spikeFunction`; undefined for any other function. */
export function spikeSurrogate(fn: SpikeFn): Surrogate | undefined {
  return surrogateOf.get(fn);
}

/** H(x) in the forward pass, ψ(x) in the backward pass (tf.customGrad). */
export function spikeFunction(tf: Tf, s: Surrogate): SpikeFn {
  const f = tf.customGrad((...args: unknown[]) => {
    const x = args[0] as Tensor;
    const save = args[1] as (ts: Tensor[]) => void;
    save([x]);
    return {
      value: heaviside(tf, x),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => tf.mul(dy as Tensor, s.derivative(tf, saved[0]!)),
    };
  });
  const fn: SpikeFn = (x) => f(x) as Tensor;
  surrogateOf.set(fn, s);
  return fn;
}
