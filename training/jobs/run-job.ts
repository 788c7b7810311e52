/**
 * Runs one job in-process: a normal `snn train` run directory (so `snn eval` works on it) and the
 * job's result, a pure function of its spec except for the timings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnnError } from '../../engine/errors.js';
import { MODEL_MAGIC, readFramed } from '../../io/checkpoint.js';
import { train } from '../../bench/training/run-training.js';
import type { MetricsLine } from '../../bench/training/trainer.js';
import { jobId, type JobEvaluation, type JobResult, type JobSpec } from './job.js';

const TRAIN_SET_SIZE = 60000;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function unsupported(what: string): never {
  throw new SnnError('usage', `this version cannot run jobs with ${what}`, 'give the model, data set, size, --set, sampler and seed only');
}

export async function runJob(spec: JobSpec, opts: { runDir: string; onProgress?: (samples: number) => void }): Promise<JobResult> {
  if (spec.rules.length) unsupported('--rule strings');
  if (spec.recipe !== null) unsupported('a recipe');
  if (spec.transforms.length) unsupported('update transforms');
  if (spec.policy !== null) unsupported('a batch policy');
  if (spec.sampler !== null && spec.sampler !== 'sequential' && spec.sampler !== 'shuffled') unsupported(`sampler '${spec.sampler}'`);
  const budget = spec.budgetSamples;
  if (budget > TRAIN_SET_SIZE && budget % TRAIN_SET_SIZE !== 0) throw new SnnError('usage', `budgetSamples ${budget} is more than one epoch but not whole epochs`, `use a multiple of ${TRAIN_SET_SIZE}`);
  const epochs = budget > TRAIN_SET_SIZE ? budget / TRAIN_SET_SIZE : 1;
  const evalAt = new Set(spec.evalAt);
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  const cpuSince = () => {
    const c = process.cpuUsage(cpu0);
    return (c.user + c.system) / 1e6;
  };
  // Timings of an evaluation at k are taken when sample k+1 starts (the evaluation has then finished).
  const times = new Map<number, { wall: number; cpu: number }>();
  train(
    {
      model: spec.model,
      dataset: spec.dataset,
      neurons: spec.neurons,
      epochs,
      trainSamples: Math.min(budget, TRAIN_SET_SIZE),
      testSamples: spec.testSamples,
      evalEvery: spec.evalAt.reduce(gcd),
      seed: spec.seed,
      evalWorkers: 1,
      ...(spec.sampler ? { sampler: spec.sampler as 'sequential' | 'shuffled' } : {}),
      set: spec.set,
      out: opts.runDir,
    },
    (p) => {
      if (p.phase !== 'train') return;
      const done = p.trained - 1;
      if (evalAt.has(done) && !times.has(done)) times.set(done, { wall: (performance.now() - wall0) / 1000, cpu: cpuSince() });
      if (p.trained % 10 === 0) opts.onProgress?.(p.trained);
    },
  );
  const wallSeconds = (performance.now() - wall0) / 1000;
  const cpuSeconds = cpuSince();
  times.set(budget, { wall: wallSeconds, cpu: cpuSeconds });
  opts.onProgress?.(budget);
  const metrics = readFileSync(join(opts.runDir, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as MetricsLine);
  const evaluations: JobEvaluation[] = metrics
    .filter((m) => evalAt.has(m.trained))
    .map((m) => ({ samples: m.trained, accuracy: m.slAccuracy ?? m.uslAccuracy, wallSeconds: times.get(m.trained)?.wall ?? wallSeconds, cpuSeconds: times.get(m.trained)?.cpu ?? cpuSeconds }));
  const manifest = JSON.parse(readFileSync(join(opts.runDir, 'manifest.json'), 'utf8')) as { backend: string };
  const model = readFramed<{ arrays: Record<string, Float32Array | Float64Array> }>(join(opts.runDir, 'model.snnmodel'), MODEL_MAGIC, 'model');
  const weightStats: JobResult['weightStats'] = {};
  for (const [name, a] of Object.entries(model.arrays)) {
    let sum = 0;
    let sq = 0;
    let min = Infinity;
    let max = -Infinity;
    let zeros = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      sum += x;
      sq += x * x;
      if (x < min) min = x;
      if (x > max) max = x;
      if (x === 0) zeros++;
    }
    const mean = sum / Math.max(1, a.length);
    weightStats[name] = { mean, std: Math.sqrt(Math.max(0, sq / Math.max(1, a.length) - mean * mean)), min, max, zeroFraction: zeros / Math.max(1, a.length) };
  }
  return {
    id: jobId(spec),
    spec,
    backend: manifest.backend,
    evaluations,
    accuracy: evaluations.at(-1)?.accuracy ?? 0,
    wallSeconds,
    cpuSeconds,
    samplesPerSecond: budget / Math.max(wallSeconds, 1e-9),
    weightStats,
  };
}
