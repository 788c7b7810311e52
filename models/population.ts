/**
 * What the network and the schedule need from any population (LIF, Poisson source, spike-source
 * array, teacher). State is struct-of-arrays typed arrays; the phases are the clock schedule's slots.
 */
import type { FloatArray } from '../engine/float-array.js';
import type { InputRing } from '../engine/input-ring.js';
import type { WasmLifKernels } from '../engine/kernels/wasm-lif.js';
import type { SpikeBuffer } from '../engine/spike-buffer.js';

export interface Population {
  readonly name: string;
  readonly size: number;
  readonly kind: string;
  /** Spikes emitted in the current step (valid from the threshold slot to the end of the step). */
  readonly spikes: SpikeBuffer;
  /** Input channels this population accepts ('v', 'exc', 'inh'); empty for sources. */
  readonly channels: readonly string[];
  /** Connects the ring that feeds `channel` (called once per channel at build time). */
  attachInput(channel: string, ring: InputRing): void;
  /**
   * Optional: the buffer for the ring of `channel` (`length` values, zeroed), when the population
   * wants it in its own memory (WebAssembly kernels); null or absent → an ordinary typed array.
   */
  ringStorage?(channel: string, length: number): FloatArray | null;
  /**
   * Optional: the WebAssembly memory and kernels holding this population's state and rings (wasm
   * backend), or null. A projection whose synapse arrays live there propagates with its kernels.
   */
  readonly wasmKernels?: WasmLifKernels | null;
  /** Optional, likewise: the zeroed touched lists (`length` int32) of the ring of `channel`. */
  touchedStorage?(channel: string, length: number): Int32Array | null;
  /** Phase 1: advance state from t to t + dt. */
  integrate(step: number): void;
  /** Phase 2: detect spikes of this step into `spikes`. */
  threshold(step: number): void;
  /** Phase 3b: read and zero the input arriving in this step. */
  deliver(step: number): void;
  /** Phase 4: reset the neurons that spiked. */
  reset(step: number): void;
  /** Named state arrays that recorders and rules may read ('v', 'ge', 'theta', ...). */
  stateVariables(): Record<string, FloatArray>;
  /** Back to the initial state (used between runs and by tests). */
  resetState?(): void;
}
