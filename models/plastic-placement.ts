/**
 * Where a plastic projection's weights are placed: the hooks a graph builder (models/zoo) takes
 * for its plastic projection, so that on the wasm backend the weights live in kernel memory
 * (models/kernels/plastic-memory.ts) next to the post population's input ring. Callers above
 * models/ (training/) use these hooks and never see the memory: they get bytes to reserve and
 * storage for the weights and the ring; the projection then offers its rules the kernels.
 */
import { PlasticMemory } from './kernels/plastic-memory.js';
import type { LifPopulation } from './lif-population.js';

/**
 * Hooks a graph builder takes for its plastic projection: bytes reserved in the post population,
 * the weights' storage, the post population's input ring.
 */
export interface PlasticHooks {
  extraBytes: number;
  /** Storage for the weights (m·n values) in kernel memory, in `post`'s own memory when it reserved `extraBytes`; null: none. */
  weights(post: LifPopulation, length: number): Float64Array | null;
  inputRing(length: number): Float64Array | null;
  /** True once `weights` placed the weights in kernel memory. */
  readonly placed: boolean;
}

/** The hooks that place an m × n projection (delays up to `maxDelay` steps) in kernel memory. */
export function plasticHooks(m: number, n: number, maxDelay: number): PlasticHooks {
  let where: ReturnType<typeof PlasticMemory.place> = null;
  return {
    extraBytes: PlasticMemory.bytesFor(m, n, maxDelay),
    weights(post, length) {
      if (length !== m * n) return null;
      where = PlasticMemory.place(post.wasmKernels, m, n, maxDelay);
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
