/**
 * The WebAssembly SIMD kernels of tensor mode's fast paths (wasm/*.wat): the LIF layer's forward
 * and backward passes over T steps (lif-bptt.wat) and the event-driven product with a spike matrix
 * (spike-matmul.wat), instantiated over ONE memory, so a fused layer (fused-dense-lif.ts) hands the
 * input currents from the product to the LIF recurrence, and the current gradients back, in place.
 *
 * `sharedTensorKernels()` is the set the single ops use (fused-lif.ts, spike-matmul.ts): their
 * arrays are copied in and out on each call. `createTensorKernels()` makes another set with its own
 * memory, for data that must stay between a forward pass and its backward pass.
 * null where this engine cannot compile the modules (no WebAssembly SIMD): callers keep tfjs's ops.
 */
import { embeddedModule } from '../kernels/embedded-module.js';
import { WASM_BASE64 as LIF_WASM } from './wasm/lif-bptt.wasm.js';
import { WASM_BASE64 as GATHER_WASM } from './wasm/spike-matmul.wasm.js';

const lifModule = embeddedModule(LIF_WASM);
const gatherModule = embeddedModule(GATHER_WASM);

export interface TensorKernels {
  readonly memory: WebAssembly.Memory;
  /** lif-bptt.wat's `forward`. */
  readonly forward: (...a: number[]) => void;
  /** lif-bptt.wat's `backward`. */
  readonly backward: (...a: number[]) => void;
  /** spike-matmul.wat's `gather`. */
  readonly gather: (...a: number[]) => void;
  /** Grows the memory to at least `bytes` (typed-array views made before die). */
  reserve(bytes: number): void;
}

export function createTensorKernels(): TensorKernels | null {
  const lif = lifModule();
  const gather = gatherModule();
  if (lif === null || gather === null) return null;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const imports = { env: { memory } };
  const l = new WebAssembly.Instance(lif, imports).exports as unknown as { forward: (...a: number[]) => void; backward: (...a: number[]) => void };
  const g = new WebAssembly.Instance(gather, imports).exports as unknown as { gather: (...a: number[]) => void };
  return {
    memory,
    forward: l.forward,
    backward: l.backward,
    gather: g.gather,
    reserve(bytes) {
      const have = memory.buffer.byteLength;
      if (have < bytes) memory.grow(Math.ceil((bytes - have) / 65536));
    },
  };
}

let shared: TensorKernels | null | undefined;

export function sharedTensorKernels(): TensorKernels | null {
  if (shared === undefined) shared = createTensorKernels();
  return shared;
}
