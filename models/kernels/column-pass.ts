/**
 * The post-spike column pass of an STDP rule without delays, written once for every variant: when
 * post neuron i fires, each weight w_ji of its column moves by c·x_j (x: the rule's pre-synaptic
 * trace, stored rescaled), clipped at wMax from above. A synapse whose trace is exactly 0 (its pre
 * neuron never fired) is skipped: its weight would not move. The variants differ only in c and x —
 * sym-STDP c = η·f(t) with its pre trace, triplet STDP c = f₊(t)·(A2⁺ + A3⁺·o2_i) with r1 — which
 * the rule passes in (DenseProjection.potentiateColumn).
 *
 * A JS loop on every backend: the column is strided by n, so it gains nothing from the row kernels,
 * and one post spike costs m multiply-adds. The delayed form (x_j read at each synapse's arrival)
 * stays with the rule that has it (learning/sym-stdp.ts).
 */
import type { FloatArray } from '../../engine/float-array.js';

/** Column i of the row-major m × n weights `w`: w_ji ← min(w_ji + c·x_j, wMax) for every j with x_j ≠ 0. */
export function potentiateColumn(w: FloatArray, m: number, n: number, i: number, x: Float64Array, c: number, wMax: number): void {
  for (let j = 0; j < m; j++) {
    const xj = x[j]!;
    if (xj === 0) continue;
    const nw = w[j * n + i]! + c * xj;
    w[j * n + i] = nw < wMax ? nw : wMax;
  }
}
