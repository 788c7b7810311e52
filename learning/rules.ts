/**
 * The rule registry: every local plasticity rule registers its factory here by name, so configs
 * and the CLI can name rules (`--rule sym-stdp`) and an unknown name lists the known ones.
 */
import type { LifPopulation } from '../models/lif-population.js';
import type { Projection } from '../models/projection.js';
import { IntrinsicPlasticity } from './intrinsic-plasticity.js';
import type { PlasticityRule } from './plugin-contract.js';
import { PairStdp, type PairStdpOptions } from './pair-stdp.js';
import { Registry } from './registry.js';
import { SymStdp, type SymStdpOptions } from './sym-stdp.js';
import { SynapticScaling, type SynapticScalingOptions } from './synaptic-scaling.js';

export interface RuleTarget {
  projection?: Projection;
  population?: LifPopulation;
}

export type RuleFactory = (target: RuleTarget, options: Record<string, unknown>) => PlasticityRule;

export const rules = new Registry<RuleFactory>('plasticity rule');

function needProjection(t: RuleTarget, rule: string): Projection {
  if (!t.projection) throw new Error(`${rule} needs a projection`);
  return t.projection;
}

rules.register('sym-stdp', (t, o) => new SymStdp(needProjection(t, 'sym-stdp'), o as unknown as SymStdpOptions));
rules.register('pair-stdp', (t, o) => new PairStdp(needProjection(t, 'pair-stdp'), o as PairStdpOptions));
rules.register('synaptic-scaling', (t, o) => new SynapticScaling(needProjection(t, 'synaptic-scaling'), o as unknown as SynapticScalingOptions));
rules.register('intrinsic-plasticity', (t) => {
  if (!t.population) throw new Error('intrinsic-plasticity needs a population');
  return new IntrinsicPlasticity(t.population);
});
