/**
 * Tensor mode's kernel registry: the named tensor ops that learning code calls (`fusedLif`,
 * `spikeMatmul`, `fusedDenseLif`, `adamMoments`, the matMul gradient), each run by a WebAssembly SIMD
 * kernel (engine/tensor-kernels/) where one applies and by generic code elsewhere — in the spirit of
 * tfjs-core's kernel registry, which picks a kernel per op and backend. The choice is made here and
 * nowhere else: the fused kernels run on tfjs's wasm backend when this engine compiles them (WebAssembly
 * SIMD) and SNN_TENSOR_FUSED is not 0 (SNN_TENSOR_FUSED=0 runs the plain op-by-op tfjs path, e.g. to
 * compare the two). Adam's kernel works on plain arrays, not tfjs tensors: it runs wherever it
 * compiles, and equals the JS loop bit for bit.
 *
 * Nothing above models/ imports engine/tensor-kernels/ (test/layering.test.ts): the kernels' memory,
 * tfjs's wasm heap and the custom ops that move data between them stay below this file. The LIF
 * recurrence's op-by-op path is tensor mode's own (learning/tensor/lif-tensor.ts): where
 * `fusedLifApplies` / `fusedDenseLifApplies` say no, it composes tfjs ops itself.
 */
import type { Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { FloatArray } from './float-array.js';
import { createAdamKernel, type AdamKernel } from './tensor-kernels/adam-kernel.js';
import { fusedDenseLifForward } from './tensor-kernels/fused-dense-lif.js';
import { fusedLifForward, type FusedLifResult } from './tensor-kernels/fused-lif.js';
import { sharedTensorKernels } from './tensor-kernels/kernel-set.js';
import { installMatMulGradient as installKernelGradient } from './tensor-kernels/matmul-gradient.js';
import type { LifKernelCall, SpikeLists, Tf } from './tensor-kernels/op-arguments.js';
import { spikeMatMul as eventDrivenMatMul } from './tensor-kernels/spike-matmul.js';

export type { FusedLifResult } from './tensor-kernels/fused-lif.js';
export type { LifKernelCall, LifStepConstants, SpikeLists, SurrogateSpec } from './tensor-kernels/op-arguments.js';

/** SNN_TENSOR_FUSED=0 in the environment: the op-by-op tfjs path everywhere. */
export function fusionForcedOff(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SNN_TENSOR_FUSED === '0';
}

/** The one choice: tfjs's wasm backend and the switch not off (the kernels' own compile check aside). */
function fusedBackend(tf: Tf): boolean {
  return !fusionForcedOff() && tf.getBackend() === 'wasm';
}

/** Whether the T-step LIF recurrence of `call` runs as the fused op (`fusedLif`). */
export function fusedLifApplies(tf: Tf, call: LifKernelCall): boolean {
  if (!call.fused || !fusedBackend(tf)) return false;
  if (call.c.refractorySteps > 0) return false;
  if (!call.spikeKnown) return false;
  return sharedTensorKernels() !== null;
}

/** The LIF recurrence over input currents x [T, B, N] as one op; call where `fusedLifApplies`. */
export function fusedLif(tf: Tf, call: LifKernelCall, x: Tensor3D): FusedLifResult {
  return fusedLifForward(tf, call, x);
}

/** Whether the event-driven product with a raster runs (wasm, nOut a multiple of 4). */
export function spikeMatmulApplies(tf: Tf, nOut: number): boolean {
  return fusedBackend(tf) && nOut % 4 === 0 && sharedTensorKernels() !== null;
}

/**
 * X·W for binary input spikes X (data: no gradient to them) and W [nIn × nOut]: event-driven where
 * `spikeMatmulApplies`, else tf.matMul on the raster's dense block. Rows T·B.
 */
export function spikeMatmul(tf: Tf, x: SpikeLists, w: Tensor2D): Tensor2D {
  const nOut = w.shape[1];
  if (spikeMatmulApplies(tf, nOut)) return eventDrivenMatMul(tf, x, w);
  return tf.matMul(tf.tensor2d(x.dense(), [x.rows, x.size]), w);
}

/** Whether input spikes through W into the layer of `call` run as ONE op (`fusedDenseLif`). */
export function fusedDenseLifApplies(tf: Tf, call: LifKernelCall): boolean {
  return call.spiking && !call.recordV && call.delaySteps === 0 && fusedLifApplies(tf, call) && spikeMatmulApplies(tf, call.size);
}

/** Input spikes through W into one LIF layer as one op (spikes [T, B, N]); call where `fusedDenseLifApplies`. */
export function fusedDenseLif(tf: Tf, call: LifKernelCall, raster: SpikeLists, w: Tensor2D): Tensor3D {
  return fusedDenseLifForward(tf, call, raster, w);
}

/** Registers matMul's transpose-free gradient with this tfjs (once); it runs where the fused kernels do. */
export function installMatMulGradient(tf: Tf): void {
  installKernelGradient(tf, () => fusedBackend(tf));
}

/**
 * Adam's per-tensor moments (float64) and its step: in a kernel's memory where Adam's kernel
 * compiles, else in JS arrays. Slots are handed out once per tensor; a resized tensor gets a new one.
 */
export interface AdamMoments {
  /** A fresh zeroed pair of n-element moments. */
  allocate(n: number): number;
  /** The first (0) or second (1) moment of a slot: a view, valid until the next allocate or step. */
  moment(slot: number, which: 0 | 1): Float64Array;
  /**
   * One step on a slot's moments with update g: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², returns
   * (m·c1) / (√(v·c2) + ε) as float32 (c1, c2: the bias corrections).
   */
  step(slot: number, g: FloatArray, b1: number, b2: number, c1: number, c2: number, eps: number): Float32Array;
}

/** Adam's update, the reference the kernel equals bit for bit. */
function adamLoop(m: Float64Array, v: Float64Array, g: FloatArray, b1: number, b2: number, c1: number, c2: number, eps: number): Float32Array {
  const n = g.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = (m[i] = b1 * m[i]! + (1 - b1) * gi);
    const vi = (v[i] = b2 * v[i]! + (1 - b2) * gi * gi);
    out[i] = (mi * c1) / (Math.sqrt(vi * c2) + eps);
  }
  return out;
}

