import { afterAll, describe, expect, it, vi } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { describeTensorBackend, loadTensorBackend } from './backend.js';

/** tfjs-node loads only where its install script fetched libtensorflow (not on CI, not here). */
async function nodeLoads(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-node' as string);
    return true;
  } catch {
    return false;
  }
}

describe('tensor backend loader', () => {
  afterAll(async () => {
    await loadTensorBackend(); // leave the default backend active for other files in this worker
  });

  it('loads a working backend (wasm here: tfjs-node has no native addon) and names it', async () => {
    const b = await loadTensorBackend();
    const expected = (await nodeLoads()) ? 'node' : 'wasm';
    expect(b.name).toBe(expected);
    expect(b.tf.getBackend()).toBe(expected === 'node' ? 'tensorflow' : 'wasm');
    const y = b.tf.tidy(() => b.tf.matMul(b.tf.tensor2d([1, 2, 3, 4], [2, 2]), b.tf.tensor2d([1, 0, 0, 1], [2, 2])).dataSync());
    expect(Array.from(y)).toEqual([1, 2, 3, 4]);
    const line = describeTensorBackend(b);
    expect(line).toContain(`tfjs ${expected} (4.22.0`);
    if (expected === 'wasm') {
      expect(line).toContain('SIMD, 1 thread');
      // Why tfjs-node is unavailable depends on the install: its addon not built (install scripts not
      // run) or the optional package absent altogether (a clean `npm ci`). Either way one note says so.
      expect(b.notes).toHaveLength(1);
      expect(b.notes[0]).toMatch(/^node unavailable: (native addon not built|Cannot find package '@tensorflow\/tfjs-node')/);
    }
    // Cached: a second call returns the same object.
    expect(await loadTensorBackend()).toBe(b);
  });

  it('the cpu backend runs without printing the "install tfjs-node" banner', async () => {
    // Runs before anything else here touches the cpu backend, whose first tensor write prints it.
    const warn = vi.spyOn(console, 'warn');
    const log = vi.spyOn(console, 'log');
    const b = await loadTensorBackend('cpu');
    expect(b.name).toBe('cpu');
    expect(b.notes).toEqual([]);
    b.tf.tidy(() => b.tf.add(b.tf.tensor1d([1, 2]), 1).dataSync());
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
    warn.mockRestore();
    log.mockRestore();
  });

  it('falls back with a clear note when the preferred backend is unavailable, never a crash', async () => {
    const b = await loadTensorBackend('node', { disable: ['node', 'wasm'] });
    expect(b.name).toBe('cpu');
    expect(b.tf.getBackend()).toBe('cpu');
    expect(b.notes).toEqual(['node unavailable: disabled by the caller', 'wasm unavailable: disabled by the caller']);
    expect(describeTensorBackend(b)).toBe('tfjs cpu (4.22.0, pure JS; node unavailable: disabled by the caller; wasm unavailable: disabled by the caller)');
  });

  it('an unknown backend name is a usage error listing the valid ones', async () => {
    await expect(loadTensorBackend('gpu' as never)).rejects.toThrow(SnnError);
    await expect(loadTensorBackend('gpu' as never)).rejects.toThrow(/unknown tensor backend 'gpu'/);
  });
});
