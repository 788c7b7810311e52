/**
 * Training systems by model name: how `snn train`, `snn eval` and the evaluation workers build a
 * model from its configuration. A new trainable model registers one factory here.
 */
import { Registry } from '../learning/registry.js';
import type { Hao2020Config } from '../models/zoo/hao2020.js';
import type { DiehlCook2015Config } from '../models/zoo/diehl-cook-2015.js';
import { DiehlCook2015System } from './systems/diehl-cook-2015.js';
import { Hao2020System } from './systems/hao2020.js';
import type { TrainingSystem } from './training-system.js';

export type SystemFactory = (config: never, seed: number) => TrainingSystem;

export const systems = new Registry<SystemFactory>('trainable model');

systems.register('hao2020', ((config: Hao2020Config, seed: number) => new Hao2020System(config, seed)) as SystemFactory);
systems.register('diehl-cook-2015', ((config: DiehlCook2015Config, seed: number) => new DiehlCook2015System(config, seed)) as SystemFactory);

export function buildTrainingSystem(model: string, config: unknown, seed: number): TrainingSystem {
  return (systems.get(model) as (c: unknown, s: number) => TrainingSystem)(config, seed);
}
