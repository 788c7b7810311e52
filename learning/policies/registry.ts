/**
 * Batch policies by name (`--policy adadagrad`): they choose batch size and learning rate for the
 * next update from the base ones and the last step's per-sample statistics
 * (learning/plugin-contract.ts `BatchPolicy`). A policy is one file plus one line here.
 */
import { Registry, parsePluginSpec, type OptionValue } from '../registry.js';
import type { BatchPolicy } from '../plugin-contract.js';
import { AdAdaGrad, type AdAdaGradOptions } from './adadagrad.js';
import { LrBatchScaling, type LrBatchScalingOptions } from './lr-batch-scaling.js';

export type PolicyFactory = (options: Record<string, OptionValue | null>) => BatchPolicy;

export const policies = new Registry<PolicyFactory>('batch policy');

/** A policy from its command-line spec `NAME` or `NAME:key=value,…` (options checked against its schema). */
export function createPolicy(spec: string): BatchPolicy {
  const { name, options } = parsePluginSpec(spec, 'policy');
  return policies.get(name)(policies.options(name, options));
}

policies.register('lr-batch-scaling', (o) => new LrBatchScaling(o as LrBatchScalingOptions), {
  summary: 'learning rate η₀·(B/B₀)^κ for batch B (Granziol et al. 2022): κ = 1 for SGD-like rules, ½ for Adam-like',
  options: {
    kappa: { type: 'number', default: 1, unit: '1', doc: 'exponent κ: 1 linear (SGD, STDP), 0.5 square root (Adam, LAMB)', min: 0 },
    baseBatch: { type: 'integer', default: null, unit: 'samples', doc: 'reference batch B₀ (unset: the first update\'s batch)', min: 1 },
    baseLr: { type: 'number', default: null, unit: '1', doc: 'learning rate η₀ at B₀ (unset: the first update\'s)', min: 0, exclusiveMin: true },
  },
});
policies.register('adadagrad', (o) => new AdAdaGrad(o as AdAdaGradOptions), {
  summary: 'AdAdaGrad (Lau et al. 2024): grow the batch to ⌈V/(θ²‖ū‖²)⌉ by the norm test on per-sample updates; never shrinks',
  options: {
    theta: { type: 'number', default: 0.1, unit: '1', doc: 'norm-test constant θ: the batch passes when V/b ≤ θ²‖ū‖²', min: 0, exclusiveMin: true },
    maxBatch: { type: 'integer', default: 60000, unit: 'samples', doc: 'cap on the batch (the training set size)', min: 1 },
    testInterval: { type: 'integer', default: 1, unit: 'updates', doc: 'run the test every this many updates', min: 1 },
  },
});
