/**
 * Where a plastic projection's weights are placed: the hooks a graph builder (models/zoo) takes
 * for its plastic projection, so that on the wasm backend the weights live in kernel memory
 * (models/kernels/plastic-memory.ts) next to the post population's input ring. The memory comes from
 * the kernel device of the network the post population was built for (models/kernels/device.ts).
 * Callers above models/ (training/) use these hooks and never see the memory: they get bytes to
 * reserve and storage for the weights and the ring; the projection then offers its rules the kernels.
 */
import type { PlasticPlacement } from './kernels/device.js';
import { PlasticMemory } from './kernels/plastic-memory.js';
import type { LifPopulation } from './lif-population.js';

/**
 * Hooks a graph builder takes for its plastic projection: bytes reserved in the post population,
 * the weights' storage, the post population's input ring.
 */
export interface PlasticHooks {
  extraBytes: number;
  /**
   * Storage for the weights (m·n values) in kernel memory from `post`'s network device, in `post`'s
   * own memory when it reserved `extraBytes`; null: none (js backend, or no device).
   */
  weights(post: LifPopulation, length: number): Float64Array | null;
  inputRing(length: number): Float64Array | null;
  /** True once `weights` placed the weights in kernel memory. */
  readonly placed: boolean;
}

/** The hooks that place an m × n projection (delays up to `maxDelay` steps) in kernel memory. */
export function plasticHooks(m: number, n: number, maxDelay: number): PlasticHooks {
  let where: PlasticPlacement | null = null;
  return {
    extraBytes: PlasticMemory.bytesFor(m, n, maxDelay),
    weights(post, length) {
      if (length !== m * n || post.kernels === null) return null;
      where = post.kernels.plasticMemory(post.wasmKernels, m, n, maxDelay);
      return where?.memory.weights ?? null;
    },
    inputRing(length) {
      return where?.inputRing?.(length) ?? null;
    },
    get placed() {
      return where !== null;
    },
  };
}
