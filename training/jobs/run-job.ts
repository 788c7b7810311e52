/**
 * Runs one job in-process into a normal run directory (so `snn eval` works on it) and returns its
 * result. The result is a pure function of the spec apart from its timings: the trainer's random
 * streams are keyed by seed and purpose, evaluation runs in-process (evalWorkers 1 by default; the
 * trainer's results do not depend on it anyway), and nothing else of the machine enters.
 *
 * A run directory that already holds a checkpoint is continued from it, which the trainer
 * guarantees to equal never stopping: a killed job, or a job stopped at an evaluation point
 * (`stopAfter`, used by `snn compare --prune` and `--budget-seconds`), picks up where it was.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnnError } from '../../engine/errors.js';
import type { FloatArray } from '../../engine/float-array.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { CHECKPOINT_MAGIC, readFramed } from '../../io/checkpoint.js';
import { train, type TrainRequest } from '../run-training.js';
import { trainBatch } from '../batch-trainer.js';
import { isBatchModel } from '../models.js';
import type { MetricsLine } from '../trainer.js';
import { SNN_VERSION } from '../../cli/version.js';
import { longTailEpochs, longTailSubset } from './long-tail-budget.js';
import { jobId, type JobEvaluation, type JobResult, type JobSpec, type WeightStats } from './job.js';
import { threadCpuSeconds } from './thread-cpu.js';

/** Images in the training split of every supported data set. */
export const TRAIN_SET_SIZE = 60000;

export interface RunJobOptions {
  runDir: string;
  onProgress?: (samples: number) => void;
  /** Stop once this many samples are trained (an evaluation point): the run stays resumable. */
  stopAfter?: number;
  /** Threads for each test-set evaluation (default 1: jobs already run side by side). */
  evalWorkers?: number;
}

/**
 * How a budget of presentations maps onto the trainer's epochs over a subset: up to one pass of the
 * training set the first `budget` images once; beyond, E = ⌈budget / 60000⌉ passes over the first
 * budget / E images (which must divide evenly).
 */
export function budgetToEpochs(budget: number): { trainSamples: number; epochs: number } {
  const epochs = Math.ceil(budget / TRAIN_SET_SIZE);
  if (budget % epochs !== 0) {
    const lower = Math.floor(budget / epochs) * epochs;
    throw new SnnError('usage', `a budget of ${budget} samples is not ${epochs} equal passes over a subset of the ${TRAIN_SET_SIZE} training images`, `use a multiple of ${epochs}, e.g. ${lower}`);
  }
  return { trainSamples: budget / epochs, epochs };
}

/**
 * The training images and passes a job's budget stands for: on the balanced set `budgetToEpochs`;
 * on a long-tailed one whole passes over the subset of the first `longTail.trainSamples` images.
 */
export function jobEpochs(spec: JobSpec): { trainSamples: number; epochs: number } {
  if (!spec.longTail) return budgetToEpochs(spec.budgetSamples);
  const lt = longTailSubset(spec.dataset, spec.longTail.ratio, spec.longTail.trainSamples);
  return { trainSamples: lt.trainSamples, epochs: longTailEpochs(spec.budgetSamples, lt) };
}

/** The `snn train` request a job stands for. */
export function trainRequestOf(spec: JobSpec, runDir: string, evalWorkers: number): TrainRequest {
  const { trainSamples, epochs } = jobEpochs(spec);
  return {
    model: spec.model,
    dataset: spec.dataset,
    neurons: spec.neurons,
    epochs,
    trainSamples,
    testSamples: spec.testSamples,
    // Checkpoints only at evaluation points (where the trainer always writes one): a job is short.
    checkpointEvery: spec.budgetSamples,
    seed: spec.seed,
    evalWorkers,
    set: spec.set,
    evalAt: spec.evalAt,
    ...(spec.longTail ? { imbalance: spec.longTail.ratio } : {}),
    ...(spec.sampler !== null ? { sampler: spec.sampler as TrainRequest['sampler'] } : {}),
    ...(spec.rules.length ? { rules: spec.rules } : {}),
    ...(spec.recipe !== null ? { recipe: spec.recipe } : {}),
    ...(spec.transforms.length ? { transforms: spec.transforms } : {}),
    ...(spec.policy !== null ? { policy: spec.policy } : {}),
    out: runDir,
  };
}

interface TimingPoint {
  samples: number;
  wallSeconds: number;
  cpuSeconds: number;
}

const TIMING_FILE = 'job-timing.jsonl';

function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export function weightStats(a: ArrayLike<number>): WeightStats {
  const n = a.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
    if (x === 0) zeros++;
  }
  const mean = n ? sum / n : 0;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (a[i]! - mean) ** 2;
  return { mean, std: n ? Math.sqrt(ss / n) : 0, min: n ? min : 0, max: n ? max : 0, zeroFraction: n ? zeros / n : 0 };
}

