/**
 * The grid of a comparison: every contender × every seed is one job (training/jobs/job.ts).
 * Contenders differ only in what they name; for a given seed they share the data order, the
 * initial weights and the input spikes (the trainer keys every random stream by seed and purpose),
 * and they are evaluated at the same sample counts.
 */
import { resolveRunConfig } from '../run-training.js';
import { resolveBatchRunConfig } from '../batch-trainer.js';
import { isBatchModel } from '../models.js';
import { SnnError } from '../../engine/errors.js';
import { SNN_VERSION } from '../../cli/version.js';
import { jobId, type JobSpec } from '../jobs/job.js';
import { trainRequestOf } from '../jobs/run-job.js';
import type { Contender } from './contenders.js';

export interface GridOptions {
  dataset: string;
  neurons: number;
  seeds: number[];
  budgetSamples: number;
  testSamples: number;
  /** Evaluation points, equally spaced over the budget (the last at the budget). */
  evalPoints: number;
  /**
   * Train every contender on the long-tailed subset (ratio ρ) of the first `trainSamples` training
   * images, as `snn train --imbalance`; the budget is then whole passes over that subset.
   */
  longTail?: { ratio: number; trainSamples: number } | null;
}

export interface GridJob {
  id: string;
  contender: string;
  seed: number;
  spec: JobSpec;
}

/** K evaluation points spread evenly over the budget: round(B·i/K), i = 1..K. */
export function evaluationPoints(budget: number, k: number): number[] {
  if (!Number.isInteger(k) || k < 1) throw new SnnError('usage', `--eval-points ${k}: expected a whole number ≥ 1`, 'e.g. --eval-points 5');
  if (budget < k) {
    throw new SnnError('usage', `--budget-samples ${budget} is below one training sample per evaluation (${k} evaluation points)`, `raise --budget-samples to at least ${k} or lower --eval-points`);
  }
  return Array.from({ length: k }, (_, i) => Math.round((budget * (i + 1)) / k));
}

/** Seeds from `--seeds N` (1..N) or `--seeds 3,7,11`. */
export function parseSeeds(text: string): number[] {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n < 1) throw new SnnError('usage', `--seeds ${text}: at least one seed is needed`, 'e.g. --seeds 3 (seeds 1, 2, 3) or --seeds 4,8');
    if (n > 1000) throw new SnnError('usage', `--seeds ${text}: too many seeds`, 'use at most 1000');
    return Array.from({ length: n }, (_, i) => i + 1);
  }
  const parts = t.split(',').map((s) => s.trim());
  if (parts.length < 2 || parts.some((s) => !/^\d+$/.test(s) || Number(s) > 0xffffffff)) {
    throw new SnnError('usage', `bad --seeds '${text}': expected a count N or a list of seeds`, 'e.g. --seeds 3 or --seeds 4,8,15');
  }
  const seeds = parts.map(Number);
  if (new Set(seeds).size !== seeds.length) throw new SnnError('usage', `--seeds ${text} repeats a seed`, 'list every seed once');
  return seeds;
}

export function buildGrid(contenders: readonly Contender[], o: GridOptions): GridJob[] {
  if (o.seeds.length < 1) throw new SnnError('usage', 'at least one seed is needed', 'e.g. --seeds 3');
  const evalAt = evaluationPoints(o.budgetSamples, o.evalPoints);
  const jobs: GridJob[] = [];
  for (const seed of o.seeds) {
    for (const c of contenders) {
      const spec: JobSpec = {
        kind: 'train',
        snnVersion: SNN_VERSION,
        model: c.model,
        dataset: o.dataset,
        neurons: o.neurons,
        rules: c.rules,
        recipe: c.recipe,
        set: c.set,
        sampler: c.sampler,
        transforms: c.transforms,
        policy: c.policy,
        seed,
        ...(o.longTail ? { longTail: { ratio: o.longTail.ratio, trainSamples: o.longTail.trainSamples } } : {}),
        budgetSamples: o.budgetSamples,
        testSamples: o.testSamples,
        evalAt,
      };
      jobs.push({ id: jobId(spec), contender: c.name, seed, spec });
    }
  }
  // Everything the trainer would refuse is refused now, before any job starts: model, data set,
  // --set fields, sampler, rules, the budget's split into passes (over a long-tailed subset too).
  for (const c of contenders) {
    const job = jobs.find((j) => j.contender === c.name)!;
    try {
      const req = trainRequestOf(job.spec, '', 1);
      if (isBatchModel(req.model)) resolveBatchRunConfig(req);
      else resolveRunConfig(req);
    } catch (err) {
      if (err instanceof SnnError && contenders.length > 1) throw new SnnError(err.code, `contender '${c.name}': ${err.message}`, err.hint);
      throw err;
    }
  }
  return jobs;
}
