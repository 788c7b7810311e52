/**
 * The rule registry: every local plasticity rule registers here by name, with its options schema
 * (default, unit, one line of doc each), the kind of target it attaches to, and the slot it fills
 * on that target. Recipes and `--rule 'input->exc=pair-stdp:nuPost=0.02'` name rules; orchestration
 * never constructs a rule class, it calls `createRule`.
 *
 * Adding a rule: one file that implements `PlasticityRule` and exports a `RulePlugin`, plus one
 * `registerRule` line below (docs/learning.md).
 */
import { SnnError } from '../engine/errors.js';
import type { LifPopulation } from '../models/lif-population.js';
import type { Projection } from '../models/projection.js';
import type { PlasticityRule } from './plugin-contract.js';
import { Registry, type OptionValue, type PluginInfo } from './registry.js';
import { intrinsicPlasticityRule } from './intrinsic-plasticity.js';
import { pairStdpRule } from './pair-stdp.js';
import { symStdpRule } from './sym-stdp.js';
import { synapticScalingRule } from './synaptic-scaling.js';
import { tripletStdpRule } from './triplet-stdp.js';

/**
 * What a rule instance is attached to (exactly one of the two, by the rule's `target`). A rule that
 * wants speed asks its target for it (DenseProjection: `traceStorage`, `arrivalWalk`,
 * `columnScaler`); the projection runs them in kernels when its weights live in kernel memory.
 */
export interface RuleTarget {
  projection?: Projection;
  population?: LifPopulation;
}

export type ResolvedOptions = Record<string, OptionValue | null>;

/**
 * What a rule contributes to a trainable model:
 *  - `target`: a projection (`input->exc`) or a population (`exc`);
 *  - `slot`: the role it plays there; `--rule` replaces the recipe's rule in the same slot
 *    ('weights': an STDP variant, 'normalisation': scaling, 'threshold': θ adaptation);
 *  - `create`: the instance, from resolved options.
 */
export interface RuleDefinition {
  target: 'projection' | 'population';
  slot: 'weights' | 'normalisation' | 'threshold';
  create(target: RuleTarget, options: ResolvedOptions): PlasticityRule;
}

/** A rule file's export: its definition and registry info (summary and options schema). */
export interface RulePlugin {
  definition: RuleDefinition;
  info: PluginInfo;
}

export const rules = new Registry<RuleDefinition>('plasticity rule');

export function registerRule(name: string, plugin: RulePlugin): void {
  rules.register(name, plugin.definition, plugin.info);
}

registerRule('sym-stdp', symStdpRule);
registerRule('pair-stdp', pairStdpRule);
registerRule('triplet-stdp', tripletStdpRule);
registerRule('synaptic-scaling', synapticScalingRule);
registerRule('intrinsic-plasticity', intrinsicPlasticityRule);

/** A rule instance on `target` with raw options checked against the rule's schema (defaults filled). */
export function createRule(name: string, target: RuleTarget, rawOptions: Readonly<Record<string, unknown>>): PlasticityRule {
  const def = rules.get(name);
  const options = rules.options(name, rawOptions);
  if (def.target === 'projection' && !target.projection) throw new SnnError('usage', `${name} attaches to a projection, not a population`, "name a projection such as 'input->exc'");
  if (def.target === 'population' && !target.population) throw new SnnError('usage', `${name} attaches to a population, not a projection`, "name a population such as 'exc'");
  return def.create(target, options);
}

/** Option values as numbers (resolved options of a numeric schema). */
export function num(o: ResolvedOptions, key: string): number {
  return o[key] as number;
}
