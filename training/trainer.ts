/**
 * Trains a TrainingSystem by the presentation protocol, evaluates it on the test set every
 * `evalEvery` samples with plasticity frozen, and keeps a run directory:
 *
 *   config.json      resolved configuration (model and run options)
 *   manifest.json    seed, versions, git commit, backend, dataset checksums
 *   metrics.jsonl    the learning curve: one line per evaluation — SL/USL and per-class accuracy,
 *                    presentations per test sample, the hidden layer's neurons per class and θ spread,
 *                    the predicted final accuracy (training/learning-curve.ts) and, on long-tailed
 *                    data, balanced and rare-class accuracy (deterministic: no wall times)
 *   timing.jsonl     wall-clock figures per evaluation
 *   checkpoint.snnckpt  everything needed to continue (atomic, checksummed), every `checkpointEvery`
 *   model.snnmodel   the final trained model
 *
 * Resuming from the checkpoint continues the identical computation: every random stream is keyed
 * by (purpose, epoch, sample, repeat), and the checkpoint holds all state at a sample boundary,
 * so the final model and metrics equal those of a run that was never interrupted.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from '../datasets/dataset.js';
import { imageOf, shuffledIndices } from '../datasets/dataset.js';
import { balancedAccuracy, RARE_CLASSES, rareClassAccuracy, type LongTail } from '../datasets/long-tailed.js';
import { createSampler, type Sampler, type SamplerState } from '../datasets/sampler.js';
import { parsePluginSpec } from '../engine/registry.js';
import { predictFinal, predictionSettled, type Prediction } from './learning-curve.js';
import { RngStream } from '../engine/rng.js';
import { SnnError } from '../engine/errors.js';
import { assertFinite, findNonFinite } from '../engine/finite-guard.js';
import type { FloatArray } from '../engine/float-array.js';
import { SparseCounts } from '../learning/linear-probe.js';
import { assignClasses, argmaxCount, ClassResponses, Confusion, voteClass } from '../learning/readout.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkShape } from '../io/check-shape.js';
import { CHECKPOINT_MAGIC, MODEL_MAGIC, readFramed, writeFramed } from '../io/checkpoint.js';
import { guardedArrays, guardedState } from '../models/guarded-state.js';
import { defaultWorkerScript, evaluateInWorkers, type EvalJobSpec } from './eval-job.js';
import { Presenter, snapshotDynamics } from './presenter.js';
import { summarizeHidden, type HiddenSummary } from './hidden-summary.js';
import type { TrainingSystem } from './training-system.js';

export interface TrainOptions {
  epochs: number;
  seed: number;
  evalEvery: number;
  checkpointEvery: number;
  runDir: string;
  /** Extra fields for the final model file (e.g. the model config, for `snn eval`). */
  modelInfo: Record<string, unknown>;
  onProgress?: (p: TrainProgress) => void;
  /** Stop (as if killed) after this many trained samples: for tests of resume. */
  stopAfter?: number;
  /** Asked after every sample: true ends the run there with a checkpoint (Ctrl-C); `interrupted` is then set. */
  shouldStop?: () => boolean;
  /** Called with each evaluation's metrics line as it is recorded. */
  onEvaluation?: (line: MetricsLine) => void;
  /**
   * Order of the training samples: 'sequential' (the file's, the authors'), 'shuffled' (a seeded
   * shuffle per epoch), or any registered sampler spec such as 'rs2:ratio=0.1' (its state is
   * checkpointed; with RS2 an epoch is one round).
   */
  sampler?: string;
  /** The training set is a long-tailed subset: also record balanced and rare-class accuracy. */
  longTail?: LongTail;
  /** End the run (checkpoint and model written) once the predicted final accuracy has settled. */
  stopWhenPredicted?: boolean;
  /** Evaluate at exactly these trained-sample counts (and at the end) instead of every `evalEvery`. */
  evalAt?: readonly number[];
  /** Worker threads for test-set evaluation (1: in-process). Results do not depend on it. */
  evalWorkers?: number;
  /** How a worker rebuilds the model and the test set (required for evalWorkers > 1). */
  evalSpec?: Omit<EvalJobSpec, 'dataset'> & { dataset: Omit<EvalJobSpec['dataset'], 'count'> };
  /** Compiled worker script; default: beside this module when compiled, none from sources. */
  workerScript?: string | null;
}

