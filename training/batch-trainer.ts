/**
 * `snn train` and `snn eval` for models trained by one batch rule (`lif-mlp`): the optimizer loop of
 * learning/batch-step.ts driven by a sampler, with the run directory of the local trainer:
 *
 *   config.json      the resolved run: model options, rule, transforms and policies with every option
 *   manifest.json    seed, versions, the tensor backend that ran, the data sets' checksums
 *   metrics.jsonl    one line per evaluation: test accuracy and loss, running training accuracy,
 *                    batch size and learning rate, the predicted final accuracy, the transforms' and
 *                    policies' diagnostics
 *   timing.jsonl     training seconds per evaluation (kept apart: metrics stay byte-reproducible)
 *   checkpoint.snnckpt  weights, the rule's, every transform's and policy's and the sampler's state,
 *                    the position and the metrics so far (atomic): `--resume` ≡ never stopping
 *   model.snnmodel   the trained weights with what `snn eval` needs to rebuild the network
 *
 * Batches are consecutive draws of the sampler (`--sampler rs2:ratio=0.1` works as for local
 * rules). A batch never straddles an evaluation point, so the evaluations fall on exact sample counts
 * whatever the batch size, and a run stopped at one (`stopAfter`) continues with the same batches.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, subset, type Dataset } from '../datasets/dataset.js';
import { createSampler, type Sampler, type SamplerState } from '../datasets/sampler.js';
import { SnnError } from '../engine/errors.js';
import { parsePluginSpec, resolveOptions, type OptionValue } from '../engine/registry.js';
import { RngStream } from '../engine/rng.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkShape } from '../io/check-shape.js';
import { CHECKPOINT_MAGIC, MODEL_MAGIC, readFramed, writeFramed } from '../io/checkpoint.js';
import { batchRules } from '../learning/batch-rules.js';
import { batchStep, nextBatchChoice, preparePolicies } from '../learning/batch-step.js';
import type { BatchPolicy, BatchRule, RuleState, UpdateTransform } from '../learning/plugin-contract.js';
import { policies as policyRegistry } from '../learning/policies/registry.js';
import { rules as localRules } from '../learning/rules.js';
import type { ForwardStats, SurrogateMlpConfig } from '../learning/surrogate-bptt.js';
import { describeTensorBackend, loadTensorBackend, type TensorBackend } from '../learning/tensor/backend.js';
import { transforms as transformRegistry } from '../learning/transforms/registry.js';
import { predictFinal, type Prediction } from './learning-curve.js';
import { LIF_MLP_OPTIONS, networkOptions, type LifMlpConfig } from './lif-mlp.js';
import { trainableModels, type BatchTrainableModel } from './models.js';
import type { TrainRequest } from './run-training.js';
import type { RunConfigBase } from './run-config.js';
import type { RunSummary } from './run-summary.js';
import type { TrainProgress } from './trainer.js';

/** A plugin with its options resolved against its schema (what config.json stores). */
export interface ResolvedPlugin {
  name: string;
  options: Record<string, OptionValue | null>;
}

export interface BatchRunConfig extends RunConfigBase {
  modelConfig: LifMlpConfig;
  rule: ResolvedPlugin;
  /** Applied to U in this order. */
  transforms: ResolvedPlugin[];
  /** Consulted in this order after every update. */
  policies: ResolvedPlugin[];
}

/** A batch-rule run's request: `snn train`'s, with policies as a list (`--policy` is repeatable). */
export type BatchTrainRequest = TrainRequest & { policies?: string[] };

export interface BatchMetricsLine {
  trained: number;
  epoch: number;
  updates: number;
  testSamples: number;
  /** Test accuracy of the readout (argmax of the logits). */
  accuracy: number;
  testLoss: number;
  /** Accuracy on the training batches since the previous evaluation, at the weights before each update. */
  trainRunningAccuracy: number | null;
  trainLoss: number | null;
  /** Batch size and learning rate the next update uses (policies may change them). */
  batchSize: number;
  learningRate: number;
  predicted?: Prediction;
  diagnostics: Record<string, number>;
}

export interface BatchTrainSummary extends RunSummary {
  rule: string;
  transforms: string[];
  policies: string[];
  accuracy: number | null;
}

const DATASETS = ['mnist', 'fashion-mnist'] as const;

