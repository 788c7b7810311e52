/**
 * The linear probe of a trained model's hidden layer (learning/linear-probe.ts), run end to end:
 * the frozen network is shown a seeded random subset of the training set and the whole test set,
 * every hidden spike count is kept, a logistic regression is fitted on the training responses and
 * scored on the test responses. Each sample is one frozen presentation with the evaluation's
 * protocol; the test samples use the evaluation's own random streams. The presentations run
 * in-process or on the evaluation's worker threads, with identical counts either way.
 */
import type { Dataset } from '../datasets/dataset.js';
import { imageOf, shuffledIndices } from '../datasets/dataset.js';
import { SnnError } from '../engine/errors.js';
import { RngStream } from '../engine/rng.js';
import { Confusion } from '../learning/readout.js';
import { LINEAR_PROBE_DEFAULTS, SparseCounts, fitLinearProbe, predictLinearProbe } from '../learning/linear-probe.js';
import { evaluateInWorkers, type EvalJobSpec } from './eval-job.js';
import type { Presenter } from './presenter.js';
import type { TrainingSystem } from './training-system.js';

/** Hidden spike counts of samples `indices` of a split, one row per sample, with input streams keyed `streamKey`. */
export type HiddenResponses = (split: 'train' | 'test', indices: Int32Array, streamKey: string, onProgress: (done: number) => void) => SparseCounts;

/** Presentations in this thread, on the frozen `system`. */
export function responsesInProcess(system: TrainingSystem, presenter: Presenter, train: Dataset, test: Dataset): HiddenResponses {
  return (split, indices, streamKey, onProgress) => {
    const ds = split === 'train' ? train : test;
    system.setMode(null);
    const x = new SparseCounts(system.hidden.size);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      x.push(presenter.present(imageOf(ds, i), ds.labels[i]!, i, null, streamKey).hiddenCounts);
      onProgress(k + 1);
    }
    return x;
  };
}

/** Presentations on `workers` evaluation threads (eval-job.ts), each rebuilding the frozen model. */
export function responsesInWorkers(spec: Omit<EvalJobSpec, 'dataset'> & { dataset: Omit<EvalJobSpec['dataset'], 'count' | 'split'> }, system: TrainingSystem, counts: { train: number; test: number }, workers: number, script: string): HiddenResponses {
  return (split, indices, streamKey, onProgress) => {
    const job: EvalJobSpec = { ...spec, dataset: { ...spec.dataset, split, count: counts[split] } };
    const hidden = system.hidden.size;
    const r = evaluateInWorkers(job, system.modelArrays(), new Int8Array(hidden).fill(-1), workers, script, onProgress, { indices, streamKey, hiddenCounts: true });
    const x = new SparseCounts(hidden);
    x.pushDense(r.hiddenCounts!);
    return x;
  };
}

export interface HiddenProbeOptions {
  /** Training samples the probe is fitted on (a seeded random subset of the training set). */
  trainSamples: number;
  epochs?: number;
  seed: number;
  onProgress?: (done: number, total: number) => void;
  /**
   * The test set's hidden counts from the evaluation pass (Trainer.evaluateWithAssignments with
   * keepHiddenCounts): scored as they are instead of presenting the test set once more.
   */
  testCounts?: SparseCounts | null;
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

/** The probe draws its fitting samples from the training set: it cannot use more than there are. */
export function checkProbeSamples(trainSamples: number, available: number): void {
  if (trainSamples > available) {
    throw new SnnError('config.invalid', `--probe-samples ${trainSamples} is more than the ${available} training samples`, `use at most ${available}`);
  }
}

export function probeHiddenLayer(responses: HiddenResponses, train: Dataset, test: Dataset, opts: HiddenProbeOptions): HiddenProbeResult {
  checkProbeSamples(opts.trainSamples, train.count);
  const kept = opts.testCounts ?? null;
  if (kept !== null && kept.rows !== test.count) {
    throw new SnnError('internal', `the evaluation kept ${kept.rows} test responses for a test set of ${test.count}`, 'keep the hidden counts of the whole test pass');
  }
  const total = opts.trainSamples + (kept === null ? test.count : 0);
  const collect = (split: 'train' | 'test', indices: Int32Array, key: string, before: number) => {
    const x = responses(split, indices, key, (done) => opts.onProgress?.(before + done, total));
    const ds = split === 'train' ? train : test;
    return { x, labels: Int32Array.from(indices, (i) => ds.labels[i]!) };
  };
  const picked = shuffledIndices(train.count, RngStream.derive(opts.seed, 'probe/samples')).slice(0, opts.trainSamples);
  const fit = collect('train', picked, 'probe/train', 0);
  const all = new Int32Array(test.count);
  for (let i = 0; i < all.length; i++) all[i] = i;
  // The evaluation's streams: the probe scores the very responses SL and USL were scored on.
  const scored = kept === null ? collect('test', all, 'test', opts.trainSamples) : { x: kept, labels: Int32Array.from(all, (i) => test.labels[i]!) };
  const epochs = opts.epochs ?? LINEAR_PROBE_DEFAULTS.epochs;
  const probe = fitLinearProbe(fit.x, fit.labels, { ...LINEAR_PROBE_DEFAULTS, epochs, classes: 10 }, RngStream.derive(opts.seed, 'probe/sgd'));
  const predicted = predictLinearProbe(probe, scored.x);
  const confusion = new Confusion(10);
  for (let i = 0; i < predicted.length; i++) confusion.add(scored.labels[i]!, predicted[i]!);
  return {
    accuracy: confusion.accuracy,
    perClass: confusion.perClass(),
    trainSamples: opts.trainSamples,
    testSamples: test.count,
    epochs,
    features: 'log(1 + spike count) of every hidden neuron',
  };
}
