/**
 * A learning recipe: which rules learn where and when in a graph from models/zoo, how samples are
 * presented, and what is read out. Recipes are data (YAML or JSON files, or the built-in ones in
 * training/recipes/), validated here with one-line errors; `--rule TARGET=RULE:k=v` edits one.
 *
 *   model: hao2020                 # the graph (a trainable model of training/models.ts)
 *   stages:                        # a list, or one list per value of the model's `schedule` field
 *     - { name: all, teacher: true }
 *   rules:                         # attached and run in this order
 *     - { rule: sym-stdp, on: input->exc, options: { eta: $etaInput }, stages: [all] }
 *   protocol: { inputEncoding: hao, teacherRate: $teacherRate }
 *   readouts: { hidden: exc, supervised: sl }
 *
 * An option value `$field` is the model configuration's field (so `--set etaInput=0.01` and the
 * per-size tables keep working); `resolveRecipe` substitutes them and fills every rule's defaults.
 * The resolved recipe is what a run directory and a model file store.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SnnError } from '../engine/errors.js';
import { parsePluginSpec, suggest } from '../engine/registry.js';
import { rules } from '../learning/rules.js';

const optionValue = z.union([z.number(), z.string(), z.boolean()]);

const stageSchema = z
  .object({
    name: z.string().regex(/^[a-z][\w-]*$/, 'a stage name is lower-case letters, digits, - or _'),
    teacher: z.boolean().default(false),
    /** Projections whose weights are drawn afresh when the stage begins (the model decides how). */
    reinit: z.array(z.string()).default([]),
  })
  .strict();

const ruleInstanceSchema = z
  .object({
    rule: z.string(),
    on: z.string().min(1),
    options: z.record(z.string(), optionValue).default({}),
    /** Stages in which the rule learns; absent: every stage. */
    stages: z.array(z.string()).optional(),
  })
  .strict();

export const recipeSchema = z
  .object({
    model: z.string(),
    stages: z.union([z.array(stageSchema).min(1), z.record(z.string(), z.array(stageSchema).min(1))]),
    rules: z.array(ruleInstanceSchema),
    protocol: z
      .object({
        inputEncoding: z.enum(['hao', 'poisson']),
        teacherRate: z.union([z.number().min(0), z.string()]).default(0),
      })
      .strict(),
    readouts: z.object({ hidden: z.string(), supervised: z.string().nullable().default(null) }).strict(),
  })
  .strict();

export type RecipeData = z.input<typeof recipeSchema>;
type Recipe = z.output<typeof recipeSchema>;
export type Stage = z.output<typeof stageSchema>;

export interface ResolvedRule {
  rule: string;
  on: string;
  options: Record<string, number | string | boolean | null>;
  stages: string[];
}

/** A recipe with the model configuration's values substituted and every rule's options complete. */
export interface ResolvedRecipe {
  model: string;
  stages: Stage[];
  rules: ResolvedRule[];
  protocol: { inputEncoding: 'hao' | 'poisson'; teacherRate: number };
  readouts: { hidden: string; supervised: string | null };
}

/** Validates recipe data; the first problem becomes a one-line error naming its place. */
export function parseRecipe(data: unknown, source: string): Recipe {
  const r = recipeSchema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : 'top level';
  throw new SnnError('config.invalid', `${source}: ${at}: ${issue.message}`, 'see docs/learning.md for the recipe format');
}

/** Reads a recipe file (.yaml, .yml or .json). */
export function readRecipeFile(path: string): Recipe {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SnnError('io.missing', `recipe ${path} is missing or unreadable`, 'give the path of a YAML or JSON recipe');
  }
  let data: unknown;
  try {
    data = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new SnnError('config.invalid', `recipe ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`, 'fix the syntax');
  }
  return parseRecipe(data, `recipe ${path}`);
}

/** `TARGET=RULE[:k=v,...]` as given to `--rule`. */
export function parseRuleOverride(text: string): { on: string; rule: string; options: Record<string, string> } {
  const eq = text.indexOf('=');
  const colon = text.indexOf(':');
  if (eq <= 0 || (colon >= 0 && colon < eq)) {
    throw new SnnError('usage', `--rule '${text}': expected TARGET=RULE or TARGET=RULE:key=value,...`, "for example --rule 'input->exc=pair-stdp:nuPost=0.02'");
  }
  const on = text.slice(0, eq).trim();
  const { name, options } = parsePluginSpec(text.slice(eq + 1), 'rule');
  return { on, rule: name, options };
}

const isProjection = (on: string) => on.includes('->');

/**
 * Applies `--rule` overrides: a rule replaces the recipe's rule in the same slot on the same
 * target (keeping its stages; the same rule keeps its options too, the new ones on top), or joins
 * the recipe learning in every stage.
 */
