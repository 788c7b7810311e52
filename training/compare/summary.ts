/**
 * The results of a comparison, summarized per contender: compare.json (deterministic: the same
 * bytes whatever the number of workers or interruptions) and compare-timing.json (wall and CPU
 * times, which depend on the machine and its load). Kept apart so that compare.json can be diffed,
 * cached and checked byte for byte.
 */
import type { JobResult, WeightStats } from '../jobs/job.js';
import type { Contender } from './contenders.js';
import type { GridJob } from './grid.js';
import type { Prediction } from './predict.js';
import { intervalsOverlap, meanCi, pairedDifference } from './statistics.js';
import { balancedAccuracy, RARE_CLASSES, rareClassAccuracy } from '../../datasets/long-tailed.js';
import { SnnError } from '../../engine/errors.js';
import type { LongTailSubset } from '../jobs/long-tail-budget.js';

/** One accuracy measure over seeds: per seed, mean, 95 % interval, paired difference to the first contender. */
export interface MeasureSummary {
  accuracies: number[];
  mean: number;
  ci95: [number, number] | null;
  difference: { against: string; mean: number; ci95: [number, number] | null; excludesZero: boolean } | null;
}

/** A contender's accuracy on the classes of a long-tailed training set, at the last evaluation. */
export interface LongTailSummary {
  /** Mean of the per-class accuracies (what a class-balanced test set gives). */
  balanced: MeasureSummary;
  /** Mean accuracy over the `RARE_CLASSES` (3) rarest training classes, as `snn train --imbalance` reports it. */
  rarest: MeasureSummary;
  /** Accuracy per test class, mean over seeds, class 0 first. */
  perClass: number[];
}

export interface CurvePointSummary {
  samples: number;
  /** Seeds evaluated at this point (fewer than all once a run was stopped). */
  seeds: number;
  accuracyMean: number;
  lo: number | null;
  hi: number | null;
}

export interface ContenderSummary {
  name: string;
  model: string;
  rules: string[];
  recipe: unknown | null;
  set: Record<string, string>;
  sampler: string | null;
  transforms: string[];
  policy: string | null;
  jobs: string[];
  /** Final accuracy (fraction) per seed, in the order of `seeds`. */
  accuracies: number[];
  /** Samples trained per seed (less than the budget when pruned or out of time). */
  samples: number[];
  accuracyMean: number;
  accuracySd: number;
  accuracyCi95: [number, number] | null;
  /** Paired difference against the first contender (same seeds), null for the first. */
  difference: { against: string; mean: number; ci95: [number, number] | null; excludesZero: boolean } | null;
  curve: CurvePointSummary[];
  /** First evaluation point reaching the target accuracy, mean over the seeds that reached it. */
  samplesToTarget: { mean: number | null; reached: number; of: number };
  prunedAt: number | null;
  predicted: { final: number; lo: number; hi: number } | null;
  /** Per weight array, each statistic averaged over seeds. */
  weightStats: Record<string, WeightStats>;
  /** With a long-tailed training set (`--imbalance`) only. */
  longTail?: LongTailSummary;
}

export interface CompareJson {
  snnVersion: string;
  model: string;
  dataset: string;
  neurons: number;
  budgetSamples: number;
  budgetSeconds: number | null;
  testSamples: number;
  evalAt: number[];
  seeds: number[];
  /** The long-tailed training subset every contender trained on (`--imbalance`); absent for the balanced set. */
  longTail?: { ratio: number; trainSamples: number; size: number; classCounts: number[]; rarestFirst: number[]; rarestClasses: number[] };
  targetAccuracy: number;
  prune: boolean;
  contenders: ContenderSummary[];
  notes: string[];
}

export interface ContenderTiming {
  name: string;
  /** Means per run over the seeds. */
  wallSeconds: number;
  cpuSeconds: number;
  samplesPerSecond: number;
  secondsToTarget: { mean: number | null; reached: number; of: number };
  curve: { samples: number; wallSeconds: number }[];
  runs: { seed: number; job: string; wallSeconds: number; cpuSeconds: number; samplesPerSecond: number }[];
}

export interface CompareTiming {
  note: string;
  compareWallSeconds: number;
  workers: number;
  contenders: ContenderTiming[];
}

/** The settings of a comparison that compare.json repeats as they were given. */
type CompareSettings = Pick<CompareJson, 'snnVersion' | 'model' | 'dataset' | 'neurons' | 'budgetSamples' | 'budgetSeconds' | 'testSamples' | 'evalAt' | 'seeds' | 'prune'>;

