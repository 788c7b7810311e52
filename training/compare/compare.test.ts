/**
 * The compare loop in-process (from sources the pool runs jobs in this thread; the worker-thread
 * pool and kill -9 are covered by test/cli-compare.test.ts): pruning, time budgets, reuse of stored jobs.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobResult } from '../jobs/job.js';
import { runCompare, type CompareOptions } from './compare.js';
import { parseContenders } from './contenders.js';
import type { PredictFinal } from './predict.js';
import { longTailSubset } from '../jobs/long-tail-budget.js';
import type { MetricsLine } from '../trainer.js';

const base = (out: string): CompareOptions => ({
  model: 'hao2020',
  dataset: 'mnist',
  neurons: 20,
  seeds: [1, 2],
  budgetSamples: 45,
  testSamples: 40,
  evalPoints: 3,
  contenders: parseContenders({ model: 'hao2020', set: { rest: 'reset' }, contenders: ['a=--set etaInput=0.01', 'c=--set etaInput=0.003'] }),
  out,
  workers: 1,
});

// Zero-width prediction at the last accuracy: anyone behind the leader at a point is stopped there.
const lastPoint: PredictFinal = (points) => {
  const a = points.at(-1)!.accuracy;
  return { final: a, lo: a, hi: a, family: 'last' };
};

const jobs = (dir: string) => readdirSync(join(dir, 'jobs')).map((f) => JSON.parse(readFileSync(join(dir, 'jobs', f), 'utf8')) as JobResult);
const started = (dir: string) => readFileSync(join(dir, 'run.log'), 'utf8').split('\n').filter((l) => l.includes(' started '));

describe('compare --prune', () => {
  it('stops the contender behind at the first evaluation point, marks it, and keeps it stopped on a rerun', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-cmp-prune-'));
    const { json } = await runCompare({ ...base(dir), prune: true, predict: lastPoint });
    const [a, c] = json.contenders;
    const first = json.evalAt[0]!;
    const behind = a!.curve[0]!.accuracyMean < c!.curve[0]!.accuracyMean ? a! : c!;
    const ahead = behind === a ? c! : a!;
    expect(behind.curve[0]!.accuracyMean).not.toBe(ahead.curve[0]!.accuracyMean); // the data separate them
    expect(behind.prunedAt).toBe(first);
    expect(behind.samples).toEqual([first, first]);
    expect(behind.predicted).toEqual({ final: behind.curve[0]!.accuracyMean, lo: behind.curve[0]!.accuracyMean, hi: behind.curve[0]!.accuracyMean });
    expect(ahead.prunedAt).toBeNull();
    expect(ahead.samples).toEqual([45, 45]);
    expect(ahead.curve.map((p) => p.samples)).toEqual(json.evalAt);
    expect(readFileSync(join(dir, 'compare.md'), 'utf8')).toContain(`pruned at ${first}`);
    expect(jobs(dir).filter((j) => j.prunedAt === first)).toHaveLength(2);

    const before = readFileSync(join(dir, 'compare.json'), 'utf8');
    const log = started(dir).length;
    await runCompare({ ...base(dir), prune: true, predict: lastPoint });
    expect(readFileSync(join(dir, 'compare.json'), 'utf8')).toBe(before);
    expect(started(dir)).toHaveLength(log);

    // Without --prune the stopped runs are continued from their checkpoints to the budget.
    const { json: full } = await runCompare(base(dir));
    expect(full.contenders.every((x) => x.prunedAt === null && x.samples.every((s) => s === 45))).toBe(true);
    expect(full.contenders.find((x) => x.name === behind.name)!.curve[0]).toEqual(behind.curve[0]);
  });
});

describe('compare --budget-seconds', () => {
  it('stops every run at the first evaluation point past the time budget and says results depend on the machine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-cmp-time-'));
    const { json } = await runCompare({ ...base(dir), budgetSeconds: 1e-6 });
    for (const c of json.contenders) expect(c.samples).toEqual([15, 15]);
    expect(jobs(dir).every((j) => j.stoppedAt === 15)).toBe(true);
    expect(json.notes.join(' ')).toMatch(/depends on the speed and load of the machine/);
    expect(readFileSync(join(dir, 'compare.md'), 'utf8')).toMatch(/stopped by time at 15\/15 samples/);
  });
});

describe('compare on a long-tailed training set', () => {
  const lt = { ratio: 10, trainSamples: 300 };
  const options = (out: string): CompareOptions => ({
    ...base(out),
    budgetSamples: longTailSubset('mnist', lt.ratio, lt.trainSamples).size,
    evalPoints: 2,
    longTail: lt,
    contenders: parseContenders({ model: 'hao2020', set: { rest: 'reset' }, contenders: ['uniform=--sampler shuffled', 'temp=--sampler temperature:tau=5'] }),
  });
  const metricsOf = (dir: string, job: string) =>
    readFileSync(join(dir, 'runs', job, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsLine);

  it('reports the rare classes as the trainer measured them, with paired differences; reruns give the same bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-cmp-lt-'));
    const { json } = await runCompare(options(dir));
    const subset = longTailSubset('mnist', lt.ratio, lt.trainSamples);
    expect(json.longTail).toEqual({ ...lt, size: subset.size, classCounts: subset.classCounts, rarestFirst: subset.rarestFirst, rarestClasses: subset.rarestFirst.slice(0, 3) });
    const rare: number[][] = [];
    for (const c of json.contenders) {
      const finals = c.jobs.map((id) => metricsOf(dir, id).at(-1)!);
      // One pass over the subset: its size in presentations.
      for (const m of finals) expect(m.trained).toBe(subset.size);
      expect(c.longTail!.rarest.accuracies).toEqual(finals.map((m) => m.rareClassAccuracy!.sl));
      expect(c.longTail!.balanced.accuracies).toEqual(finals.map((m) => m.balancedAccuracy!.sl));
      for (const m of finals) expect(m.rareClassAccuracy!.classes).toEqual(json.longTail!.rarestClasses);
      for (let k = 0; k < 10; k++) expect(c.longTail!.perClass[k]).toBeCloseTo((finals[0]!.perClassSl![k]! + finals[1]!.perClassSl![k]!) / 2, 12);
      rare.push(c.longTail!.rarest.accuracies);
    }
    const [u, t] = json.contenders;
    expect(u!.longTail!.rarest.difference).toBeNull();
    expect(t!.longTail!.rarest.difference!.mean).toBeCloseTo((rare[1]![0]! - rare[0]![0]! + rare[1]![1]! - rare[0]![1]!) / 2, 12);
    expect(readFileSync(join(dir, 'compare.md'), 'utf8')).toContain('## Rare classes');
    // compare.csv: balanced and rarest accuracy at every evaluation point, as the trainer logged them.
    const [header, ...rows] = readFileSync(join(dir, 'compare.csv'), 'utf8').trim().split('\n');
    expect(header!.split(',').slice(-2)).toEqual(['balanced_accuracy', 'rarest_accuracy']);
    expect(rows).toHaveLength(2 * 2 * 2);
    for (const row of rows) {
      const f = row.split(',');
      const m = metricsOf(dir, f[2]!).find((x) => x.trained === Number(f[3]))!;
      expect([Number(f[8]), Number(f[9])]).toEqual([m.balancedAccuracy!.sl, m.rareClassAccuracy!.sl]);
    }

    // Same configuration and seeds, another directory: the same compare.json, byte for byte.
    const again = mkdtempSync(join(tmpdir(), 'snn-cmp-lt-'));
    await runCompare(options(again));
    expect(readFileSync(join(again, 'compare.json'), 'utf8')).toBe(readFileSync(join(dir, 'compare.json'), 'utf8'));
  });

  it('refuses a budget that is not whole passes over the subset before any job starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-cmp-lt-'));
    await expect(runCompare({ ...options(dir), budgetSamples: options(dir).budgetSamples + 1 })).rejects.toThrow(/not whole passes/);
    expect(readdirSync(join(dir))).not.toContain('jobs');
  });
});
