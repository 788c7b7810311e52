/**
 * Batch policies by name (`--policy adadagrad`): they choose batch size and learning rate for the
 * next update from the base ones and the last step's per-sample statistics
 * (learning/plugin-contract.ts `BatchPolicy`). A policy is one file plus one line here.
 */
import { Registry, type OptionValue } from '../registry.js';
import type { BatchPolicy } from '../plugin-contract.js';

export type PolicyFactory = (options: Record<string, OptionValue | null>) => BatchPolicy;

export const policies = new Registry<PolicyFactory>('batch policy');