export async function runJob(spec: JobSpec, opts: RunJobOptions): Promise<JobResult> {
  if (spec.snnVersion !== SNN_VERSION) {
    throw new SnnError('usage', `job ${jobId(spec)} was submitted by snn ${spec.snnVersion}, this is snn ${SNN_VERSION}`, 'run it with the same version of snn');
  }
  const { runDir } = opts;
  const stopAfter = opts.stopAfter !== undefined && opts.stopAfter < spec.budgetSamples ? opts.stopAfter : undefined;
  if (stopAfter !== undefined && !spec.evalAt.includes(stopAfter)) {
    throw new SnnError('internal', `a job can only stop at an evaluation point, not at ${stopAfter}`, `evaluation points: ${spec.evalAt.join(', ')}`);
  }
  // Timings are cumulative over the segments of a job that was stopped and continued.
  const timingPath = join(runDir, TIMING_FILE);
  const earlier = readJsonLines<TimingPoint>(timingPath);
  let timings: TimingPoint[] = [];
  let base: TimingPoint | null = null;
  const wall0 = performance.now();
  const cpu0 = threadCpuSeconds();
  const onProgress = (p: { trained: number; phase: string; evalDone?: number; evalTotal?: number }) => {
    if (base === null) {
      // The first report tells where training (re)started: keep the timings up to that point.
      const start = p.phase === 'train' ? p.trained - 1 : p.trained;
      timings = earlier.filter((t) => t.samples <= start);
      base = timings.at(-1) ?? { samples: 0, wallSeconds: 0, cpuSeconds: 0 };
    }
    if (p.phase === 'train') opts.onProgress?.(p.trained);
    else if (p.evalDone === p.evalTotal && timings.at(-1)?.samples !== p.trained) {
      timings.push({ samples: p.trained, wallSeconds: base.wallSeconds + (performance.now() - wall0) / 1000, cpuSeconds: base.cpuSeconds + threadCpuSeconds() - cpu0 });
      writeFileAtomic(timingPath, timings.map((t) => JSON.stringify(t)).join('\n') + '\n');
    }
  };
  const evalWorkers = opts.evalWorkers ?? 1;
  const checkpoint = join(runDir, 'checkpoint.snnckpt');
  const resume = existsSync(checkpoint);
  const summary = isBatchModel(spec.model)
    ? await trainBatch(resume ? { resume: runDir } : trainRequestOf(spec, runDir, evalWorkers), onProgress, stopAfter)
    : resume
      ? train({ resume: runDir, evalWorkers }, onProgress, stopAfter)
      : train(trainRequestOf(spec, runDir, evalWorkers), onProgress, stopAfter);
  if (base === null) timings = earlier; // nothing left to train: the run was already there

  // Local-rule runs record SL/USL accuracy, batch-rule runs one readout accuracy.
  const metrics = readJsonLines<MetricsLine & { accuracy?: number }>(join(runDir, 'metrics.jsonl'));
  const timingAt = new Map(timings.map((t) => [t.samples, t]));
  const evaluations: JobEvaluation[] = metrics.map((m) => {
    const t = timingAt.get(m.trained);
    const perClass = spec.longTail ? (m.slAccuracy !== null && m.slAccuracy !== undefined ? m.perClassSl : m.perClassUsl) : undefined;
    return {
      samples: m.trained,
      accuracy: m.accuracy ?? m.slAccuracy ?? m.uslAccuracy,
      ...(perClass ? { perClass } : {}),
      wallSeconds: t?.wallSeconds ?? 0,
      cpuSeconds: t?.cpuSeconds ?? 0,
    };
  });
  const last = evaluations.at(-1);
  if (!last) throw new SnnError('internal', `job ${jobId(spec)} ended without an evaluation`, 'check its run directory');
  const trainTiming = readJsonLines<{ trained: number; trainSeconds: number }>(join(runDir, 'timing.jsonl')).at(-1);
  const ck = readFramed<{ arrays: Record<string, FloatArray> }>(checkpoint, CHECKPOINT_MAGIC, 'checkpoint');
  const stats: Record<string, WeightStats> = {};
  for (const name of Object.keys(ck.arrays).sort()) stats[name] = weightStats(ck.arrays[name]!);
  return {
    id: jobId(spec),
    spec,
    backend: summary.backend,
    evaluations,
    accuracy: last.accuracy,
    wallSeconds: last.wallSeconds,
    cpuSeconds: last.cpuSeconds,
    samplesPerSecond: trainTiming && trainTiming.trainSeconds > 0 ? trainTiming.trained / trainTiming.trainSeconds : 0,
    weightStats: stats,
  };
}
