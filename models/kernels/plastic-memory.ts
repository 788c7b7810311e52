/**
 * Kernel memory of a plastic dense projection: one region of a WebAssembly memory holding the
 * projection's weights, the arrays its learning rule keeps next to them (traces, the delayed-arrival
 * bookkeeping) and the scratch of synaptic scaling, with the kernels of
 * engine/kernels/wasm/plastic-fanout.wat instantiated on it.
 *
 * The region is carved out of the post-synaptic population's own memory (wasm backend: the
 * population reserves `PlasticMemory.bytesFor` extra bytes), so the kernels deliver straight into
 * that population's input ring; when the population has no WebAssembly memory, a memory of its own
 * that also holds the post population's ring. The graph builder allocates the weights here
 * (models/plastic-placement.ts), so `projection.weights` stays an ordinary Float64Array view that every reader
 * (evaluation, checkpoints, model files, exporters) uses unchanged. The memory never grows, so the
 * views never detach.
 *
 * Nothing above models/ sees this class: a rule asks its projection for trace storage, the arrival
 * walk and column scaling (DenseProjection), and the projection finds its memory here by its weights.
 */
import type { WasmLifKernels } from '../../engine/kernels/wasm-lif.js';
import { embeddedModule } from '../../engine/kernels/embedded-module.js';
import { MemoryArena } from '../../engine/kernels/memory-arena.js';
import { WASM_BASE64 } from '../../engine/kernels/wasm/plastic-fanout.wasm.js';
import { InputRing } from '../../engine/input-ring.js';
import { DelayedArrivals } from './delayed-arrivals.js';

/** The arrival kernel: one step's delayed arrivals (see plastic-fanout.wat); returns the events. */
export type ArrivalKernel = (
  step: number, G: number, m: number, n: number,
  pIds: number, pCount: number, pStamp: number, pPtr: number, pPost: number, pW: number, pTrace: number, pSlot: number,
  c: number, bound: number, upper: 0 | 1,
) => number;

export interface PlasticFanoutExports {
  potentiateRow(n: number, pRow: number, pSlot: number, pY: number, c: number, wMax: number): void;
  addRow(n: number, pRow: number, pSlot: number): void;
  scale(pW: number, m: number, n: number, pS: number, target: number): void;
  arrive: ArrivalKernel;
}

const module = embeddedModule(WASM_BASE64);
const PAGE = 65536;
/** Float64 vectors of length n a rule may keep in the memory (traces; sym-STDP one, pair STDP one). */
const TRACE_VECTORS = 2;

const align16 = (bytes: number) => (bytes + 15) & ~15;

/** Which memory holds a given weights array (filled by `place`; read by DenseProjection). */
const placed = new WeakMap<ArrayBuffer | SharedArrayBuffer, PlasticMemory[]>();

export class PlasticMemory {
  /** Bytes the post population reserves for an m × n projection with delays up to `maxDelay` steps. */
  static bytesFor(m: number, n: number, maxDelay: number): number {
    return align16(8 * m * n) + (TRACE_VECTORS + 1) * align16(8 * n) + (maxDelay > 0 ? DelayedArrivals.bytesFor(m, n, maxDelay) : 0) + 16;
  }

  /**
   * The memory of an m × n projection into the population whose kernels are `host`: in its memory
   * when it reserved the room, else a memory of its own that can also hold that population's input
   * ring (`inputRing`). Null when WebAssembly is unavailable.
   */
  static place(host: WasmLifKernels | null, m: number, n: number, maxDelay: number): { memory: PlasticMemory; inputRing: ((length: number) => Float64Array | null) | null } | null {
    const mod = module();
    if (mod === null) return null;
    const bytes = PlasticMemory.bytesFor(m, n, maxDelay);
    const base = host !== null && host.size === n ? host.allocExtra(bytes) : null;
    if (host !== null && base !== null) return { memory: new PlasticMemory(host.memory, mod, m, n, maxDelay, new MemoryArena(host.memory, base, base + bytes, 16, 'plastic memory')), inputRing: null };
    const own = PlasticMemory.own(m, n, maxDelay, InputRing.slotsFor(maxDelay) * n);
    return own === null ? null : { memory: own, inputRing: (length) => own.arena.f64OrNull(length) };
  }

  /** A memory of its own (with room for `extraF64` more values, e.g. a ring), or null without WebAssembly. */
  static own(m: number, n: number, maxDelay: number, extraF64 = 0): PlasticMemory | null {
    const mod = module();
    const bytes = PlasticMemory.bytesFor(m, n, maxDelay) + align16(8 * extraF64);
    if (mod === null || bytes > 2 ** 31) return null;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) + 1 });
    return new PlasticMemory(memory, mod, m, n, maxDelay, new MemoryArena(memory, 0, bytes, 16, 'plastic memory'));
  }

  /** The memory that holds `weights`, or null (plain typed arrays: JS loops). */
  static holding(weights: ArrayBufferView): PlasticMemory | null {
    for (const mem of placed.get(weights.buffer) ?? []) if (mem.weights === weights) return mem;
    return null;
  }

  /** The kernels, instantiated on this memory. */
  readonly k: PlasticFanoutExports;
  /** The projection's weights, row-major [m × n]. */
  readonly weights: Float64Array;
  private readonly sums: Float64Array;
  private readonly buffer: ArrayBuffer;

  private constructor(
    readonly memory: WebAssembly.Memory,
    mod: WebAssembly.Module,
    readonly m: number,
    readonly n: number,
    readonly maxDelay: number,
    private readonly arena: MemoryArena,
  ) {
    this.k = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as PlasticFanoutExports;
    this.buffer = memory.buffer;
    this.weights = arena.f64(m * n);
    this.sums = arena.f64(n);
    const list = placed.get(this.buffer) ?? [];
    list.push(this);
    placed.set(this.buffer, list);
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