/** `name (k=v, …)`, as the summaries print a plugin. */
export function describePlugin(p: ResolvedPlugin): string {
  const kv = Object.entries(p.options).map(([k, v]) => `${k}=${String(v)}`);
  return kv.length ? `${p.name} (${kv.join(', ')})` : p.name;
}

/**
 * The batch rule of a `--rule` list: at most one, named without a target (the rule trains the
 * whole network). A local rule's name is refused naming the batch rules.
 */
export function resolveBatchRule(model: string, specs: readonly string[] | undefined): ResolvedPlugin {
  const entry = trainableModels.get(model) as BatchTrainableModel;
  const known = batchRules.names().join(', ');
  if (specs !== undefined && specs.length > 1) throw new SnnError('usage', `${model} trains with one batch rule, got ${specs.length} --rule`, `give one, e.g. --rule ${entry.defaultRule}`);
  const text = specs?.[0] ?? entry.defaultRule;
  const colon = text.indexOf(':');
  const eq = text.indexOf('=');
  if (eq >= 0 && (colon < 0 || eq < colon)) {
    throw new SnnError('usage', `--rule '${text}': ${model}'s batch rule trains the whole network and takes no target`, `write --rule ${text.slice(eq + 1)} (batch rules: ${known})`);
  }
  const { name, options } = parsePluginSpec(text, 'batch rule');
  if (!batchRules.has(name)) {
    const what = localRules.has(name) ? `'${name}' is a local rule` : `unknown batch rule '${name}'`;
    throw new SnnError('usage', `--rule ${text}: ${what}; ${model} trains with a batch rule`, `batch rules: ${known}`);
  }
  return { name, options: batchRules.options(name, options) };
}

function resolvePlugins(specs: readonly string[], registry: { options(name: string, raw: Record<string, unknown>): Record<string, OptionValue | null> }, what: string): ResolvedPlugin[] {
  return specs.map((s) => {
    const { name, options } = parsePluginSpec(s, what);
    return { name, options: registry.options(name, options) };
  });
}

/** Checks a batch-rule run request and fills in every default; nothing is loaded or written. */
export function resolveBatchRunConfig(req: BatchTrainRequest): BatchRunConfig {
  const model = req.model;
  const entry = trainableModels.get(model);
  if (entry.kind !== 'batch') throw new SnnError('internal', `${model} is not a batch-rule model`, 'train it with training/run-training.ts');
  if (!(DATASETS as readonly string[]).includes(req.dataset)) throw new SnnError('usage', `unknown dataset '${req.dataset}'`, "use 'mnist' or 'fashion-mnist'");
  const refuse = (flag: string, given: unknown) => {
    if (given !== undefined) throw new SnnError('usage', `${flag} does not apply to ${model}`, `omit ${flag}; ${model}'s options are set with --set (snn plugins ${model})`);
  };
  refuse('--recipe', req.recipe);
  refuse('--schedule', req.schedule);
  refuse('--precision', req.precision);
  refuse('--rest', req.rest);
  refuse('--imbalance', req.imbalance);
  refuse('--stop-when-predicted', req.stopWhenPredicted || undefined);
  const rule = resolveBatchRule(model, req.rules);
  const transformSpecs = req.transforms?.length ? req.transforms : ['adam'];
  const policySpecs = [...(req.policy !== undefined ? [req.policy] : []), ...(req.policies ?? [])];
  const options = resolveOptions(`model ${model}: --set`, LIF_MLP_OPTIONS, req.set ?? {});
  const modelConfig = { dataset: req.dataset, neurons: req.neurons, ...options } as unknown as LifMlpConfig;
  const { name: sampler, options: samplerOptions } = parsePluginSpec(req.sampler ?? 'sequential', 'sampler');
  createSamplerCheck(sampler, samplerOptions);
  const trainSamples = req.trainSamples ?? 60000;
  const epochs = req.epochs ?? 1;
  const evalEvery = req.evalEvery ?? Math.min(10000, trainSamples * epochs);
  return {
    model,
    dataset: req.dataset as BatchRunConfig['dataset'],
    neurons: req.neurons,
    epochs,
    trainSamples,
    testSamples: req.testSamples ?? 10000,
    evalEvery,
    checkpointEvery: req.checkpointEvery ?? Math.min(1000, evalEvery),
    sampler: (req.sampler ?? 'sequential').trim(),
    evalAt: req.evalAt ? [...new Set(req.evalAt)].sort((a, b) => a - b) : null,
    seed: req.seed,
    dataDir: req.dataDir ?? null,
    modelConfig,
    rule,
    transforms: resolvePlugins(transformSpecs, transformRegistry, 'update transform'),
    policies: resolvePlugins(policySpecs, policyRegistry, 'batch policy'),
  };
}

