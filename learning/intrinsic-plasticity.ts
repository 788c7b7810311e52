/**
 * Intrinsic plasticity of the dynamic threshold (docs/hao2020.md), training only.
 *
 * The θ dynamics themselves are part of the neuron model (models/lif.ts: decay with τθ, jump θ₊ or
 * the self-limiting θ₊·10/|θ − 10| of Hao et al.), because they define when the neuron fires; this
 * plugin decides *when they may change*: on while training, frozen at evaluation (θ neither decays
 * nor jumps), as in the authors' test passes.
 */
import type { LifPopulation } from '../models/lif-population.js';
import type { Network } from '../models/network.js';
import type { PlasticityRule, RuleState } from './plugin-contract.js';
import type { RulePlugin } from './rules.js';

export class IntrinsicPlasticity implements PlasticityRule {
  readonly kind = 'intrinsic-plasticity';
  readonly name: string;

  constructor(readonly population: LifPopulation) {
    this.name = `intrinsic-plasticity:${population.name}`;
  }

  get plastic(): boolean {
    return this.population.thetaPlastic;
  }

  attach(_net: Network): void {}

  setPlastic(on: boolean): void {
    this.population.thetaPlastic = on;
  }

  saveState(): RuleState {
    return { plastic: this.population.thetaPlastic };
  }

  loadState(s: RuleState): void {
    this.population.thetaPlastic = s.plastic as boolean;
  }
}

export const intrinsicPlasticityRule: RulePlugin = {
  definition: { target: 'population', slot: 'threshold', create: (t) => new IntrinsicPlasticity(t.population!) },
  info: { summary: 'lets the adaptive threshold θ of a population change while training (frozen at test time)', options: {} },
};
