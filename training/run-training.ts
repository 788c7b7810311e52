/**
 * `snn train` and `snn eval` as library calls: resolve the configuration, load the data, keep the
 * run directory (config, manifest, metrics, checkpoints, model), and report.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset, subset, type Dataset } from '../datasets/dataset.js';
import { checkImbalanceRatio, longTailed, type LongTail } from '../datasets/long-tailed.js';
import { samplers } from '../datasets/sampler.js';
import { parsePluginSpec } from '../engine/registry.js';
import type { RunSummary } from './run-summary.js';
import { describeBackend } from '../engine/backend.js';
import { SnnError } from '../engine/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkShape } from '../io/check-shape.js';
import { MODEL_MAGIC, readFramed } from '../io/checkpoint.js';
import type { Hao2020Dataset } from '../models/zoo/hao2020.js';
import { policies } from '../learning/policies/registry.js';
import { transforms } from '../learning/transforms/registry.js';
import type { ScalingOrder } from '../learning/transforms/presentation-update.js';
import { Trainer, type EvalResult, type MetricsLine, type TrainProgress } from './trainer.js';
import { checkTrainingMemory } from './memory-check.js';
import { summarizeHidden, type HiddenSummary } from './hidden-summary.js';
import { checkProbeSamples, probeHiddenLayer, responsesInProcess, responsesInWorkers, type HiddenProbeResult } from './hidden-probe.js';
import { defaultWorkerScript } from './eval-job.js';
import { closest, distance } from 'fastest-levenshtein';
import { localModel, trainableModels, type ModelConfig } from './models.js';
import { checkResolvedRecipe, readRecipeFile, type ResolvedRecipe } from './recipe.js';
import { buildTrainingSystem, recipeFor } from './recipe-system.js';
import type { TrainingSystem } from './training-system.js';
import type { SparseCounts } from '../learning/linear-probe.js';
import type { RunConfigBase } from './run-config.js';

export interface RunConfig extends RunConfigBase {
  dataset: Hao2020Dataset;
  /** Long-tailed training subset with this ratio of largest to smallest class, or null. */
  imbalance: number | null;
  /** End the run once the predicted final accuracy has settled. */
  stopWhenPredicted: boolean;
  modelConfig: ModelConfig;
  /** The learning recipe, resolved (training/recipe.ts): what `--resume`, `snn eval` and the workers rebuild. */
  recipe: ResolvedRecipe;
}

export interface TrainRequest {
  model: string;
  dataset: string;
  neurons: number;
  epochs?: number;
  trainSamples?: number;
  testSamples?: number;
  evalEvery?: number;
  checkpointEvery?: number;
  seed: number;
  dataDir?: string;
  schedule?: 'simultaneous' | 'layerwise';
  precision?: 'f32' | 'f64';
  rest?: 'simulate' | 'reset';
  evalWorkers?: number;
  /** Sample order: a sampler spec such as 'shuffled' or 'rs2:ratio=0.1' (default 'sequential'). */
  sampler?: string;
  imbalance?: number;
  stopWhenPredicted?: boolean;
  /** Overrides of model configuration fields, as given on the command line (`--set KEY=VALUE`). */
  set?: Record<string, string>;
  /** Rule overrides 'TARGET=RULE[:key=value,...]' applied to the recipe (`--rule`, repeatable). */
  rules?: string[];
  /** A whole recipe: data (as parsed from YAML/JSON) or the path of a .yaml/.yml/.json file. */
  recipe?: unknown;
  /**
   * Update transforms ('lamb', 'spectra:c=1,iterations=20') over each training presentation's ΔW
   * of the weight rule on `transformOn` (default: the model's plastic projection), appended to the
   * recipe's own; `transformOrder` places them relative to that projection's synaptic scaling,
   * `transformRate` is the η of the transformed step (default: the rule's eta).
   */
  transforms?: string[];
  transformOn?: string;
  transformOrder?: ScalingOrder;
  transformRate?: number;
  /** A batch policy: refused, local rules update once per presentation (docs/learning.md). */
  policy?: string;
  /** Evaluate exactly after these numbers of trained samples (and at the end). */
  evalAt?: number[];
  out: string;
}

