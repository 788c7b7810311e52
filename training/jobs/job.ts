/**
 * The job model shared by `snn compare`, `snn sweep` and `snn worker`: one training run described by
 * everything that determines its result and nothing else, named by a hash of that description.
 * Two submitters that ask for the same run get the same id, so a finished result is found and
 * reused instead of being computed twice.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SnnError } from '../../engine/errors.js';

/** One training run of a comparison or sweep: everything that determines its result, and nothing else. */
export interface JobSpec {
  kind: 'train'; // the only job kind: a worker runs nothing else
  snnVersion: string; // package version of the submitter; a worker of another version refuses it
  model: string; // trainable model: 'hao2020' | 'diehl-cook-2015' | (later) 'lif-mlp'
  dataset: string; // 'mnist' | 'fashion-mnist'
  neurons: number;
  rules: string[]; // `--rule` strings, e.g. 'input->exc=pair-stdp:nuPost=0.02' ([] = the model's own recipe)
  recipe: unknown | null; // a whole recipe (parsed YAML/JSON object) or null
  set: Record<string, string>; // `--set KEY=VALUE` model-config overrides
  sampler: string | null; // e.g. 'shuffled', 'rs2:ratio=0.1' (null = model default)
  transforms: string[]; // e.g. ['lamb'], ['spectra:c=1']
  policy: string | null; // e.g. 'adadagrad'
  seed: number;
  /**
   * Train on the long-tailed subset (ratio ρ) of the first `trainSamples` training images, as
   * `snn train --imbalance ρ --train-samples N` does; the budget is then whole passes over that
   * subset. Absent for the balanced set (so the ids of balanced jobs are what they always were).
   */
  longTail?: { ratio: number; trainSamples: number };
  budgetSamples: number; // training presentations
  testSamples: number; // first N test images
  evalAt: number[]; // sample counts at which to evaluate (ascending, last = budgetSamples)
}

const positiveInt = z.number().int().min(1);

export const jobSpecSchema = z
  .object({
    kind: z.literal('train'),
    snnVersion: z.string().min(1),
    model: z.string().min(1),
    dataset: z.string().min(1),
    neurons: positiveInt,
    rules: z.array(z.string().min(1)),
    recipe: z.unknown().nullable(),
    set: z.record(z.string(), z.string()),
    sampler: z.string().min(1).nullable(),
    transforms: z.array(z.string().min(1)),
    policy: z.string().min(1).nullable(),
    seed: z.number().int().min(0).max(0xffffffff),
    longTail: z.object({ ratio: z.number().finite().min(1), trainSamples: positiveInt }).strict().optional(),
    budgetSamples: positiveInt,
    testSamples: positiveInt,
    evalAt: z.array(positiveInt).min(1),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const at = spec.evalAt;
    for (let i = 1; i < at.length; i++) {
      if (at[i]! <= at[i - 1]!) ctx.addIssue({ code: 'custom', path: ['evalAt', i], message: 'evaluation points must be strictly ascending' });
    }
    if (at.at(-1) !== spec.budgetSamples) ctx.addIssue({ code: 'custom', path: ['evalAt'], message: `the last evaluation point must be budgetSamples (${spec.budgetSamples})` });
    // `recipe: undefined` would vanish from the canonical JSON and change nothing, but say null.
    if (!('recipe' in spec)) ctx.addIssue({ code: 'custom', path: ['recipe'], message: 'required (null for none)' });
  });

/** A JobSpec from untrusted data (a queue, a file), or a one-line SnnError naming the first bad field. */
export function validateJob(data: unknown): JobSpec {
  const r = jobSpecSchema.safeParse(data);
  if (r.success) return r.data as JobSpec;
  const issue = r.error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : 'job';
  throw new SnnError('config.invalid', `bad job field '${field}': ${issue.message}`, 'submit a job written by snn compare or snn sweep of this version');
}

/** JSON with object keys sorted at every depth: equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}

/** A job's id: the first 16 hex digits of sha256 of its canonical JSON (keys sorted). Same content ⇒ same id. */
export function jobId(spec: JobSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 16);
}

export interface JobEvaluation {
  samples: number;
  accuracy: number;
  /** Long-tailed jobs: accuracy per test class (the same readout as `accuracy`), class 0 first. */
  perClass?: number[];
  wallSeconds: number;
  cpuSeconds: number;
}

export interface WeightStats {
  mean: number;
  std: number;
  min: number;
  max: number;
  zeroFraction: number;
}

export interface JobResult {
  id: string;
  spec: JobSpec;
  backend: string;
  evaluations: JobEvaluation[]; // one per evalAt point
  accuracy: number; // at budgetSamples (fraction 0..1)
  wallSeconds: number;
  cpuSeconds: number;
  samplesPerSecond: number;
  weightStats: Record<string, WeightStats>;
  predicted?: { final: number; lo: number; hi: number } | null; // learning-curve prediction when available
  prunedAt?: number | null; // sample count at which compare --prune stopped it
  stoppedAt?: number | null; // sample count at which compare --budget-seconds stopped it (out of time)
}
