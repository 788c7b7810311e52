/**
 * Adam's loop as a WebAssembly SIMD kernel (wasm/adam.wat): the same float64 operations in the
 * same order as the JS loop (engine/tensor-ops.ts, `adamLoop`), so the same result bit for bit,
 * ≈ 4× faster at 10⁵–10⁶ weights (bench/log/tensor-mode.md). Each store has its own kernel memory:
 * moments live there (allocated once per tensor), the update and the result pass through a scratch
 * area placed after them on each call.
 */
import { embeddedModule } from '../kernels/embedded-module.js';
import { WASM_BASE64 } from './wasm/adam.wasm.js';

/** Per-tensor Adam moments in kernel memory: what the registry's `AdamMoments` needs of a kernel. */
export interface AdamKernel {
  /** Byte offset of a fresh zeroed [m | v] block of n float64 each. */
  allocate(n: number): number;
  /** m (which = 0) or v (which = 1) of the block at `at`: a view, valid until the memory grows. */
  view(at: number, n: number, which: 0 | 1): Float64Array;
  step(at: number, g: Float32Array, b1: number, b2: number, c1: number, c2: number, eps: number): Float32Array;
}

const adamModule = embeddedModule(WASM_BASE64);

/** A kernel with memory of its own, or null where this engine cannot compile it (no WebAssembly SIMD). */
export function createAdamKernel(): AdamKernel | null {
  const mod = adamModule();
  if (mod === null) return null;
  const e = new WebAssembly.Instance(mod, {}).exports as unknown as { memory: WebAssembly.Memory; adam: (...a: number[]) => void };
  const memory = e.memory;
  // Moments from byte 0 upwards; the scratch (g then out, f32) is placed after them on each call.
  let top = 0;
  const reserve = (bytes: number): void => {
    const have = memory.buffer.byteLength;
    if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
  };
  return {
    allocate(n) {
      const at = top;
      top += Math.ceil((16 * n) / 16) * 16;
      reserve(top);
      new Float64Array(memory.buffer, at, 2 * n).fill(0);
      return at;
    },
    view(at, n, which) {
      return new Float64Array(memory.buffer, at + which * 8 * n, n);
    },
    step(at, g, b1, b2, c1, c2, eps) {
      const n = g.length;
      const og = top;
      const oo = og + Math.ceil((4 * n) / 16) * 16;
      reserve(oo + 4 * n);
      new Float32Array(memory.buffer, og, n).set(g);
      e.adam(n, og, at, at + 8 * n, oo, b1, b2, 1 - b1, 1 - b2, c1, c2, eps);
      return new Float32Array(memory.buffer, oo, n).slice();
    },
  };
}
