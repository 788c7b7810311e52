import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SNN_VERSION } from '../../cli/version.js';
import { SnnError } from '../../engine/errors.js';
import { jobId, type JobResult, type JobSpec } from './job.js';
import { budgetToEpochs, runJob, trainRequestOf, weightStats } from './run-job.js';
import { longTailSubset } from './long-tail-budget.js';
import { train } from '../run-training.js';
import { CHECKPOINT_MAGIC, readFramed } from '../../io/checkpoint.js';
import type { MetricsLine } from '../trainer.js';

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

describe('long-tailed jobs', () => {
  const metrics = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsLine);
  const arrays = (dir: string) => readFramed<{ arrays: Record<string, Float64Array> }>(join(dir, 'checkpoint.snnckpt'), CHECKPOINT_MAGIC, 'checkpoint').arrays;
  // What does not depend on where the evaluations fall: the state after training and its test.
  const learned = (m: MetricsLine) => ({ trained: m.trained, sl: m.slAccuracy, usl: m.uslAccuracy, perClass: m.perClassSl, balanced: m.balancedAccuracy, rare: m.rareClassAccuracy, hidden: m.hidden });

  it('train on the subset of snn train --imbalance with the same draws, for a budget of whole passes over it', async () => {
    const lt = longTailSubset('mnist', 10, 400);
    for (const [sampler, epochs] of [['cooldown', 1], ['shuffled', 2]] as const) {
      const budget = epochs * lt.size;
      const job: JobSpec = { ...spec, sampler, longTail: { ratio: 10, trainSamples: 400 }, budgetSamples: budget, evalAt: [Math.round(budget / 2), budget] };
      expect(trainRequestOf(job, '', 1)).toMatchObject({ trainSamples: 400, epochs, imbalance: 10 });
      const jobDir = mkdtempSync(join(tmpdir(), 'snn-job-lt-'));
      const r = await runJob(job, { runDir: jobDir });
      // The same run as snn train --imbalance 10 --train-samples 400 --epochs E, evaluated elsewhere.
      const trainDir = mkdtempSync(join(tmpdir(), 'snn-train-lt-'));
      train({ model: 'hao2020', dataset: 'mnist', neurons: 20, set: { rest: 'reset' }, imbalance: 10, trainSamples: 400, epochs, testSamples: 30, seed: 4, sampler, evalEvery: 17, evalWorkers: 1, out: trainDir });
      expect(learned(metrics(jobDir).at(-1)!)).toEqual(learned(metrics(trainDir).at(-1)!));
      expect(arrays(jobDir)).toEqual(arrays(trainDir));
      // The budget counts presentations drawn from the subset: E passes of its size.
      expect(r.evaluations.map((e) => e.samples)).toEqual(job.evalAt);
      expect(metrics(jobDir).at(-1)!.trained).toBe(epochs * lt.size);
      expect(r.evaluations.at(-1)!.perClass).toEqual(metrics(trainDir).at(-1)!.perClassSl);
    }
  });

  it('refuse a budget that is not whole passes over the subset', () => {
    const lt = longTailSubset('mnist', 10, 400);
    const job: JobSpec = { ...spec, longTail: { ratio: 10, trainSamples: 400 }, budgetSamples: lt.size + 1, evalAt: [lt.size + 1] };
    expect(() => trainRequestOf(job, '', 1)).toThrow(/not whole passes/);
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
