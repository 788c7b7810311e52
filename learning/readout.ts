/**
 * Readouts (docs/hao2020.md, "Protocol and readouts").
 *
 * SL: the class of the supervision neuron with the most spikes (ties, including all-zero, go to the
 * lowest index, as in the authors' code).
 * USL (Diehl & Cook): each hidden neuron is assigned the class for which its mean spike count per
 * presentation was highest during training (−1 if it never fired); a test image is given the class
 * whose assigned neurons have the highest mean spike count.
 */

export function argmaxCount(counts: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c]! > counts[best]!) best = c;
  return best;
}

/**
 * How many rows of `scores` (row-major, `classes` per row, one row per label) have their arg max
 * at the row's label; ties go to the lowest class, as in `argmaxCount`. The accuracy of a batch of
 * logits (surrogate BPTT, SPSA).
 */
export function countCorrect(scores: ArrayLike<number>, labels: ArrayLike<number>, classes: number): number {
  let correct = 0;
  for (let b = 0; b < labels.length; b++) {
    const row = b * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores[row + c]! > scores[row + best]!) best = c;
    if (best === labels[b]) correct++;
  }
  return correct;
}

/** Per-class response accumulators of the hidden neurons during training. */
export class ClassResponses {
  /** sums[i·classes + c]: spikes of neuron i over the presentations of class c. */
  readonly sums: Float64Array;
  readonly presentations: Float64Array;

  constructor(
    readonly neurons: number,
    readonly classes = 10,
  ) {
    this.sums = new Float64Array(neurons * classes);
    this.presentations = new Float64Array(classes);
  }

  add(label: number, counts: ArrayLike<number>): void {
    const k = this.classes;
    for (let i = 0; i < this.neurons; i++) {
      const c = counts[i]!;
      if (c !== 0) this.sums[i * k + label] = this.sums[i * k + label]! + c;
    }
    this.presentations[label] = this.presentations[label]! + 1;
  }

  clear(): void {
    this.sums.fill(0);
    this.presentations.fill(0);
  }

  get total(): number {
    let s = 0;
    for (let c = 0; c < this.classes; c++) s += this.presentations[c]!;
    return s;
  }
}

/** Assignment of every neuron from one or more accumulators (summed). */
export function assignClasses(banks: readonly ClassResponses[], out?: Int8Array): Int8Array {
  const first = banks[0]!;
  const n = first.neurons;
  const k = first.classes;
  const a = out ?? new Int8Array(n);
  const pres = new Float64Array(k);
  for (const b of banks) for (let c = 0; c < k; c++) pres[c] = pres[c]! + b.presentations[c]!;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestRate = 0;
    for (let c = 0; c < k; c++) {
      if (pres[c] === 0) continue;
      let s = 0;
      for (const b of banks) s += b.sums[i * k + c]!;
      const rate = s / pres[c]!;
      if (rate > bestRate) {
        bestRate = rate;
        best = c;
      }
    }
    a[i] = best;
  }
  return a;
}

/** The USL vote: class with the highest mean spike count over its assigned neurons (−1: no assignment at all). */
export function voteClass(assignments: Int8Array, counts: ArrayLike<number>, classes = 10): number {
  const sum = new Float64Array(classes);
  const num = new Float64Array(classes);
  for (let i = 0; i < assignments.length; i++) {
    const c = assignments[i]!;
    if (c < 0) continue;
    sum[c] = sum[c]! + counts[i]!;
    num[c] = num[c]! + 1;
  }
  let best = -1;
  let bestRate = -1;
  for (let c = 0; c < classes; c++) {
    if (num[c] === 0) continue;
    const r = sum[c]! / num[c]!;
    if (r > bestRate) {
      bestRate = r;
      best = c;
    }
  }
  return best;
}

/** Accuracy, per-class accuracy and confusion matrix (rows: true class, columns: predicted; −1 predictions count as wrong). */
export class Confusion {
  readonly matrix: Int32Array;
  /** presentations[c]: samples of true class c, including those the vote could not classify (−1). */
  readonly presentations: Int32Array;
  correct = 0;
  total = 0;

  constructor(readonly classes = 10) {
    this.matrix = new Int32Array(classes * classes);
    this.presentations = new Int32Array(classes);
  }

  add(label: number, predicted: number): void {
    this.total++;
    this.presentations[label] = this.presentations[label]! + 1;
    if (predicted === label) this.correct++;
    if (predicted >= 0) this.matrix[label * this.classes + predicted] = this.matrix[label * this.classes + predicted]! + 1;
  }

  get accuracy(): number {
    return this.total === 0 ? 0 : this.correct / this.total;
  }

  perClass(): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.classes; c++) {
      // Divide by all presentations of the class, not the matrix row: the row misses the −1 predictions.
      const n = this.presentations[c]!;
      out.push(n === 0 ? 0 : this.matrix[c * this.classes + c]! / n);
    }
    return out;
  }

  rows(): number[][] {
    return Array.from({ length: this.classes }, (_, c) => Array.from(this.matrix.subarray(c * this.classes, (c + 1) * this.classes)));
  }
}
