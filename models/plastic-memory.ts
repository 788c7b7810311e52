/**
 * Kernel memory a plastic projection's weights can live in: a capability the post-synaptic
 * population offers (its WebAssembly memory, wasm backend) and a rule asks for by naming a
 * provider. The graph builder allocates the weights there, so `projection.weights` stays an
 * ordinary Float64Array view that every reader (evaluation, checkpoints, exporters) uses unchanged,
 * while the rule's kernels address the same bytes. Nothing above the rule and its provider sees
 * WebAssembly memory: the training system only passes the provider to the graph builder.
 */
import type { WasmLifKernels } from '../engine/kernels/wasm-lif.js';

/** What every kernel memory offers the generic rules (synaptic scaling runs in it when present). */
export interface KernelMemory {
  /** The projection's weights, row-major [m × n], a view of the memory. */
  readonly weights: Float64Array;
  /** Every column rescaled to sum to `target`, bit-identical to the JS loop. */
  scaleColumns(target: number): void;
  /** True when `a` is a view of this memory. */
  holds(a: ArrayBufferView): boolean;
}

export interface PlacedMemory {
  memory: KernelMemory;
  /** Storage for the post population's input ring when the memory is not the population's own, else null. */
  inputRing: ((length: number) => Float64Array | null) | null;
}

/** How a rule's kernels get their memory for an m × n projection with delays up to `maxDelay` steps. */
export interface KernelMemoryProvider {
  /** Bytes the post population must reserve in its own memory. */
  bytesFor(m: number, n: number, maxDelay: number): number;
  /** The memory, in `host` (the post population's kernels) or elsewhere; null: none (JS loops). */
  place(host: WasmLifKernels | null, m: number, n: number, maxDelay: number): PlacedMemory | null;
}

/**
 * Hooks a graph builder takes for its plastic projection: bytes reserved in the post population,
 * the weights' storage, the post population's input ring. Made by `plasticHooks`.
 */
export interface PlasticHooks {
  extraBytes: number;
  weights(host: WasmLifKernels | null, length: number): Float64Array | null;
  inputRing(length: number): Float64Array | null;
  /** The memory placed by `weights`, or null. */
  readonly placed: KernelMemory | null;
}

export function plasticHooks(provider: KernelMemoryProvider, m: number, n: number, maxDelay: number): PlasticHooks {
  let placed: PlacedMemory | null = null;
  return {
    extraBytes: provider.bytesFor(m, n, maxDelay),
    weights(host, length) {
      if (length !== m * n) return null;
      placed = provider.place(host, m, n, maxDelay);
      return placed?.memory.weights ?? null;
    },
    inputRing(length) {
      return placed?.inputRing?.(length) ?? null;
    },
    get placed() {
      return placed?.memory ?? null;
    },
  };
}
