/**
 * Tensor mode of the LIF model: the clock engine's discrete-time equations unrolled over T steps
 * and batched over B samples in tfjs, differentiable through a surrogate spike derivative.
 *
 * Why here and not in models/: the architecture keeps the tfjs adapter in learning/ (it only views
 * the graph's weights), and this file needs the backend loader and the spike function
 * (learning/surrogates.ts); models/ may import only engine/. The coefficients still come from
 * models/lif.ts's `prepareLif`, so each update is written once (learning/ may import models/).
 *
 * Per step n, Brian2's order exactly as models/lif-population.ts runs it (u = v − vRest, mV):
 *   1. integrate (non-refractory neurons only; synaptic currents always decay):
 *        delta:   u ← u·eM + uConst
 *        current: u ← I·k + u·eM + uConst,   I ← I·eS     (k, eS = kE, eE or kI, eI by channel)
 *      then u ← max(u, vMin − vRest) when vMin is set.
 *   2. threshold: s = H(u − (vThresh + θ − thetaOffset − vRest)), H(x) = 1 for x > 0; refractory
 *      neurons (n − lastSpike < refractorySteps) cannot fire.
 *   3. deliver the input arriving in step n, x_n = S_in[n − delay] · W:
 *        delta: u ← u + x_n (dropped while refractory, including the step the neuron fired)
 *        current: I ← I + x_n
 *   4. reset: u ← u·(1 − s) + uReset·s (exact for s ∈ {0, 1}).
 * uConst = vConst + vRest·eM − vRest, the propagator's constant shifted to u (= iBias·(1 − eM)).
 * State is held relative to vRest because float32 resolves 8× finer near 0 mV than near −65 mV.
 *
 * Gradients: the forward spike is the one Heaviside (learning/surrogates.ts); `spike` decides the
 * backward (surrogate ψ, or none). The reset path uses the detached spike unless
 * `detachReset: false` (Norse's choice: no gradient through the reset).
 *
 * Not in tensor mode (SnnError): conductance synapses, Euler integration, an adaptive threshold θ
 * (thetaPlus ≠ 0 or a decaying non-zero θ). Precision is float32 (tfjs has no float64): see
 * docs/tensor-mode.md for what that means for spike-exact equivalence with the engine.
 */
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import { SnnError } from '../../engine/errors.js';
import { lifChannels, prepareLif, validateLif, type LifParams, type LifPropagators } from '../../models/lif.js';
import * as tensorOps from '../../engine/tensor-ops.js';
import { heaviside, spikeSurrogate, type SpikeFn } from '../surrogates.js';
import type { Tf } from './backend.js';
import { SpikeRaster } from './spike-raster.js';
import { initialURow, lifStepConstants } from './lif-constants.js';

/** lastSpike of a neuron that never fired: far enough back, and n − NEVER exact in float32. */
const NEVER = -(2 ** 20);

/** One LIF population as tensor mode sees it: parameters, propagators, and its input channel. */
export interface LifTensorLayer {
  readonly params: LifParams;
  readonly prop: LifPropagators;
  readonly size: number;
  /** Channel the input projection feeds: 'v' (delta), 'exc' or 'inh' (current). */
  readonly channel: string;
  /** Uniform delay of the input projection, in steps (≥ 0). */
  readonly delaySteps: number;
  /** Initial membrane potential (mV, absolute): one value or one per neuron. */
  readonly v0: number | Float32Array | Float64Array;
}

export interface LifTensorLayerOptions {
  channel?: string;
  delaySteps?: number;
  v0?: number | Float32Array | Float64Array;
}

