/**
 * A trainable model built from its recipe: the graph of the model (training/models.ts) with the
 * recipe's rules resolved from the rule registry (learning/rules.ts), attached in recipe order,
 * switched on in their stages. Nothing here constructs a rule class or knows about kernel memory:
 * in float64 the graph builder asks the network's kernel device to place the plastic projection's
 * weights in kernel memory (models/plastic-placement.ts; only the wasm backend does), and the rules
 * on that projection ask it for their kernels.
 */
import type { FloatArray } from '../engine/float-array.js';
import { createRule } from '../learning/rules.js';
import { SynapticScaling } from '../learning/synaptic-scaling.js';
import { createTransform } from '../learning/transforms/registry.js';
import { TransformedUpdates } from '../learning/transforms/transformed-updates.js';
import type { ScalingOrder } from '../learning/transforms/presentation-update.js';
import { rules as ruleRegistry } from '../learning/rules.js';
import type { PlasticityRule } from '../learning/plugin-contract.js';
import { LifPopulation } from '../models/lif-population.js';
import type { Network } from '../models/network.js';
import { plasticHooks, type PlasticHooks } from '../models/plastic-placement.js';
import { DenseProjection, type Projection } from '../models/projection.js';
import type { ReplaySource } from '../models/replay-source.js';
import { TeacherLifPopulation } from '../models/teacher-lif-population.js';
import { localModel, type ModelConfig } from './models.js';
import { SnnError } from '../engine/errors.js';
import { applyRuleOverrides, applyTransformOverrides, checkTargets, parseRecipe, resolveRecipe, type ResolvedRecipe } from './recipe.js';
import { presentationProtocol, type PresentationProtocol, type TrainingStage, type TrainingSystem } from './training-system.js';

export interface RecipeSystemOptions {
  /** false: plain typed arrays and JS loops even on the wasm backend (equivalence tests). */
  kernels?: boolean;
}

export class RecipeSystem implements TrainingSystem {
  readonly model: string;
  readonly net: Network;
  readonly input: ReplaySource;
  readonly hidden: LifPopulation;
  readonly output: TeacherLifPopulation | null;
  readonly rules: readonly PlasticityRule[];
  readonly stages: readonly TrainingStage[];
  private readonly learnsIn: readonly (readonly string[])[];
  private readonly transformed: readonly TransformedUpdates[];

  constructor(
    readonly config: ModelConfig,
    readonly recipe: ResolvedRecipe,
    private readonly seed: number,
    opts: RecipeSystemOptions = {},
  ) {
    const model = localModel(recipe.model);
    this.model = recipe.model;
    const plastic = model.plasticProjection(config);
    // The network's kernel device places the weights on the wasm backend and declines on js.
    const useKernels = (opts.kernels ?? true) && config.precision === 'f64';
    const hooks: PlasticHooks | null = plastic && useKernels ? plasticHooks(plastic.m, plastic.n, plastic.maxDelay) : null;
    const g = model.build(config, seed, hooks);
    this.net = g.net;
    this.input = g.input;
    const net = g.net;
    checkTargets(recipe, net.projections.map((p) => p.name), net.populations.map((p) => p.name), `recipe of ${recipe.model}`);
    this.rules = recipe.rules.map((r) => {
      const projection = r.on.includes('->') ? net.projections.find((p) => p.name === r.on) : undefined;
      const pop = projection ? undefined : net.population(r.on);
      const population = pop instanceof LifPopulation ? pop : undefined;
      return createRule(r.rule, { projection, population }, r.options);
    });
    const learnsIn = recipe.rules.map((r) => r.stages);
    // Update transforms wrap a weight rule's presentation update; they run after every other rule.
    const wrappers: TransformedUpdates[] = [];
    recipe.rules.forEach((r, k) => {
      if (!r.transforms?.length) return;
      const projection = net.projections.find((p) => p.name === r.on);
      if (!(projection instanceof DenseProjection)) throw new SnnError('config.invalid', `update transforms on '${r.on}' need a dense projection`, 'use dense connectivity, or drop the transforms');
      const scalingIndex = recipe.rules.findIndex((x) => x.on === r.on && ruleRegistry.get(x.rule).slot === 'normalisation');
      const scaling = scalingIndex < 0 ? null : this.rules[scalingIndex]!;
      if (scaling !== null && !(scaling instanceof SynapticScaling)) throw new SnnError('config.invalid', `update transforms on '${r.on}' can place synaptic-scaling only, not ${scaling.kind}`, 'use synaptic-scaling, or drop the transforms');
      wrappers.push(new TransformedUpdates(projection, { transforms: r.transforms.map((t) => createTransform(t)), order: r.transformOrder!, learningRate: r.transformRate!, scaling }));
      learnsIn.push(r.stages.filter((st) => learnsIn[k]!.includes(st)));
    });
    this.rules = [...this.rules, ...wrappers];
    this.transformed = wrappers;
    this.learnsIn = learnsIn;
    for (const r of this.rules) r.attach(net);
    const hidden = net.population(recipe.readouts.hidden);
    if (!(hidden instanceof LifPopulation)) throw new Error(`readout ${recipe.readouts.hidden} is not a LIF population`);
    this.hidden = hidden;
    const sl = recipe.readouts.supervised === null ? null : net.population(recipe.readouts.supervised);
    if (sl !== null && !(sl instanceof TeacherLifPopulation)) throw new Error(`supervised readout ${recipe.readouts.supervised} is not a teacher population`);
    this.output = sl;
    this.stages = recipe.stages.map((s) => ({ name: s.name, teacher: s.teacher }));
  }