function createSamplerCheck(name: string, options: Record<string, string>): void {
  // The sampler registry checks the name and options; the data set is not needed for that.
  createSampler(name, { count: 1, rng: RngStream.derive(0, 'sampler/check'), labels: [0] }, options);
}

/** Whether RUN_DIR (or a model file) belongs to a batch-rule model. */
export function isBatchRun(path: string): boolean {
  const config = join(path, 'config.json');
  try {
    if (existsSync(config)) {
      const m = (JSON.parse(readFileSync(config, 'utf8')) as { model?: unknown }).model;
      return typeof m === 'string' && trainableModels.has(m) && trainableModels.get(m).kind === 'batch';
    }
    const file = existsSync(join(path, 'model.snnmodel')) ? join(path, 'model.snnmodel') : path;
    if (!existsSync(file) || !file.endsWith('.snnmodel')) return false;
    const m = readFramed<{ model?: unknown }>(file, MODEL_MAGIC, 'model').model;
    return typeof m === 'string' && trainableModels.has(m) && trainableModels.get(m).kind === 'batch';
  } catch {
    return false;
  }
}

const specOf = (p: ResolvedPlugin): string => {
  const kv = Object.entries(p.options).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${String(v)}`);
  return kv.length ? `${p.name}:${kv.join(',')}` : p.name;
};

/** config.json of a batch-rule run, checked by resolving it again. */
export function readBatchRunConfig(runDir: string): BatchRunConfig {
  const path = join(runDir, 'config.json');
  let cfg: BatchRunConfig;
  try {
    cfg = JSON.parse(readFileSync(path, 'utf8')) as BatchRunConfig;
  } catch {
    throw new SnnError('io.missing', `${path} is missing or unreadable`, 'give a run directory written by snn train');
  }
  const hint = 'restore the config.json snn train wrote, or start a new run with --out';
  checkShape(cfg, { model: '', dataset: '', neurons: 0, seed: 0, modelConfig: {}, rule: { name: '', options: {} }, transforms: [], policies: [] }, path, 'run configuration', hint);
  const { dataset: _d, neurons: _n, ...set } = cfg.modelConfig;
  const again = resolveBatchRunConfig({
    model: cfg.model,
    dataset: cfg.dataset,
    neurons: cfg.neurons,
    epochs: cfg.epochs,
    trainSamples: cfg.trainSamples,
    testSamples: cfg.testSamples,
    evalEvery: cfg.evalEvery,
    checkpointEvery: cfg.checkpointEvery,
    sampler: cfg.sampler,
    ...(cfg.evalAt ? { evalAt: cfg.evalAt } : {}),
    seed: cfg.seed,
    ...(cfg.dataDir !== null ? { dataDir: cfg.dataDir } : {}),
    set: set as unknown as Record<string, string>,
    rules: [specOf(cfg.rule)],
    transforms: cfg.transforms.map(specOf),
    policies: cfg.policies.map(specOf),
    out: runDir,
  });
  checkShape(cfg, again, path, 'run configuration', hint);
  return again;
}

interface BatchCheckpoint {
  model: string;
  position: { trained: number; updates: number; batchSize: number; learningRate: number };
  running: { correct: number; loss: number; seen: number };
  arrays: Record<string, Float32Array>;
  rule: RuleState | null;
  transforms: RuleState[];
  policies: RuleState[];
  sampler: SamplerState;
  metrics: BatchMetricsLine[];
  trainSeconds: number;
}

/** What the loop needs of a rule on the 784-N-10 network (both registered batch rules offer it). */
type MlpRule = BatchRule & {
  last: ForwardStats;
  evaluate(indices: ArrayLike<number>, data?: Dataset, batchSize?: number): ForwardStats & { count: number };
  saveState?(): RuleState;
  loadState?(state: RuleState): void;
};

/** The rule of a run, its weights drawn from the run's seed (a checkpoint or model file then overwrites them). */
function buildRule(backend: TensorBackend, data: Dataset, cfg: Pick<BatchRunConfig, 'rule' | 'modelConfig' | 'seed'>): MlpRule {
  const net: Partial<SurrogateMlpConfig> = networkOptions(cfg.modelConfig, cfg.seed);
  return batchRules.get(cfg.rule.name)(backend, data, { ...cfg.rule.options, ...net }) as MlpRule;
}

function loadBackend(c: LifMlpConfig): Promise<TensorBackend> {
  return loadTensorBackend(c.tensorBackend === 'auto' ? undefined : c.tensorBackend);
}

function splits(cfg: BatchRunConfig): { train: Dataset; test: Dataset } {
  const opts = cfg.dataDir !== null ? { dataDir: cfg.dataDir } : {};
  const train = loadDataset(cfg.dataset, 'train', opts);
  const test = loadDataset(cfg.dataset, 'test', opts);
  for (const [name, want, have] of [['--train-samples', cfg.trainSamples, train.count], ['--test-samples', cfg.testSamples, test.count]] as const) {
    if (want > have) throw new SnnError('config.invalid', `${name} ${want} is more than the ${have} samples of the set`, `use at most ${have}`);
  }
  return { train: subset(train, cfg.trainSamples), test: subset(test, cfg.testSamples) };
}

function evaluateOn(rule: MlpRule, test: Dataset): ForwardStats & { count: number } {
  return rule.evaluate(Int32Array.from({ length: test.count }, (_, i) => i), test, 100);
}

class BatchTrainer {
  readonly sampler: Sampler;
  readonly chain: UpdateTransform[];
  readonly policies: BatchPolicy[];
  position = { trained: 0, updates: 0, batchSize: 0, learningRate: 0 };
  running = { correct: 0, loss: 0, seen: 0 };
  metrics: BatchMetricsLine[] = [];
  trainSeconds = 0;

  constructor(
    readonly cfg: BatchRunConfig,
    readonly rule: MlpRule,
    readonly train: Dataset,
    readonly test: Dataset,
    readonly runDir: string,
    readonly onProgress?: (p: TrainProgress) => void,
  ) {
    const spec = parsePluginSpec(cfg.sampler, 'sampler');
    const draft = createSampler(spec.name, { count: train.count, rng: RngStream.derive(cfg.seed, `sampler/${spec.name}`), labels: train.labels }, spec.options);
    const planned = cfg.epochs * (draft.roundSize ?? train.count);
    // Built again with the planned draws, for samplers whose schedule follows the run's progress.
    this.sampler = createSampler(spec.name, { count: train.count, rng: RngStream.derive(cfg.seed, `sampler/${spec.name}`), labels: train.labels, plannedDraws: planned }, spec.options);
    this.chain = cfg.transforms.map((t) => transformRegistry.get(t.name)(t.options));
    this.policies = cfg.policies.map((p) => policyRegistry.get(p.name)(p.options));
    preparePolicies(rule, this.policies);
    this.position.batchSize = cfg.modelConfig.batch;
    this.position.learningRate = cfg.modelConfig.learningRate;
  }

  get epochLength(): number {
    return this.sampler.roundSize ?? this.train.count;
  }

  get total(): number {
    return this.cfg.epochs * this.epochLength;
  }

  private get checkpointPath(): string {
    return join(this.runDir, 'checkpoint.snnckpt');
  }

  /** The evaluation points: `evalAt`, or every evalEvery samples; always the end. */
  private nextEvalAfter(trained: number): number {
    const at = this.cfg.evalAt;
    const next = at ? (at.find((n) => n > trained) ?? this.total) : (Math.floor(trained / this.cfg.evalEvery) + 1) * this.cfg.evalEvery;
    return Math.min(next, this.total);
  }

  async run(stopAfter: number | undefined): Promise<boolean> {
    let sinceCheckpoint = 0;
    while (this.position.trained < this.total) {
      if (stopAfter !== undefined && this.position.trained >= stopAfter) {
        if (sinceCheckpoint > 0) this.saveCheckpoint();
        return false;
      }
      const t0 = performance.now();
      const evalPoint = this.nextEvalAfter(this.position.trained);
      const n = Math.min(this.position.batchSize, evalPoint - this.position.trained);
      const indices = new Int32Array(n);
      for (let k = 0; k < n; k++) indices[k] = this.sampler.next();
      const step = { indices, update: this.position.updates };
      await batchStep(this.rule, step, { learningRate: this.position.learningRate, transforms: this.chain });
      this.running.correct += this.rule.last.correct;
      this.running.loss += this.rule.last.loss * n;
      this.running.seen += n;
      const next = nextBatchChoice(this.rule, step, this.policies, { batchSize: this.position.batchSize, learningRate: this.position.learningRate });
      this.position = { trained: this.position.trained + n, updates: this.position.updates + 1, ...next };
      this.trainSeconds += (performance.now() - t0) / 1000;
      sinceCheckpoint += n;
      this.onProgress?.({ trained: this.position.trained, total: this.total, phase: 'train', runningAccuracy: this.running.seen ? this.running.correct / this.running.seen : null });
      if (this.position.trained === evalPoint) {
        this.evaluateAndRecord();
        this.saveCheckpoint();
        sinceCheckpoint = 0;
      } else if (sinceCheckpoint >= this.cfg.checkpointEvery) {
        this.saveCheckpoint();
        sinceCheckpoint = 0;
      }
    }
    this.writeModel();
    return true;
  }

  private evaluateAndRecord(): void {
    const ev = evaluateOn(this.rule, this.test);
    const trained = this.position.trained;
    const line: BatchMetricsLine = {
      trained,
      epoch: Math.floor((trained - 1) / this.epochLength),
      updates: this.position.updates,
      testSamples: ev.count,
      accuracy: ev.correct / ev.count,
      testLoss: ev.loss,
      trainRunningAccuracy: this.running.seen ? this.running.correct / this.running.seen : null,
      trainLoss: this.running.seen ? this.running.loss / this.running.seen : null,
      batchSize: this.position.batchSize,
      learningRate: this.position.learningRate,
      diagnostics: Object.assign({}, ...[...this.chain, ...this.policies].map((p) => p.diagnostics?.() ?? {})) as Record<string, number>,
    };
    const predicted = predictFinal([...this.metrics, line].map((m) => ({ samples: m.trained, accuracy: m.accuracy })), this.total);
    if (predicted) line.predicted = predicted;
    this.metrics.push(line);
    this.running = { correct: 0, loss: 0, seen: 0 };
    this.onProgress?.({ trained, total: this.total, phase: 'eval', runningAccuracy: null, evalDone: ev.count, evalTotal: ev.count });
    this.writeMetrics();
  }

  private writeMetrics(): void {
    writeFileAtomic(join(this.runDir, 'metrics.jsonl'), this.metrics.map((m) => JSON.stringify(m)).join('\n') + (this.metrics.length ? '\n' : ''));
    const timing = { trained: this.position.trained, trainSeconds: this.trainSeconds, msPerTrainSample: (1000 * this.trainSeconds) / Math.max(1, this.position.trained) };
    writeFileAtomic(join(this.runDir, 'timing.jsonl'), `${JSON.stringify(timing)}\n`);
  }

  private arrays(): Record<string, Float32Array> {
    return Object.fromEntries(this.rule.tensors.map((t) => [t.name, Float32Array.from(t.values)]));
  }

  private saveCheckpoint(): void {
    for (const t of this.rule.tensors) {
      for (let i = 0; i < t.values.length; i++) {
        if (!Number.isFinite(t.values[i]!)) {
          const hint = existsSync(this.checkpointPath) ? `the last good checkpoint is kept: ${this.checkpointPath}; lower the learning rate` : 'lower the learning rate';
          throw new SnnError('numeric.nonfinite', `weight ${t.name}[${i}] is ${t.values[i]} after ${this.position.trained} samples`, hint);
        }
      }
    }
    const ck: BatchCheckpoint = {
      model: this.cfg.model,
      position: this.position,
      running: this.running,
      arrays: this.arrays(),
      rule: this.rule.saveState?.() ?? null,
      transforms: this.chain.map((t) => t.saveState()),
      policies: this.policies.map((p) => p.saveState()),
      sampler: this.sampler.getState(),
      metrics: this.metrics,
      trainSeconds: this.trainSeconds,
    };
    writeFramed(this.checkpointPath, CHECKPOINT_MAGIC, ck);
  }

  /** Continues from the checkpoint, if there is one; returns whether there was. */
  restore(): boolean {
    if (!existsSync(this.checkpointPath)) return false;
    const ck = readFramed<BatchCheckpoint>(this.checkpointPath, CHECKPOINT_MAGIC, 'checkpoint');
    const bad = (what: string) => new SnnError('io.corrupt', `${this.checkpointPath}: ${what}`, 'the checkpoint is damaged or from another run; restore it or start a new run with --out');
    if (ck.model !== this.cfg.model || ck.transforms?.length !== this.chain.length || ck.policies?.length !== this.policies.length) throw bad('it does not match config.json');
    for (const t of this.rule.tensors) {
      const saved = ck.arrays?.[t.name];
      if (!saved || saved.length !== t.values.length) throw bad(`weights '${t.name}' are missing or have the wrong size`);
      t.values.set(saved);
    }
    if (ck.rule !== null && this.rule.loadState) this.rule.loadState(ck.rule);
    this.chain.forEach((t, k) => t.loadState(ck.transforms[k]!));
    this.policies.forEach((p, k) => p.loadState(ck.policies[k]!));
    this.sampler.setState(ck.sampler);
    this.position = { ...ck.position };
    this.running = { ...ck.running };
    this.metrics = ck.metrics;
    this.trainSeconds = ck.trainSeconds;
    this.writeMetrics();
    return true;
  }

  writeModel(): void {
    writeFramed(join(this.runDir, 'model.snnmodel'), MODEL_MAGIC, {
      model: this.cfg.model,
      dataset: this.cfg.dataset,
      config: this.cfg.modelConfig,
      rule: this.cfg.rule,
      seed: this.cfg.seed,
      testSamples: this.cfg.testSamples,
      arrays: this.arrays(),
    });
  }
}

/**
 * Trains (or, with `{ resume }`, continues) a batch-rule run. `stopAfter`: stop at the first batch
 * boundary at or after this many samples, with a checkpoint (the library's interruption point).
 */
export async function trainBatch(
  req: BatchTrainRequest | { resume: string; evalWorkers?: number; epochs?: number },
  onProgress?: (p: TrainProgress) => void,
  stopAfter?: number,
): Promise<BatchTrainSummary> {
  const started = performance.now();
  const resuming = 'resume' in req;
  let cfg: BatchRunConfig;
  let runDir: string;
  if (resuming) {
    runDir = req.resume;
    cfg = readBatchRunConfig(runDir);
    if (req.epochs !== undefined && req.epochs !== cfg.epochs) {
      throw new SnnError('usage', `--epochs cannot change a batch-rule run (started with ${cfg.epochs})`, 'omit --epochs to finish the run as started');
    }
  } else {
    cfg = resolveBatchRunConfig(req);
    runDir = req.out;
    if (existsSync(join(runDir, 'checkpoint.snnckpt'))) throw new SnnError('usage', `${runDir} already holds a training run`, `continue it with --resume ${runDir}, or choose another --out`);
  }
  const backend = await loadBackend(cfg.modelConfig);
  const { train, test } = splits(cfg);
  const rule = buildRule(backend, train, cfg);
  const trainer = new BatchTrainer(cfg, rule, train, test, runDir, onProgress);
  if (cfg.evalAt !== null) {
    for (const n of cfg.evalAt) {
      if (!Number.isInteger(n) || n <= 0 || n > trainer.total) throw new SnnError('usage', `evalAt ${n} is not a sample count in 1..${trainer.total}`, 'give positive sample counts up to epochs × train samples');
    }
  }
  if (!resuming) mkdirSync(runDir, { recursive: true });
  const resumed = resuming && trainer.restore();
  if (!resuming) {
    writeFileAtomic(join(runDir, 'config.json'), `${JSON.stringify(cfg, null, 2)}\n`);
    writeFileAtomic(
      join(runDir, 'manifest.json'),
      `${JSON.stringify(
        {
          seed: cfg.seed,
          node: process.versions.node,
          backend: describeTensorBackend(backend),
          datasets: {
            train: { name: train.name, sha256: train.sha256, count: train.count, offset: train.offset },
            test: { name: test.name, sha256: test.sha256, count: test.count, offset: test.offset },
          },
        },
        null,
        2,
      )}\n`,
    );
  }
  const finished = await trainer.run(stopAfter);
  const last = trainer.metrics.at(-1);
  return {
    model: cfg.model,
    dataset: cfg.dataset,
    neurons: cfg.neurons,
    epochs: cfg.epochs,
    rule: describePlugin(cfg.rule),
    transforms: cfg.transforms.map(describePlugin),
    policies: cfg.policies.map(describePlugin),
    accuracy: last?.accuracy ?? null,
    trainSamples: trainer.position.trained,
    testSamples: cfg.testSamples,
    wallSeconds: (performance.now() - started) / 1000,
    msPerTrainSample: (1000 * trainer.trainSeconds) / Math.max(1, trainer.position.trained),
    backend: describeTensorBackend(backend),
    seed: cfg.seed,
    runDir,
    resumed,
    ...(last?.predicted ? { predicted: last.predicted } : {}),
    stopReason: finished ? null : `stopped after ${trainer.position.trained} samples (resume with --resume ${runDir})`,
  };
}

export interface BatchEvalSummary {
  model: string;
  dataset: string;
  rule: string;
  testSamples: number;
  accuracy: number;
  loss: number;
  perClass: number[];
  wallSeconds: number;
  backend: string;
}

interface BatchModelFile {
  model: string;
  dataset: string;
  config: LifMlpConfig;
  rule: ResolvedPlugin;
  seed: number;
  testSamples: number;
  arrays: Record<string, Float32Array>;
}

/** Scores a batch-rule model file (RUN_DIR/model.snnmodel) on the first test images (default: the run's). */
export async function evaluateBatchRun(runDir: string, opts: { dataset?: string; testSamples?: number; dataDir?: string } = {}): Promise<BatchEvalSummary> {
  const started = performance.now();
  const path = existsSync(join(runDir, 'model.snnmodel')) ? join(runDir, 'model.snnmodel') : runDir;
  const m = readFramed<BatchModelFile>(path, MODEL_MAGIC, 'model');
  const hint = 'it was written by another version or is damaged; retrain, or use an intact copy';
  checkShape(m, { model: '', dataset: '', seed: 0, testSamples: 0, config: { neurons: 0 }, rule: { name: '', options: {} }, arrays: {} }, path, 'model', hint);
  const dataset = opts.dataset ?? m.dataset;
  if (!(DATASETS as readonly string[]).includes(dataset)) throw new SnnError('usage', `unknown dataset '${dataset}'`, "use 'mnist' or 'fashion-mnist'");
  const all = loadDataset(dataset as BatchRunConfig['dataset'], 'test', opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {});
  const count = opts.testSamples ?? Math.min(m.testSamples, all.count);
  if (count > all.count) throw new SnnError('usage', `--test-samples ${count} is more than the ${all.count} test samples`, `use at most ${all.count}`);
  const test = subset(all, count);
  const backend = await loadBackend(m.config);
  const rule = buildRule(backend, test, { rule: m.rule, modelConfig: m.config, seed: m.seed });
  for (const t of rule.tensors) {
    const saved = m.arrays[t.name];
    if (!saved || saved.length !== t.values.length) throw new SnnError('io.corrupt', `${path}: weights '${t.name}' are missing or have the wrong size`, hint);
    t.values.set(saved);
  }
  const ev = evaluateOn(rule, test);
  return {
    model: m.model,
    dataset,
    rule: describePlugin(m.rule),
    testSamples: ev.count,
    accuracy: ev.correct / ev.count,
    loss: ev.loss,
    perClass: perClassAccuracy(rule, test),
    wallSeconds: (performance.now() - started) / 1000,
    backend: describeTensorBackend(backend),
  };
}

/** Accuracy per true class (one forward pass per class subset; same input streams as `evaluate`). */
function perClassAccuracy(rule: MlpRule, test: Dataset): number[] {
  const out: number[] = [];
  for (let c = 0; c < 10; c++) {
    const idx: number[] = [];
    for (let i = 0; i < test.count; i++) if (test.labels[i] === c) idx.push(i);
    out.push(idx.length ? rule.evaluate(idx, test, 100).correct / idx.length : NaN);
  }
  return out;
}
