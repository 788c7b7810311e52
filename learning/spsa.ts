/**
 * SPSA with seeded shared randomness (MeZO; "Just One Byte"; docs/spsa.md):
 * a forward-only, zeroth-order `BatchRule` on the 784-H-10 LIF network of surrogate-bptt.ts.
 *
 * One step on batch B with perturbations k = 0..n−1 (replica r, update t):
 *   z_k   = N(0, I) per weight tensor, from the stream RngStream.derive(seed, `spsa/z/u<t>/r<r>/k<k>/<tensor>`)
 *   L±_k  = L(W ± ε·σ_l·z_k; B)              both passes see the same input spikes (encoder keyed by (update, sample))
 *   g_k   = (L⁺_k − L⁻_k) / (2ε)             one scalar: the projected gradient
 *   U_l   = (1/n) Σ_k g_k·σ_l·z_k + λ·W_l     z regenerated from its seed, never kept; W ← W − η·U
 * σ_l is the perturbation scale of tensor l ('init': the layer's initial weight std initGain/√fanIn;
 * 'unit': 1); a frozen tensor (layers 'readout' freezes input->hidden) gets U = 0 and no perturbation.
 *
 * Loss: softmax cross-entropy (float64, from the float32 logits) on the time-averaged output membrane
 * (the leaky-integrator readout, continuous in W₂) or on output spike counts (readout 'spike-count':
 * mostly flat, ĝ = 0 on most steps — kept for comparison only).
 *
 * Cost: all 2n perturbed networks run as ONE batched forward pass of batch 2n·B (tf.tidy, no tape):
 * the weight variants are concatenated column-wise into one product for the first layer (or the
 * hidden spikes are computed once when only the readout is perturbed), and the LIF layers run once
 * over the batch of variants whatever n is. On the wasm backend that product runs over the input
 * spikes (event-driven, engine/tensor-ops.ts) and the LIF layers as the fused kernel.
 *
 * The pieces the replica protocol (spsa-replicas.ts) needs are exported on their own:
 * `perturbation` (regenerate z), `projectedGradient`, `spsaUpdate` (apply an ordered list of scalars).
 */
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';
import type { Dataset } from '../datasets/dataset.js';
import { SnnError } from '../engine/errors.js';
import type { FloatArray } from '../engine/float-array.js';
import { RngStream } from '../engine/rng.js';
import type { OptionSchema } from '../engine/registry.js';
import type { Batch, BatchRule, PerSampleStats, RuleState, WeightTensor } from './plugin-contract.js';
import { countCorrect } from './readout.js';
import { SurrogateBptt, type ForwardStats, type SurrogateMlpConfig } from './surrogate-bptt.js';
import type { TensorBackend } from './tensor/backend.js';
import { lifForward, lifTensorLayer, projectSpikes, type LifTensorLayer } from './tensor/lif-tensor.js';

export type SpsaLayers = 'readout' | 'all';
export type SpsaScale = 'init' | 'unit';

export interface SpsaOptions {
  /** Perturbation size ε (in units of σ_l). */
  epsilon: number;
  /** Perturbations (scalars) per step. */
  n: number;
  /** λ in U += λ·W (trainable tensors only). */
  weightDecay: number;
  /** Which tensors SPSA trains: the readout only (fixed random hidden layer) or every layer. */
  layers: SpsaLayers;
  /** Perturbation scale σ_l per tensor. */
  scale: SpsaScale;
}

export const SPSA_DEFAULTS: SpsaOptions = { epsilon: 1e-3, n: 1, weightDecay: 0, layers: 'readout', scale: 'init' };

/** The registry's option schema (learning/batch-rules.ts). */
export const SPSA_OPTION_SCHEMA: OptionSchema = {
  epsilon: { type: 'number', default: SPSA_DEFAULTS.epsilon, unit: 'σ', doc: 'perturbation size ε, in units of the per-layer scale σ_l', min: 0, exclusiveMin: true },
  n: { type: 'integer', default: SPSA_DEFAULTS.n, unit: 'perturbations', doc: 'perturbations (one scalar each) averaged per step', min: 1 },
  weightDecay: { type: 'number', default: SPSA_DEFAULTS.weightDecay, unit: '1', doc: 'λ: U += λ·W on the trained tensors', min: 0 },
  layers: { type: 'enum', default: SPSA_DEFAULTS.layers, values: ['readout', 'all'], doc: "'readout': train hidden->output only (fixed random hidden layer); 'all': every layer" },
  scale: { type: 'enum', default: SPSA_DEFAULTS.scale, values: ['init', 'unit'], doc: "σ_l: 'init' = the layer's initial weight std (initGain/√fanIn), 'unit' = 1" },
};

