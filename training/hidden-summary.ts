/**
 * What the hidden layer of a trained model learned, in two figures a reader can act on: how many
 * neurons each class owns (the USL assignments; −1 = never fired) and where the adaptive thresholds
 * ended up. A layer in which far more neurons answer most to the inkiest classes than to the others
 * has not specialised yet (bench/RESULTS.md: MNIST N = 6400).
 */

export interface HiddenSummary {
  /** Neurons assigned to class 0 … classes − 1. */
  neuronsPerClass: number[];
  /** Neurons with no assignment (they never fired during the assignment window). */
  unassigned: number;
  /** Adaptive threshold θ over the hidden layer, mV. */
  theta: { min: number; median: number; max: number };
}

export function summarizeHidden(assignments: ArrayLike<number>, theta: ArrayLike<number>, classes = 10): HiddenSummary {
  const neuronsPerClass = new Array<number>(classes).fill(0);
  let unassigned = 0;
  for (let i = 0; i < assignments.length; i++) {
    const c = assignments[i]!;
    if (c >= 0 && c < classes) neuronsPerClass[c]!++;
    else unassigned++;
  }
  const sorted = Float64Array.from(theta).sort();
  const n = sorted.length;
  // The lower middle for an even count: a value some neuron actually has.
  const stats = n === 0 ? { min: NaN, median: NaN, max: NaN } : { min: sorted[0]!, median: sorted[(n - 1) >> 1]!, max: sorted[n - 1]! };
  return { neuronsPerClass, unassigned, theta: stats };
}
