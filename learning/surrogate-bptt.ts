/**
 * Surrogate-gradient BPTT (docs/tensor-mode.md) — the first `BatchRule`: the gradient baseline every
 * local rule is judged against.
 *
 * Network: input (rows·cols Poisson spike trains) → W1 [nIn × H] → hidden LIF → W2 [H × 10] →
 * output LIF, unrolled over T steps in tensor mode (learning/tensor/lif-tensor.ts: the clock
 * engine's equations and step order, float32, batched). Forward spikes are the one Heaviside;
 * the backward pass uses the named surrogate ψ (learning/surrogates.ts).
 *
 * Readout and loss: softmax cross-entropy on
 *   'spike-count' — output spike counts over the T steps (the output layer spikes), or
 *   'membrane'    — the time-averaged output membrane u = v − vRest (the output layer integrates
 *                   without threshold: a leaky-integrator readout, smooth from the first update).
 * Reset path detached by default (`detachReset`); θ has no gradient (tensor mode has constant θ).
 *
 * `step(batch)` returns U = ∂L/∂W for [W1, W2] (mean loss over the batch) and never writes the
 * weights (`firstLayerFactors()` then gives the step's input spikes, X of U₁ = XᵀG, for TrAct): `batchStep` (learning/batch-step.ts) applies W ← W − η·transform(U), e.g. with Adam.
 * After `collectPerSampleStats(true)` a step also computes AdAdaGrad's per-sample statistics
 * (`perSampleStats`), exactly and without forming per-sample gradients (learning/per-sample-norms.ts).
 * Weights are `WeightTensor` views (row-major [pre × post], a DenseProjection's layout); they are
 * uploaded to tfjs once per step and the tensors freed after it, so the graph keeps the only copy.
 *
 * Input: pixel p (0–255) fires as a Poisson train at p/255 · maxRateHz (datasets/ PoissonEncoder),
 * from the stream RngStream.derive(seed, `surrogate-bptt/encoder/<purpose>/s<sample>/u<update>`):
 * a presentation's spikes depend only on (seed, sample, update), never on what ran before.
 */
