/**
 * A bump allocator over one region [base, limit) of a WebAssembly memory: the kernels instantiated
 * on that memory address the arrays by byte offset, and JS reads and writes them through typed-array
 * views. Nothing is ever freed, and the memory never grows, so the views never detach.
 *
 * Used for a population's extra reservation (wasm-lif.ts `allocExtra`) and for the arrays a plastic
 * projection's kernels keep there (models/kernels/plastic-memory.ts).
 */
export class MemoryArena {
  private top: number;

  /**
   * `alignment` (a power of two) rounds every allocation up, so that the next one starts aligned;
   * `what` names the layout in the error thrown when it overflows.
   */
  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
    readonly limit: number,
    private readonly alignment = 16,
    private readonly what = 'wasm memory',
  ) {
    this.top = base;
  }

  /** Byte offset of `bytes` fresh bytes, or null when the region has no room left for them. */
  tryTake(bytes: number): number | null {
    const p = this.top;
    const next = p + ((bytes + this.alignment - 1) & ~(this.alignment - 1));
    if (next > this.limit) return null;
    this.top = next;
    return p;
  }

  /** Byte offset of `bytes` fresh bytes; a RangeError when the region is used up (a sizing bug). */
  take(bytes: number): number {
    const p = this.tryTake(bytes);
    if (p === null) throw new RangeError(`${this.what} layout overflow`);
    return p;
  }

  f64(length: number): Float64Array {
    return new Float64Array(this.memory.buffer, this.take(8 * length), length);
  }

  /** A float64 array, or null when the region has no room left for it. */
  f64OrNull(length: number): Float64Array | null {
    const p = this.tryTake(8 * length);
    return p === null ? null : new Float64Array(this.memory.buffer, p, length);
  }

  i32(length: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.take(4 * length), length);
  }

  u16(length: number): Uint16Array {
    return new Uint16Array(this.memory.buffer, this.take(2 * length), length);
  }
}
