/**
 * Kernel memory of a plastic dense projection: one region of a WebAssembly memory holding the
 * projection's weights, the arrays its learning rule keeps next to them (traces, the delayed-arrival
 * bookkeeping) and the scratch of synaptic scaling, with the kernels of
 * engine/kernels/wasm/plastic-fanout.wat instantiated on it.
 *
 * The network's kernel device (models/kernels/device.ts) hands these regions out: carved out of the
 * post-synaptic population's own memory (that population reserves `PlasticMemory.bytesFor` extra
 * bytes), so the kernels deliver straight into its input ring; when the population has no
 * WebAssembly memory, a memory of its own that also holds the post population's ring. The graph
 * builder allocates the weights here (models/plastic-placement.ts), so `projection.weights` stays an
 * ordinary Float64Array view that every reader (evaluation, checkpoints, model files, exporters)
 * uses unchanged. The memory never grows, so the views never detach.
 *
 * Nothing above models/ sees this class: a rule asks its projection for trace storage, the arrival
 * walk and column scaling (DenseProjection), and the projection asks its network's device for the
 * region holding its weights.
 */
import { MemoryArena } from '../../engine/kernels/memory-arena.js';
import type { PlasticFanoutExports } from '../../engine/kernels/kernel-sets.js';
import { DelayedArrivals } from './delayed-arrivals.js';

/** Float64 vectors of length n a rule may keep in the memory (traces; sym-STDP one, pair STDP one). */
const TRACE_VECTORS = 2;

const align16 = (bytes: number) => (bytes + 15) & ~15;

export class PlasticMemory {
  /** Bytes the post population reserves for an m × n projection with delays up to `maxDelay` steps. */
  static bytesFor(m: number, n: number, maxDelay: number): number {
    return align16(8 * m * n) + (TRACE_VECTORS + 1) * align16(8 * n) + (maxDelay > 0 ? DelayedArrivals.bytesFor(m, n, maxDelay) : 0) + 16;
  }

  /** The kernels, instantiated on this memory. */
  readonly k: PlasticFanoutExports;
  /** The projection's weights, row-major [m × n]. */
  readonly weights: Float64Array;
  private readonly sums: Float64Array;
  private readonly buffer: ArrayBuffer;

  /** `arena`: the region of `memory` this projection owns; `k`: the plastic-fanout kernels on `memory`. */
  constructor(
    readonly memory: WebAssembly.Memory,
    k: PlasticFanoutExports,
    readonly m: number,
    readonly n: number,
    readonly maxDelay: number,
    private readonly arena: MemoryArena,
  ) {
    this.k = k;
    this.buffer = memory.buffer;
    this.weights = arena.f64(m * n);
    this.sums = arena.f64(n);
  }

  /** True when `a` is a view of this memory (a kernel can address it by its byteOffset). */
  holds(a: ArrayBufferView): boolean {
    return a.buffer === this.buffer;
  }

  /** A zeroed float64 array in this memory, or null when the reservation has no room left. */
  f64(length: number): Float64Array | null {
    return this.arena.f64OrNull(length);
  }

  /** Where DelayedArrivals keeps its arrays (the arrival kernel reads them), or null when there is no room. */
  arrivalStorage(maxDelay: number): MemoryArena | null {
    if (this.n > 0xffff) return null;
    const bytes = DelayedArrivals.bytesFor(this.m, this.n, maxDelay);
    const base = this.arena.tryTake(bytes);
    return base === null ? null : new MemoryArena(this.memory, base, base + bytes, 16, 'plastic memory arrivals');
  }

  /** Synaptic scaling in place: every column rescaled to sum to `target` (a zero column left alone). */
  scaleColumns(target: number): void {
    this.k.scale(this.weights.byteOffset, this.m, this.n, this.sums.byteOffset, target);
  }
}
