/**
 * Which kernel backend runs the event engine. Every output names it, so figures from different
 * machines or builds are never confused.
 *
 * - `wasm`: WebAssembly SIMD kernels (engine/kernels/) for the float64 hot loops they cover — today
 *   the current-based exact and the conductance-based forward-Euler LIF steps, their threshold and
 *   input delivery, and the sym-STDP fan-out and scaling of hao2020; everything else stays a
 *   typed-array loop. Bit-identical to `js` in float64 (engine/kernels/wasm-lif.test.ts).
 * - `js`: plain typed-array loops everywhere (the reference implementation).
 *
 * The default is `wasm` when this Node can compile the SIMD module, else `js`. `SNN_BACKEND=js`
 * (or `setKernelBackend('js')` before building a network) forces the plain loops. A network reads
 * the choice once, when it is created, into its own kernel device (models/kernels/device.ts);
 * `new Network(dt, precision, backend)` picks one for that network alone.
 */
import { SnnError } from './errors.js';
import { wasmSimdAvailable } from './kernels/kernel-sets.js';

export type KernelBackend = 'js' | 'wasm';

let chosen: KernelBackend | null = null;

export function kernelBackend(): KernelBackend {
  if (chosen === null) {
    const env = process.env.SNN_BACKEND;
    if (env !== undefined && env !== '' && env !== 'js' && env !== 'wasm') {
      throw new SnnError('usage', `SNN_BACKEND must be 'js' or 'wasm', got '${env}'`, 'unset it or use one of: js, wasm');
    }
    chosen = env === 'js' ? 'js' : wasmSimdAvailable() ? 'wasm' : 'js';
  }
  return chosen;
}

/** Selects the backend for networks built from now on. */
export function setKernelBackend(backend: KernelBackend): void {
  if (backend === 'wasm' && !wasmSimdAvailable()) {
    throw new SnnError('usage', 'the wasm backend needs WebAssembly SIMD, which this Node does not support', 'use the js backend');
  }
  chosen = backend;
}

export function describeBackend(precision: string): string {
  const b = kernelBackend();
  const what = b === 'wasm' ? `WebAssembly SIMD LIF kernels${precision === 'f64' ? '' : ' (f64 only; this run uses typed-array loops)'}` : 'typed arrays';
  return `${b} (${what}, ${precision}) on Node ${process.versions.node}`;
}
