/**
 * The one registry of trainable models: a graph from models/zoo, its configuration (per-size
 * tables, `--set` fields) and its default learning recipe (training/recipes/). `snn train`,
 * `snn eval`, the evaluation workers and `snn plugins` all read it.
 */
import { SnnError } from '../engine/errors.js';
import { Registry } from '../engine/registry.js';
import { RngStream } from '../engine/rng.js';
import type { PlasticHooks } from '../models/plastic-placement.js';
import type { Network } from '../models/network.js';
import type { ReplaySource } from '../models/replay-source.js';
import { buildDiehlCook2015, dcMaxDelaySteps, diehlCook2015Config, type DiehlCook2015Config } from '../models/zoo/diehl-cook-2015.js';
import { buildHao2020, hao2020Config, hao2020MaxDelaySteps, type Hao2020Config } from '../models/zoo/hao2020.js';
import { LIF_MLP_OPTIONS } from './lif-mlp.js';
import type { RecipeData } from './recipe.js';
import { diehlCook2015Recipe } from './recipes/diehl-cook-2015.js';
import { hao2020Recipe } from './recipes/hao2020.js';
import type { ProtocolConfig } from './training-system.js';

export type ModelConfig = ProtocolConfig & { dataset: string; neurons: number; precision: 'f32' | 'f64' } & Record<string, unknown>;

/** The built graph: the network and its replayed input; populations and projections by name. */
export interface BuiltGraph {
  net: Network;
  input: ReplaySource;
}

/** Options every model's configuration takes from the command line. */
export interface ConfigChoices {
  schedule?: 'simultaneous' | 'layerwise';
  precision?: 'f32' | 'f64';
  rest?: 'simulate' | 'reset';
}

/** A model trained by local, spike-driven rules placed by a recipe (training/trainer.ts). */
export interface LocalTrainableModel {
  kind?: 'local';
  datasets: readonly string[];
  config(dataset: string, neurons: number, choices: ConfigChoices): ModelConfig;
  recipe: RecipeData;
  /**
   * The projection whose weights the builder can place in a rule's kernel memory (its name,
   * pre × post sizes and longest delay in steps), or null.
   */
  plasticProjection(config: ModelConfig): { name: string; m: number; n: number; maxDelay: number } | null;
  build(config: ModelConfig, seed: number, hooks: PlasticHooks | null): BuiltGraph;
  /** Draws a projection's weights afresh at the start of a stage (recipe stage `reinit`). */
  reinit?(net: Network, projection: string, seed: number): void;
}

/**
 * A model trained by one batch rule on its whole network (training/batch-trainer.ts): the 784-H-10
 * LIF MLP of tensor mode. Its configuration is the model's option schema, resolved (`--set`).
 */
export interface BatchTrainableModel {
  kind: 'batch';
  datasets: readonly string[];
  /** The rule a run uses when `--rule` is not given. */
  defaultRule: string;
}

export type TrainableModel = LocalTrainableModel | BatchTrainableModel;

/** A local-rule model by name; a batch model is refused here (it trains through training/batch-trainer.ts). */
export function localModel(name: string): LocalTrainableModel {
  const m = trainableModels.get(name);
  if (m.kind === 'batch') throw new SnnError('usage', `${name} trains with a batch rule, not a recipe of local rules`, `train it with snn train --model ${name} --rule ${m.defaultRule}`);
  return m;
}

/** Whether `name` is a registered model trained by a batch rule. */
export function isBatchModel(name: string): boolean {
  return trainableModels.has(name) && trainableModels.get(name).kind === 'batch';
}

/** The choices that were made (an absent one keeps the model's default). */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const trainableModels = new Registry<TrainableModel>('trainable model');

trainableModels.register(
  'hao2020',
  {
    datasets: ['mnist', 'fashion-mnist'],
    config: (dataset, neurons, c) => hao2020Config(dataset as Hao2020Config['dataset'], neurons, defined(c)) as unknown as ModelConfig,
    recipe: hao2020Recipe,
    plasticProjection: (c) => ({ name: 'input->exc', m: 784, n: c.neurons, maxDelay: hao2020MaxDelaySteps(c as unknown as Hao2020Config) }),
    build(c, seed, hooks) {
      const g = buildHao2020(c as unknown as Hao2020Config, seed, hooks ? { excWasmExtraBytes: hooks.extraBytes, inputWeights: (exc, len) => hooks.weights(exc, len) } : {});
      return { net: g.net, input: g.input };
    },
    // The authors' reset_Cla_para: uniform in [0, 0.3) on a 1/1000 grid.
    reinit(net, projection, seed) {
      const w = net.projections.find((p) => p.name === projection)!.weights;
      const rng = RngStream.derive(seed, `proj:${projection}/weights/stage2`);
      for (let k = 0; k < w.length; k++) w[k] = Math.floor(rng.uniform() * 300) / 1000;
    },
  },
  { summary: 'Hao et al. 2020: 784 → N exc (+ N inh) → 10 supervised SL neurons, sym-STDP', options: {} },
);

trainableModels.register(
  'diehl-cook-2015',
  {
    datasets: ['mnist', 'fashion-mnist'],
    config: (dataset, neurons, c) => {
      if (c.schedule !== undefined && c.schedule !== 'simultaneous') throw new SnnError('usage', `diehl-cook-2015 trains in one stage; --schedule ${c.schedule} does not apply`, 'omit --schedule');
      return diehlCook2015Config(dataset as DiehlCook2015Config['dataset'], neurons, defined({ precision: c.precision, rest: c.rest })) as unknown as ModelConfig;
    },
    recipe: diehlCook2015Recipe,
    plasticProjection: (c) => ({ name: 'input->exc', m: 784, n: c.neurons, maxDelay: dcMaxDelaySteps(c as unknown as DiehlCook2015Config) }),
    build(c, seed, hooks) {
      const g = buildDiehlCook2015(
        c as unknown as DiehlCook2015Config,
        seed,
        hooks ? { excWasmExtraBytes: hooks.extraBytes, inputWeights: (len, exc) => hooks.weights(exc, len), excInputRing: (len) => hooks.inputRing(len) } : {},
      );
      return { net: g.net, input: g.input };
    },
  },
  { summary: 'Diehl & Cook 2015: 784 → N exc (+ N inh), pair STDP, θ adaptation, assignment vote', options: {} },
);

trainableModels.register(
  'lif-mlp',
  { kind: 'batch', datasets: ['mnist', 'fashion-mnist'], defaultRule: 'surrogate-bptt' },
  { summary: '784 → N hidden LIF → 10 LIF readout in tensor mode, trained by a batch rule (surrogate-bptt, spsa) through update transforms', options: LIF_MLP_OPTIONS },
);
