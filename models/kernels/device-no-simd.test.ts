/**
 * The kernel device on an engine that cannot compile the kernels (no WebAssembly SIMD): the embedded
 * modules come back null, and the device hands out no plastic memory and no kernels, so every
 * caller runs its JS loops, even though the backend asked for is wasm.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../engine/kernels/embedded-module.js', () => ({ embeddedModule: () => () => null }));

const { KernelDevice } = await import('./device.js');
const { KERNEL_SET_NAMES, kernelSetAvailable, wasmSimdAvailable } = await import('../../engine/kernels/kernel-sets.js');

describe('kernel device without WebAssembly SIMD', () => {
  it('the engine reports no kernels: no set compiles', () => {
    expect(wasmSimdAvailable()).toBe(false);
    for (const name of KERNEL_SET_NAMES) expect(kernelSetAvailable(name)).toBe(false);
  });

  it('hands out no plastic memory and instantiates no kernels', () => {
    const dev = new KernelDevice('wasm');
    expect(dev.backend).toBe('wasm');
    expect(dev.instantiate('plastic-fanout', new WebAssembly.Memory({ initial: 1 }))).toBeNull();
    expect(dev.plasticMemory(null, 2, 3, 0)).toBeNull();
    expect(dev.plasticMemory(null, 2, 3, 4)).toBeNull();
  });
});
