/**
 * What every training run writes to RUN_DIR/config.json, whichever trainer runs it: the
 * presentation trainer of local-rule models (RunConfig, run-training.ts) and the batch trainer of
 * tensor models (BatchRunConfig, batch-trainer.ts) add their model configuration and plugins.
 * `--resume`, `snn eval` and the workers rebuild a run from it.
 */
export interface RunConfigBase {
  model: string;
  dataset: 'mnist' | 'fashion-mnist';
  neurons: number;
  epochs: number;
  trainSamples: number;
  testSamples: number;
  evalEvery: number;
  checkpointEvery: number;
  /** Sampler spec: 'sequential', 'shuffled', or a registered sampler with options ('rs2:ratio=0.1'). */
  sampler: string;
  /** Evaluate exactly after these numbers of trained samples instead of every evalEvery (null: evalEvery). */
  evalAt: number[] | null;
  seed: number;
  dataDir: string | null;
}
