/**
 * The batched-rule registry (docs/learning.md): tensor rules register a factory by name, so
 * benches and the CLI can name them (`--rule surrogate-bptt`) and an unknown name lists the known
 * ones. A factory gets the loaded tensor backend, the training set and the rule's options (its own,
 * resolved against its schema, plus the network's: hidden, steps, readout, seed, …).
 */
import type { Dataset } from '../datasets/dataset.js';
import type { BatchRule } from './plugin-contract.js';
import { Registry } from './registry.js';
import { Spsa, SPSA_OPTION_SCHEMA, type SpsaOptions } from './spsa.js';
import { SurrogateBptt, type SurrogateMlpConfig } from './surrogate-bptt.js';
import type { TensorBackend } from './tensor/backend.js';

export type BatchRuleFactory = (backend: TensorBackend, data: Dataset, options: Record<string, unknown>) => BatchRule;

export const batchRules = new Registry<BatchRuleFactory>('batch rule');

batchRules.register('surrogate-bptt', (b, d, o) => new SurrogateBptt(b, d, o as Partial<SurrogateMlpConfig>), {
  summary: 'surrogate-gradient backpropagation through time of a LIF MLP (Neftci et al. 2019)',
  options: {},
});
batchRules.register('spsa', (b, d, o) => new Spsa(b, d, o as Partial<SurrogateMlpConfig & SpsaOptions>), {
  summary: 'SPSA with seeded shared randomness (MeZO; Zelikman et al. 2023): forward-only, U = ĝ·z, z regenerated from seeds',
  options: SPSA_OPTION_SCHEMA,
});