export function applyRuleOverrides(recipe: Recipe, overrides: readonly string[]): Recipe {
  const out: Recipe = { ...recipe, rules: recipe.rules.map((r) => ({ ...r, options: { ...r.options } })) };
  for (const text of overrides) {
    const o = parseRuleOverride(text);
    const def = rules.get(o.rule);
    const slot = def.slot;
    const k = out.rules.findIndex((r) => r.on === o.on && rules.has(r.rule) && rules.get(r.rule).slot === slot);
    if (k < 0) out.rules.push({ rule: o.rule, on: o.on, options: o.options });
    else {
      const old = out.rules[k]!;
      out.rules[k] = { rule: o.rule, on: o.on, options: old.rule === o.rule ? { ...old.options, ...o.options } : o.options, ...(old.stages ? { stages: old.stages } : {}) };
    }
  }
  return out;
}

/**
 * Substitutes `$field` values from the model configuration, picks the stages of its schedule,
 * checks rule names, option names and values, target kinds and stage names, and fills defaults.
 * Targets are checked against the built graph (`checkTargets`).
 */
export function resolveRecipe(recipe: Recipe, config: Record<string, unknown>, source: string): ResolvedRecipe {
  const ref = (v: unknown, where: string): unknown => {
    if (typeof v !== 'string' || !v.startsWith('$')) return v;
    const field = v.slice(1);
    if (!(field in config)) throw new SnnError('config.invalid', `${source}: ${where} refers to '$${field}', which the model configuration does not have`, suggest(field, Object.keys(config), 'fields'));
    return config[field];
  };
  let stages: Stage[];
  if (Array.isArray(recipe.stages)) stages = recipe.stages;
  else {
    const schedule = String(config.schedule ?? '');
    const pick = recipe.stages[schedule];
    if (!pick) throw new SnnError('config.invalid', `${source}: no stages for schedule '${schedule}'`, `the recipe has stages for: ${Object.keys(recipe.stages).join(', ')}`);
    stages = pick;
  }
  const stageNames = stages.map((s) => s.name);
  // A rule may name the stages of every schedule the recipe offers; those of this schedule apply.
  const allStages = Array.isArray(recipe.stages) ? stageNames : [...new Set(Object.values(recipe.stages).flatMap((l) => l.map((s) => s.name)))];
  const seen = new Set<string>();
  const resolved = recipe.rules.map((r, i): ResolvedRule => {
    const where = `rules[${i}] (${r.rule} on ${r.on})`;
    const def = rules.get(r.rule);
    const proj = isProjection(r.on);
    if ((def.target === 'projection') !== proj) {
      throw new SnnError('usage', `${r.rule} attaches to a ${def.target}, but '${r.on}' is a ${proj ? 'projection' : 'population'}`, def.target === 'projection' ? "name a projection such as 'input->exc'" : "name a population such as 'exc'");
    }
    const key = `${r.rule}:${r.on}`;
    if (seen.has(key)) throw new SnnError('config.invalid', `${source}: ${r.rule} is on '${r.on}' twice`, 'give each rule once per target');
    seen.add(key);
    const raw = Object.fromEntries(Object.entries(r.options).map(([k, v]) => [k, ref(v, `${where} option '${k}'`)]));
    const options = rules.options(r.rule, raw);
    for (const s of r.stages ?? []) {
      if (!allStages.includes(s)) throw new SnnError('config.invalid', `${source}: ${where} learns in stage '${s}', which the recipe does not have`, suggest(s, allStages, 'stages'));
    }
    return { rule: r.rule, on: r.on, options, stages: (r.stages ?? stageNames).filter((s) => stageNames.includes(s)) };
  });
  const teacherRate = Number(ref(recipe.protocol.teacherRate, 'protocol.teacherRate'));
  if (!(teacherRate >= 0)) throw new SnnError('config.invalid', `${source}: protocol.teacherRate must be a rate ≥ 0 Hz`, 'e.g. teacherRate: 0 or $teacherRate');
  return { model: recipe.model, stages, rules: resolved, protocol: { inputEncoding: recipe.protocol.inputEncoding, teacherRate }, readouts: recipe.readouts };
}

/** A resolved recipe read back from a run directory or model file (checked again: it may be hand-edited). */
export function checkResolvedRecipe(data: unknown, config: Record<string, unknown>, source: string): ResolvedRecipe {
  return resolveRecipe(parseRecipe(data, source), config, source);
}

/** Every target of the recipe exists in the graph, with did-you-mean. */
export function checkTargets(recipe: ResolvedRecipe, projections: readonly string[], populations: readonly string[], source: string): void {
  for (const r of recipe.rules) {
    const known = isProjection(r.on) ? projections : populations;
    if (!known.includes(r.on)) {
      throw new SnnError('usage', `${source}: ${r.rule} is on '${r.on}', but ${recipe.model} has no ${isProjection(r.on) ? 'projection' : 'population'} of that name`, suggest(r.on, known, isProjection(r.on) ? 'projections' : 'populations'));
    }
  }
  for (const p of [recipe.readouts.hidden, recipe.readouts.supervised]) {
    if (p !== null && !populations.includes(p)) throw new SnnError('config.invalid', `${source}: readout population '${p}' is not in ${recipe.model}`, suggest(p, populations, 'populations'));
  }
  for (const s of recipe.stages) for (const p of s.reinit) {
    if (!projections.includes(p)) throw new SnnError('config.invalid', `${source}: stage ${s.name} re-initialises '${p}', which ${recipe.model} does not have`, suggest(p, projections, 'projections'));
  }
}
