/**
 * The configuration of `lif-mlp`, the 784-N-10 LIF network of tensor mode (learning/surrogate-bptt.ts)
 * as a trainable model: its option schema is what `--set KEY=VALUE` may change and what
 * `snn plugins lif-mlp` shows; the hidden size comes from `--neurons`.
 */
import type { OptionSchema } from '../engine/registry.js';
import { SURROGATE_MLP_DEFAULTS, type SurrogateMlpConfig } from '../learning/surrogate-bptt.js';
import type { TensorBackendName } from '../learning/tensor/backend.js';

export interface LifMlpConfig {
  dataset: string;
  /** Hidden LIF neurons (`--neurons`). */
  neurons: number;
  steps: number;
  batch: number;
  learningRate: number;
  readout: 'membrane' | 'spike-count';
  surrogate: string;
  beta: number;
  maxRateHz: number;
  initGain: number;
  /** 'auto': SNN_TENSOR_BACKEND, else the best available (node, wasm, cpu). */
  tensorBackend: 'auto' | TensorBackendName;
}

export const LIF_MLP_OPTIONS: OptionSchema = {
  steps: { type: 'integer', default: SURROGATE_MLP_DEFAULTS.steps, unit: 'steps', doc: 'time steps per presentation (dt = 1 ms)', min: 1 },
  batch: { type: 'integer', default: 16, unit: 'samples', doc: 'samples per update (a batch policy may change it during the run)', min: 1 },
  learningRate: { type: 'number', default: 0.01, unit: '1', doc: 'η of W ← W − η·U′ (a batch policy may change it during the run)', min: 0, exclusiveMin: true },
  readout: { type: 'enum', default: SURROGATE_MLP_DEFAULTS.readout, values: ['membrane', 'spike-count'], doc: 'logits: time-averaged output membrane, or output spike counts' },
  surrogate: { type: 'string', default: SURROGATE_MLP_DEFAULTS.surrogate, doc: 'surrogate derivative of the spike (snn plugins lists them; surrogate-bptt only)' },
  beta: { type: 'number', default: SURROGATE_MLP_DEFAULTS.beta, unit: '1/mV', doc: 'slope of the surrogate derivative', min: 0, exclusiveMin: true },
  maxRateHz: { type: 'number', default: SURROGATE_MLP_DEFAULTS.maxRateHz, unit: 'Hz', doc: 'Poisson rate of a 255 pixel', min: 0, exclusiveMin: true },
  initGain: { type: 'number', default: SURROGATE_MLP_DEFAULTS.initGain, unit: 'mV', doc: 'initial weights ~ N(0, (initGain/√fan-in)²)', min: 0, exclusiveMin: true },
  tensorBackend: { type: 'enum', default: 'auto', values: ['auto', 'node', 'wasm', 'cpu'], doc: "tfjs backend to load first ('auto': SNN_TENSOR_BACKEND, else node → wasm → cpu)" },
};

/** The network options a batch rule's factory takes (learning/batch-rules.ts), from the model's configuration. */
export function networkOptions(c: LifMlpConfig, seed: number): Partial<SurrogateMlpConfig> {
  return { hidden: c.neurons, steps: c.steps, readout: c.readout, surrogate: c.surrogate, beta: c.beta, maxRateHz: c.maxRateHz, initGain: c.initGain, seed };
}