export interface TrainProgress {
  trained: number;
  total: number;
  phase: 'train' | 'eval';
  runningAccuracy: number | null;
  evalDone?: number;
  evalTotal?: number;
}

export interface EvalResult {
  slAccuracy: number | null;
  uslAccuracy: number;
  samples: number;
  sl: Confusion | null;
  usl: Confusion;
  meanPresentations: number;
  /** The USL assignments the vote used. */
  assignments: Int8Array;
  /** Every test sample's hidden spike counts, when asked for (`keepHiddenCounts`), else null. */
  hiddenCounts: SparseCounts | null;
}

export interface MetricsLine {
  trained: number;
  stage: string;
  epoch: number;
  testSamples: number;
  slAccuracy: number | null;
  uslAccuracy: number;
  trainRunningAccuracy: number | null;
  perClassSl?: number[] | null;
  perClassUsl?: number[];
  /** Presentations per test sample (1 = no sample needed a stronger re-presentation). */
  meanPresentations?: number;
  /** What the hidden layer looked like at this evaluation (absent in runs from before it was recorded). */
  hidden?: HiddenSummary;
  /** Long-tailed training data: mean per-class accuracy, and mean over the 3 rarest training classes. */
  balancedAccuracy?: { sl: number | null; usl: number };
  rareClassAccuracy?: { sl: number | null; usl: number; classes: number[] };
  /** Accuracy predicted for the end of the run from this stage's evaluations so far (SL, else USL). */
  predicted?: Prediction;
  /** Why the run ended here, before its planned end (--stop-when-predicted). */
  stopped?: string;
  /**
   * Update transforms' diagnostics per wrapped projection (LAMB's trust ratio, SPECTRA's spectral
   * norms, …), each the mean over the training presentations since the previous evaluation.
   */
  transforms?: Record<string, Record<string, number>>;
}

interface Position {
  stage: number;
  epoch: number;
  index: number;
  trained: number;
}

interface Checkpoint {
  position: Position;
  step: number;
  populations: Record<string, Record<string, FloatArray | Int32Array | boolean>>;
  arrays: Record<string, FloatArray>;
  rules: Record<string, unknown>;
  responses: { current: [Float64Array, Float64Array]; previous: [Float64Array, Float64Array] };
  running: { correct: number; total: number };
  assignments: Int8Array;
  metrics: MetricsLine[];
  timing: Record<string, unknown>[];
  trainSeconds: number;
  trainedSinceStart: number;
  /** State of a registered (non-built-in) sampler; null for 'sequential' and 'shuffled'. */
  sampler: SamplerState | null;
}

export class Trainer {
  readonly presenter: Presenter;
  private readonly current: ClassResponses;
  private readonly previous: ClassResponses;
  private assignments: Int8Array;
  private running = { correct: 0, total: 0 };
  private position: Position = { stage: 0, epoch: 0, index: 0, trained: 0 };
  readonly metrics: MetricsLine[] = [];
  readonly timing: Record<string, unknown>[] = [];
  private trainSeconds = 0;
  private lastEval: EvalResult | null = null;
  /** A registered sampler drawing the training order (null: the built-in sequential / shuffled orders). */
  private readonly drawer: Sampler | null = null;
  /** The run was ended by `shouldStop` (checkpoint written, no model). */
  interrupted = false;

  constructor(
    readonly system: TrainingSystem,
    private readonly train: Dataset,
    private readonly test: Dataset,
    private readonly opts: TrainOptions,
  ) {
    this.presenter = new Presenter(system, opts.seed);
    this.current = new ClassResponses(system.hidden.size);
    this.previous = new ClassResponses(system.hidden.size);
    this.assignments = new Int8Array(system.hidden.size).fill(-1);
    const spec = parsePluginSpec(opts.sampler ?? 'sequential', 'sampler');
    if (spec.name !== 'sequential' && spec.name !== 'shuffled') {
      this.drawer = createSampler(
        spec.name,
        { count: train.count, rng: RngStream.derive(opts.seed, `sampler/${spec.name}`), labels: train.labels, plannedDraws: system.stages.length * opts.epochs * train.count },
        spec.options,
      );
    }
    // Numerical guard: the state after every presentation (cheap), everything before a checkpoint.
    system.net.addHooks({ onPresentationEnd: (_sample, t) => this.assertFinite(t, false) });
  }

