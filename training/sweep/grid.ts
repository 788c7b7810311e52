/**
 * GRID.yaml → the jobs of a sweep. A grid crosses models, data sets, sizes, rule variants (lists of
 * `--rule` strings, or whole recipes), `--set` variants and seeds, with one training budget and
 * test-set size. Every job gets its content-hash id, so a job that two grids share (or a grid run
 * twice) is computed once.
 *
 *   name: rules-vs-seeds             # names the sweep and its queue; default: the file's name, queue 'snn'
 *   models: [hao2020]                # default [hao2020]
 *   datasets: [mnist]                # default [mnist]
 *   neurons: [100, 400]
 *   seeds: [1, 2, 3]
 *   rules:                           # variants: each a list of --rule strings ([] = the model's own)
 *     - []
 *     - ['input->exc=pair-stdp:nuPost=0.02']
 *   recipes: [recipe.yaml]           # more variants: recipe files (relative to the grid) or objects
 *   set: { rest: reset }             # --set overrides of every job
 *   sets: [{}, { thetaPlus: '0.2' }] # variants of --set overrides, merged over `set`
 *   sampler: shuffled                # default: the model's
 *   transforms: []                   # default none
 *   policy: null
 *   budget: 60000                    # training presentations per job
 *   testSamples: 10000
 *   evalAt: [20000, 40000, 60000]    # default [budget]
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SnnError } from '../../engine/errors.js';
import { parsePluginSpec } from '../../engine/registry.js';
import { rules as ruleRegistry } from '../../learning/rules.js';
import { resolveRunConfig } from '../run-training.js';
import { trainableModels } from '../models.js';
import { jobId, validateJob, type JobSpec } from '../jobs/job.js';
import { DEFAULT_QUEUE } from '../queue/queue-names.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const settings = z.record(z.string(), scalar);
const positiveInt = z.number().int().positive();

export const gridSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ - only').optional(),
    models: z.array(z.string()).min(1).default(['hao2020']),
    datasets: z.array(z.string()).min(1).default(['mnist']),
    neurons: z.array(positiveInt).min(1),
    seeds: z.array(z.number().int().min(0).max(0xffffffff)).min(1),
    rules: z.array(z.union([z.string(), z.array(z.string())])).min(1).optional(),
    recipes: z.array(z.unknown()).min(1).optional(),
    set: settings.default({}),
    sets: z.array(settings).min(1).default([{}]),
    sampler: z.string().min(1).nullable().default(null),
    transforms: z.array(z.string().min(1)).default([]),
    policy: z.string().min(1).nullable().default(null),
    budget: positiveInt,
    testSamples: positiveInt,
    evalAt: z.array(positiveInt).min(1).optional(),
  })
  .strict();

export interface Grid {
  /** The grid's `name`, else its file name: the title of the table. */
  name: string;
  /** The grid's `name`, else the queue default workers serve. */
  queueName: string;
  jobs: JobSpec[];
}

function gridError(file: string, message: string, hint: string): SnnError {
  return new SnnError('config.invalid', `${file}: ${message}`, hint);
}

/**
 * Checks a `--rule` string 'TARGET=RULE[:key=value,…]' at submit time: its syntax, the rule's name
 * and (where the rule declares a schema) its options against the rule registry. Whether TARGET
 * exists in the model is checked by the run that attaches the rule.
 */
export function checkRuleString(text: string): void {
  const eq = text.indexOf('=');
  const target = eq < 0 ? '' : text.slice(0, eq).trim();
  if (eq < 0 || target === '') throw new SnnError('usage', `bad rule '${text}': expected TARGET=RULE[:key=value,…]`, "for example 'input->exc=pair-stdp:nuPost=0.02'");
  const { name, options } = parsePluginSpec(text.slice(eq + 1), 'rule');
  const entry = ruleRegistry.entry(name);
  // Options are checked where the rule declares its schema; otherwise by the rule when it is built.
  if (Object.keys(entry.options).length > 0) ruleRegistry.options(name, options);
}

/** Reads and expands GRID.yaml (or .json) into its jobs; every mistake is one line naming the file and field. */
export function loadGrid(file: string, snnVersion: string): Grid {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SnnError('io.missing', `no such grid file: ${file}`, 'give the path of a GRID.yaml');
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw gridError(file, `not valid YAML: ${(err as Error).message.split('\n')[0]}`, 'fix the syntax at the line shown');
  }
  return expandGrid(raw, { file, snnVersion });
}

export function expandGrid(raw: unknown, where: { file: string; snnVersion: string }): Grid {
  const { file, snnVersion } = where;
  const r = gridSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.length ? issue.path.join('.') : 'grid';
    throw gridError(file, `${field}: ${issue.message}`, 'see docs/sweeps.md for the grid fields');
  }
  const g = r.data;
  for (const m of g.models) {
    if (!trainableModels.has(m)) asGridError(file, () => trainableModels.entry(m));
  }
  const variants: { rules: string[]; recipe: unknown }[] = [];
  for (const v of g.rules ?? []) variants.push({ rules: typeof v === 'string' ? [v] : v, recipe: null });
  for (const rec of g.recipes ?? []) variants.push({ rules: [], recipe: typeof rec === 'string' ? readRecipe(resolve(dirname(file), rec), file) : rec });
  if (variants.length === 0) variants.push({ rules: [], recipe: null });
  for (const v of variants) {
    for (const rule of v.rules) {
      asGridError(file, () => checkRuleString(rule));
    }
  }
  const budget = g.budget;
  const evalAt = g.evalAt ?? [budget];
  const jobs: JobSpec[] = [];
  const seen = new Set<string>();
  for (const model of g.models) {
    for (const dataset of g.datasets) {
      for (const neurons of g.neurons) {
        for (const v of variants) {
          for (const extra of g.sets) {
            const set = { ...g.set, ...extra };
            // Refuses unknown data sets, --set fields, rules, rule options and targets now, not on a
            // worker hours later.
            asGridError(file, () => resolveRunConfig({ model, dataset, neurons, seed: 0, set, rules: v.rules, ...(v.recipe !== null ? { recipe: v.recipe } : {}), out: '' }));
            for (const seed of g.seeds) {
              const spec = asGridError(file, () => validateJob({ kind: 'train', snnVersion, model, dataset, neurons, rules: v.rules, recipe: v.recipe, set, sampler: g.sampler, transforms: g.transforms, policy: g.policy, seed, budgetSamples: budget, testSamples: g.testSamples, evalAt }));
              const id = jobId(spec);
              if (seen.has(id)) continue;
              seen.add(id);
              jobs.push(spec);
            }
          }
        }
      }
    }
  }
  return { name: g.name ?? basename(file, extname(file)), queueName: g.name ?? DEFAULT_QUEUE, jobs };
}

/** Runs `fn`; its SnnError comes back prefixed with the grid file. */
function asGridError<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof SnnError) throw gridError(file, err.message.replace(/^invalid job: /, ''), err.hint ?? '');
    throw err;
  }
}

function readRecipe(path: string, gridFile: string): unknown {
  try {
    return parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw gridError(gridFile, `cannot read recipe ${path}: ${(err as Error).message.split('\n')[0]}`, 'give a recipe file relative to the grid');
  }
}
