/**
 * A plastic dense projection's weights, the sym-STDP post traces and the scaling sums, kept in the
 * WebAssembly memory of the post-synaptic population (models/lif-population.ts, wasm backend) next
 * to its input ring, with the kernels of engine/kernels/wasm/plastic-fanout.wat instantiated on it:
 *
 *   - potentiateRow: a pre spike's fused delivery + potentiation (learning/sym-stdp.ts), written
 *     straight into the ring slot;
 *   - addRow: the same delivery with frozen weights (evaluation);
 *   - scaleColumns: synaptic scaling (learning/synaptic-scaling.ts) of the whole matrix;
 *   - arrive (with per-synapse delays): the delayed arrivals of one step, delivery fused with
 *     potentiation — the arrival kernel of pair-stdp.wat, instantiated on the same memory, whose
 *     grouped synapses and spike ring (learning/delayed-arrivals.ts) are then allocated here too.
 *
 * The same approach as learning/kernels/pair-stdp-memory.ts (Diehl & Cook): the graph builder
 * allocates the projection's weights here, so `projection.weights` is a Float64Array view that every
 * reader (evaluation, checkpoints, model files, exporters) uses unchanged; the memory never grows,
 * so the views never detach. f64x2 SIMD, bit-identical to the JS loops (learning/sym-stdp.test.ts).
 */
import { WASM_BASE64 } from '../../engine/kernels/wasm/plastic-fanout.wasm.js';
import type { WasmLifKernels } from '../../engine/kernels/wasm-lif.js';
import { embeddedModule } from '../../engine/kernels/embedded-module.js';
import { MemoryArena } from '../../engine/kernels/memory-arena.js';
import { DelayedArrivals, type ArrivalStorage } from '../delayed-arrivals.js';
import type { ArrivalKernel } from './pair-stdp-memory.js';
import { PAIR_STDP_WASM_BASE64 } from './pair-stdp.wasm.js';
import type { KernelMemoryProvider } from '../../models/plastic-memory.js';

interface PlasticFanoutExports {
  potentiateRow(n: number, pRow: number, pSlot: number, pY: number, c: number, wMax: number): void;
  addRow(n: number, pRow: number, pSlot: number): void;
  scale(pW: number, m: number, n: number, pS: number, target: number): void;
}

interface ArrivalExports {
  arrive: ArrivalKernel;
}

const module = embeddedModule(WASM_BASE64);
const arrivalModule = embeddedModule(PAIR_STDP_WASM_BASE64);

export class SymStdpMemory {
  /** Bytes to reserve in the host population's memory for an m × n projection (with delays up to `maxDelay` steps). */
  static bytesFor(m: number, n: number, maxDelay = 0): number {
    return 8 * m * n + 2 * 8 * n + 3 * 16 + (maxDelay > 0 ? DelayedArrivals.bytesFor(m, n, maxDelay) : 0);
  }

  /** The memory for an m × n projection into `host`, or null (no wasm host, or no room reserved). */
  static create(host: WasmLifKernels | null, m: number, n: number): SymStdpMemory | null {
    const mod = module();
    if (host === null || mod === null || host.size !== n) return null;
    const pW = host.allocExtra(8 * m * n);
    const pY = host.allocExtra(8 * n);
    const pS = host.allocExtra(8 * n);
    if (pW === null || pY === null || pS === null) return null;
    return new SymStdpMemory(host, mod, m, n, pW, pY, pS);
  }

  readonly k: PlasticFanoutExports;
  /** The projection's weights, row-major [m × n]. */
  readonly weights: Float64Array;
  /** Rescaled post traces of sym-STDP (SymStdp.ys). */
  readonly ys: Float64Array;
  private readonly pS: number;
  readonly memory: WebAssembly.Memory;
  private arrivalExports: ArrivalExports | null = null;

  private constructor(
    private readonly host: WasmLifKernels,
    mod: WebAssembly.Module,
    readonly m: number,
    readonly n: number,
    private readonly pW: number,
    private readonly pY: number,
    pS: number,
  ) {
    const memory = (this.memory = host.memory);
    this.k = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as PlasticFanoutExports;
    this.weights = new Float64Array(memory.buffer, pW, m * n);
    this.ys = new Float64Array(memory.buffer, pY, n);
    this.pS = pS;
  }

  /** True when `a` is a view of this memory (e.g. the ring the kernel must write into). */
  holds(a: ArrayBufferView): boolean {
    return a.buffer === this.memory.buffer;
  }

  /** Row j: slot[i] += w[j,i]; w[j,i] ← min(w[j,i] + c·y[i], wMax). `slot` is a view of this memory. */
  potentiateRow(j: number, slotByteOffset: number, c: number, wMax: number): void {
    this.k.potentiateRow(this.n, this.pW + 8 * j * this.n, slotByteOffset, this.pY, c, wMax);
  }

  /** Row j added into the ring slot (frozen weights): slot[i] += w[j,i]. */
  addRow(j: number, slotByteOffset: number): void {
    this.k.addRow(this.n, this.pW + 8 * j * this.n, slotByteOffset);
  }

  /**
   * Storage in this memory for the delayed-arrival arrays of an m × n projection with delays up to
   * `maxDelay` steps, with the arrival kernel, or null when the room was not reserved (bytesFor
   * with maxDelay), the kernel is missing, or n does not fit its 16-bit post indices.
   */
  arrivalStorage(maxDelay: number): { storage: ArrivalStorage; arrive: ArrivalKernel } | null {
    const mod = arrivalModule();
    if (mod === null || this.n > 0xffff) return null;
    const bytes = DelayedArrivals.bytesFor(this.m, this.n, maxDelay);
    const base = this.host.allocExtra(bytes);
    if (base === null) return null;
    this.arrivalExports ??= new WebAssembly.Instance(mod, { env: { memory: this.memory } }).exports as unknown as ArrivalExports;
    return { storage: new MemoryArena(this.memory, base, base + bytes, 16, 'sym-stdp arrival'), arrive: this.arrivalExports.arrive };
  }

  /** Synaptic scaling in place: every column rescaled to sum to `target` (a zero column left alone). */
  scaleColumns(target: number): void {
    this.k.scale(this.pW, this.m, this.n, this.pS, target);
  }
}

/** Sym-STDP's memory lives in the post population's own memory, or nowhere (then JS loops). */
export const symStdpMemoryProvider: KernelMemoryProvider = {
  bytesFor: (m, n, maxDelay) => SymStdpMemory.bytesFor(m, n, maxDelay),
  place(host, m, n) {
    const memory = SymStdpMemory.create(host, m, n);
    return memory === null ? null : { memory, inputRing: null };
  },
};