  /** Samples per epoch: the training set, or one round of a round-based sampler (RS2). */
  get epochLength(): number {
    return this.drawer?.roundSize ?? this.train.count;
  }

  get totalSamples(): number {
    return this.system.stages.length * this.opts.epochs * this.epochLength;
  }

  /** Why the run ended before its planned end, or null. */
  get stopReason(): string | null {
    return this.metrics.at(-1)?.stopped ?? null;
  }

  private checkpointPath(): string {
    return join(this.opts.runDir, 'checkpoint.snnckpt');
  }

  /** Runs to the end (or to `stopAfter`); returns the final evaluation. */
  run(): EvalResult | null {
    const { system, opts } = this;
    const stages = system.stages;
    const n = this.epochLength;
    let sinceCheckpoint = 0;
    if (this.stopReason !== null) {
      this.writeModel();
      return this.lastEval;
    }
    const evalAt = opts.evalAt ? new Set(opts.evalAt) : null;
    for (let s = this.position.stage; s < stages.length; s++) {
      const stage = stages[s]!;
      if (this.position.epoch === 0 && this.position.index === 0) system.onStageStart?.(stage);
      for (let e = this.position.epoch; e < opts.epochs; e++) {
        for (let i = this.position.index; i < n; i++) {
          if (opts.stopAfter !== undefined && this.position.trained >= opts.stopAfter) return null;
          this.trainSample(stage, s, e, i);
          this.position = { stage: s, epoch: e, index: i + 1, trained: this.position.trained + 1 };
          sinceCheckpoint++;
          const trained = this.position.trained;
          const last = trained === this.totalSamples;
          if ((evalAt ? evalAt.has(trained) : trained % opts.evalEvery === 0) || last) {
            if (i + 1 === n) this.endEpoch(s, e);
            this.evaluateAndRecord(stage.name, e);
            this.saveCheckpoint();
            sinceCheckpoint = 0;
            if (this.stopReason !== null) {
              this.writeModel();
              return this.lastEval;
            }
            if (!last && opts.shouldStop?.()) return this.interrupt();
            continue;
          }
          if (i + 1 === n) this.endEpoch(s, e);
          // A stop request checkpoints here, at the same point as a periodic checkpoint (which resumes exactly).
          const stop = !last && opts.shouldStop?.() === true;
          if (sinceCheckpoint >= opts.checkpointEvery || stop) {
            this.saveCheckpoint();
            sinceCheckpoint = 0;
          }
          if (stop) return this.interrupt();
        }
      }
    }
    this.writeModel();
    return this.lastEval;
  }

  private interrupt(): null {
    this.interrupted = true;
    return null;
  }

  /** Moves the position past the end of an epoch (and stage); rotates the USL response banks. */
  private endEpoch(s: number, e: number): void {
    this.previous.sums.set(this.current.sums);
    this.previous.presentations.set(this.current.presentations);
    this.current.clear();
    const nextEpoch = e + 1 < this.opts.epochs;
    this.position = nextEpoch
      ? { stage: s, epoch: e + 1, index: 0, trained: this.position.trained }
      : { stage: s + 1, epoch: 0, index: 0, trained: this.position.trained };
  }

  private order: { key: string; indices: Int32Array } | null = null;

  /** Dataset index of the i-th sample of epoch e in stage s (a pure function of seed, stage, epoch: resume needs no state). */
  private sampleIndex(s: number, e: number, i: number): number {
    if (this.drawer) return this.drawer.next();
    if ((this.opts.sampler ?? 'sequential') === 'sequential') return i;
    const key = `${s}/${e}`;
    if (this.order?.key !== key) this.order = { key, indices: shuffledIndices(this.train.count, RngStream.derive(this.opts.seed, `sampler/shuffled/st${s}/e${e}`)) };
    return this.order.indices[i]!;
  }

