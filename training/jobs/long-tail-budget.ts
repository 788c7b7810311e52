/**
 * The budget of a job on a long-tailed training set. Such a job trains on the subset that
 * `snn train --imbalance ρ --train-samples N` trains on, and its budget is whole passes over that
 * subset: one epoch = the subset's size. The size depends only on ρ and the labels of the first N
 * training images (the seed only picks which images of each class stay), so every seed and every
 * contender of a comparison gets the same budget, and samplers differ only in how they draw.
 */
import { loadDataset, subset } from '../../datasets/dataset.js';
import { DATASET_NAMES, type DatasetName } from '../../datasets/locate.js';
import { checkImbalanceRatio, longTailPlan } from '../../datasets/long-tailed.js';
import { SnnError } from '../../engine/errors.js';

export interface LongTailSubset {
  ratio: number;
  /** The subset is drawn from the first this many training images. */
  trainSamples: number;
  /** Images in the subset: one epoch. */
  size: number;
  classCounts: number[];
  rarestFirst: number[];
}

// Loading a training split to count its labels takes a moment; a comparison asks once per contender.
const known = new Map<string, LongTailSubset>();

export function longTailSubset(dataset: string, ratio: number, trainSamples: number): LongTailSubset {
  checkImbalanceRatio(ratio);
  if (!(DATASET_NAMES as readonly string[]).includes(dataset)) {
    throw new SnnError('usage', `--imbalance needs a data set with class labels to subset; '${dataset}' is not one`, `use ${DATASET_NAMES.map((d) => `'${d}'`).join(' or ')}`);
  }
  if (!Number.isInteger(trainSamples) || trainSamples < 1) throw new SnnError('usage', `--train-samples ${trainSamples}: expected a whole number ≥ 1`, 'e.g. --train-samples 60000');
  const key = `${dataset}/${ratio}/${trainSamples}`;
  const hit = known.get(key);
  if (hit) return hit;
  const train = loadDataset(dataset as DatasetName, 'train');
  if (trainSamples > train.count) throw new SnnError('config.invalid', `--train-samples ${trainSamples} is more than the ${train.count} samples of the set`, `use at most ${train.count}`);
  const plan = longTailPlan(subset(train, trainSamples).labels, ratio);
  const lt = { ratio, trainSamples, ...plan };
  known.set(key, lt);
  return lt;
}

/** Passes over the long-tailed subset that a budget of presentations stands for (whole passes only). */
export function longTailEpochs(budget: number, lt: LongTailSubset): number {
  if (budget % lt.size !== 0 || budget < lt.size) {
    const e = Math.max(1, Math.round(budget / lt.size));
    throw new SnnError('usage', `a budget of ${budget} samples is not whole passes over the ${lt.size} images of the long-tailed subset (ρ = ${lt.ratio})`, `use --budget-epochs ${e} (= --budget-samples ${e * lt.size})`);
  }
  return budget / lt.size;
}
