/**
 * The JSON/YAML network description, checked by a zod schema before anything is built.
 * A bad field gets one error naming its path (e.g. `populations[1].params.tauM`) and, for a
 * misspelt name, the nearest known one. Units: ms, mV, Hz. docs/network-description.md has the
 * reference with examples.
 */
import { z } from 'zod';
import { closest, distance } from 'fastest-levenshtein';
import { SnnError } from '../engine/errors.js';
import { LIF_DEFAULTS } from './lif.js';

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const positive = finite.refine((x) => x > 0, { message: 'must be > 0' });
const nonNegative = finite.refine((x) => x >= 0, { message: 'must be ≥ 0' });
const size = z.number().int({ message: 'must be a whole number' }).positive({ message: 'must be ≥ 1' });
const name = z.string().min(1).regex(/^[A-Za-z0-9_.:>#-]+$/, { message: 'may only contain letters, digits and _ . : - > #' });

const uniform = z.strictObject({ uniform: z.tuple([finite, finite]) });
const normal = z.strictObject({ normal: z.strictObject({ mean: finite, std: nonNegative }) });

const lifParams = z.strictObject({
  tauM: positive.optional(),
  vRest: finite.optional(),
  vReset: finite.optional(),
  vThresh: finite.optional(),
  refractory: nonNegative.optional(),
  synapse: z.enum(['delta', 'current', 'conductance']).optional(),
  method: z.enum(['exact', 'euler']).optional(),
  tauExc: positive.optional(),
  tauInh: positive.optional(),
  eExc: finite.optional(),
  eInh: finite.optional(),
  iBias: finite.optional(),
  thetaPlus: finite.optional(),
  tauTheta: positive.nullable().optional(),
  thetaInit: finite.optional(),
  thetaOffset: finite.optional(),
  thetaJump: z.enum(['additive', 'hao2020']).optional(),
  vMin: finite.nullable().optional(),
});

const lifPopulation = z.strictObject({
  name,
  model: z.literal('lif'),
  size,
  params: lifParams.optional(),
  /** Initial membrane potential: a value, a uniform range, or one value per neuron. */
  v0: z.union([finite, uniform, z.array(finite)]).optional(),
});

const rateChange = z.strictObject({ at: nonNegative, rates: z.union([nonNegative, z.array(nonNegative)]) });

const poissonPopulation = z.strictObject({
  name,
  model: z.literal('poisson'),
  size,
  rates: z.union([nonNegative, z.array(nonNegative)]),
  /** Dead time after a spike in ms (multiple of dt); the next interval starts after it. */
  deadTime: nonNegative.optional(),
  /** Rate changes while running. */
  rateChanges: z.array(rateChange).optional(),
});

const spikeSourcePopulation = z.strictObject({
  name,
  model: z.literal('spike-source-array'),
  size,
  /** [[t_ms, neuron], ...] */
  spikes: z.array(z.tuple([nonNegative, z.number().int().nonnegative()])),
});

export const populationSchema = z.discriminatedUnion('model', [lifPopulation, poissonPopulation, spikeSourcePopulation]);

const connectivity = z.union([
  z.enum(['dense', 'one-to-one', 'all-but-self']),
  z.strictObject({
    probability: finite.refine((p) => p >= 0 && p <= 1, { message: 'must be in [0, 1]' }),
    allowSelf: z.boolean().optional(),
    /**
     * 'pairs' (default): one uniform draw per (pre, post) pair. 'skip': geometric gaps between
     * synapses, O(synapses) draws instead of O(pre × post) — the same distribution, other synapses.
     */
    sampling: z.enum(['pairs', 'skip']).optional(),
  }),
  z.strictObject({ pairs: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])) }),
]);

const projection = z.strictObject({
  name: name.optional(),
  from: name,
  to: name,
  channel: z.enum(['v', 'exc', 'inh']),
  connectivity,
  /** A value, a distribution, one value per synapse ([pre][post] for dense, list for others). */
  weights: z.union([finite, uniform, normal, z.array(z.union([finite, z.array(finite)]))]),
  /** Delay in ms: a value, a uniform range (rounded to dt), or per synapse like weights. */
  delay: z.union([nonNegative, uniform, z.array(z.union([nonNegative, z.array(nonNegative)]))]).optional(),
});

const stateRecord = z.strictObject({
  population: name,
  variables: z.array(z.string().min(1)).min(1),
  neurons: z.array(z.number().int().nonnegative()).optional(),
  interval: positive.optional(),
});

export const descriptionSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  dt: positive.optional(),
  duration: positive.optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  mode: z.enum(['clock', 'exact']).optional(),
  precision: z.enum(['f32', 'f64']).optional(),
  populations: z.array(populationSchema).min(1, { message: 'needs at least one population' }),
  projections: z.array(projection).optional(),
  record: z
    .strictObject({
      spikes: z.union([z.boolean(), z.array(name)]).optional(),
      state: z.array(stateRecord).optional(),
    })
    .optional(),
});

export type NetworkDescription = z.infer<typeof descriptionSchema>;
export type PopulationDescription = z.infer<typeof populationSchema>;
export type ProjectionDescription = z.infer<typeof projection>;