  private trainSample(stage: (typeof this.system.stages)[number], s: number, e: number, i: number): void {
    const t0 = performance.now();
    this.system.setMode(stage);
    const idx = this.sampleIndex(s, e, i);
    const label = this.train.labels[idx]!;
    const r = this.presenter.present(imageOf(this.train, idx), label, idx, stage, `train/st${s}/e${e}`);
    // Running accuracy: the USL vote on the sample before it is learned from.
    if (this.position.trained % 250 === 0) this.assignments = assignClasses([this.previous, this.current], this.assignments);
    const predicted = voteClass(this.assignments, r.hiddenCounts);
    this.running.total++;
    if (predicted === label) this.running.correct++;
    this.current.add(label, r.hiddenCounts);
    this.trainSeconds += (performance.now() - t0) / 1000;
    this.opts.onProgress?.({ trained: this.position.trained + 1, total: this.totalSamples, phase: 'train', runningAccuracy: this.running.total ? this.running.correct / this.running.total : null });
  }

  /** Frozen test pass over the whole test set: SL (supervision layer) and USL (assignment vote). */
  evaluate(): EvalResult {
    return this.evaluateWithAssignments(assignClasses([this.previous, this.current]));
  }

  /**
   * Frozen test pass with given USL assignments (a saved model's). Every test sample starts from a
   * reset dynamic state, and the training state is put back afterwards, so evaluating never changes
   * what training does next and the result is the same in-process or split over workers.
   * `keepHiddenCounts`: also return every test sample's hidden spike counts (for a linear probe).
   */
  evaluateWithAssignments(assignments: Int8Array, keepHiddenCounts = false): EvalResult {
    const { system, opts } = this;
    const kept = keepHiddenCounts ? new SparseCounts(system.hidden.size) : null;
    system.setMode(null);
    const restore = snapshotDynamics(system);
    const n = this.test.count;
    const sl = system.output ? new Confusion() : null;
    const usl = new Confusion();
    let presentations = 0;
    const workers = Math.min(opts.evalWorkers ?? 1, n);
    const script = opts.workerScript === undefined ? defaultWorkerScript() : opts.workerScript;
    if (workers > 1 && script !== null && opts.evalSpec) {
      const spec: EvalJobSpec = { ...opts.evalSpec, dataset: { ...opts.evalSpec.dataset, count: n } };
      const r = evaluateInWorkers(
        spec,
        system.modelArrays(),
        assignments,
        workers,
        script,
        (done) => opts.onProgress?.({ trained: this.position.trained, total: this.totalSamples, phase: 'eval', runningAccuracy: null, evalDone: done, evalTotal: n }),
        { hiddenCounts: keepHiddenCounts },
      );
      for (let i = 0; i < n; i++) {
        const label = this.test.labels[i]!;
        sl?.add(label, r.sl[i]!);
        usl.add(label, r.usl[i]!);
        presentations += r.presentations[i]!;
      }
      kept?.pushDense(r.hiddenCounts!);
    } else {
      for (let i = 0; i < n; i++) {
        const label = this.test.labels[i]!;
        const r = this.presenter.present(imageOf(this.test, i), label, i, null, 'test');
        presentations += r.presentations;
        sl?.add(label, argmaxCount(r.outputCounts));
        usl.add(label, voteClass(assignments, r.hiddenCounts));
        kept?.push(r.hiddenCounts);
        opts.onProgress?.({ trained: this.position.trained, total: this.totalSamples, phase: 'eval', runningAccuracy: null, evalDone: i + 1, evalTotal: n });
      }
    }
    restore();
    return { slAccuracy: sl ? sl.accuracy : null, uslAccuracy: usl.accuracy, samples: n, sl, usl, meanPresentations: presentations / Math.max(1, n), assignments, hiddenCounts: kept };
  }