export interface SummaryInput extends CompareSettings {
  longTail: LongTailSubset | null;
  targetAccuracy: number | null;
  contenders: readonly Contender[];
  jobs: readonly GridJob[];
  results: ReadonlyMap<string, JobResult>;
  /** Prune predictions of the pruned contenders. */
  predictions: ReadonlyMap<string, Prediction | null>;
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)}`;

function meanOf(xs: readonly number[]): number {
  return xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : NaN;
}

function runsOf(input: SummaryInput, name: string): { job: GridJob; result: JobResult }[] {
  return input.jobs.filter((j) => j.contender === name).map((job) => ({ job, result: input.results.get(job.id)! }));
}

/** The target accuracy: given, or the lowest final mean accuracy (the level every contender reaches on average). */
function targetOf(input: SummaryInput): number {
  if (input.targetAccuracy !== null) return input.targetAccuracy;
  return Math.min(...input.contenders.map((c) => meanOf(runsOf(input, c.name).map((r) => r.result.accuracy))));
}

/** The paired difference xs − base (same seeds) with its 95 % interval, and whether that excludes 0. */
function differenceTo(against: string, base: readonly number[], xs: readonly number[]): NonNullable<MeasureSummary['difference']> {
  const d = pairedDifference(base, xs);
  return { against, mean: d.mean, ci95: d.ci95, excludesZero: d.ci95 !== null && (d.ci95[0] > 0 || d.ci95[1] < 0) };
}

function measure(xs: number[], first: { name: string; values: number[] } | null): MeasureSummary {
  const m = meanCi(xs);
  return { accuracies: xs, mean: m.mean, ci95: m.ci95, difference: first ? differenceTo(first.name, first.values, xs) : null };
}

/** Per-class accuracy of each run at its last evaluation (long-tailed jobs record it). */
function perClassOf(runs: { result: JobResult }[]): number[][] {
  return runs.map((r) => {
    const pc = r.result.evaluations.at(-1)!.perClass;
    if (!pc) throw new SnnError('internal', `job ${r.result.id} has no per-class accuracy: not a long-tailed run`, 'rerun the comparison into a new --out');
    return pc;
  });
}

function longTailSummaries(input: SummaryInput, lt: LongTailSubset): LongTailSummary[] {
  const measures = (c: Contender) => {
    const pcs = perClassOf(runsOf(input, c.name));
    return { pcs, balanced: pcs.map(balancedAccuracy), rarest: pcs.map((pc) => rareClassAccuracy(pc, lt.rarestFirst)) };
  };
  const first = input.contenders[0]!;
  const base = measures(first);
  return input.contenders.map((c, ci) => {
    const m = ci === 0 ? base : measures(c);
    return {
      balanced: measure(m.balanced, ci === 0 ? null : { name: first.name, values: base.balanced }),
      rarest: measure(m.rarest, ci === 0 ? null : { name: first.name, values: base.rarest }),
      perClass: m.pcs[0]!.map((_, k) => meanOf(m.pcs.map((pc) => pc[k]!))),
    };
  });
}

export function summarize(input: SummaryInput): CompareJson {
  const lt = input.longTail;
  const longTails = lt ? longTailSummaries(input, lt) : null;
  const target = targetOf(input);
  const first = input.contenders[0]!;
  const firstAcc = runsOf(input, first.name).map((r) => r.result.accuracy);
  const notes: string[] = [];
  const contenders: ContenderSummary[] = input.contenders.map((c, ci) => {
    const runs = runsOf(input, c.name);
    const accuracies = runs.map((r) => r.result.accuracy);
    const m = meanCi(accuracies);
    const curve: CurvePointSummary[] = input.evalAt.flatMap((samples) => {
      const at = runs.map((r) => r.result.evaluations.find((e) => e.samples === samples)?.accuracy).filter((a): a is number => a !== undefined);
      if (at.length === 0) return [];
      const s = meanCi(at);
      return [{ samples, seeds: at.length, accuracyMean: s.mean, lo: s.ci95?.[0] ?? null, hi: s.ci95?.[1] ?? null }];
    });
    const reached = runs.map((r) => r.result.evaluations.find((e) => e.accuracy >= target)?.samples).filter((s): s is number => s !== undefined);
    const pruned = runs.map((r) => r.result.prunedAt ?? null).find((p) => p !== null) ?? null;
    const arrays = Object.keys(runs[0]!.result.weightStats);
    const weightStats: Record<string, WeightStats> = {};
    for (const a of arrays) {
      const per = runs.map((r) => r.result.weightStats[a]!).filter(Boolean);
      weightStats[a] = {
        mean: meanOf(per.map((w) => w.mean)),
        std: meanOf(per.map((w) => w.std)),
        min: meanOf(per.map((w) => w.min)),
        max: meanOf(per.map((w) => w.max)),
        zeroFraction: meanOf(per.map((w) => w.zeroFraction)),
      };
    }
    let difference: ContenderSummary['difference'] = null;
    if (ci > 0) {
      const d = differenceTo(first.name, firstAcc, accuracies);
      const { excludesZero } = d;
      const n = accuracies.length;
      difference = d;
      const firstCi = meanCi(firstAcc).ci95;
      if (d.ci95 === null) notes.push(`${c.name} − ${first.name}: ${points(d.mean)} points on one seed; no interval (run more seeds).`);
      else if (excludesZero) notes.push(`${c.name} − ${first.name}: ${points(d.mean)} points (95 % CI ${points(d.ci95[0])} to ${points(d.ci95[1])} over ${n} paired seeds): the interval excludes 0, so ${d.mean > 0 ? c.name : first.name} is better on these seeds.`);
      else notes.push(`${c.name} − ${first.name}: ${points(d.mean)} points (95 % CI ${points(d.ci95[0])} to ${points(d.ci95[1])} over ${n} paired seeds): the interval contains 0, so these seeds do not show a difference.`);
      if (m.ci95 && firstCi && intervalsOverlap(m.ci95, firstCi)) notes.push(`The 95 % intervals of ${c.name} and ${first.name} overlap: their accuracies are not separated at this number of seeds.`);
    }
    const predicted = input.predictions.get(c.name) ?? null;
    if (pruned !== null) {
      notes.push(`${c.name} was pruned at ${pruned} samples: its predicted final accuracy${predicted ? ` (≤ ${pct(predicted.hi)})` : ''} was below the leader's lower bound.`);
    }
    return {
      name: c.name,
      model: c.model,
      rules: c.rules,
      recipe: c.recipe,
      set: c.set,
      sampler: c.sampler,
      transforms: c.transforms,
      policy: c.policy,
      jobs: runs.map((r) => r.job.id),
      accuracies,
      samples: runs.map((r) => r.result.evaluations.at(-1)!.samples),
      accuracyMean: m.mean,
      accuracySd: m.sd,
      accuracyCi95: m.ci95,
      difference,
      curve,
      samplesToTarget: { mean: reached.length ? meanOf(reached) : null, reached: reached.length, of: runs.length },
      prunedAt: pruned,
      predicted: pruned !== null && predicted ? { final: predicted.final, lo: predicted.lo, hi: predicted.hi } : null,
      weightStats,
      ...(longTails ? { longTail: longTails[ci]! } : {}),
    };
  });
  if (input.budgetSeconds !== null) {
    notes.push(`Time budget of ${input.budgetSeconds} s per run: how far each run got depends on the speed and load of the machine; these results are not reproducible elsewhere.`);
  }
  return {
    snnVersion: input.snnVersion,
    model: input.model,
    dataset: input.dataset,
    neurons: input.neurons,
    budgetSamples: input.budgetSamples,
    budgetSeconds: input.budgetSeconds,
    testSamples: input.testSamples,
    evalAt: input.evalAt,
    seeds: input.seeds,
    ...(lt ? { longTail: { ratio: lt.ratio, trainSamples: lt.trainSamples, size: lt.size, classCounts: lt.classCounts, rarestFirst: lt.rarestFirst, rarestClasses: lt.rarestFirst.slice(0, RARE_CLASSES) } } : {}),
    targetAccuracy: target,
    prune: input.prune,
    contenders,
    notes,
  };
}

