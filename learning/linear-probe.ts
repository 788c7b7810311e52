/**
 * Linear probe of a hidden layer: multinomial logistic regression from the hidden neurons' spike
 * counts to the class, fitted on training samples with the network frozen, scored on the test set.
 *
 * It answers a question the model's own readouts cannot: how much class information does the
 * hidden layer carry, whatever reads it out? The SL and USL readouts are local, Hebbian ones; the
 * probe is the best linear readout (the "linear evaluation" of representation learning), so
 * probe − SL is what the readout loses and the probe itself bounds what any linear readout of
 * this hidden layer can reach — the fair yardstick when learning rules are compared head to head.
 *
 * Features are log(1 + count): spike counts are heavy-tailed (a winner fires 10–20 times, most
 * active neurons once), and the log keeps one loud neuron from dominating the fit. Hidden activity
 * is sparse (tens of active neurons out of thousands), so the counts are stored as CSR rows and
 * every SGD step touches only the active features. Plain SGD with a 1/(1 + epoch) step decay and
 * a seeded sample order: the same counts and seed give bit-identical weights.
 */
import { SnnError } from '../engine/errors.js';
import type { RngStream } from '../engine/rng.js';

/** Spike counts of many samples, one sparse row per sample (CSR). */
export class SparseCounts {
  private indptr: number[] = [0];
  private indices: number[] = [];
  private values: number[] = [];

  constructor(readonly columns: number) {}

  get rows(): number {
    return this.indptr.length - 1;
  }

  /** Appends one sample's counts (only the non-zero entries are kept). */
  push(counts: ArrayLike<number>): void {
    if (counts.length !== this.columns) throw new SnnError('internal', `a row of ${counts.length} counts does not fit ${this.columns} columns`, 'push one count per hidden neuron');
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c !== 0) {
        this.indices.push(i);
        this.values.push(c);
      }
    }
    this.indptr.push(this.indices.length);
  }

  /** Appends the rows of a dense, sample-major array of counts (rows × columns), e.g. what evaluation workers return. */
  pushDense(dense: Uint8Array): void {
    const n = this.columns;
    if (dense.length % n !== 0) throw new SnnError('internal', `${dense.length} counts are not whole rows of ${n}`, 'pass rows × columns counts');
    for (let k = 0; k < dense.length; k += n) this.push(dense.subarray(k, k + n));
  }

  /** Row r's entries as parallel arrays (for the hot loops). */
  row(r: number): { start: number; end: number; indices: readonly number[]; values: readonly number[] } {
    return { start: this.indptr[r]!, end: this.indptr[r + 1]!, indices: this.indices, values: this.values };
  }
}

export interface LinearProbeOptions {
  classes: number;
  /** Passes over the training rows. */
  epochs: number;
  /** Step size of the first epoch; epoch e uses learningRate / (1 + e). */
  learningRate: number;
}

export const LINEAR_PROBE_DEFAULTS: Omit<LinearProbeOptions, 'classes'> = { epochs: 10, learningRate: 0.05 };

export interface LinearProbe {
  readonly features: number;
  readonly classes: number;
  /** weights[feature·classes + class] */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

const feature = (count: number): number => Math.log1p(count);

/** Class scores of row r into `out` (length classes). */
function scores(p: LinearProbe, x: SparseCounts, r: number, out: Float64Array): void {
  const k = p.classes;
  out.set(p.bias);
  const { start, end, indices, values } = x.row(r);
  for (let q = start; q < end; q++) {
    const v = feature(values[q]!);
    const o = indices[q]! * k;
    for (let c = 0; c < k; c++) out[c] = out[c]! + p.weights[o + c]! * v;
  }
}

/** Fits the probe by SGD on the softmax cross-entropy; the sample order of every epoch comes from `rng`. */
export function fitLinearProbe(x: SparseCounts, labels: ArrayLike<number>, opts: LinearProbeOptions, rng: RngStream): LinearProbe {
  const n = x.rows;
  const k = opts.classes;
  if (labels.length !== n) throw new SnnError('internal', `${labels.length} labels for ${n} rows`, 'give one label per row');
  if (!(opts.epochs >= 1) || !Number.isInteger(opts.epochs)) throw new SnnError('config.invalid', `probe epochs must be a positive integer, got ${opts.epochs}`, 'use e.g. 10');
  if (!(opts.learningRate > 0)) throw new SnnError('config.invalid', `probe learning rate must be > 0, got ${opts.learningRate}`, 'use e.g. 0.05');
  for (let r = 0; r < n; r++) {
    const y = labels[r]!;
    if (!(Number.isInteger(y) && y >= 0 && y < k)) throw new SnnError('internal', `label ${y} outside 0…${k - 1}`, 'check the labels');
  }
  const p: LinearProbe = { features: x.columns, classes: k, weights: new Float64Array(x.columns * k), bias: new Float64Array(k) };
  const z = new Float64Array(k);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let e = 0; e < opts.epochs; e++) {
    rng.shuffle(order);
    const lr = opts.learningRate / (1 + e);
    for (let t = 0; t < n; t++) {
      const r = order[t]!;
      const y = labels[r]!;
      scores(p, x, r, z);
      // Softmax (shifted by the max for stability), then the gradient p − onehot(y).
      let m = -Infinity;
      for (let c = 0; c < k; c++) if (z[c]! > m) m = z[c]!;
      let sum = 0;
      for (let c = 0; c < k; c++) {
        z[c] = Math.exp(z[c]! - m);
        sum += z[c]!;
      }
      for (let c = 0; c < k; c++) z[c] = z[c]! / sum - (c === y ? 1 : 0);
      const { start, end, indices, values } = x.row(r);
      for (let q = start; q < end; q++) {
        const v = lr * feature(values[q]!);
        const o = indices[q]! * k;
        for (let c = 0; c < k; c++) p.weights[o + c] = p.weights[o + c]! - v * z[c]!;
      }
      for (let c = 0; c < k; c++) p.bias[c] = p.bias[c]! - lr * z[c]!;
    }
  }
  return p;
}

/** Predicted class of every row (ties go to the lowest class). */
export function predictLinearProbe(p: LinearProbe, x: SparseCounts): Int32Array {
  if (x.columns !== p.features) throw new SnnError('internal', `rows of ${x.columns} columns for a probe of ${p.features} features`, 'probe the layer it was fitted on');
  const out = new Int32Array(x.rows);
  const z = new Float64Array(p.classes);
  for (let r = 0; r < x.rows; r++) {
    scores(p, x, r, z);
    let best = 0;
    for (let c = 1; c < p.classes; c++) if (z[c]! > z[best]!) best = c;
    out[r] = best;
  }
  return out;
}