  private evaluateAndRecord(stage: string, epoch: number): void {
    const t0 = performance.now();
    const r = this.evaluate();
    this.lastEval = r;
    const line: MetricsLine = {
      trained: this.position.trained,
      stage,
      epoch,
      testSamples: r.samples,
      slAccuracy: r.slAccuracy,
      uslAccuracy: r.uslAccuracy,
      trainRunningAccuracy: this.running.total ? this.running.correct / this.running.total : null,
      perClassSl: r.sl?.perClass() ?? null,
      perClassUsl: r.usl.perClass(),
      meanPresentations: r.meanPresentations,
      hidden: summarizeHidden(r.assignments, this.system.hidden.theta),
    };
    const diagnostics = this.system.takeDiagnostics?.() ?? null;
    if (diagnostics !== null) line.transforms = diagnostics;
    const lt = this.opts.longTail;
    if (lt) {
      const sl = r.sl?.perClass() ?? null;
      const usl = r.usl.perClass();
      line.balancedAccuracy = { sl: sl && balancedAccuracy(sl), usl: balancedAccuracy(usl) };
      const classes = lt.rarestFirst.slice(0, RARE_CLASSES);
      line.rareClassAccuracy = { sl: sl && rareClassAccuracy(sl, lt.rarestFirst), usl: rareClassAccuracy(usl, lt.rarestFirst), classes };
    }
    const curve = [...this.metrics.filter((m) => m.stage === stage), line];
    const predicted = this.predict(curve);
    if (predicted) line.predicted = predicted;
    if (this.opts.stopWhenPredicted && line.trained < this.totalSamples && predictionSettled(curve.map((m) => m.predicted?.final ?? null))) {
      line.stopped = `the predicted final accuracy settled (${(100 * predicted!.final).toFixed(2)} %, moved < 0.1 points over the last 3 evaluations)`;
    }
    this.metrics.push(line);
    this.opts.onEvaluation?.(line);
    this.timing.push({
      trained: this.position.trained,
      trainSeconds: this.trainSeconds,
      msPerTrainSample: (1000 * this.trainSeconds) / Math.max(1, this.position.trained),
      evalSeconds: (performance.now() - t0) / 1000,
    });
    writeFileAtomic(join(this.opts.runDir, 'metrics.jsonl'), this.metrics.map((m) => JSON.stringify(m)).join('\n') + '\n');
    writeFileAtomic(join(this.opts.runDir, 'timing.jsonl'), this.timing.map((m) => JSON.stringify(m)).join('\n') + '\n');
  }

  /**
   * Prediction of the final accuracy from a stage's evaluations so far (SL, else USL). A pure
   * function of the recorded curve and the run's length, so a resumed run writes the same one.
   */
  private predict(curve: readonly MetricsLine[]): Prediction | null {
    return predictFinal(curve.map((m) => ({ samples: m.trained, accuracy: m.slAccuracy ?? m.uslAccuracy })), this.totalSamples);
  }

  get lastEvaluation(): EvalResult | null {
    return this.lastEval;
  }

  get msPerTrainSample(): number {
    return (1000 * this.trainSeconds) / Math.max(1, this.position.trained);
  }

  get trained(): number {
    return this.position.trained;
  }

  /** Stops with SnnError('numeric.nonfinite') on a NaN/±Infinity in the state (and, with `model`, the weights). */
  private assertFinite(timeMs: number, model: boolean): void {
    const state = guardedState(this.system.net.populations);
    const arrays = model ? guardedArrays(this.system.modelArrays()) : [];
    if (findNonFinite(state) === null && findNonFinite(arrays) === null) return;
    const ckpt = this.checkpointPath();
    const hint = `${existsSync(ckpt) ? `the last good checkpoint is kept: ${ckpt}` : 'no checkpoint was written'}; check the learning rates, weights and time constants`;
    assertFinite(state, { timeMs, hint });
    assertFinite(arrays, { timeMs, what: 'model value', hint });
  }

  private saveCheckpoint(): void {
    this.assertFinite(this.system.net.time, true); // a bad state is never checkpointed
    writeFramed(this.checkpointPath(), CHECKPOINT_MAGIC, this.snapshot());
  }

  /** Everything a checkpoint holds; also the template a checkpoint is checked against before a restore. */
  private snapshot(): Checkpoint {
    const net = this.system.net;
    const populations: Checkpoint['populations'] = {};
    for (const pop of net.populations) {
      const st: Record<string, FloatArray | Int32Array | boolean> = { ...pop.stateVariables() };
      const lif = pop as unknown as { lastSpike?: Int32Array; thetaPlastic?: boolean };
      if (lif.lastSpike) st.lastSpike = lif.lastSpike;
      if (lif.thetaPlastic !== undefined) st.thetaPlastic = lif.thetaPlastic;
      populations[pop.name] = st;
    }
    const ck: Checkpoint = {
      position: this.position,
      step: net.step,
      populations,
      arrays: this.system.modelArrays(),
      rules: Object.fromEntries(this.system.rules.map((r) => [r.name, r.saveState()])),
      responses: { current: [this.current.sums, this.current.presentations], previous: [this.previous.sums, this.previous.presentations] },
      running: this.running,
      assignments: this.assignments,
      metrics: this.metrics,
      timing: this.timing,
      trainSeconds: this.trainSeconds,
      trainedSinceStart: this.position.trained,
      sampler: this.drawer?.getState() ?? null,
    };
    return ck;
  }

