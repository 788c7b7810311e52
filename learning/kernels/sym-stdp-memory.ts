/**
 * A plastic dense projection's weights, the sym-STDP post traces and the scaling sums, kept in the
 * WebAssembly memory of the post-synaptic population (models/lif-population.ts, wasm backend) next
 * to its input ring, with the kernels of engine/kernels/wasm/plastic-fanout.wat instantiated on it:
 *
 *   - potentiateRow: a pre spike's fused delivery + potentiation (learning/sym-stdp.ts), written
 *     straight into the ring slot;
 *   - addRow: the same delivery with frozen weights (evaluation);
 *   - scaleColumns: synaptic scaling (learning/synaptic-scaling.ts) of the whole matrix.
 *
 * The same approach as learning/kernels/pair-stdp-memory.ts (Diehl & Cook): the graph builder
 * allocates the projection's weights here, so `projection.weights` is a Float64Array view that every
 * reader (evaluation, checkpoints, model files, exporters) uses unchanged; the memory never grows,
 * so the views never detach. f64x2 SIMD, bit-identical to the JS loops (learning/sym-stdp.test.ts).
 */
import { WASM_BASE64 } from '../../engine/kernels/wasm/plastic-fanout.wasm.js';
import type { WasmLifKernels } from '../../engine/kernels/wasm-lif.js';
import { embeddedModule } from '../../engine/kernels/embedded-module.js';

interface PlasticFanoutExports {
  potentiateRow(n: number, pRow: number, pSlot: number, pY: number, c: number, wMax: number): void;
  addRow(n: number, pRow: number, pSlot: number): void;
  scale(pW: number, m: number, n: number, pS: number, target: number): void;
}

const module = embeddedModule(WASM_BASE64);

export class SymStdpMemory {
  /** Bytes to reserve in the host population's memory for an m × n projection. */
  static bytesFor(m: number, n: number): number {
    return 8 * m * n + 2 * 8 * n + 3 * 16;
  }

  /** The memory for an m × n projection into `host`, or null (no wasm host, or no room reserved). */
  static create(host: WasmLifKernels | null, m: number, n: number): SymStdpMemory | null {
    const mod = module();
    if (host === null || mod === null || host.size !== n) return null;
    const pW = host.allocExtra(8 * m * n);
    const pY = host.allocExtra(8 * n);
    const pS = host.allocExtra(8 * n);
    if (pW === null || pY === null || pS === null) return null;
    return new SymStdpMemory(host.memory, mod, m, n, pW, pY, pS);
  }

  readonly k: PlasticFanoutExports;
  /** The projection's weights, row-major [m × n]. */
  readonly weights: Float64Array;
  /** Rescaled post traces of sym-STDP (SymStdp.ys). */
  readonly ys: Float64Array;
  private readonly pS: number;

  private constructor(
    readonly memory: WebAssembly.Memory,
    mod: WebAssembly.Module,
    readonly m: number,
    readonly n: number,
    private readonly pW: number,
    private readonly pY: number,
    pS: number,
  ) {
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

  /** Synaptic scaling in place: every column rescaled to sum to `target` (a zero column left alone). */
  scaleColumns(target: number): void {
    this.k.scale(this.pW, this.m, this.n, this.pS, target);
  }
}