export interface TrainSummary extends RunSummary {
  slAccuracy: number | null;
  uslAccuracy: number;
  /** Long-tailed runs: balanced and rare-class accuracy of the last evaluation. */
  balancedAccuracy?: { sl: number | null; usl: number };
  rareClassAccuracy?: { sl: number | null; usl: number; classes: number[] };
  /** Ended by `control.shouldStop` (Ctrl-C): a checkpoint at `trainSamples`, no model yet. */
  interrupted: boolean;
  /** Trained samples the run started from (its checkpoint's; 0 for a new run). */
  startSamples: number;
  /** Milliseconds per sample trained by this process alone (a resumed run's earlier samples not counted). */
  msPerNewSample: number;
}

/** Hooks of a caller that watches and may stop a run (the CLI: progress, evaluations, Ctrl-C). */
export interface TrainControl {
  /** Asked after every sample; true ends the run there with a checkpoint. */
  shouldStop?: () => boolean;
  onEvaluation?: (line: MetricsLine) => void;
  /** Called once the run is ready to train: where it starts (a resumed run's checkpoint) and its length. */
  onStart?: (start: { trained: number; total: number; resumed: boolean; runDir: string }) => void;
}

function checkModel(model: string): string {
  trainableModels.entry(model);
  return model;
}

function checkEvalAt(at: readonly number[], total: number): number[] {
  for (const n of at) {
    if (!Number.isInteger(n) || n <= 0 || n > total) throw new SnnError('usage', `evalAt ${n} is not a sample count in 1..${total}`, 'give positive sample counts up to epochs × train samples × stages');
  }
  return [...new Set(at)].sort((a, b) => a - b);
}

function checkDataset(d: string): Hao2020Dataset {
  if (d !== 'mnist' && d !== 'fashion-mnist') throw new SnnError('usage', `unknown dataset '${d}'`, "use 'mnist' or 'fashion-mnist'");
  return d;
}

export function resolveRunConfig(req: TrainRequest): RunConfig {
  const model = checkModel(req.model);
  const dataset = checkDataset(req.dataset);
  const modelConfig = localModel(model).config(dataset, req.neurons, { schedule: req.schedule, precision: req.precision, rest: req.rest });
  applyOverrides(modelConfig as unknown as Record<string, unknown>, req.set ?? {});
  const recipeData = typeof req.recipe === 'string' ? readRecipeFile(req.recipe) : req.recipe;
  if (req.policy !== undefined) {
    policies.options(parsePluginSpec(req.policy, 'batch policy').name, parsePluginSpec(req.policy, 'batch policy').options);
    throw new SnnError('usage', `--policy: ${model} learns with local rules, one update per presentation; a batch policy needs batches to size`, 'omit --policy (update transforms work: --transform lamb)');
  }
  const recipe = recipeFor(model, modelConfig, {
    recipe: recipeData,
    rules: req.rules,
    source: typeof req.recipe === 'string' ? `recipe ${req.recipe}` : undefined,
    transforms: { transforms: req.transforms ?? [], on: req.transformOn, order: req.transformOrder, rate: req.transformRate },
  });
  const trainSamples = req.trainSamples ?? 60000;
  const evalEvery = req.evalEvery ?? Math.min(10000, trainSamples * (req.epochs ?? 1));
  return {
    model,
    dataset,
    neurons: req.neurons,
    epochs: req.epochs ?? 1,
    trainSamples,
    testSamples: req.testSamples ?? 10000,
    evalEvery,
    checkpointEvery: req.checkpointEvery ?? Math.min(1000, evalEvery),
    sampler: checkSamplerSpec(req.sampler ?? 'sequential'),
    imbalance: checkImbalance(req.imbalance ?? null),
    stopWhenPredicted: req.stopWhenPredicted ?? false,
    evalAt: req.evalAt ? checkEvalAt(req.evalAt, trainSamples * (req.epochs ?? 1) * recipe.stages.length) : null,
    seed: req.seed,
    dataDir: req.dataDir ?? null,
    modelConfig,
    recipe,
  };
}