/** One exchanged scalar: replica r's k-th projected gradient of an update. */
export interface SpsaScalar {
  replica: number;
  k: number;
  g: number;
}

/** The stream name of perturbation k of replica r at update t, for one tensor. */
export function perturbationStream(update: number, replica: number, k: number, tensor: string): string {
  return `spsa/z/u${update}/r${replica}/k${k}/${tensor}`;
}

/** Regenerates z ~ N(0, I) of (seed, update, replica, k, tensor) into `out` (float32). */
export function perturbation(seed: number, update: number, replica: number, k: number, tensor: string, out: Float32Array): Float32Array {
  const rng = RngStream.derive(seed, perturbationStream(update, replica, k, tensor));
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/** g = (L⁺ − L⁻) / (2ε). */
export function projectedGradient(lossPlus: number, lossMinus: number, epsilon: number): number {
  return (lossPlus - lossMinus) / (2 * epsilon);
}

/**
 * U_l = (1/N) Σ g·σ_l·z(seed, update, replica, k, l) + λ·W_l over `scalars` in the order given
 * (the fixed global order of the replica protocol: a different order may round differently).
 * Tensors with σ_l = 0 are frozen: U_l = 0. Accumulates in float64; returns float32.
 */
export function spsaUpdate(
  seed: number,
  update: number,
  tensors: readonly WeightTensor[],
  scales: readonly number[],
  scalars: readonly SpsaScalar[],
  weightDecay = 0,
): Float32Array[] {
  const N = scalars.length;
  return tensors.map((t, l) => {
    const len = t.values.length;
    const out = new Float32Array(len);
    const sigma = scales[l]!;
    if (sigma === 0) return out;
    const acc = new Float64Array(len);
    const z = new Float32Array(len);
    for (const s of scalars) {
      perturbation(seed, update, s.replica, s.k, t.name, z);
      const c = (s.g * sigma) / N;
      for (let i = 0; i < len; i++) acc[i] = acc[i]! + c * z[i]!;
    }
    const w = t.values;
    for (let i = 0; i < len; i++) out[i] = acc[i]! + weightDecay * w[i]!;
    return out;
  });
}

/** Softmax cross-entropy of one row of logits, float64. */
function crossEntropy(logits: Float32Array, row: number, label: number): number {
  const o = row * 10;
  let m = -Infinity;
  for (let c = 0; c < 10; c++) m = Math.max(m, logits[o + c]!);
  let s = 0;
  for (let c = 0; c < 10; c++) s += Math.exp(logits[o + c]! - m);
  return m + Math.log(s) - logits[o + label]!;
}

export interface SpsaStats extends ForwardStats {
  /** The scalars of the last step, in order k = 0..n−1. */
  scalars: SpsaScalar[];
  /** How many of them were exactly 0 (L⁺ = L⁻). */
  zeroDiffs: number;
}

export class Spsa implements BatchRule {
  readonly kind = 'spsa';
  readonly options: SpsaOptions;
  /** The network: weights [W1, W2], encoder, evaluation (shared with surrogate BPTT: same init, same input spikes). */
  readonly net: SurrogateBptt;
  readonly tensors: readonly WeightTensor[];
  /** σ_l per tensor (0: frozen). */
  readonly scales: readonly number[];
  /** Statistics of the last step; `loss`/`correct` are those of the k = 0, +ε pass. */
  last: SpsaStats = { loss: NaN, correct: 0, hiddenRate: 0, scalars: [], zeroDiffs: 0 };
  /** Steps taken (saved with the state). */
  steps = 0;
  private readonly hidden: LifTensorLayer;
  private readonly output: LifTensorLayer;
  /** Whether `scalars` keeps the per-sample scalars and `step` computes per-sample statistics. */
  private collect = false;
  /** Per-sample projected gradients ĝ_{k,b} = (ℓ⁺_{k,b} − ℓ⁻_{k,b})/(2ε) of the last `scalars`, [n·B]. */
  private perSample: Float64Array | null = null;
  private lastStats: { update: number; stats: PerSampleStats } | null = null;

  constructor(
    private readonly backend: TensorBackend,
    private readonly data: Dataset,
    config: Partial<SurrogateMlpConfig & SpsaOptions> = {},
    tensors?: readonly WeightTensor[],
    /** This replica's id (keys its perturbation seeds). */
    readonly replica = 0,
  ) {
    const { epsilon, n, weightDecay, layers, scale, ...net } = { ...SPSA_DEFAULTS, ...config };
    const o = (this.options = { epsilon, n, weightDecay, layers, scale });
    if (!(o.epsilon > 0) || !Number.isFinite(o.epsilon)) throw new SnnError('config.invalid', `spsa: epsilon must be a positive number, got ${o.epsilon}`, 'use e.g. epsilon=1e-3');
    if (!Number.isInteger(o.n) || o.n < 1) throw new SnnError('config.invalid', `spsa: n must be a positive integer, got ${o.n}`, 'use e.g. n=1');
    if (!(o.weightDecay >= 0)) throw new SnnError('config.invalid', `spsa: weightDecay must be ≥ 0, got ${o.weightDecay}`, 'use e.g. weightDecay=0');
    if (o.layers !== 'readout' && o.layers !== 'all') throw new SnnError('config.invalid', `spsa: unknown layers '${String(o.layers)}'`, 'use readout or all');
    if (o.scale !== 'init' && o.scale !== 'unit') throw new SnnError('config.invalid', `spsa: unknown scale '${String(o.scale)}'`, 'use init or unit');
    this.net = new SurrogateBptt(backend, data, net, tensors);
    this.tensors = this.net.tensors;
    const c = this.net.config;
    const sigma = (fanIn: number): number => (o.scale === 'init' ? c.initGain / Math.sqrt(fanIn) : 1);
    this.scales = [o.layers === 'all' ? sigma(data.rows * data.cols) : 0, sigma(c.hidden)];
    this.hidden = lifTensorLayer(c.hiddenParams, c.dt, c.hidden);
    this.output = lifTensorLayer(c.outputParams, c.dt, 10);
  }

  get config(): SurrogateMlpConfig {
    return this.net.config;
  }

  /**
   * The n scalars of this replica on `batch` at the current weights (nothing is written).
   * Fills `last`.
   */
  scalars(batch: Batch): SpsaScalar[] {
    const { n, epsilon } = this.options;
    const c = this.net.config;
    const B = batch.indices.length;
    const V = 2 * n;
    const nIn = this.data.rows * this.data.cols;
    const H = c.hidden;
    const labels = Int32Array.from(batch.indices, (i) => this.data.labels[i]!);
    const x = this.net.encodeSpikes(batch.indices, 'train', batch.update);
    // Weight variants, column-concatenated: variant v = 2k (+ε) or 2k + 1 (−ε) of perturbation k.
    const [W1, W2] = this.tensors as [WeightTensor, WeightTensor];
    const variants = (l: number, t: WeightTensor): Float32Array | null => {
      if (this.scales[l] === 0) return null;
      const [rows, cols] = t.shape;
      const out = new Float32Array(rows * cols * V);
      const z = new Float32Array(rows * cols);
      const a = epsilon * this.scales[l]!;
      for (let k = 0; k < n; k++) {
        perturbation(c.seed, batch.update, this.replica, k, t.name, z);
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            const w = t.values[i * cols + j]!;
            const d = a * z[i * cols + j]!;
            out[i * cols * V + (2 * k) * cols + j] = w + d;
            out[i * cols * V + (2 * k + 1) * cols + j] = w - d;
          }
        }
      }
      return out;
    };
    const w1v = variants(0, W1);
    const w2v = variants(1, W2)!;
    const tf = this.backend.tf;
    const T = c.steps;
    const membrane = c.readout === 'membrane';
    const [logits, hiddenTotal] = tf.tidy(() => {
      // X·W over the input spikes (event-driven on the wasm backend), as [T·B, columns]
      const inputProduct = (w: Tensor2D): Tensor2D => tf.reshape(projectSpikes(tf, x, w), [T * B, w.shape[1]]) as Tensor2D;
      // [T·B, V·C] (column blocks per variant) → [T, V·B, C] (batch blocks per variant)
      const toVariantBatch = (y: Tensor, C: number): Tensor3D =>
        tf.reshape(tf.transpose(tf.reshape(y, [T, B, V, C]), [0, 2, 1, 3]), [T, V * B, C]) as Tensor3D;
      let hSpikes: Tensor3D; // [T, V·B, H] when the hidden layer is perturbed, else [T, B, H]
      if (w1v !== null) {
        const cur = toVariantBatch(inputProduct(tf.tensor2d(w1v, [nIn, V * H])), H);
        hSpikes = lifForward(tf, this.hidden, cur).spikes;
      } else {
        const cur = tf.reshape(inputProduct(tf.tensor2d(W1.values as Float32Array, [nIn, H])), [T, B, H]) as Tensor3D;
        hSpikes = lifForward(tf, this.hidden, cur).spikes;
      }
      let outCur: Tensor3D;
      const W2v = tf.tensor2d(w2v, [H, V * 10]);
      if (w1v !== null) {
        // Each variant's hidden spikes through its own W2: one batched matMul [V, T·B, H] × [V, H, 10].
        const hv = tf.reshape(tf.transpose(tf.reshape(hSpikes, [T, V, B, H]), [1, 0, 2, 3]), [V, T * B, H]);
        const wv = tf.transpose(tf.reshape(W2v, [H, V, 10]), [1, 0, 2]);
        const y = tf.matMul(hv, wv); // [V, T·B, 10]
        outCur = tf.reshape(tf.transpose(tf.reshape(y, [V, T, B, 10]), [1, 0, 2, 3]), [T, V * B, 10]) as Tensor3D;
      } else {
        outCur = toVariantBatch(tf.matMul(tf.reshape(hSpikes, [T * B, H]), W2v), 10);
      }
      const o = lifForward(tf, this.output, outCur, { spiking: !membrane, recordV: membrane });
      const lg = membrane ? tf.mean(o.vRel!, 0) : tf.sum(o.spikes, 0);
      // Hidden activity of variant 0 (or the one shared hidden pass).
      const h0 = tf.sum(tf.slice(hSpikes, [0, 0, 0], [T, B, H]));
      return [lg.dataSync() as Float32Array, h0.dataSync()[0]!] as const;
    });
    const scalars: SpsaScalar[] = [];
    let zeroDiffs = 0;
    let loss0 = 0;
    const perSample = this.collect ? new Float64Array(n * B) : null;
    for (let k = 0; k < n; k++) {
      let lp = 0;
      let lm = 0;
      for (let b = 0; b < B; b++) {
        const p = crossEntropy(logits, (2 * k) * B + b, labels[b]!);
        const m = crossEntropy(logits, (2 * k + 1) * B + b, labels[b]!);
        lp += p;
        lm += m;
        if (perSample !== null) perSample[k * B + b] = projectedGradient(p, m, epsilon);
      }
      lp /= B;
      lm /= B;
      if (k === 0) loss0 = lp;
      if (lp === lm) zeroDiffs++;
      scalars.push({ replica: this.replica, k, g: projectedGradient(lp, lm, epsilon) });
    }
    // the batch's accuracy as seen through variant 0 (+ε of the first perturbation): rows 0 … B − 1
    const correct = countCorrect(logits, labels, 10);
    this.last = { loss: loss0, correct, hiddenRate: hiddenTotal / (B * H), scalars, zeroDiffs };
    this.perSample = perSample;
    return scalars;
  }

  /** From now on, `step` also computes the per-sample statistics `perSampleStats` returns. */
  collectPerSampleStats(on: boolean): void {
    this.collect = on;
    if (!on) this.lastStats = this.perSample = null;
  }

  /**
   * The per-sample statistics of the last step. Sample b's own estimate uses its own loss
   * difference under the step's shared perturbations: u_b,l = (σ_l/n)·Σ_k ĝ_{k,b}·z_{k,l} + λ·W_l,
   * whose mean over b is U. So the spread is that of the data given z (the z noise is common to
   * every sample and does not show in it). Σ_b u_b = B·U; Σ_b ‖u_b‖² from the n × n Gram matrix of
   * the z (regenerated once more from their seeds) and, with weight decay, their products with W.
   */
  perSampleStats(batch: Batch): PerSampleStats {
    if (this.lastStats === null || this.lastStats.update !== batch.update) {
      throw new SnnError('internal', `spsa: no per-sample statistics of update ${batch.update}`, 'call collectPerSampleStats(true) before step(batch)');
    }
    return this.lastStats.stats;
  }

  /** Σ_b ‖u_b‖² of the step just taken (weights not yet changed); see perSampleStats. */
  private sumSqNorms(update: number, B: number): number {
    const { n, weightDecay: lambda } = this.options;
    const g = this.perSample!;
    // P[k][k'] = Σ_b ĝ_{k,b}·ĝ_{k',b},  S[k] = Σ_b ĝ_{k,b}
    const P = new Float64Array(n * n);
    const S = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      for (let b = 0; b < B; b++) S[k] += g[k * B + b]!;
      for (let k2 = k; k2 < n; k2++) {
        let d = 0;
        for (let b = 0; b < B; b++) d += g[k * B + b]! * g[k2 * B + b]!;
        P[k * n + k2] = P[k2 * n + k] = d;
      }
    }
    let total = 0;
    this.tensors.forEach((t, l) => {
      const sigma = this.scales[l]!;
      if (sigma === 0) return; // frozen: u_b = 0
      const len = t.values.length;
      const z = Array.from({ length: n }, (_, k) => perturbation(this.net.config.seed, update, this.replica, k, t.name, new Float32Array(len)));
      const c = sigma / n;
      const w = t.values;
      for (let k = 0; k < n; k++) {
        for (let k2 = k; k2 < n; k2++) {
          let d = 0;
          for (let i = 0; i < len; i++) d += z[k]![i]! * z[k2]![i]!;
          total += (k === k2 ? 1 : 2) * c * c * P[k * n + k2]! * d;
        }
        if (lambda !== 0) {
          let d = 0;
          for (let i = 0; i < len; i++) d += z[k]![i]! * w[i]!;
          total += 2 * lambda * c * S[k]! * d;
        }
      }
      if (lambda !== 0) {
        let ww = 0;
        for (let i = 0; i < len; i++) ww += w[i]! * w[i]!;
        total += B * lambda * lambda * ww;
      }
    });
    return total;
  }

  /** U from an ordered list of scalars (this replica's, or every replica's in the global order). */
  updateFrom(update: number, scalars: readonly SpsaScalar[]): Float32Array[] {
    return spsaUpdate(this.net.config.seed, update, this.tensors, this.scales, scalars, this.options.weightDecay);
  }

  step(batch: Batch): FloatArray[] {
    const u = this.updateFrom(batch.update, this.scalars(batch));
    if (this.collect) {
      const B = batch.indices.length;
      const sum = u.map((x) => Float64Array.from(x, (v) => v * B));
      this.lastStats = { update: batch.update, stats: { sum, sumSqNorms: this.sumSqNorms(batch.update, B), count: B } };
    }
    this.steps++;
    return u;
  }

  evaluate(indices: ArrayLike<number>, data: Dataset = this.data, batchSize = 100): ForwardStats & { count: number } {
    return this.net.evaluate(indices, data, batchSize);
  }

  /**
   * The rule's own state: its step count and options (the perturbations are keyed by the update
   * number, so nothing random is carried between steps). Weights belong to the caller.
   */
  saveState(): RuleState {
    const o = this.options;
    return { kind: this.kind, steps: this.steps, epsilon: o.epsilon, n: o.n, weightDecay: o.weightDecay, layers: o.layers, scale: o.scale, replica: this.replica };
  }

  loadState(state: RuleState): void {
    const o = this.options;
    const same = state.kind === this.kind && state.epsilon === o.epsilon && state.n === o.n && state.weightDecay === o.weightDecay && state.layers === o.layers && state.scale === o.scale;
    if (!same) throw new SnnError('config.invalid', 'spsa: the saved state was made with other SPSA options', 'resume with the options of the saved run');
    if (typeof state.steps !== 'number' || !Number.isInteger(state.steps) || state.steps < 0) {
      throw new SnnError('io.corrupt', `spsa: saved step count ${String(state.steps)} is not a whole number`, 'the checkpoint is damaged');
    }
    this.steps = state.steps;
  }
}