function kernelMoments(k: AdamKernel): AdamMoments {
  /** Slot (the block's byte offset) → n. */
  const sizes = new Map<number, number>();
  return {
    allocate(n) {
      const at = k.allocate(n);
      sizes.set(at, n);
      return at;
    },
    moment(slot, which) {
      return k.view(slot, sizes.get(slot)!, which);
    },
    step(slot, g, b1, b2, c1, c2, eps) {
      // The kernel reads float32 updates; a float64 update runs the loop on the same moments.
      if (g instanceof Float32Array) return k.step(slot, g, b1, b2, c1, c2, eps);
      const n = g.length;
      return adamLoop(k.view(slot, n, 0), k.view(slot, n, 1), g, b1, b2, c1, c2, eps);
    },
  };
}

function arrayMoments(): AdamMoments {
  const slots: [Float64Array, Float64Array][] = [];
  return {
    allocate(n) {
      slots.push([new Float64Array(n), new Float64Array(n)]);
      return slots.length - 1;
    },
    moment(slot, which) {
      return slots[slot]![which];
    },
    step(slot, g, b1, b2, c1, c2, eps) {
      const [m, v] = slots[slot]!;
      return adamLoop(m, v, g, b1, b2, c1, c2, eps);
    },
  };
}

/** A new moment store (each Adam instance has its own): the kernel's memory where it compiles. */
export function adamMoments(): AdamMoments {
  const k = createAdamKernel();
  return k === null ? arrayMoments() : kernelMoments(k);
}