/** A sampler spec ('rs2:ratio=0.1'), checked against the sampler registry before anything runs. */
function checkSamplerSpec(text: string): string {
  const { name, options } = parsePluginSpec(text, 'sampler');
  samplers.options(name, options);
  return text.trim();
}

function checkImbalance(ratio: number | null): number | null {
  return ratio === null ? null : checkImbalanceRatio(ratio);
}

/** Fields a user may not override: they are set by their own options or define the data. */
const FIXED_FIELDS = new Set(['dataset', 'neurons']);

/**
 * Applies `--set KEY=VALUE` overrides to a model configuration, typed by the field's current value
 * (number, string, boolean, or a nullable number: `null`). Unknown fields are refused with the
 * nearest known name. The neuron models validate the resulting parameters when they are built.
 */
export function applyOverrides(config: Record<string, unknown>, set: Record<string, string>): void {
  const fields = Object.keys(config).filter((k) => !FIXED_FIELDS.has(k));
  for (const [key, raw] of Object.entries(set)) {
    if (!fields.includes(key)) {
      const near = fields.length ? closest(key, fields) : '';
      const hint = near && distance(key, near) <= 3 ? `did you mean '${near}'?` : `settable fields: ${fields.join(', ')}`;
      throw new SnnError('usage', `--set ${key}: the model configuration has no field '${key}'`, hint);
    }
    const current = config[key];
    let value: unknown;
    if (raw === 'null' && (current === null || typeof current === 'number')) value = null;
    else if (typeof current === 'number' || current === null) {
      value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value)) throw new SnnError('usage', `--set ${key}=${raw}: expected a finite number`, `e.g. --set ${key}=${current ?? 1}`);
    } else if (typeof current === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new SnnError('usage', `--set ${key}=${raw}: expected true or false`, `e.g. --set ${key}=${!current}`);
      value = raw === 'true';
    } else if (typeof current === 'string') value = raw;
    else throw new SnnError('usage', `--set ${key}: this field cannot be set from the command line`, 'edit config.json of a run instead');
    config[key] = value;
  }
}

function loadSplits(cfg: RunConfig): { train: Dataset & { longTail?: LongTail }; test: Dataset } {
  const opts = { dataDir: cfg.dataDir ?? undefined, rescaleMeanTo: cfg.modelConfig.rescaleMeanTo ?? undefined };
  const train = loadDataset(cfg.dataset, 'train', opts);
  const test = loadDataset(cfg.dataset, 'test', opts);
  for (const [name, want, have] of [['--train-samples', cfg.trainSamples, train.count], ['--test-samples', cfg.testSamples, test.count]] as const) {
    if (want > have) throw new SnnError('config.invalid', `${name} ${want} is more than the ${have} samples of the set`, `use at most ${have}`);
  }
  const first = subset(train, cfg.trainSamples);
  return { train: cfg.imbalance === null ? first : longTailed(first, cfg.imbalance, cfg.seed), test: subset(test, cfg.testSamples) };
}

export function buildSystem(cfg: RunConfig): TrainingSystem {
  checkTrainingMemory(cfg.neurons, cfg.modelConfig.precision);
  return buildTrainingSystem(cfg.model, cfg.modelConfig, cfg.seed, cfg.recipe);
}

/** How evaluation workers rebuild this run's model and test set. */
function evalSpecOf(cfg: RunConfig) {
  return {
    model: cfg.model,
    config: cfg.modelConfig,
    recipe: cfg.recipe,
    seed: cfg.seed,
    dataset: { name: cfg.dataset, dataDir: cfg.dataDir, rescaleMeanTo: cfg.modelConfig.rescaleMeanTo },
  };
}

