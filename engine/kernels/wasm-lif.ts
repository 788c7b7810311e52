/**
 * The WebAssembly memory of a float64 LIF population, with the `lif` kernel set (and, when a
 * sparse projection asks, `sparse-fanout`) instantiated on it (engine/kernels/kernel-sets.ts): one
 * memory per population, holding its state arrays and the rings of its synaptic channels, so a
 * kernel call is one pass over contiguous memory. The typed arrays handed out are views of that
 * memory: callers use them exactly like ordinary arrays (the memory never grows, so they never
 * detach).
 */
import { instantiateKernelSet, type LifKernelExports, type SparseKernelExports } from './kernel-sets.js';
import { MemoryArena } from './memory-arena.js';

const PAGE = 65536;

/** Slots reserved per synaptic channel: rings for delays up to RING_SLOTS − 1 steps live in wasm memory (32: Diehl & Cook's 0–10 ms input delays at dt 0.5 ms need 21). */
export const RING_SLOTS = 32;

/**
 * Bytes of wasm memory a population of `size` neurons takes: state, a zero θ (read by the kernels in
 * place of θ when the population has none), spike lists, the reservation for two rings and their
 * touched lists. Pages nobody writes cost no physical memory.
 */
function arenaBytes(size: number, extraBytes = 0): number {
  const b8 = align(8 * size);
  const b4 = align(4 * size);
  return 16 + 64 + 5 * b8 + 3 * b4 + 2 * RING_SLOTS * (b8 + b4) + align(extraBytes);
}

export class WasmLifKernels {
  /**
   * The kernels for a population of `size` neurons, or null when its memory would be too large for
   * a 32-bit wasm memory (then the caller keeps the plain-JS loops).
   */
  static tryCreate(size: number, extraBytes = 0): WasmLifKernels | null {
    if (arenaBytes(size, extraBytes) > 2 ** 31) return null;
    try {
      return new WasmLifKernels(size, extraBytes);
    } catch {
      return null; // the engine refused the memory (address space): plain JS instead
    }
  }

  readonly k: LifKernelExports;
  readonly memory: WebAssembly.Memory;
  readonly v: Float64Array;
  readonly ge: Float64Array;
  readonly gi: Float64Array;
  readonly theta: Float64Array;
  readonly lastSpike: Int32Array;
  readonly ids: Int32Array;
  /** Spikes found by the fused integrate + threshold kernel, committed in the threshold phase. */
  readonly pending: Int32Array;
  readonly pv: number;
  readonly pge: number;
  readonly pgi: number;
  readonly ptheta: number;
  /** `size` zeros: the θ the kernels read for a population whose threshold has no θ. */
  readonly pzero: number;
  readonly plast: number;
  readonly pids: number;
  readonly ppending: number;
  /** Eight float64 coefficients a kernel reads from memory instead of taking them as arguments. */
  readonly consts: Float64Array;
  readonly pconst: number;
  private readonly ringBase: number[];
  private readonly ringUsed = [false, false];
  private readonly touchedBase: number[];
  private readonly touchedUsed = [false, false];
  private sparseExports: SparseKernelExports | null = null;
  /** `memory.buffer`, read once (the getter is slow and the memory never grows). */
  private readonly buffer: ArrayBuffer;
  /** The extra reservation (`extraBytes`), handed out by `allocExtra`. */
  private readonly extra: MemoryArena;

  constructor(
    readonly size: number,
    extraBytes = 0,
  ) {
    const n = size;
    const b8 = align(8 * n);
    const b4 = align(4 * n);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(arenaBytes(n, extraBytes) / PAGE) });
    const k = instantiateKernelSet('lif', this.memory);
    if (k === null) throw new Error('this engine cannot compile the lif kernels (no WebAssembly SIMD)');
    this.k = k;
    let off = 16;
    const take = (b: number): number => {
      const o = off;
      off += b;
      return o;
    };
    const buf = (this.buffer = this.memory.buffer);
    this.pconst = take(64);
    this.pv = take(b8);
    this.pge = take(b8);
    this.pgi = take(b8);
    this.ptheta = take(b8);
    this.pzero = take(b8);
    this.plast = take(b4);
    this.pids = take(b4);
    this.ppending = take(b4);
    this.ringBase = [take(RING_SLOTS * b8), take(RING_SLOTS * b8)];
    this.touchedBase = [take(RING_SLOTS * b4), take(RING_SLOTS * b4)];
    this.extra = new MemoryArena(this.memory, off, off + align(extraBytes), 16);
    this.consts = new Float64Array(buf, this.pconst, 8);
    this.v = new Float64Array(buf, this.pv, n);
    this.ge = new Float64Array(buf, this.pge, n);
    this.gi = new Float64Array(buf, this.pgi, n);
    this.theta = new Float64Array(buf, this.ptheta, n);
    this.lastSpike = new Int32Array(buf, this.plast, n);
    this.ids = new Int32Array(buf, this.pids, n);
    this.pending = new Int32Array(buf, this.ppending, n);
  }

  /**
   * `bytes` (16-byte aligned) of the extra reservation, as a byte offset into the memory, or null
   * when the reservation is used up. Learning kernels instantiated on this memory keep their
   * arrays (weights, traces) there, next to the rings they deliver into.
   */
  allocExtra(bytes: number): number | null {
    return this.extra.tryTake(bytes);
  }

  /** The sparse propagation and delivery kernels (sparse-fanout.wat), instantiated on this memory. */
  get sparse(): SparseKernelExports {
    if (this.sparseExports === null) {
      const k = instantiateKernelSet('sparse-fanout', this.memory);
      if (k === null) throw new Error('this engine cannot compile the sparse-fanout kernels (no WebAssembly SIMD)');
      this.sparseExports = k;
    }
    return this.sparseExports;
  }

  /** True when `a` is a view of this population's memory (a kernel may then use `a.byteOffset`). */
  holds(a: ArrayBufferView | null): boolean {
    return a !== null && a.buffer === this.buffer;
  }

  /**
   * The touched lists (`slots` × size int32) of the ring of channel 0 (exc) or 1 (inh), in this
   * memory, or null when they do not fit the reservation (the ring then keeps an ordinary array).
   */
  touchedBuffer(channel: 0 | 1, slots: number): Int32Array | null {
    if (slots > RING_SLOTS || this.touchedUsed[channel]) return null;
    this.touchedUsed[channel] = true;
    return new Int32Array(this.memory.buffer, this.touchedBase[channel]!, slots * this.size);
  }

  /**
   * A ring buffer of `slots` × size float64 for channel 0 (exc) or 1 (inh) in this memory, or null
   * when it does not fit the reservation (the caller then keeps an ordinary ring).
   */
  ringBuffer(channel: 0 | 1, slots: number): { buffer: Float64Array; ptr: number } | null {
    if (slots > RING_SLOTS || this.ringUsed[channel]) return null;
    this.ringUsed[channel] = true;
    const ptr = this.ringBase[channel]!;
    return { buffer: new Float64Array(this.memory.buffer, ptr, slots * this.size), ptr };
  }
}

function align(bytes: number): number {
  return (bytes + 15) & ~15;
}