  /**
   * Reopens a finished single-stage run whose checkpoint was written after `finishedEpochs` epochs,
   * so that `run()` trains the epochs this trainer was given beyond them: the position moves from
   * "past the last stage" to the start of epoch `finishedEpochs`, exactly where a run given the
   * larger epoch count from the start stands at that moment (endEpoch rotated the same banks).
   */
  reopenFinished(finishedEpochs: number): void {
    if (this.system.stages.length !== 1 || this.position.stage !== 1) return;
    this.position = { stage: 0, epoch: finishedEpochs, index: 0, trained: this.position.trained };
    // The run is longer now: the recorded predictions become those of a run planned this long.
    this.metrics.forEach((m, i) => {
      if (m.predicted) m.predicted = this.predict(this.metrics.slice(0, i + 1).filter((x) => x.stage === m.stage)) ?? undefined;
    });
  }

  /** Restores the state saved by the last checkpoint; false if there is none. */
  restore(): boolean {
    if (!existsSync(this.checkpointPath())) return false;
    const ck = readFramed<Checkpoint>(this.checkpointPath(), CHECKPOINT_MAGIC, 'checkpoint');
    // Intact is not enough: check that it fits this model before applying any of it.
    const hint = 'it was written by another version or configuration; start a new run with --out';
    checkShape(ck, this.snapshot(), this.checkpointPath(), 'checkpoint', hint);
    const p = ck.position;
    const records = (a: unknown[]) => a.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x));
    if (![p.stage, p.epoch, p.index, p.trained, ck.step].every((x) => Number.isInteger(x) && x >= 0) || !records(ck.metrics) || !records(ck.timing)) {
      throw new SnnError('io.corrupt', `${this.checkpointPath()}: the checkpoint's position or records are invalid`, hint);
    }
    const net = this.system.net;
    for (const pop of net.populations) {
      const st = ck.populations[pop.name];
      if (!st) throw new SnnError('io.corrupt', `checkpoint has no state for population '${pop.name}'`, 'the checkpoint belongs to another model; start a new run');
      const vars = pop.stateVariables();
      for (const [k, v] of Object.entries(vars)) (v as FloatArray).set(st[k] as FloatArray);
      const lif = pop as unknown as { lastSpike?: Int32Array; thetaPlastic?: boolean };
      if (lif.lastSpike) lif.lastSpike.set(st.lastSpike as Int32Array);
      if (lif.thetaPlastic !== undefined) lif.thetaPlastic = st.thetaPlastic as boolean;
    }
    const arrays = this.system.modelArrays();
    for (const [k, a] of Object.entries(arrays)) {
      const saved = ck.arrays[k];
      if (!saved || saved.length !== a.length) throw new SnnError('io.corrupt', `checkpoint array '${k}' is missing or has the wrong size`, 'the checkpoint belongs to another configuration; start a new run');
      a.set(saved);
    }
    for (const r of this.system.rules) r.loadState(ck.rules[r.name] as never);
    if (this.drawer) this.drawer.setState(ck.sampler!);
    this.current.sums.set(ck.responses.current[0]);
    this.current.presentations.set(ck.responses.current[1]);
    this.previous.sums.set(ck.responses.previous[0]);
    this.previous.presentations.set(ck.responses.previous[1]);
    this.running = { ...ck.running };
    this.metrics.push(...ck.metrics);
    this.timing.push(...ck.timing);
    this.trainSeconds = ck.trainSeconds;
    this.position = ck.position;
    net.step = ck.step;
    // Rings hold no pending input at a sample boundary (plastic projections with delays deliver at arrival, from their rules' own spike rings); clear to be sure.
    for (const pop of net.populations) for (const ch of pop.channels) net.inputRing(pop.name, ch)?.clear();
    this.assignments.set(ck.assignments);
    return true;
  }

  private writeModel(): void {
    this.assertFinite(this.system.net.time, true);
    const assignments = assignClasses([this.previous, this.current]);
    writeFramed(join(this.opts.runDir, 'model.snnmodel'), MODEL_MAGIC, {
      format: 'snn-model',
      version: 1,
      ...this.opts.modelInfo,
      trained: this.position.trained,
      arrays: this.system.modelArrays(),
      assignments,
    });
  }
}
