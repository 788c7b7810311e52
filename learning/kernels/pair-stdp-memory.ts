/**
 * One WebAssembly memory holding a plastic dense projection's weights and the pair-STDP arrival
 * state (learning/pair-stdp.ts), with the arrival kernel of pair-stdp.wat instantiated on it.
 *
 * The graph builder allocates the projection's weights here (`weights`, a Float64Array view), so
 * the kernel reads and writes them in place; pair STDP then allocates its groups, traces and spike
 * ring here too. The memory never grows, so the views never detach. Scalar WebAssembly: the
 * arrival loop is a gather/scatter by post index, which SIMD does not help; the gain over the JS
 * loop is bounds-check-free typed loads and stores (performance.md §2: WASM scalar 2–3× JS).
 */
import type { WasmLifKernels } from '../../engine/kernels/wasm-lif.js';
import { InputRing } from '../../engine/input-ring.js';
import type { KernelMemoryProvider } from '../../models/plastic-memory.js';
import { PAIR_STDP_WASM_BASE64 } from './pair-stdp.wasm.js';
import { embeddedModule } from '../../engine/kernels/embedded-module.js';
import { MemoryArena } from '../../engine/kernels/memory-arena.js';

/**
 * The arrival kernel of pair-stdp.wat: one step's delayed arrivals, delivered into `pAcc` and
 * w += c·trace[i] clipped at `bound` from below (upper 0) or above (upper 1); returns the events.
 */
export type ArrivalKernel = (
  step: number, G: number, m: number, n: number,
  pIds: number, pCount: number, pStamp: number, pPtr: number, pPost: number, pW: number, pTrace: number, pAcc: number,
  c: number, bound: number, upper: 0 | 1,
) => number;

interface PairStdpExports {
  arrive: ArrivalKernel;
  scale(pW: number, m: number, n: number, pSums: number, target: number): void;
}

const module = embeddedModule(PAIR_STDP_WASM_BASE64);

const PAGE = 65536;

/** Its arrays (f64, i32, u16: pair STDP's groups, traces and spike ring) are allocated from its region, 8-byte aligned. */
export class PairStdpMemory extends MemoryArena {
  readonly k: PairStdpExports;
  /** The projection's weights, row-major [m × n]. */
  readonly weights: Float64Array;
  private readonly sums: Float64Array;

  /** Bytes the kernel state of an m × n projection with delays up to `maxDelay` steps takes. */
  static bytesFor(m: number, n: number, maxDelay: number): number {
    const G = maxDelay + 1;
    return 8 * m * n + 3 * 8 * n + 4 * (m * G + 1) + 2 * m * n + 4 * G * m + 2 * 4 * G + 8 * 16;
  }

  private constructor(
    memory: WebAssembly.Memory,
    mod: WebAssembly.Module,
    readonly m: number,
    readonly n: number,
    readonly maxDelay: number,
    base: number,
    limit: number,
  ) {
    super(memory, base, limit, 8, 'pair-stdp memory');
    this.k = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as PairStdpExports;
    this.weights = this.f64(m * n);
    this.sums = this.f64(n);
  }

  /**
   * Synaptic scaling of the weights in place: every column (post neuron) rescaled to sum to
   * `target`, a zero column left alone. f64x2 SIMD; bit-identical to SynapticScaling.apply.
   */
  scaleColumns(target: number): void {
    this.k.scale(this.weights.byteOffset, this.m, this.n, this.sums.byteOffset, target);
  }

  /**
   * Memory for an m × n projection with delays up to `maxDelay` steps (plus `extraF64` values for
   * other arrays, e.g. the target's input ring), or null when WebAssembly is unavailable or n does
   * not fit the kernel's 16-bit post indices.
   */
  static create(m: number, n: number, maxDelay: number, extraF64 = 0): PairStdpMemory | null {
    const mod = module();
    const bytes = PairStdpMemory.bytesFor(m, n, maxDelay) + 8 * extraF64;
    if (mod === null || n > 0xffff || bytes > 2 ** 31) return null;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) + 1 });
    return new PairStdpMemory(memory, mod, m, n, maxDelay, 0, memory.buffer.byteLength);
  }

  /**
   * The same inside the WebAssembly memory of the post-synaptic population (`host`, which must have
   * reserved `bytesFor(m, n, maxDelay)` extra bytes): the kernel then delivers straight into the
   * population's own input ring, which its SIMD kernels read. Null without a host or room.
   */
  static createIn(host: WasmLifKernels | null, m: number, n: number, maxDelay: number): PairStdpMemory | null {
    const mod = module();
    if (host === null || mod === null || n > 0xffff || host.size !== n) return null;
    const bytes = PairStdpMemory.bytesFor(m, n, maxDelay);
    const base = host.allocExtra(bytes);
    if (base === null) return null;
    return new PairStdpMemory(host.memory, mod, m, n, maxDelay, base, base + bytes);
  }

  /** True when `a` is a view of this memory (the kernel can address it). */
  holds(a: ArrayBufferView): boolean {
    return a.buffer === this.memory.buffer;
  }
}

/**
 * Pair STDP's memory: in the post population's memory when it reserved the room (the kernel then
 * delivers straight into its input ring), else a memory of its own that also holds that ring.
 */
export const pairStdpMemoryProvider: KernelMemoryProvider = {
  bytesFor: (m, n, maxDelay) => PairStdpMemory.bytesFor(m, n, maxDelay),
  place(host, m, n, maxDelay) {
    const inHost = PairStdpMemory.createIn(host, m, n, maxDelay);
    if (inHost !== null) return { memory: inHost, inputRing: null };
    const own = PairStdpMemory.create(m, n, maxDelay, InputRing.slotsFor(maxDelay) * n);
    return own === null ? null : { memory: own, inputRing: (length) => own.f64(length) };
  },
};
