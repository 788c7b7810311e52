/** Public API of datasets/ (re-exports only). See docs/datasets.md. */
export { encodeIdx, isGzip, parseIdx, readIdx, readIdxBytes, type IdxArray } from './idx.js';
export {
  candidateNames,
  DATASET_NAMES,
  defaultDataDir,
  FASHION_MNIST_DEBIAN_DIR,
  locateDataset,
  mnistPackageDir,
  type DatasetFiles,
  type DatasetName,
  type LocateOptions,
  type Split,
} from './locate.js';
export { imageOf, loadDataset, NUM_CLASSES, shuffledIndices, subset, type Dataset, type LoadOptions } from './dataset.js';
export { rescaleToMeanIntensity } from './rescale-to-mean-intensity.js';
export {
  bernoulliReference,
  PoissonEncoder,
  stepSpikesToTrain,
  type PoissonEncoderOptions,
  type StepProbability,
  type StepSpikes,
} from './poisson-encoder.js';
export {
  nextIntensity,
  PRESENTATION_DEFAULTS,
  REPRESENTATION_DEFAULTS,
  type PresentationTiming,
  type RepresentationRule,
} from './presentation.js';
export {
  checkSamplerCount,
  checkSamplerState,
  createSampler,
  samplers,
  registerSampler,
  samplerNames,
  type Sampler,
  type SamplerFactory,
  type SamplerOptions,
  type SamplerState,
} from './sampler.js';
export { SequentialSampler } from './sequential-sampler.js';
export { ShuffledSampler } from './shuffled-sampler.js';
export { RS2_OPTIONS, Rs2Sampler, rs2RoundSize } from './rs2-sampler.js';
export { COOLDOWN_OPTIONS, CooldownSampler, TEMPERATURE_OPTIONS, temperatureProbabilities } from './cooldown-sampler.js';
export { balancedAccuracy, longTailed, longTailedCounts, rareClassAccuracy, type LongTail, type LongTailedDataset } from './long-tailed.js';
