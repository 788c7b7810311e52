import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SNN_VERSION } from '../../cli/version.js';
import { SnnError } from '../../engine/errors.js';
import { jobId, type JobResult, type JobSpec } from './job.js';
import { budgetToEpochs, runJob, weightStats } from './run-job.js';

const spec: JobSpec = {
  kind: 'train',
  snnVersion: SNN_VERSION,
  model: 'hao2020',
  dataset: 'mnist',
  neurons: 20,
  rules: [],
  recipe: null,
  set: { rest: 'reset' },
  sampler: 'shuffled',
  transforms: [],
  policy: null,
  seed: 4,
  budgetSamples: 30,
  testSamples: 30,
  evalAt: [7, 25, 30], // not equally spaced
};

const withoutTimes = (r: JobResult) => ({ ...r, wallSeconds: 0, cpuSeconds: 0, samplesPerSecond: 0, evaluations: r.evaluations.map((e) => ({ ...e, wallSeconds: 0, cpuSeconds: 0 })) });

describe('runJob', () => {
  it('evaluates at exactly the given points and leaves a normal run directory', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'snn-job-'));
    const seen: number[] = [];
    const r = await runJob(spec, { runDir, onProgress: (s) => seen.push(s) });
    expect(r.id).toBe(jobId(spec));
    expect(r.evaluations.map((e) => e.samples)).toEqual([7, 25, 30]);
    expect(r.accuracy).toBe(r.evaluations[2]!.accuracy);
    expect(seen.at(-1)).toBe(30);
    expect(Object.keys(r.weightStats)).toContain('input->exc');
    for (const e of r.evaluations) expect(e.wallSeconds).toBeGreaterThan(0);
    expect(r.evaluations[2]!.wallSeconds).toBeGreaterThanOrEqual(r.evaluations[0]!.wallSeconds);
    expect(existsSync(join(runDir, 'model.snnmodel'))).toBe(true);

    // Stopped at an evaluation point and continued: the same result as never stopping.
    const split = mkdtempSync(join(tmpdir(), 'snn-job-'));
    const part = await runJob(spec, { runDir: split, stopAfter: 7 });
    expect(part.evaluations.map((e) => e.samples)).toEqual([7]);
    expect(existsSync(join(split, 'model.snnmodel'))).toBe(false);
    const rest = await runJob(spec, { runDir: split });
    expect(withoutTimes(rest)).toEqual(withoutTimes(r));
    expect(rest.evaluations[2]!.wallSeconds).toBeGreaterThan(part.evaluations[0]!.wallSeconds); // times add up over segments
  });

  it('refuses a job of another version', async () => {
    await expect(runJob({ ...spec, snnVersion: '0.0.1-other' }, { runDir: mkdtempSync(join(tmpdir(), 'snn-job-')) })).rejects.toThrow(SnnError);
  });
});

describe('budget and weight statistics', () => {
  it('maps a budget onto equal passes over a subset', () => {
    expect(budgetToEpochs(5000)).toEqual({ trainSamples: 5000, epochs: 1 });
    expect(budgetToEpochs(60000)).toEqual({ trainSamples: 60000, epochs: 1 });
    expect(budgetToEpochs(90000)).toEqual({ trainSamples: 45000, epochs: 2 });
    expect(() => budgetToEpochs(60001)).toThrow(/equal passes/);
  });

  it('has the closed forms', () => {
    expect(weightStats(new Float32Array([0, 1, 2, 0, 2]))).toEqual({ mean: 1, std: Math.sqrt(0.8), min: 0, max: 2, zeroFraction: 0.4 });
  });
});
