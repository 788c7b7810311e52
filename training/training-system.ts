/**
 * What the presentation-protocol trainer needs from a model: a built network with an input replay
 * source, a hidden layer (counted for re-presentation and the USL readout), an optional supervision
 * layer, the plasticity rules, and named arrays that make up the trained model.
 */
import type { FloatArray } from '../engine/float-array.js';
import type { PlasticityRule } from '../learning/plugin-contract.js';
import type { LifPopulation } from '../models/lif-population.js';
import type { Network } from '../models/network.js';
import type { ReplaySource } from '../models/replay-source.js';
import type { TeacherLifPopulation } from '../models/teacher-lif-population.js';

export interface PresentationProtocol {
  dt: number;
  presentMs: number;
  restMs: number;
  intensityStart: number;
  intensityMax: number;
  minSpikes: number;
  rest: 'simulate' | 'reset';
  teacherRate: number;
  /** Input encoding: the authors' Bernoulli p = r·dt with a dead step ('hao'), or merged Poisson. */
  inputEncoding: 'hao' | 'poisson';
  rescaleMeanTo: number | null;
}

/** The protocol fields every presentation-trained model's configuration carries. */
export type ProtocolConfig = Pick<PresentationProtocol, 'dt' | 'presentMs' | 'restMs' | 'intensityStart' | 'intensityMax' | 'minSpikes' | 'rest' | 'rescaleMeanTo'>;

/** A model's presentation protocol: its configuration's shared fields plus teacher and input encoding. */
export function presentationProtocol(c: ProtocolConfig, extra: Pick<PresentationProtocol, 'teacherRate' | 'inputEncoding'>): PresentationProtocol {
  return {
    dt: c.dt,
    presentMs: c.presentMs,
    restMs: c.restMs,
    intensityStart: c.intensityStart,
    intensityMax: c.intensityMax,
    minSpikes: c.minSpikes,
    rest: c.rest,
    rescaleMeanTo: c.rescaleMeanTo,
    ...extra,
  };
}

export interface TrainingStage {
  name: string;
  /** Teacher spikes on the supervision layer during this stage. */
  teacher: boolean;
}

export interface TrainingSystem {
  readonly model: string;
  readonly config: object;
  readonly net: Network;
  readonly input: ReplaySource;
  readonly hidden: LifPopulation;
  readonly output: TeacherLifPopulation | null;
  readonly rules: readonly PlasticityRule[];
  readonly protocol: PresentationProtocol;
  readonly stages: readonly TrainingStage[];
  /** Switches plasticity for training in `stage`, or freezes everything (stage = null: evaluation). */
  setMode(stage: TrainingStage | null): void;
  /** Called when a stage begins (e.g. re-initialise the weights that stage trains). */
  onStageStart?(stage: TrainingStage): void;
  /** Update transforms' diagnostics averaged since the last call, per projection (null: none ran). */
  takeDiagnostics?(): Record<string, Record<string, number>> | null;
  /** The arrays that define the trained model (weights, thresholds). */
  modelArrays(): Record<string, FloatArray>;
}