/** Validates that the model runs in tensor mode and prepares its propagators (the engine's `prepareLif`). */
export function lifTensorLayer(params: LifParams, dt: number, size: number, opts: LifTensorLayerOptions = {}): LifTensorLayer {
  const where = 'tensor LIF';
  validateLif(params, where);
  const unsupported = (what: string, hint: string): never => {
    throw new SnnError('config.invalid', `${where}: ${what} is not supported in tensor mode`, hint);
  };
  if (params.synapse === 'conductance') unsupported("synapse 'conductance'", "use synapse 'delta' or 'current'");
  if (params.method !== 'exact') unsupported(`method '${params.method}'`, "use method 'exact' (the engine's default)");
  if (params.thetaPlus !== 0 || (params.tauTheta !== null && params.thetaInit !== 0)) {
    unsupported('an adaptive threshold θ', 'set thetaPlus to 0 (θ stays at thetaInit)');
  }
  if (!Number.isInteger(size) || size <= 0) throw new SnnError('config.invalid', `${where}: size must be a positive integer, got ${size}`, 'give the neuron count');
  const channel = opts.channel ?? (params.synapse === 'delta' ? 'v' : 'exc');
  const channels = lifChannels(params.synapse);
  if (!channels.includes(channel)) {
    throw new SnnError('config.invalid', `${where}: synapse '${params.synapse}' has no input channel '${channel}'`, `use one of: ${channels.join(', ')}`);
  }
  const delaySteps = opts.delaySteps ?? 0;
  if (!Number.isInteger(delaySteps) || delaySteps < 0) {
    throw new SnnError('config.invalid', `${where}: delaySteps must be a whole number ≥ 0, got ${delaySteps}`, 'use a uniform delay in steps');
  }
  const v0 = opts.v0 ?? params.vRest;
  if (typeof v0 !== 'number' && v0.length !== size) {
    throw new SnnError('config.invalid', `${where}: v0 has ${v0.length} values for ${size} neurons`, 'give one value or one per neuron');
  }
  return { params, prop: prepareLif(params, dt), size, channel, delaySteps, v0 };
}

export interface LifForwardOptions {
  /** Spike function: forward H, backward a surrogate. Default: H with zero gradient. */
  spike?: SpikeFn;
  /** No gradient through the reset (default true). */
  detachReset?: boolean;
  /** false: a leaky integrator readout (no threshold, no reset; spikes are all zero). Default true. */
  spiking?: boolean;
  /** Also return u = v − vRest at each threshold test, [T, B, N]. */
  recordV?: boolean;
  /**
   * false: always the op-by-op path (one tfjs op per operation and step). Default: the fused kernel
   * (engine/tensor-kernels/fused-lif.ts) where it applies — wasm backend, no refractory period, a spike function from
   * `spikeFunction` or none — unless the environment sets SNN_TENSOR_FUSED=0.
   */
  fused?: boolean;
}

export interface LifForwardResult {
  /** Spikes [T, B, N] (0/1 float32); spike of step n at t = n·dt. */
  spikes: Tensor3D;
  /** Membrane relative to vRest (mV) at each threshold test [T, B, N], when asked for. */
  vRel?: Tensor3D;
}

/**
 * Synaptic input per step, [T, B, nOut]: spikes [T, B, nIn] through a dense W [nIn × nOut]
 * (row-major, the engine's DenseProjection layout), delayed by `delaySteps`. One matMul for all
 * T·B rows: no tensor op per time step here. Spikes given as a SpikeRaster are data (no gradient
 * to them): on the wasm backend the product then runs event-driven (engine/tensor-ops.ts, `spikeMatmul`).
 */
