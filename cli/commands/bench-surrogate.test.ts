/** `snn bench surrogate` in-process, on a tiny budget: JSON report with accuracy and the tensor backend. */
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerBenchSurrogate } from './bench-surrogate.js';

afterEach(() => vi.restoreAllMocks());

describe('snn bench surrogate', () => {
  it('trains a tiny network and reports accuracy, speed and the tensor backend', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
    const program = new Command().exitOverride();
    registerBenchSurrogate(program.command('bench'));
    await program.parseAsync(['bench', 'surrogate', '--samples', '64', '--test', '32', '--hidden', '16', '--steps', '10', '--json'], { from: 'user' });
    const r = JSON.parse(out) as Record<string, unknown>;
    expect(r.trainSamples).toBe(64);
    expect(r.testSamples).toBe(32);
    expect(r.hidden).toBe(16);
    // a fraction of the 32 test images, not a placeholder
    const acc = r.testAccuracy as number;
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(1);
    expect(Math.abs(acc * 32 - Math.round(acc * 32))).toBeLessThan(1e-9);
    expect(r.cpuMsPerTrainSample).toBeGreaterThan(0);
    expect(String(r.tensorBackend)).toMatch(/^tfjs (node|wasm|cpu) \(4\.22\.0/);
  });

  it('rejects an unknown surrogate, listing the valid ones', async () => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerBenchSurrogate(program.command('bench').exitOverride().configureOutput({ writeErr: () => {} }));
    await expect(program.parseAsync(['bench', 'surrogate', '--surrogate', 'arctan'], { from: 'user' })).rejects.toThrow(/fast-sigmoid, superspike, sigmoid, triangle, hard-tanh|Allowed choices/);
  });
});
