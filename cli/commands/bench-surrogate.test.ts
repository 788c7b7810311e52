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

  it('--rule spsa trains the same network forward-only and reports the zero-difference rate', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
    const program = new Command().exitOverride();
    registerBenchSurrogate(program.command('bench'));
    await program.parseAsync(['bench', 'surrogate', '--samples', '64', '--test', '32', '--hidden', '16', '--steps', '10', '--rule', 'spsa:n=2,layers=all', '--optimizer', 'sgd', '--json'], { from: 'user' });
    const r = JSON.parse(out) as Record<string, unknown>;
    expect(r.rule).toBe('spsa (epsilon=0.001, n=2, weightDecay=0, layers=all, scale=init)');
    expect(r.transforms).toEqual(['sgd']);
    expect(r.surrogate).toMatch(/none/);
    expect(r.zeroDiffFraction).toBeLessThan(0.1);
    expect(r.testSamples).toBe(32);
  });

  it('an unknown rule or rule option is a one-line error naming the known ones', async () => {
    const run = (rule: string): Promise<unknown> => {
      const program = new Command().exitOverride();
      registerBenchSurrogate(program.command('bench'));
      return program.parseAsync(['bench', 'surrogate', '--samples', '16', '--test', '16', '--hidden', '8', '--rule', rule], { from: 'user' });
    };
    await expect(run('spsb')).rejects.toMatchObject({ message: "unknown batch rule 'spsb'", hint: expect.stringMatching(/did you mean 'spsa'/) });
    await expect(run('spsa:eps=1')).rejects.toMatchObject({ message: "batch rule 'spsa' has no option 'eps'" });
  });

  it('rejects an unknown surrogate, listing the valid ones', async () => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerBenchSurrogate(program.command('bench').exitOverride().configureOutput({ writeErr: () => {} }));
    await expect(program.parseAsync(['bench', 'surrogate', '--surrogate', 'arctan'], { from: 'user' })).rejects.toThrow(/fast-sigmoid, superspike, sigmoid, triangle, hard-tanh|Allowed choices/);
  });

  it('runs the update through the --transform chain and reports the plugins\' diagnostics', async () => {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
    const program = new Command().exitOverride();
    registerBenchSurrogate(program.command('bench'));
    await program.parseAsync(['bench', 'surrogate', '--samples', '32', '--test', '16', '--hidden', '8', '--steps', '6', '--batch', '8', '--transform', 'tract:lambda=0.5', '--transform', 'lamb', '--policy', 'lr-batch-scaling:baseBatch=4', '--json'], { from: 'user' });
    const r = JSON.parse(out) as { transforms: string[]; policies: string[]; diagnostics: Record<string, number>; finalLearningRate: number };
    expect(r.transforms).toEqual(['tract:lambda=0.5', 'lamb']);
    expect(r.diagnostics['tractCondition/input->hidden']).toBeGreaterThan(1);
    expect(r.diagnostics['trustRatio/input->hidden']).toBeGreaterThan(0);
    expect(r.diagnostics['trustRatio/hidden->output']).toBeGreaterThan(0);
    expect(r.finalLearningRate).toBeCloseTo(0.02, 12); // η₀·(8/4)¹
  });

  it('refuses an unknown transform with the known ones', async () => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerBenchSurrogate(program.command('bench').exitOverride().configureOutput({ writeErr: () => {} }));
    await expect(program.parseAsync(['bench', 'surrogate', '--transform', 'lam'], { from: 'user' })).rejects.toThrow(/unknown update transform 'lam'/);
  });
});