export function projectSpikes(tf: Tf, spikes: Tensor3D | SpikeRaster, w: Tensor2D, delaySteps = 0): Tensor3D {
  return tf.tidy(() => {
    const [T, B, nIn] = spikes instanceof SpikeRaster ? [spikes.steps, spikes.batch, spikes.size] : spikes.shape;
    const nOut = w.shape[1];
    if (w.shape[0] !== nIn) {
      throw new SnnError('config.invalid', `weights are ${w.shape[0]} × ${nOut} but the input has ${nIn} neurons`, 'W is [nIn × nOut]');
    }
    tensorOps.installMatMulGradient(tf);
    let y: Tensor2D;
    if (spikes instanceof SpikeRaster) {
      y = tensorOps.spikeMatmul(tf, spikes, w);
    } else {
      y = tf.matMul(tf.reshape(spikes, [T * B, nIn]), w);
    }
    let x = tf.reshape(y, [T, B, nOut]) as Tensor3D;
    if (delaySteps > 0) {
      const d = Math.min(delaySteps, T);
      x = tf.concat([tf.zeros([d, B, nOut]), tf.slice(x, [0, 0, 0], [T - d, B, nOut])], 0) as Tensor3D;
    }
    return x;
  });
}

/** Initial u = v0 − vRest, [B, N]. */
function initialU(tf: Tf, layer: LifTensorLayer, batch: number): Tensor2D {
  if (typeof layer.v0 === 'number') return tf.fill([batch, layer.size], layer.v0 - layer.params.vRest) as Tensor2D;
  return tf.tile(tf.tensor2d(initialURow(layer), [1, layer.size]), [batch, 1]) as Tensor2D;
}

/**
 * Runs one LIF population for T steps on batched input `x` [T, B, N] (the synaptic input
 * arriving in each step, e.g. from `projectSpikes`). Returns spikes [T, B, N].
 */
export function lifForward(tf: Tf, layer: LifTensorLayer, x: Tensor3D, opts: LifForwardOptions = {}): LifForwardResult {
  return tf.tidy(() => {
    const [T, B, N] = x.shape;
    if (N !== layer.size) throw new SnnError('config.invalid', `input has ${N} neurons, the layer ${layer.size}`, 'check the weight shape');
    const call = kernelCall(layer, opts);
    if (tensorOps.fusedLifApplies(tf, call)) return tensorOps.fusedLif(tf, call, x) as unknown as Record<string, Tensor>;
    const spikeFn = opts.spike ?? ((z: Tensor) => heaviside(tf, z));
    const detach = opts.detachReset ?? true;
    const spiking = opts.spiking ?? true;
    const { eM, k, eS, uConst, uThresh, uReset, uMin, refractorySteps: R, delta } = lifStepConstants(layer);

    let u: Tensor = initialU(tf, layer, B);
    let syn: Tensor = tf.zeros([B, N]);
    let last: Tensor = tf.fill([B, N], NEVER);
    const inputs = tf.unstack(x, 0);
    const spikes: Tensor[] = [];
    const vs: Tensor[] = [];
    for (let n = 0; n < T; n++) {
      // 1. integrate. Refractory selection is arithmetic (a·new + (1 − a)·old is exact for a ∈ {0, 1})
      // and the mask comes from tf.step, whose gradient is zero: comparison ops (lessEqual, where's
      // condition) have no gradient in tfjs and would break the backward pass.
      const a = R > 0 ? heaviside(tf, tf.sub(n - R + 0.5, last)) : null; // 1 ⇔ n − lastSpike ≥ R
      let uNew = delta ? tf.mul(u, eM) : tf.add(tf.mul(syn, k), tf.mul(u, eM));
      if (uConst !== 0) uNew = tf.add(uNew, uConst); // adding 0 changes nothing: skip the op
      u = a !== null ? tf.add(tf.mul(uNew, a), tf.mul(u, tf.sub(1, a))) : uNew;
      if (!delta) syn = tf.mul(syn, eS);
      if (uMin !== null) u = tf.maximum(u, uMin);
      if (opts.recordV) vs.push(u);
      // 2. threshold
      let s: Tensor;
      let sReset: Tensor;
      if (spiking) {
        const z = tf.sub(u, uThresh);
        s = spikeFn(z);
        // The detached spike (same values, zero gradient) for the reset path and lastSpike.
        let sDet = detach || a !== null ? heaviside(tf, z) : s;
        if (a !== null) {
          s = tf.mul(s, a);
          sDet = tf.mul(sDet, a);
          // lastSpike ← n where fired (exact: n − NEVER is an integer below 2^24)
          last = tf.add(last, tf.mul(sDet, tf.sub(n, last)));
        }
        sReset = detach ? sDet : s;
      } else {
        s = tf.zerosLike(u);
        sReset = s;
      }
      spikes.push(s);
      // 3. deliver
      const xn = inputs[n]!;
      if (delta) {
        // Dropped while refractory (after this step's threshold: includes a neuron that just fired).
        u = R > 0 ? tf.add(u, tf.mul(xn, heaviside(tf, tf.sub(n - R + 0.5, last)))) : tf.add(u, xn);
      } else {
        syn = tf.add(syn, xn);
      }
      // 4. reset
      if (spiking) {
        u = tf.mul(u, tf.sub(1, sReset));
        if (uReset !== 0) u = tf.add(u, tf.mul(sReset, uReset));
      }
    }
    const out: LifForwardResult = { spikes: tf.stack(spikes, 0) as Tensor3D };
    if (opts.recordV) out.vRel = tf.stack(vs, 0) as Tensor3D;
    return out as unknown as Record<string, Tensor>;
  }) as unknown as LifForwardResult;
}