export function summarizeTiming(input: SummaryInput, target: number, compareWallSeconds: number, workers: number): CompareTiming {
  return {
    note: 'wall and CPU seconds depend on the machine, its load and the number of workers; they are kept out of compare.json',
    compareWallSeconds,
    workers,
    contenders: input.contenders.map((c) => {
      const runs = runsOf(input, c.name);
      const reached = runs.map((r) => r.result.evaluations.find((e) => e.accuracy >= target)?.wallSeconds).filter((s): s is number => s !== undefined);
      return {
        name: c.name,
        wallSeconds: meanOf(runs.map((r) => r.result.wallSeconds)),
        cpuSeconds: meanOf(runs.map((r) => r.result.cpuSeconds)),
        samplesPerSecond: meanOf(runs.map((r) => r.result.samplesPerSecond)),
        secondsToTarget: { mean: reached.length ? meanOf(reached) : null, reached: reached.length, of: runs.length },
        curve: input.evalAt.flatMap((samples) => {
          const at = runs.map((r) => r.result.evaluations.find((e) => e.samples === samples)?.wallSeconds).filter((a): a is number => a !== undefined);
          return at.length ? [{ samples, wallSeconds: meanOf(at) }] : [];
        }),
        runs: runs.map((r) => ({ seed: r.job.seed, job: r.job.id, wallSeconds: r.result.wallSeconds, cpuSeconds: r.result.cpuSeconds, samplesPerSecond: r.result.samplesPerSecond })),
      };
    }),
  };
}

/** compare.json with the timings merged in (what `--json` prints): wallSeconds per contender and curve point. */
export function withTimings(json: CompareJson, timing: CompareTiming): unknown {
  return {
    ...json,
    compareWallSeconds: timing.compareWallSeconds,
    contenders: json.contenders.map((c, i) => {
      const t = timing.contenders[i]!;
      return {
        ...c,
        wallSeconds: t.wallSeconds,
        cpuSeconds: t.cpuSeconds,
        samplesPerSecond: t.samplesPerSecond,
        secondsToTarget: t.secondsToTarget,
        curve: c.curve.map((p) => ({ ...p, wallSeconds: t.curve.find((q) => q.samples === p.samples)?.wallSeconds ?? null })),
      };
    }),
  };
}
