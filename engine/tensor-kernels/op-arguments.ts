/**
 * What the tensor kernels are told, as plain data: the registry (engine/tensor-ops.ts) re-exports
 * these types, and tensor mode (learning/tensor/) fills them from its layers, so nothing here knows
 * a layer, a surrogate registry or a raster class — only numbers, arrays and tfjs tensors.
 */
import type { Tensor } from '@tensorflow/tfjs';

export type Tf = typeof import('@tensorflow/tfjs');

/** The per-step constants of one LIF layer, relative to vRest (u = v − vRest, mV). */
export interface LifStepConstants {
  /** Membrane decay per step. */
  eM: number;
  /** Synaptic current → membrane per step (current synapses). */
  k: number;
  /** Synaptic current decay per step. */
  eS: number;
  /** The propagator's constant shifted to u (= iBias·(1 − eM)); 0 when only a rounding residue. */
  uConst: number;
  uThresh: number;
  uReset: number;
  /** Lower bound of u, or null. */
  uMin: number | null;
  /** Refractory period in steps. */
  refractorySteps: number;
  delta: boolean;
}

/** A surrogate gradient ψ: its name (the kernel computes fast-sigmoid and triangle itself), slope and tensor op. */
export interface SurrogateSpec {
  readonly name: string;
  readonly beta: number;
  derivative(tf: Tf, x: Tensor): Tensor;
}

/** One LIF layer's T-step recurrence as the fused kernels take it. */
export interface LifKernelCall {
  /** The layer's identity: a fused layer keeps its kernel memory per layer object between passes. */
  readonly layer: object;
  /** Neurons N. */
  readonly size: number;
  /** Input delay in steps (the fused layer op runs only without one). */
  readonly delaySteps: number;
  readonly c: LifStepConstants;
  /** Initial u = v0 − vRest of one sample's N neurons (float32). */
  readonly uRow: Float32Array;
  /** false: a spike function whose ψ is unknown (the op-by-op path must run). */
  readonly spikeKnown: boolean;
  /** ψ of the backward pass; undefined: H with zero gradient. */
  readonly surrogate: SurrogateSpec | undefined;
  /** false: the caller asks for the op-by-op path. */
  readonly fused: boolean;
  readonly spiking: boolean;
  readonly recordV: boolean;
  /** Whether the reset path carries no gradient. */
  readonly detach: boolean;
}

/** Binary input spikes [T, B, n] as per-row lists of the columns that fired (a SpikeRaster). */
export interface SpikeLists {
  /** Steps T, batch B, neurons n; rows = T·B. */
  readonly steps: number;
  readonly batch: number;
  readonly size: number;
  readonly rows: number;
  /** Columns that fired, row by row: idx[starts[r] .. starts[r + 1]). */
  readonly idx: Int32Array;
  readonly starts: Int32Array;
  /** The transposed lists: per column the rows where it fired. */
  columns(): { idx: Int32Array; starts: Int32Array };
  /** The dense 0/1 block [T·B × n], row-major. */
  dense(): Float32Array;
}