import type { Scalar, Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import { imageOf, type Dataset } from '../datasets/dataset.js';
import { PoissonEncoder } from '../datasets/poisson-encoder.js';
import { SnnError } from '../engine/errors.js';
import type { FloatArray } from '../engine/float-array.js';
import { RngStream } from '../engine/rng.js';
import type { LifParams } from '../models/lif.js';
import { UNIT_LIF } from '../models/unit-lif.js';
import { unrolledGradientNorms } from './per-sample-norms.js';
import type { Batch, BatchRule, LayerFactors, PerSampleStats, WeightTensor } from './plugin-contract.js';
import { countCorrect } from './readout.js';
import { spikeFunction, surrogate, type Surrogate } from './surrogates.js';
import type { TensorBackend } from './tensor/backend.js';
import { denseLifForward, lifForward, lifTensorLayer, projectSpikes, type LifForwardOptions, type LifTensorLayer } from './tensor/lif-tensor.js';
import { SpikeRaster } from './tensor/spike-raster.js';

export type Readout = 'spike-count' | 'membrane';

export interface SurrogateMlpConfig {
  hidden: number;
  /** Steps per presentation. */
  steps: number;
  /** ms. */
  dt: number;
  /** Rate of a 255 pixel, Hz. */
  maxRateHz: number;
  hiddenParams: LifParams;
  outputParams: LifParams;
  surrogate: string;
  /** Surrogate slope (1/mV); null: the surrogate's default. */
  beta: number | null;
  readout: Readout;
  detachReset: boolean;
  /** Initial weights ~ N(0, (initGain / √fanIn)²) (mV). */
  initGain: number;
  seed: number;
}


export const SURROGATE_MLP_DEFAULTS: SurrogateMlpConfig = {
  hidden: 100,
  steps: 20,
  dt: 1,
  maxRateHz: 400,
  hiddenParams: UNIT_LIF,
  outputParams: UNIT_LIF,
  surrogate: 'fast-sigmoid',
  beta: 10,
  readout: 'membrane',
  detachReset: true,
  initGain: 3,
  seed: 1,
};

export interface ForwardStats {
  /** Mean loss over the batch. */
  loss: number;
  /** Correctly classified samples in the batch. */
  correct: number;
  /** Mean hidden spikes per neuron per sample. */
  hiddenRate: number;
}

export class SurrogateBptt implements BatchRule {
  readonly kind = 'surrogate-bptt';
  readonly tensors: readonly WeightTensor[];
  readonly config: SurrogateMlpConfig;
  readonly surrogate: Surrogate;
  /** Statistics of the last `step`. */
  last: ForwardStats = { loss: NaN, correct: 0, hiddenRate: 0 };
  private readonly hidden: LifTensorLayer;
  private readonly output: LifTensorLayer;
  private readonly encoder: PoissonEncoder;
  private readonly nIn: number;
  /** Input spikes [T, B, nIn] of the last `step` (the first layer's X, rows = T·B). */
  private lastInput: SpikeRaster | null = null;
  /** Whether `step` also computes per-sample statistics (collectPerSampleStats). */
  private collect = false;
  /** The per-sample statistics of the last step, when collected. */
  private lastStats: { update: number; stats: PerSampleStats } | null = null;

  constructor(
    private readonly backend: TensorBackend,
    private readonly data: Dataset,
    config: Partial<SurrogateMlpConfig> = {},
    tensors?: readonly WeightTensor[],
  ) {
    const c = (this.config = { ...SURROGATE_MLP_DEFAULTS, ...config });
    if (!Number.isInteger(c.hidden) || c.hidden <= 0) throw new SnnError('config.invalid', `surrogate-bptt: hidden must be a positive integer, got ${c.hidden}`, 'use e.g. --hidden 100');
    if (!Number.isInteger(c.steps) || c.steps <= 0) throw new SnnError('config.invalid', `surrogate-bptt: steps must be a positive integer, got ${c.steps}`, 'use e.g. 20');
    if (c.readout !== 'spike-count' && c.readout !== 'membrane') {
      throw new SnnError('config.invalid', `surrogate-bptt: unknown readout '${String(c.readout)}'`, 'use spike-count or membrane');
    }
    this.surrogate = surrogate(c.surrogate, c.beta ?? undefined);
    this.nIn = data.rows * data.cols;
    this.hidden = lifTensorLayer(c.hiddenParams, c.dt, c.hidden);
    this.output = lifTensorLayer(c.outputParams, c.dt, 10);
    this.encoder = new PoissonEncoder({ size: this.nIn, dt: c.dt, durationMs: c.steps * c.dt, rateScale: c.maxRateHz / 255 });
    if (tensors) {
      const want: [number, number][] = [[this.nIn, c.hidden], [c.hidden, 10]];
      if (tensors.length !== 2) throw new SnnError('config.invalid', `surrogate-bptt: ${tensors.length} weight tensors given, expected 2`, 'pass [W1 (nIn × H), W2 (H × 10)]');
      tensors.forEach((t, k) => {
        if (t.shape[0] !== want[k]![0] || t.shape[1] !== want[k]![1] || t.values.length !== t.shape[0] * t.shape[1]) {
          throw new SnnError('config.invalid', `surrogate-bptt: tensor '${t.name}' is ${t.shape.join(' × ')}, expected ${want[k]!.join(' × ')}`, 'pass [W1 (nIn × H), W2 (H × 10)]');
        }
      });
      this.tensors = tensors;
    } else {
      const rng = RngStream.derive(c.seed, 'surrogate-bptt/init');
      const init = (name: string, rows: number, cols: number): WeightTensor => {
        const std = c.initGain / Math.sqrt(rows);
        return { name, shape: [rows, cols], values: Float32Array.from({ length: rows * cols }, () => std * rng.normal()) };
      };
      this.tensors = [init('input->hidden', this.nIn, c.hidden), init('hidden->output', c.hidden, 10)];
    }
  }

  /** Input spikes [T, B, nIn] of the samples as lists, from per-(sample, update) random streams. */
  encodeSpikes(indices: ArrayLike<number>, purpose: string, update: number, data: Dataset = this.data): SpikeRaster {
    if (data.rows * data.cols !== this.nIn) {
      throw new SnnError('config.invalid', `surrogate-bptt: ${data.name} images have ${data.rows * data.cols} pixels, the network ${this.nIn} inputs`, 'evaluate on the data set it was built for');
    }
    return SpikeRaster.fromSamples(this.config.steps, indices.length, this.nIn, (b) => {
      const i = indices[b]!;
      const rng = RngStream.derive(this.config.seed, `surrogate-bptt/encoder/${purpose}/s${data.offset + i}/u${update}`);
      return this.encoder.encode(imageOf(data, i), 1, rng);
    });
  }

  /** Dense input spikes [T, B, nIn] of the samples (`encodeSpikes` as a 0/1 block). */
  encode(indices: ArrayLike<number>, purpose: string, update: number, data: Dataset = this.data): Float32Array {
    return this.encodeSpikes(indices, purpose, update, data).dense();
  }

  /**
   * Logits [B, 10] and hidden spikes of a forward pass (differentiable in w1, w2). `probes` are zero
   * tensors [T, B, H] and [T, B, 10] added to each layer's input currents: the values do not change,
   * and the gradients with respect to them are ∂L/∂(currents), which the per-sample statistics need.
   */
  private forward(x: SpikeRaster, w1: Tensor2D, w2: Tensor2D, probes?: readonly [Tensor3D, Tensor3D]): { logits: Tensor2D; hiddenSpikes: Tensor3D } {
    const tf = this.backend.tf;
    const c = this.config;
    const spike = spikeFunction(tf, this.surrogate);
    const layer = (l: LifTensorLayer, input: Tensor3D | SpikeRaster, w: Tensor2D, opts: LifForwardOptions, probe: Tensor3D | undefined) =>
      probe === undefined ? denseLifForward(tf, l, input, w, opts) : lifForward(tf, l, tf.add(projectSpikes(tf, input, w, l.delaySteps), probe), opts);
    const h = layer(this.hidden, x, w1, { spike, detachReset: c.detachReset }, probes?.[0]);
    const membrane = c.readout === 'membrane';
    const o = layer(this.output, h.spikes, w2, { spike, detachReset: c.detachReset, spiking: !membrane, recordV: membrane }, probes?.[1]);
    const logits = (membrane ? tf.mean(o.vRel!, 0) : tf.sum(o.spikes, 0)) as Tensor2D;
    return { logits, hiddenSpikes: h.spikes };
  }

  private labels(indices: ArrayLike<number>): Int32Array {
    return Int32Array.from({ length: indices.length }, (_, b) => this.data.labels[indices[b]!]!);
  }

  private stats(logits: Float32Array, labels: Int32Array): number {
    return countCorrect(logits, labels, 10);
  }

  /** From now on, `step` also computes the per-sample statistics `perSampleStats` returns. */
  collectPerSampleStats(on: boolean): void {
    this.collect = on;
    if (!on) this.lastStats = null;
  }

  /**
   * The per-sample statistics of the last step (u_b = ∂ℓ_b/∂W, the gradient of sample b's own loss):
   * Σ_b u_b = B·U exactly, and Σ_b ‖u_b‖² from the layers' currents gradients by
   * learning/per-sample-norms.ts (no per-sample gradient is formed).
   */
  perSampleStats(batch: Batch): PerSampleStats {
    if (this.lastStats === null || this.lastStats.update !== batch.update) {
      throw new SnnError('internal', `surrogate-bptt: no per-sample statistics of update ${batch.update}`, 'call collectPerSampleStats(true) before step(batch)');
    }
    return this.lastStats.stats;
  }

  step(batch: Batch): FloatArray[] {
    const tf = this.backend.tf;
    const { steps, hidden: H } = this.config;
    const B = batch.indices.length;
    const x = this.encodeSpikes(batch.indices, 'train', batch.update);
    this.lastInput = x;
    const labels = this.labels(batch.indices);
    const [W1, W2] = this.tensors as [WeightTensor, WeightTensor];
    const probe = this.collect;
    let logitsOut: Tensor | null = null;
    let hiddenOut: Tensor | null = null;
    let spikesOut: Tensor | null = null;
    // The results leave tidy through these variables, not its return value: tidy walks every element
    // of a returned typed array looking for tensors (over a second per 500 samples at H = 100).
    let value = NaN;
    let grads: Float32Array[] = [];
    tf.tidy(() => {
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
      const loss = (w1: Tensor, w2: Tensor, p1?: Tensor, p2?: Tensor): Scalar => {
        const { logits, hiddenSpikes } = this.forward(x, w1 as Tensor2D, w2 as Tensor2D, probe ? [p1 as Tensor3D, p2 as Tensor3D] : undefined);
        logitsOut = tf.keep(tf.clone(logits));
        hiddenOut = tf.keep(tf.sum(hiddenSpikes));
        if (probe) spikesOut = tf.keep(tf.clone(hiddenSpikes));
        return tf.losses.softmaxCrossEntropy(y, logits) as Scalar;
      };
      const vars: Tensor[] = [toTensor(tf, W1), toTensor(tf, W2)];
      if (probe) vars.push(tf.zeros([steps, B, H]), tf.zeros([steps, B, 10]));
      const r = tf.valueAndGrads(loss as (...a: Tensor[]) => Scalar)(vars);
      value = r.value.dataSync()[0]!;
      grads = r.grads.map((g) => g.dataSync() as Float32Array);
    });
    const logits = (logitsOut as unknown as Tensor).dataSync() as Float32Array;
    const hiddenTotal = (hiddenOut as unknown as Tensor).dataSync()[0]!;
    tf.dispose([logitsOut as unknown as Tensor, hiddenOut as unknown as Tensor]);
    this.last = { loss: value, correct: this.stats(logits, labels), hiddenRate: hiddenTotal / (B * this.config.hidden) };
    if (probe) {
      const spikes = (spikesOut as unknown as Tensor).dataSync() as Float32Array;
      tf.dispose(spikesOut as unknown as Tensor);
      const [g1, g2] = [grads[2]!, grads[3]!];
      // Sample b's own loss is B times its share of the batch mean: scale the gradients by B.
      const n1 = unrolledGradientNorms(x.dense(), g1, steps, B, this.nIn, H, B);
      const n2 = unrolledGradientNorms(spikes, g2, steps, B, H, 10, B);
      let sumSqNorms = 0;
      for (let b = 0; b < B; b++) sumSqNorms += n1[b]! + n2[b]!;
      const sum = [grads[0]!, grads[1]!].map((g) => Float64Array.from(g, (v) => v * B));
      this.lastStats = { update: batch.update, stats: { sum, sumSqNorms, count: B } };
    }
    return grads.slice(0, 2);
  }

  /**
   * The first layer's update factors of the last `step`: U₁ = Σ_t X_tᵀ·G_t, so X is the input spikes
   * with one row per (step, sample) — rows = T·B, row-major [T, B, nIn] as encoded. TrAct needs only
   * X (G, the input-current gradients, stays inside tfjs).
   */
  firstLayerFactors(): LayerFactors {
    const x = this.lastInput;
    if (x === null) throw new SnnError('internal', 'surrogate-bptt: firstLayerFactors() before the first step');
    // The dense block only when a transform reads it (TrAct); Adam never does.
    return { rows: x.rows, get x() { return x.dense(); } };
  }

  /**
   * Forward only, for diagnostics and the engine cross-check: the input spikes [T, B, nIn], the
   * hidden spikes [T, B, H] and the logits [B, 10] of the samples (stream purpose '<split>-eval').
   */
  inspect(indices: ArrayLike<number>, data: Dataset = this.data): { input: Float32Array; hidden: Float32Array; logits: Float32Array } {
    const tf = this.backend.tf;
    const [W1, W2] = this.tensors as [WeightTensor, WeightTensor];
    const raster = this.encodeSpikes(indices, `${data.split}-eval`, 0, data);
    const input = raster.dense();
    let hidden: Float32Array = new Float32Array(0);
    let logits: Float32Array = new Float32Array(0);
    tf.tidy(() => {
      const r = this.forward(raster, toTensor(tf, W1), toTensor(tf, W2));
      hidden = r.hiddenSpikes.dataSync() as Float32Array;
      logits = r.logits.dataSync() as Float32Array;
    });
    return { input, hidden, logits };
  }

  /**
   * Forward only (no gradient) on samples of `data` (default: the training set); input streams use
   * the purpose '<split>-eval', so evaluation spikes never coincide with training ones.
   */
  evaluate(indices: ArrayLike<number>, data: Dataset = this.data, batchSize = 100): ForwardStats & { count: number } {
    const tf = this.backend.tf;
    const [W1, W2] = this.tensors as [WeightTensor, WeightTensor];
    let loss = 0;
    let correct = 0;
    let hidden = 0;
    for (let a = 0; a < indices.length; a += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, indices.length - a) }, (_, k) => indices[a + k]!);
      const B = idx.length;
      const labels = Int32Array.from(idx, (i) => data.labels[i]!);
      const x = this.encodeSpikes(idx, `${data.split}-eval`, 0, data);
      const [lv, logits, hs] = tf.tidy(() => {
        const { logits, hiddenSpikes } = this.forward(x, toTensor(tf, W1), toTensor(tf, W2));
        const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
        const l = tf.losses.softmaxCrossEntropy(y, logits);
        return [l.dataSync()[0]!, logits.dataSync() as Float32Array, tf.sum(hiddenSpikes).dataSync()[0]!] as const;
      });
      loss += lv * B;
      correct += this.stats(logits, labels);
      hidden += hs;
    }
    const n = indices.length;
    return { loss: loss / n, correct, hiddenRate: hidden / (n * this.config.hidden), count: n };
  }
}

function toTensor(tf: TensorBackend['tf'], w: WeightTensor): Tensor2D {
  const v = w.values instanceof Float32Array ? w.values : Float32Array.from(w.values);
  return tf.tensor2d(v, w.shape);
}