/** Every field name the schema knows: the vocabulary for "did you mean" suggestions. */
const VOCABULARY = [
  ...Object.keys(descriptionSchema.shape),
  ...Object.keys(lifPopulation.shape),
  ...Object.keys(poissonPopulation.shape),
  ...Object.keys(spikeSourcePopulation.shape),
  ...Object.keys(projection.shape),
  ...Object.keys(stateRecord.shape),
  ...Object.keys(LIF_DEFAULTS),
  'uniform',
  'normal',
  'mean',
  'std',
  'probability',
  'allowSelf',
  'sampling',
  'pairs',
  'at',
];

function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(top level)';
}

function suggest(key: string): string | null {
  const best = closest(key, VOCABULARY);
  return distance(key, best) <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}

/** The unit of a field by its name (the last key of its path): what a bare number means there. */
const UNITS: Record<string, string> = {
  dt: 'ms', duration: 'ms', tauM: 'ms', tauExc: 'ms', tauInh: 'ms', tauTheta: 'ms', refractory: 'ms', deadTime: 'ms',
  at: 'ms', interval: 'ms', delay: 'ms', vRest: 'mV', vReset: 'mV', vThresh: 'mV', eExc: 'mV', eInh: 'mV', iBias: 'mV',
  thetaPlus: 'mV', thetaInit: 'mV', thetaOffset: 'mV', vMin: 'mV', v0: 'mV', rates: 'Hz',
};

/** What a union-typed field accepts, in words (zod only says "invalid input"). */
const EXPECTED: Record<string, string> = {
  rates: 'a number in Hz, or a list of numbers in Hz (one per neuron)',
  weights: 'a number, {uniform: [lo, hi]}, {normal: {mean, std}} or one value per synapse',
  delay: 'a number in ms, {uniform: [lo, hi]} in ms, or one value per synapse in ms',
  v0: 'a number in mV, {uniform: [lo, hi]} in mV, or a list in mV (one per neuron)',
  connectivity: "'dense', 'one-to-one', 'all-but-self', {probability: p} or {pairs: [[pre, post], ...]}",
  spikes: 'true, false or a list of population names',
};

/** Validates a parsed JSON/YAML value; throws one SnnError for the first problem found. */
export function parseDescription(value: unknown, source = 'network description'): NetworkDescription {
  const r = descriptionSchema.safeParse(value);
  if (r.success) return r.data;
  // A misspelt field name explains the other errors it causes, so it is reported first.
  const issue = r.error.issues.find((i) => i.code === 'unrecognized_keys') ?? r.error.issues[0]!;
  const where = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const near = suggest(key);
    const at = issue.path.length ? ` in ${where}` : '';
    throw new SnnError('config.invalid', `${source}: unknown field '${key}'${at}`, near ? `did you mean '${near}'?` : 'remove it; docs/network-description.md lists the fields');
  }
  if (issue.code === 'invalid_union' && issue.path.at(-1) !== undefined && (issue as { note?: string }).note === 'No matching discriminator') {
    throw new SnnError('config.invalid', `${source}: ${where} has an unknown model`, "use 'lif', 'poisson' or 'spike-source-array'");
  }
  const got = valueAt(value, issue.path);
  if (got === undefined && issue.path.length > 0) {
    throw new SnnError('config.invalid', `${source}: ${where} is missing`, 'add it; docs/network-description.md lists the fields');
  }
  // JSON.stringify shows NaN and ±Infinity (YAML .nan/.inf) as null: name them.
  const shown = got === undefined ? 'missing' : `got ${typeof got === 'number' && !Number.isFinite(got) ? String(got) : JSON.stringify(got)?.slice(0, 60)}`;
  const key = [...issue.path].reverse().find((k) => typeof k === 'string') as string | undefined;
  const unit = key !== undefined ? UNITS[key] : undefined;
  let what = issue.message.replace(/^Invalid input: /, '');
  if (key !== undefined && EXPECTED[key] && (issue.code === 'invalid_union' || issue.code === 'invalid_type')) what = `must be ${EXPECTED[key]}`;
  else if (issue.code === 'invalid_type' && /expected number/.test(issue.message)) what = `must be a finite number${unit ? ` in ${unit}` : ''}`;
  else if (unit && /^must be [><≥≤] ?-?[\d.]+$/.test(what)) what = `${what} ${unit}`;
  else if (unit && /^must be/.test(what)) what = `${what} (in ${unit})`;
  throw new SnnError('config.invalid', `${source}: ${where} ${what} (${shown})`, `fix that field${unit ? `; snn's units are ms, mV and Hz` : ''}; docs/network-description.md lists the fields`);
}

/**
 * Plausible slips that are not errors: a time constant below dt (most often seconds written where
 * snn expects milliseconds). Returned as one line each, for the CLI to print as warnings.
 */
export function descriptionWarnings(d: NetworkDescription, dtDefault = 0.1): string[] {
  const dt = d.dt ?? dtDefault;
  const out: string[] = [];
  d.populations.forEach((p, k) => {
    if (p.model !== 'lif' || !p.params) return;
    for (const key of ['tauM', 'tauExc', 'tauInh', 'tauTheta', 'refractory'] as const) {
      const v = p.params[key];
      if (typeof v === 'number' && v > 0 && v < dt) {
        out.push(`populations[${k}].params.${key} = ${v} ms is below dt = ${dt} ms (snn's times are in ms: ${v} s would be ${v * 1000} ms)`);
      }
    }
  });
  return out;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}
