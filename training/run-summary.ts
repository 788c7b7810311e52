/**
 * What every training run reports when it ends, whichever trainer ran it: the presentation
 * trainer of local-rule models (TrainSummary, run-training.ts) and the batch trainer of tensor
 * models (BatchTrainSummary, batch-trainer.ts) add their own accuracies and plugins to it.
 */
import type { Prediction } from './learning-curve.js';

export interface RunSummary {
  model: string;
  dataset: string;
  neurons: number;
  epochs: number;
  trainSamples: number;
  testSamples: number;
  wallSeconds: number;
  msPerTrainSample: number;
  backend: string;
  seed: number;
  runDir: string;
  resumed: boolean;
  /** The last evaluation's prediction of the final accuracy, when there was one. */
  predicted?: Prediction;
  /** Why the run ended before its planned end (--stop-when-predicted), or null. */
  stopReason: string | null;
}
