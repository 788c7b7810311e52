/**
 * The job model shared by `snn compare`, `snn sweep` and `snn worker`: one training run, described by
 * everything that determines its result and nothing else, with an id derived from that content.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { SnnError } from '../../engine/errors.js';

/** One training run of a comparison or sweep: everything that determines its result, and nothing else. */
export interface JobSpec {
  kind: 'train';
  snnVersion: string;
  model: string;
  dataset: string;
  neurons: number;
  rules: string[];
  recipe: unknown | null;
  set: Record<string, string>;
  sampler: string | null;
  transforms: string[];
  policy: string | null;
  seed: number;
  budgetSamples: number;
  testSamples: number;
  evalAt: number[];
}

const positiveInt = z.number().int().positive();

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
    budgetSamples: positiveInt,
    testSamples: positiveInt,
    evalAt: z.array(positiveInt).min(1),
  })
  .strict()
  .superRefine((s, ctx) => {
    for (let i = 1; i < s.evalAt.length; i++) {
      if (s.evalAt[i]! <= s.evalAt[i - 1]!) ctx.addIssue({ code: 'custom', path: ['evalAt', i], message: 'must be strictly ascending' });
    }
    if (s.evalAt.at(-1) !== s.budgetSamples) ctx.addIssue({ code: 'custom', path: ['evalAt'], message: `must end at budgetSamples (${s.budgetSamples})` });
  });

/** JSON with object keys sorted at every depth: the same content always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A job's id: the first 16 hex digits of sha256 of its canonical JSON (keys sorted). Same content ⇒ same id. */
export function jobId(spec: JobSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex').slice(0, 16);
}

/** zod-validates a job; a bad one is a one-line SnnError naming the field. */
export function validateJob(data: unknown): JobSpec {
  const r = jobSpecSchema.safeParse(data);
  if (r.success) return r.data as JobSpec;
  const issue = r.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'job';
  throw new SnnError('config.invalid', `invalid job: ${where}: ${issue.message}`, 'jobs are written by snn sweep or snn compare of the same version');
}

export interface JobEvaluation {
  samples: number;
  accuracy: number;
  wallSeconds: number;
  cpuSeconds: number;
}

export interface JobResult {
  id: string;
  spec: JobSpec;
  backend: string;
  evaluations: JobEvaluation[];
  accuracy: number;
  wallSeconds: number;
  cpuSeconds: number;
  samplesPerSecond: number;
  weightStats: Record<string, { mean: number; std: number; min: number; max: number; zeroFraction: number }>;
  predicted?: { final: number; lo: number; hi: number } | null;
  prunedAt?: number | null;
}
