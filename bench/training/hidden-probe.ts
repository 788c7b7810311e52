/**
 * The linear probe of a trained model's hidden layer (learning/linear-probe.ts), run end to end:
 * the frozen network is shown a seeded random subset of the training set and the whole test set,
 * every hidden spike count is kept, a logistic regression is fitted on the training responses and
 * scored on the test responses. Runs in-process: each sample is one frozen presentation (the same
 * protocol and random streams as evaluation), so the probe costs about two test passes.
 */
import type { Dataset } from '../../datasets/dataset.js';
import { imageOf, shuffledIndices } from '../../datasets/dataset.js';
import { SnnError } from '../../engine/errors.js';
import { RngStream } from '../../engine/rng.js';
import { LINEAR_PROBE_DEFAULTS, SparseCounts, fitLinearProbe, predictLinearProbe } from '../../learning/linear-probe.js';
import type { Presenter } from './presenter.js';
import type { TrainingSystem } from './training-system.js';

export interface HiddenProbeOptions {
  /** Training samples the probe is fitted on (a seeded random subset of the training set). */
  trainSamples: number;
  epochs?: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

export interface HiddenProbeResult {
  /** Test accuracy of the best linear readout of the hidden spike counts. */
  accuracy: number;
  perClass: number[];
  trainSamples: number;
  testSamples: number;
  epochs: number;
  features: 'log(1 + spike count) of every hidden neuron';
}

export function probeHiddenLayer(system: TrainingSystem, presenter: Presenter, train: Dataset, test: Dataset, opts: HiddenProbeOptions): HiddenProbeResult {
  if (opts.trainSamples > train.count) {
    throw new SnnError('config.invalid', `--probe-samples ${opts.trainSamples} is more than the ${train.count} training samples`, `use at most ${train.count}`);
  }
  system.setMode(null);
  const total = opts.trainSamples + test.count;
  let done = 0;
  const collect = (ds: Dataset, indices: ArrayLike<number>, key: string) => {
    const x = new SparseCounts(system.hidden.size);
    const labels = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      labels[k] = ds.labels[i]!;
      x.push(presenter.present(imageOf(ds, i), labels[k]!, i, null, key).hiddenCounts);
      opts.onProgress?.(++done, total);
    }
    return { x, labels };
  };
  const picked = shuffledIndices(train.count, RngStream.derive(opts.seed, 'probe/samples')).subarray(0, opts.trainSamples);
  const fit = collect(train, picked, 'probe/train');
  const all = new Int32Array(test.count);
  for (let i = 0; i < all.length; i++) all[i] = i;
  const scored = collect(test, all, 'test');
  const epochs = opts.epochs ?? LINEAR_PROBE_DEFAULTS.epochs;
  const probe = fitLinearProbe(fit.x, fit.labels, { ...LINEAR_PROBE_DEFAULTS, epochs, classes: 10 }, RngStream.derive(opts.seed, 'probe/sgd'));
  const predicted = predictLinearProbe(probe, scored.x);
  const right = new Array<number>(10).fill(0);
  const seen = new Array<number>(10).fill(0);
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) {
    const y = scored.labels[i]!;
    seen[y]!++;
    if (predicted[i] === y) {
      right[y]!++;
      correct++;
    }
  }
  return {
    accuracy: correct / Math.max(1, predicted.length),
    perClass: right.map((r, c) => (seen[c] ? r / seen[c]! : 0)),
    trainSamples: opts.trainSamples,
    testSamples: test.count,
    epochs,
    features: 'log(1 + spike count) of every hidden neuron',
  };
}