  get protocol(): PresentationProtocol {
    return presentationProtocol(this.config, { teacherRate: this.recipe.protocol.teacherRate, inputEncoding: this.recipe.protocol.inputEncoding });
  }

  /** The projection named `name` (e.g. 'input->exc'). */
  projection(name: string): Projection {
    const p = this.net.projections.find((q) => q.name === name);
    if (!p) throw new SnnError('usage', `${this.model} has no projection '${name}'`, `known: ${this.net.projections.map((q) => q.name).join(', ')}`);
    return p;
  }

  /** The rule instance of `rule` on `on` (e.g. 'sym-stdp', 'input->exc'). */
  rule(rule: string, on: string): PlasticityRule {
    const k = this.recipe.rules.findIndex((r) => r.rule === rule && r.on === on);
    if (k < 0) throw new Error(`no ${rule} on ${on}`);
    return this.rules[k]!;
  }

  /**
   * The update transforms' diagnostics averaged over the training presentations since the last
   * call, per wrapped projection ('input->exc': { 'trustRatio/input->exc': …, updates: … }); null
   * when no transform ran.
   */
  takeDiagnostics(): Record<string, Record<string, number>> | null {
    const out: Record<string, Record<string, number>> = {};
    for (const w of this.transformed) {
      const d = w.takeDiagnostics();
      if (d !== null) out[w.projection.name] = d;
    }
    return Object.keys(out).length ? out : null;
  }

  /** Each rule learns in the stages the recipe lists for it; stage null freezes everything. */
  setMode(stage: TrainingStage | null): void {
    for (let k = 0; k < this.rules.length; k++) this.rules[k]!.setPlastic(stage !== null && this.learnsIn[k]!.includes(stage.name));
  }

  onStageStart(stage: TrainingStage): void {
    const s = this.recipe.stages.find((x) => x.name === stage.name);
    for (const p of s?.reinit ?? []) localModel(this.model).reinit?.(this.net, p, this.seed);
  }

  /**
   * The trained model: the weights of every dense projection and θ of the hidden layer (and of any
   * population with a threshold rule), whatever the recipe learns, so that model files, `snn eval`
   * and `snn export` see the same arrays for every recipe of a graph.
   */
  modelArrays(): Record<string, FloatArray> {
    const out: Record<string, FloatArray> = {};
    for (const p of this.net.projections) if (p instanceof DenseProjection) out[p.name] = p.weights;
    out[`${this.hidden.name}.theta`] = this.hidden.theta;
    for (const r of this.recipe.rules) {
      if (r.on.includes('->') || ruleRegistry.get(r.rule).slot !== 'threshold') continue;
      const pop = this.net.population(r.on);
      if (pop instanceof LifPopulation) out[`${r.on}.theta`] ??= pop.theta;
    }
    return out;
  }

}

/**
 * The resolved recipe of a model: its default recipe (or `recipe`, data from a file or a run),
 * edited by `--rule` overrides, with the configuration's values substituted.
 */
export interface TransformOverrides {
  /** `--transform` specs, appended to the recipe's own on that projection. */
  transforms: readonly string[];
  /** `--transform-on`; default: the model's plastic projection. */
  on?: string;
  order?: ScalingOrder;
  rate?: number;
}

export function recipeFor(model: string, config: ModelConfig, opts: { recipe?: unknown; rules?: readonly string[]; source?: string; transforms?: TransformOverrides } = {}): ResolvedRecipe {
  const m = localModel(model);
  const source = opts.source ?? (opts.recipe === undefined ? `recipe of ${model}` : 'recipe');
  let data = parseRecipe(opts.recipe ?? m.recipe, source);
  if (data.model !== model) throw new SnnError('usage', `${source} is for model '${data.model}', not '${model}'`, `use --model ${data.model}, or a recipe for ${model}`);
  if (opts.rules?.length) data = applyRuleOverrides(data, opts.rules);
  const t = opts.transforms;
  if (t && (t.transforms.length || t.on !== undefined || t.order !== undefined || t.rate !== undefined)) {
    const on = t.on ?? m.plasticProjection(config)?.name;
    if (on === undefined) throw new SnnError('usage', `${model} has no plastic projection to transform`, 'name one with --transform-on');
    data = applyTransformOverrides(data, { ...t, on });
  }
  return resolveRecipe(data, config, source);
}

/** How `snn train`, `snn eval` and the evaluation workers build a model. */
export function buildTrainingSystem(model: string, config: unknown, seed: number, recipe?: ResolvedRecipe, opts: RecipeSystemOptions = {}): RecipeSystem {
  const c = config as ModelConfig;
  return new RecipeSystem(c, recipe ?? recipeFor(model, c), seed, opts);
}