/**
 * Input spikes through W into one LIF layer: `lifForward(projectSpikes(...))`, or for a SpikeRaster
 * input on the wasm backend one fused op (engine/tensor-kernels/fused-dense-lif.ts) with the same results.
 */
export function denseLifForward(tf: Tf, layer: LifTensorLayer, inSpikes: Tensor3D | SpikeRaster, w: Tensor2D, opts: LifForwardOptions = {}): LifForwardResult {
  return tf.tidy(() => {
    if (inSpikes instanceof SpikeRaster && fusedDenseLifApplies(tf, layer, opts)) return { spikes: fusedDenseLifForward(tf, layer, inSpikes, w, opts) };
    const x = projectSpikes(tf, inSpikes, w, layer.delaySteps);
    return lifForward(tf, layer, x, opts) as unknown as Record<string, Tensor>;
  }) as unknown as LifForwardResult;
}

/** What the fused kernels are told about `layer` run with `opts` (engine/tensor-ops.ts). */
function kernelCall(layer: LifTensorLayer, opts: LifForwardOptions): tensorOps.LifKernelCall {
  const surrogate = opts.spike === undefined ? undefined : spikeSurrogate(opts.spike);
  return {
    layer,
    size: layer.size,
    delaySteps: layer.delaySteps,
    c: lifStepConstants(layer),
    uRow: initialURow(layer),
    spikeKnown: opts.spike === undefined || surrogate !== undefined,
    surrogate,
    fused: opts.fused !== false,
    spiking: opts.spiking ?? true,
    recordV: opts.recordV ?? false,
    detach: opts.detachReset ?? true,
  };
}

/** Whether `lifForward` runs this layer through the fused kernel (the registry decides). */
export function fusedLifApplies(tf: Tf, layer: LifTensorLayer, opts: LifForwardOptions = {}): boolean {
  return tensorOps.fusedLifApplies(tf, kernelCall(layer, opts));
}

/** Whether `denseLifForward` runs a raster input through this layer as ONE fused op. */
export function fusedDenseLifApplies(tf: Tf, layer: LifTensorLayer, opts: LifForwardOptions = {}): boolean {
  return tensorOps.fusedDenseLifApplies(tf, kernelCall(layer, opts));
}

/** `denseLifForward` of a raster input through the fused op; call where `fusedDenseLifApplies`. */
export function fusedDenseLifForward(tf: Tf, layer: LifTensorLayer, raster: SpikeRaster, w: Tensor2D, opts: LifForwardOptions = {}): Tensor3D {
  return tensorOps.fusedDenseLif(tf, kernelCall(layer, opts), raster, w);
}
