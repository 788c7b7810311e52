/**
 * The kernels of one network: an allocator of kernel memory and a registry of kernels by name, in
 * the spirit of Brian2's devices and tfjs-core's kernel registry. The Network creates its device
 * from the backend choice at the time it is built (engine/backend.ts); whoever builds a population
 * or a plastic projection for that network asks the device for its memory:
 *
 *   - `lifMemory`: the WebAssembly memory of a float64 LIF population (state, input rings and an
 *     extra reservation for kernels that work on it), with the `lif` kernel set on it
 *     (engine/kernels/wasm-lif.ts);
 *   - `plasticMemory`: the region of a plastic dense projection (weights, trace storage, arrival
 *     bookkeeping; models/kernels/plastic-memory.ts), carved out of the post population's
 *     reservation, with the `plastic-fanout` kernels instantiated on it;
 *   - `memoryHolding(weights)`: which of the regions it handed out holds a projection's weights
 *     (a DenseProjection asks its own network's device, so two networks in one process never see
 *     each other's memory).
 *
 * On the js backend the device hands out nothing and every caller runs its JS loops: they are the
 * reference, and each kernel makes the same IEEE operations in the same order (bit-identical).
 */
import { kernelBackend, type KernelBackend } from '../../engine/backend.js';
import { instantiateKernelSet, kernelSetAvailable, type KernelSetExports, type KernelSetName } from '../../engine/kernels/kernel-sets.js';
import { WasmLifKernels } from '../../engine/kernels/wasm-lif.js';
import { InputRing } from '../../engine/input-ring.js';
import { MemoryArena } from '../../engine/kernels/memory-arena.js';
import { PlasticMemory } from './plastic-memory.js';

const PAGE = 65536;
const align16 = (bytes: number) => (bytes + 15) & ~15;

/** A plastic projection's memory and, when it has a memory of its own, storage for the post population's ring there. */
export interface PlasticPlacement {
  memory: PlasticMemory;
  /** The post population's input ring in the same memory (kernels deliver into it), or null: the ring is in the post population's memory already. */
  inputRing: ((length: number) => Float64Array | null) | null;
}

export class KernelDevice {
  /** The regions handed out to plastic projections, by the weights they hold. */
  private readonly plastic = new Map<ArrayBufferView, PlasticMemory>();

  constructor(readonly backend: KernelBackend = kernelBackend()) {}

  /** The kernels of set `name` (engine/kernels/kernel-sets.ts) instantiated on `memory`, or null (js backend, or no WebAssembly SIMD). */
  instantiate<K extends KernelSetName>(name: K, memory: WebAssembly.Memory): KernelSetExports[K] | null {
    return this.backend === 'wasm' ? instantiateKernelSet(name, memory) : null;
  }

  /**
   * The memory of a float64 LIF population of `size` neurons with `extraBytes` reserved for kernels
   * working on it, or null: js backend, or too large for a 32-bit memory (plain arrays then).
   */
  lifMemory(size: number, extraBytes = 0): WasmLifKernels | null {
    return this.backend === 'wasm' ? WasmLifKernels.tryCreate(size, extraBytes) : null;
  }

  /**
   * The memory of an m × n plastic projection (delays up to `maxDelay` steps) into the population
   * whose memory is `host`: in its reservation when it made room (`PlasticMemory.bytesFor`), else a
   * memory of its own that can also hold that population's input ring. Null on the js backend or
   * without WebAssembly SIMD (plain arrays and the JS loops then).
   */
  plasticMemory(host: WasmLifKernels | null, m: number, n: number, maxDelay: number): PlasticPlacement | null {
    if (this.backend !== 'wasm' || !kernelSetAvailable('plastic-fanout')) return null;
    const bytes = PlasticMemory.bytesFor(m, n, maxDelay);
    const base = host !== null && host.size === n ? host.allocExtra(bytes) : null;
    if (host !== null && base !== null) return { memory: this.region(host.memory, base, bytes, m, n, maxDelay), inputRing: null };
    // No room in the population's memory: a memory of its own, with room for the population's ring.
    const total = bytes + align16(8 * InputRing.slotsFor(maxDelay) * n);
    if (total > 2 ** 31) return null;
    const own = this.region(new WebAssembly.Memory({ initial: Math.ceil(total / PAGE) + 1 }), 0, total, m, n, maxDelay);
    return { memory: own, inputRing: (length) => own.f64(length) };
  }

  /** The region this device placed `weights` in, or null (plain typed arrays, or another network's memory). */
  memoryHolding(weights: ArrayBufferView): PlasticMemory | null {
    return this.plastic.get(weights) ?? null;
  }

  /** The region [base, base + bytes) of `memory` laid out for an m × n projection, with the kernels on it, remembered by its weights. */
  private region(memory: WebAssembly.Memory, base: number, bytes: number, m: number, n: number, maxDelay: number): PlasticMemory {
    const arena = new MemoryArena(memory, base, base + bytes, 16, 'plastic memory');
    const mem = new PlasticMemory(memory, this.instantiate('plastic-fanout', memory)!, m, n, maxDelay, arena);
    this.plastic.set(mem.weights, mem);
    return mem;
  }
}
