/**
 * The kernel-set table is complete and honest: every .wat beside it is a set by name, each set
 * instantiates on a fresh memory with the functions its exports interface promises.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { needAll, WASM_SIMD } from '../../test/helpers/requirement.js';
import { instantiateKernelSet, KERNEL_SET_NAMES, kernelSetAvailable, wasmSimdAvailable, type KernelSetExports, type KernelSetName } from './kernel-sets.js';

const WASM_DIR = join(dirname(fileURLToPath(import.meta.url)), 'wasm');

/** The functions each exports interface declares (kept by hand: the interfaces are types only). */
const PROMISED: { [K in KernelSetName]: (keyof KernelSetExports[K])[] } = {
  lif: ['integrateCurrentExact', 'threshold', 'integrateCurrentExactThreshold', 'integrateCurrentExactThresholdFixed', 'addAndZero', 'addAndZero2', 'integrateCondEulerThreshold'],
  'sparse-fanout': ['addRowsTracked', 'addRows', 'addRowsTrackedUniform', 'addRowsUniform', 'addTouchedAndZero'],
  'plastic-fanout': ['potentiateRow', 'addRow', 'scale', 'arrive'],
};

/** The set name of a .wat file: its base name, with lif-kernels.wat named `lif`. */
const setName = (wat: string) => (wat === 'lif-kernels.wat' ? 'lif' : wat.replace(/\.wat$/, ''));

describe('kernel sets of the event engine', () => {
  it('every .wat of engine/kernels/wasm is a set in the table, and nothing else is', () => {
    const wats = readdirSync(WASM_DIR).filter((f) => f.endsWith('.wat')).map(setName).sort();
    expect([...KERNEL_SET_NAMES].sort()).toEqual(wats);
  });

  it('the kernels run here exactly when the lif set compiles (this engine compiles every set)', () => {
    needAll(WASM_SIMD);
    expect(wasmSimdAvailable()).toBe(true);
    for (const name of KERNEL_SET_NAMES) expect(kernelSetAvailable(name)).toBe(true);
  });

  it.each(KERNEL_SET_NAMES)('%s instantiates with exactly the functions its interface declares', (name) => {
    needAll(WASM_SIMD);
    expect(kernelSetAvailable(name)).toBe(true);
    const k = instantiateKernelSet(name, new WebAssembly.Memory({ initial: 1 }))!;
    const functions = Object.entries(k as object).filter(([, v]) => typeof v === 'function').map(([key]) => key).sort();
    expect(functions).toEqual([...(PROMISED[name] as string[])].sort());
  });
});