/** Default evaluation workers: one per core, at most 2 (the machines this targets). */
export function defaultEvalWorkers(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

function gitCommit(): string | null {
  try {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    throw new SnnError('io.missing', `${path} is missing or unreadable`, 'give a run directory written by snn train');
  }
}

/**
 * A model configuration saved by an earlier version, with the fields added since filled in by their
 * defaults — every added field defaults to the behaviour from before it existed (e.g. inputDelayMs 0).
 */
function withAddedFields(model: string, dataset: string, neurons: number, saved: RunConfig['modelConfig']): RunConfig['modelConfig'] {
  const fresh = resolveRunConfig({ model, dataset, neurons, seed: 0, out: '' }).modelConfig;
  return { ...fresh, ...saved } as RunConfig['modelConfig'];
}

/** A run directory's config.json, checked against this version, with fields added since filled in. */
export function readRunConfig(runDir: string): RunConfig {
  const path = join(runDir, 'config.json');
  const cfg = readJson<RunConfig>(path);
  // A damaged or hand-edited config.json must fail here, naming the field, not deep in the run.
  const hint = 'restore the config.json snn train wrote, or start a new run with --out';
  checkShape(cfg, { model: '', dataset: '', neurons: 0, seed: 0, modelConfig: {} }, path, 'run configuration', hint);
  // Run options added since a run was started default to the behaviour from before they existed.
  const saved = cfg as Partial<RunConfig> & RunConfig;
  const modelConfig = withAddedFields(cfg.model, cfg.dataset, cfg.neurons, cfg.modelConfig);
  // Runs from before recipes existed trained with their model's default recipe.
  const recipe = cfg.recipe === undefined ? recipeFor(cfg.model, modelConfig) : checkResolvedRecipe(cfg.recipe, modelConfig, `${path}: recipe`);
  const completed: RunConfig = { ...cfg, imbalance: saved.imbalance ?? null, stopWhenPredicted: saved.stopWhenPredicted ?? false, evalAt: cfg.evalAt ?? null, modelConfig, recipe };
  const template = resolveRunConfig({ ...completed, evalAt: undefined, dataDir: completed.dataDir ?? undefined, imbalance: completed.imbalance ?? undefined, out: runDir });
  checkShape(completed, { ...template, recipe, evalAt: completed.evalAt }, path, 'run configuration', hint);
  return completed;
}

export function train(req: TrainRequest | { resume: string; evalWorkers?: number; epochs?: number }, onProgress?: (p: TrainProgress) => void, stopAfter?: number, control: TrainControl = {}): TrainSummary {
  const started = performance.now();
  let cfg: RunConfig;
  let runDir: string;
  let finishedEpochs = 0;
  const resuming = 'resume' in req;
  if (resuming) {
    runDir = req.resume;
    cfg = readRunConfig(runDir);
    finishedEpochs = cfg.epochs;
    if (req.epochs !== undefined && req.epochs !== cfg.epochs) {
      if (req.epochs < cfg.epochs) throw new SnnError('usage', `--epochs ${req.epochs} is fewer than the ${cfg.epochs} the run in ${runDir} was started with`, 'a resumed run can only be extended; omit --epochs to finish it as started');
      cfg = { ...cfg, epochs: req.epochs };
    }
  } else {
    cfg = resolveRunConfig(req);
    runDir = req.out;
    if (existsSync(join(runDir, 'checkpoint.snnckpt'))) {
      throw new SnnError('usage', `${runDir} already holds a training run`, `continue it with --resume ${runDir}, or choose another --out`);
    }
  }
  // Built before the run directory exists: a recipe whose target the graph lacks leaves nothing behind.
  const system = buildSystem(cfg);
  const { train: trainSet, test: testSet } = loadSplits(cfg);
  if (resuming && cfg.epochs > finishedEpochs && system.stages.length !== 1) {
    throw new SnnError('usage', `the run in ${runDir} trains in ${system.stages.length} stages and cannot be extended: each stage follows the previous stage's last epoch`, 'start a new run with the larger --epochs');
  }
  const trainer = new Trainer(system, trainSet, testSet, {
    epochs: cfg.epochs,
    seed: cfg.seed,
    evalEvery: cfg.evalEvery,
    checkpointEvery: cfg.checkpointEvery,
    runDir,
    modelInfo: { model: cfg.model, dataset: cfg.dataset, config: cfg.modelConfig, recipe: cfg.recipe, seed: cfg.seed },
    onProgress,
    stopAfter,
    shouldStop: control.shouldStop,
    onEvaluation: control.onEvaluation,
    evalWorkers: req.evalWorkers ?? defaultEvalWorkers(),
    evalSpec: evalSpecOf(cfg),
    sampler: cfg.sampler,
    longTail: trainSet.longTail,
    stopWhenPredicted: cfg.stopWhenPredicted,
    ...(cfg.evalAt ? { evalAt: cfg.evalAt } : {}),
  });
  const resumed = resuming && trainer.restore();
  // Extended (--resume with more --epochs): a finished run reopens at the start of its next epoch.
  if (resumed && cfg.epochs > finishedEpochs) trainer.reopenFinished(finishedEpochs);
  // Created only now, once every option has been checked: a failed start leaves no empty directory.
  if (!resuming) mkdirSync(runDir, { recursive: true });
  if (!resuming || cfg.epochs > finishedEpochs) writeFileAtomic(join(runDir, 'config.json'), `${JSON.stringify(cfg, null, 2)}\n`);
  // A run killed between config.json and manifest.json gets its manifest when it is resumed.
  if (!resuming || !existsSync(join(runDir, 'manifest.json'))) {
    writeFileAtomic(
      join(runDir, 'manifest.json'),
      `${JSON.stringify(
        {
          seed: cfg.seed,
          snnVersion: readPackageVersion(),
          node: process.versions.node,
          gitCommit: gitCommit(),
          backend: describeBackend(cfg.modelConfig.precision),
          datasets: {
            train: { name: trainSet.name, sha256: trainSet.sha256, count: trainSet.count, offset: trainSet.offset, rescaledMeanTo: trainSet.rescaledMeanTo, ...(trainSet.longTail ? { longTail: trainSet.longTail } : {}) },
            test: { name: testSet.name, sha256: testSet.sha256, count: testSet.count, offset: testSet.offset, rescaledMeanTo: testSet.rescaledMeanTo },
          },
        },
        null,
        2,
      )}\n`,
    );
  }
  const startSamples = trainer.trained;
  const startSeconds = (trainer.msPerTrainSample * startSamples) / 1000;
  control.onStart?.({ trained: startSamples, total: trainer.totalSamples, resumed, runDir });
  trainer.run();
  const newSamples = trainer.trained - startSamples;
  const newSeconds = (trainer.msPerTrainSample * trainer.trained) / 1000 - startSeconds;
  const last = trainer.lastEvaluation;
  const line = trainer.metrics.at(-1);
  return {
    model: cfg.model,
    dataset: cfg.dataset,
    neurons: cfg.neurons,
    epochs: cfg.epochs,
    slAccuracy: last?.slAccuracy ?? trainer.metrics.at(-1)?.slAccuracy ?? null,
    uslAccuracy: last?.uslAccuracy ?? trainer.metrics.at(-1)?.uslAccuracy ?? 0,
    trainSamples: trainer.trained,
    testSamples: cfg.testSamples,
    wallSeconds: (performance.now() - started) / 1000,
    msPerTrainSample: trainer.msPerTrainSample,
    backend: describeBackend(cfg.modelConfig.precision),
    seed: cfg.seed,
    runDir,
    resumed,
    ...(line?.balancedAccuracy ? { balancedAccuracy: line.balancedAccuracy, rareClassAccuracy: line.rareClassAccuracy } : {}),
    ...(line?.predicted ? { predicted: line.predicted } : {}),
    stopReason: trainer.stopReason,
    interrupted: trainer.interrupted,
    startSamples,
    msPerNewSample: newSamples > 0 ? (1000 * newSeconds) / newSamples : 0,
  };
}

function readPackageVersion(): string {
  try {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    for (const p of [join(root, 'package.json'), join(root, '..', 'package.json')]) {
      if (existsSync(p)) return (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
    }
  } catch {
    /* fall through */
  }
  return '0.0.0';
}

export interface EvalSummary {
  model: string;
  dataset: string;
  testSamples: number;
  slAccuracy: number | null;
  uslAccuracy: number;
  perClassSl: number[] | null;
  perClassUsl: number[];
  confusionSl: number[][] | null;
  confusionUsl: number[][];
  /** Neurons per class and threshold spread of the hidden layer (what it learned). */
  hidden: HiddenSummary;
  /** With `linearProbe`: the best linear readout of the hidden spike counts (training/hidden-probe.ts). */
  linearProbe?: HiddenProbeResult;
  /** With `keepHiddenCounts`: every test sample's hidden spike counts and its label (for embeddings). */
  responses?: { counts: SparseCounts; labels: Uint8Array };
  wallSeconds: number;
  backend: string;
}

interface ModelFile {
  model: string;
  dataset: string;
  config: ModelConfig;
  /** Absent in model files from before recipes: the model's default recipe. */
  recipe?: unknown;
  seed: number;
  arrays: Record<string, Float32Array | Float64Array>;
  assignments: Int8Array;
}

/** Evaluates a trained model (RUN_DIR/model.snnmodel) on a test set, plasticity frozen. */
export function evaluateRun(
  runDir: string,
  opts: {
    dataset?: string;
    testSamples?: number;
    dataDir?: string;
    evalWorkers?: number;
    onProgress?: (p: TrainProgress) => void;
    /** Also fit and score a linear probe of the hidden layer on this many training samples. */
    linearProbe?: { trainSamples: number; onProgress?: (done: number, total: number) => void };
    /** Also return every test sample's hidden spike counts (`responses`). */
    keepHiddenCounts?: boolean;
    /** Told what may not be what the caller meant (another data set than the model was trained on). */
    onWarning?: (message: string) => void;
  },
): EvalSummary {
  const started = performance.now();
  const modelPath = existsSync(join(runDir, 'model.snnmodel')) ? join(runDir, 'model.snnmodel') : runDir;
  const m = readFramed<ModelFile>(modelPath, MODEL_MAGIC, 'model');
  // Intact is not enough: the content must fit this version (checked before anything is built).
  const hint = 'it was written by another version or is damaged; retrain, or use an intact copy';
  checkShape(m, { model: '', dataset: '', seed: 0, config: { neurons: 0 }, arrays: {} }, modelPath, 'model', hint);
  m.config = withAddedFields(m.model, m.dataset, m.config.neurons, m.config);
  checkShape(m.config, resolveRunConfig({ model: m.model, dataset: m.dataset, neurons: m.config.neurons, seed: m.seed, out: '' }).modelConfig, modelPath, 'model', hint);
  const dataset = checkDataset(opts.dataset ?? m.dataset);
  if (dataset !== m.dataset) opts.onWarning?.(`the model was trained on ${m.dataset}; evaluating it on ${dataset}`);
  // A run directory's own test-set size by default (what its learning curve was measured on).
  const ownTestSamples = existsSync(join(runDir, 'config.json')) && dataset === m.dataset ? runTestSamples(join(runDir, 'config.json')) : null;
  const cfg: RunConfig = {
    model: checkModel(m.model),
    dataset,
    neurons: m.config.neurons,
    epochs: 0,
    trainSamples: 0,
    testSamples: opts.testSamples ?? ownTestSamples ?? 10000,
    evalEvery: 1,
    checkpointEvery: 1,
    sampler: 'sequential',
    imbalance: null,
    stopWhenPredicted: false,
    evalAt: null,
    seed: m.seed,
    dataDir: opts.dataDir ?? null,
    // The preprocessing the model was trained with on its own data set; another data set gets that set's default.
    modelConfig: { ...m.config, rescaleMeanTo: dataset === m.dataset ? (m.config.rescaleMeanTo ?? null) : dataset === 'fashion-mnist' ? 30 : null },
    recipe: m.recipe === undefined ? recipeFor(m.model, m.config) : checkResolvedRecipe(m.recipe, m.config, `${modelPath}: recipe`),
  };
  const test = subset(loadDataset(dataset, 'test', { dataDir: cfg.dataDir ?? undefined, rescaleMeanTo: cfg.modelConfig.rescaleMeanTo ?? undefined }), cfg.testSamples);
  const system = buildSystem(cfg);
  checkShape({ arrays: m.arrays, assignments: m.assignments }, { arrays: system.modelArrays(), assignments: new Int8Array(system.hidden.size) }, modelPath, 'model', hint);
  for (const [k, a] of Object.entries(system.modelArrays())) {
    const saved = m.arrays[k];
    if (!saved || saved.length !== a.length) throw new SnnError('io.corrupt', `model array '${k}' is missing or has the wrong size`, 'the model file is damaged or from another version');
    a.set(saved);
  }
  const trainer = new Trainer(system, subset(test, 0), test, { epochs: 0, seed: m.seed, evalEvery: 1, checkpointEvery: 1, runDir, modelInfo: {}, onProgress: opts.onProgress, evalWorkers: opts.evalWorkers ?? defaultEvalWorkers(), evalSpec: evalSpecOf(cfg) });
  // The probe's training set is loaded (and --probe-samples checked) before the test pass, not after it.
  const probeTrain = opts.linearProbe ? loadDataset(dataset, 'train', { dataDir: cfg.dataDir ?? undefined, rescaleMeanTo: cfg.modelConfig.rescaleMeanTo ?? undefined }) : null;
  if (opts.linearProbe) checkProbeSamples(opts.linearProbe.trainSamples, probeTrain!.count);
  // With the probe, the test pass keeps its hidden counts: the probe scores those same responses.
  const r: EvalResult = trainer.evaluateWithAssignments(m.assignments, opts.linearProbe !== undefined || opts.keepHiddenCounts === true);
  let linearProbe: HiddenProbeResult | undefined;
  if (opts.linearProbe && probeTrain) {
    const train = probeTrain;
    const workers = opts.evalWorkers ?? defaultEvalWorkers();
    const script = defaultWorkerScript();
    const responses =
      workers > 1 && script !== null
        ? responsesInWorkers(evalSpecOf(cfg), system, { train: train.count, test: test.count }, workers, script)
        : responsesInProcess(system, trainer.presenter, train, test);
    linearProbe = probeHiddenLayer(responses, train, test, { trainSamples: opts.linearProbe.trainSamples, seed: m.seed, onProgress: opts.linearProbe.onProgress, testCounts: r.hiddenCounts });
  }
  return {
    model: m.model,
    dataset,
    testSamples: r.samples,
    slAccuracy: r.slAccuracy,
    uslAccuracy: r.uslAccuracy,
    perClassSl: r.sl?.perClass() ?? null,
    perClassUsl: r.usl.perClass(),
    confusionSl: r.sl?.rows() ?? null,
    confusionUsl: r.usl.rows(),
    hidden: summarizeHidden(m.assignments, system.hidden.theta),
    ...(linearProbe ? { linearProbe } : {}),
    ...(opts.keepHiddenCounts && r.hiddenCounts ? { responses: { counts: r.hiddenCounts, labels: test.labels.subarray(0, r.samples) } } : {}),
    wallSeconds: (performance.now() - started) / 1000,
    backend: describeBackend(cfg.modelConfig.precision),
  };
}

/** `testSamples` of a run's config.json, or null when it is unreadable (then the default applies). */
function runTestSamples(path: string): number | null {
  try {
    const n = (JSON.parse(readFileSync(path, 'utf8')) as { testSamples?: unknown }).testSamples;
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}
