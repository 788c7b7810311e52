/**
 * Every WebAssembly kernel set of the event engine, by name, with what it exports (pointers are byte
 * offsets into the memory it is instantiated on). Each set is compiled once per process from the
 * bytes embedded beside its `.wat` source (engine/kernels/wasm/) and instantiated on the memory of
 * whoever runs it: a population's memory for `lif` and `sparse-fanout`, a plastic projection's
 * region for `plastic-fanout`. A network's kernel device (models/kernels/device.ts) is the one that
 * asks; this table only knows the modules.
 *
 * A set is null when this engine cannot compile it (no fixed-width SIMD): callers then keep their
 * JS loops, which are the reference and make the same IEEE operations in the same order.
 */
import { WASM_BASE64 as LIF } from './wasm/lif-kernels.wasm.js';
import { WASM_BASE64 as SPARSE_FANOUT } from './wasm/sparse-fanout.wasm.js';
import { WASM_BASE64 as PLASTIC_FANOUT } from './wasm/plastic-fanout.wasm.js';
import { embeddedModule } from './embedded-module.js';

/** lif-kernels.wat: integration, threshold and ring delivery of a float64 LIF population. */
export interface LifKernelExports {
  integrateCurrentExact(
    n: number, step: number, refSteps: number, pv: number, pge: number, pgi: number, plast: number,
    eM: number, eE: number, eI: number, kE: number, kI: number, c: number,
  ): void;
  threshold(n: number, step: number, refSteps: number, pv: number, ptheta: number, plast: number, pids: number, base: number): number;
  integrateCurrentExactThreshold(
    n: number, step: number, refSteps: number, pv: number, pge: number, pgi: number, plast: number, ptheta: number, ppending: number,
    eM: number, eE: number, eI: number, kE: number, kI: number, c: number, base: number,
  ): number;
  /**
   * The same for a threshold `base` common to every neuron (no θ), eight neurons per iteration; the
   * coefficients eM, eE, eI, kE, kI, c, base are read from `consts` (byte offset pconst).
   */
  integrateCurrentExactThresholdFixed(
    n: number, step: number, refSteps: number, pv: number, pge: number, pgi: number, plast: number, ppending: number, pconst: number,
  ): number;
  addAndZero(n: number, pring: number, ptarget: number): void;
  addAndZero2(n: number, pringE: number, pge: number, pringI: number, pgi: number): void;
  integrateCondEulerThreshold(
    n: number, step: number, refSteps: number, pv: number, pge: number, pgi: number, plast: number, ptheta: number, ppending: number,
    a: number, vLeak: number, eExc: number, eInh: number, eE: number, eI: number, vMin: number, thetaMode: number, kTheta: number, base: number,
  ): number;
}

/** sparse-fanout.wat: CSR propagation and tracked delivery. */
export interface SparseKernelExports {
  addRowsTracked(pIds: number, count: number, pRowPtr: number, pCols: number, pW: number, pSlot: number, pTouched: number, tc: number, cap: number): number;
  addRows(pIds: number, count: number, pRowPtr: number, pCols: number, pW: number, pSlot: number): void;
  /** As addRowsTracked / addRows, adding w[0] for every synapse (a projection with one weight). */
  addRowsTrackedUniform(pIds: number, count: number, pRowPtr: number, pCols: number, pW: number, pSlot: number, pTouched: number, tc: number, cap: number): number;
  addRowsUniform(pIds: number, count: number, pRowPtr: number, pCols: number, pW: number, pSlot: number): void;
  addTouchedAndZero(pTouched: number, count: number, pSlot: number, pTarget: number): void;
}

/** The arrival kernel: one step's delayed arrivals (see plastic-fanout.wat); returns the events. */
export type ArrivalKernel = (
  step: number, G: number, m: number, n: number,
  pIds: number, pCount: number, pStamp: number, pPtr: number, pPost: number, pW: number, pTrace: number, pSlot: number,
  c: number, bound: number, upper: 0 | 1,
) => number;

/** plastic-fanout.wat: delivery and weight updates of a plastic dense projection. */
export interface PlasticFanoutExports {
  potentiateRow(n: number, pRow: number, pSlot: number, pY: number, c: number, wMax: number): void;
  addRow(n: number, pRow: number, pSlot: number): void;
  scale(pW: number, m: number, n: number, pS: number, target: number): void;
  arrive: ArrivalKernel;
}

/** What each kernel set exports. */
export interface KernelSetExports {
  lif: LifKernelExports;
  'sparse-fanout': SparseKernelExports;
  'plastic-fanout': PlasticFanoutExports;
}

export type KernelSetName = keyof KernelSetExports;

const MODULES: { [K in KernelSetName]: () => WebAssembly.Module | null } = {
  lif: embeddedModule(LIF),
  'sparse-fanout': embeddedModule(SPARSE_FANOUT),
  'plastic-fanout': embeddedModule(PLASTIC_FANOUT),
};

/** The names of every kernel set, for listings and tests. */
export const KERNEL_SET_NAMES = Object.keys(MODULES) as KernelSetName[];

/** True when this engine can compile kernel set `name`. */
export function kernelSetAvailable(name: KernelSetName): boolean {
  return MODULES[name]() !== null;
}

/**
 * True when this engine runs the event engine's kernels at all (WebAssembly with fixed-width SIMD):
 * the `lif` set compiles. (Without WebAssembly at all, compiling fails the same way.)
 */
export function wasmSimdAvailable(): boolean {
  return kernelSetAvailable('lif');
}

/** Kernel set `name` instantiated on `memory`, or null when this engine cannot compile it. */
export function instantiateKernelSet<K extends KernelSetName>(name: K, memory: WebAssembly.Memory): KernelSetExports[K] | null {
  const mod = MODULES[name]();
  return mod === null ? null : (new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as KernelSetExports[K]);
}
