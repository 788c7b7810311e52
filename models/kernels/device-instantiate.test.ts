/**
 * The device instantiates kernel sets by name (engine/kernels/kernel-sets.ts) only on the wasm
 * backend: on the js backend every caller must get null and keep its JS loops.
 */
import { describe, expect, it } from 'vitest';
import { KERNEL_SET_NAMES } from '../../engine/kernels/kernel-sets.js';
import { needAll, WASM_SIMD } from '../../test/helpers/requirement.js';
import { KernelDevice } from './device.js';

describe('kernel device: instantiate by name', () => {
  it('a device on the js backend instantiates no set; a wasm device instantiates each on the memory it is given', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    for (const name of KERNEL_SET_NAMES) expect(new KernelDevice('js').instantiate(name, memory)).toBeNull();
    needAll(WASM_SIMD);
    for (const name of KERNEL_SET_NAMES) {
      const k = new KernelDevice('wasm').instantiate(name, memory);
      expect(k).not.toBeNull();
    }
  });
});
