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
import type { ScalingOrder } from '../learning/transforms/presentation-update.js';
import { transforms as transformRegistry } from '../learning/transforms/registry.js';

const SCALING_ORDERS = ['before-scaling', 'after-scaling', 'instead-of-scaling'] as const;

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
    /** Update transforms ('lamb', 'spectra:c=1') applied to each presentation's ΔW of this rule. */
    transforms: z.array(z.string().min(1)).optional(),
    /** Where the transforms sit relative to the projection's synaptic scaling. */
    transformOrder: z.enum(SCALING_ORDERS).optional(),
    /** η of the transformed step (U = −ΔW/η, W ← W₀ − η·U'); absent: the rule's own `eta`. */
    transformRate: z.union([z.number().positive(), z.string()]).optional(),
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
  /** Present only when the rule's presentation updates go through update transforms. */
  transforms?: string[];
  transformOrder?: ScalingOrder;
  transformRate?: number;
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
    const out: ResolvedRule = { rule: r.rule, on: r.on, options, stages: (r.stages ?? stageNames).filter((s) => stageNames.includes(s)) };
    return { ...out, ...resolveTransforms(recipe, r, where, options, ref, source) };
  });
  const teacherRate = Number(ref(recipe.protocol.teacherRate, 'protocol.teacherRate'));
  if (!(teacherRate >= 0)) throw new SnnError('config.invalid', `${source}: protocol.teacherRate must be a rate ≥ 0 Hz`, 'e.g. teacherRate: 0 or $teacherRate');
  return { model: recipe.model, stages, rules: resolved, protocol: { inputEncoding: recipe.protocol.inputEncoding, teacherRate }, readouts: recipe.readouts };
}

/** Transforms that need a batch rule's factors (TrAct: the first layer's inputs; SSO: the readout's). */
const BATCH_ONLY_TRANSFORMS = new Set(['tract', 'sso']);

/**
 * A rule's update transforms, checked: only a weight rule on a projection has a presentation update
 * to transform; the order needs a synaptic scaling on the same projection unless it replaces it;
 * η is `transformRate` or the rule's `eta`.
 */
function resolveTransforms(
  recipe: Recipe,
  r: Recipe['rules'][number],
  where: string,
  options: ResolvedRule['options'],
  ref: (v: unknown, where: string) => unknown,
  source: string,
): Pick<ResolvedRule, 'transforms' | 'transformOrder' | 'transformRate'> {
  const list = r.transforms ?? [];
  if (list.length === 0) {
    if (r.transformOrder !== undefined || r.transformRate !== undefined) {
      throw new SnnError('config.invalid', `${source}: ${where} sets ${r.transformOrder !== undefined ? 'transformOrder' : 'transformRate'} but has no transforms`, "add transforms, e.g. transforms: ['spectra:c=1'], or drop the field");
    }
    return {};
  }
  const def = rules.get(r.rule);
  if (def.target !== 'projection' || def.slot !== 'weights') {
    throw new SnnError('config.invalid', `${source}: ${where} has transforms, but only a weight rule (an STDP variant) makes a presentation update to transform`, `attach the transforms to the weight rule on ${isProjection(r.on) ? `'${r.on}'` : 'a projection'}`);
  }
  const others = recipe.rules.filter((x) => x !== r && x.on === r.on && (x.transforms?.length ?? 0) > 0);
  if (others.length > 0) throw new SnnError('config.invalid', `${source}: two rules on '${r.on}' have transforms`, 'give the transforms to one weight rule per projection');
  for (const spec of list) {
    const { name, options: o } = parsePluginSpec(spec, 'update transform');
    transformRegistry.options(name, o);
    if (BATCH_ONLY_TRANSFORMS.has(name)) {
      throw new SnnError('usage', `${where}: the ${name} transform needs a batch rule's ${name === 'tract' ? 'first-layer inputs' : 'readout factors'}; a local rule's presentation update offers none`, 'use sgd, adam, lamb or spectra with local rules');
    }
  }
  const scaled = recipe.rules.some((x) => x.on === r.on && rules.has(x.rule) && rules.get(x.rule).slot === 'normalisation');
  const order: ScalingOrder = r.transformOrder ?? (scaled ? 'before-scaling' : 'instead-of-scaling');
  if (order !== 'instead-of-scaling' && !scaled) {
    throw new SnnError('config.invalid', `${source}: ${where} puts its transforms ${order.replace('-', ' ')}, but '${r.on}' has no synaptic scaling`, "use transformOrder: instead-of-scaling, or add synaptic-scaling on the projection");
  }
  const rate = r.transformRate !== undefined ? Number(ref(r.transformRate, `${where} transformRate`)) : options.eta;
  if (typeof rate !== 'number' || !(rate > 0) || !Number.isFinite(rate)) {
    throw new SnnError('config.invalid', `${source}: ${where}: the transformed step needs a learning rate η > 0, got ${String(rate ?? 'none')}`, 'set transformRate (--transform-rate), or give the rule an eta > 0');
  }
  return { transforms: [...list], transformOrder: order, transformRate: rate };
}

/**
 * Adds `--transform` specs to the weight rule on projection `on` (appended to the recipe's own),
 * with `--transform-order` and `--transform-rate` when given.
 */
export function applyTransformOverrides(recipe: Recipe, o: { transforms: readonly string[]; on: string; order?: ScalingOrder; rate?: number }): Recipe {
  const weightRules = recipe.rules.filter((r) => r.on === o.on && rules.has(r.rule) && rules.get(r.rule).slot === 'weights');
  if (weightRules.length !== 1) {
    const known = [...new Set(recipe.rules.filter((r) => rules.has(r.rule) && rules.get(r.rule).slot === 'weights').map((r) => r.on))];
    throw new SnnError('usage', `--transform-on '${o.on}': ${weightRules.length === 0 ? 'no weight rule learns there' : 'several weight rules learn there'}`, suggest(o.on, known, 'projections with a weight rule'));
  }
  const target = weightRules[0]!;
  return {
    ...recipe,
    rules: recipe.rules.map((r) =>
      r !== target
        ? r
        : {
            ...r,
            transforms: [...(r.transforms ?? []), ...o.transforms],
            ...(o.order !== undefined ? { transformOrder: o.order } : {}),
            ...(o.rate !== undefined ? { transformRate: o.rate } : {}),
          },
    ),
  };
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
