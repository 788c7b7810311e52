/**
 * Exponentially decaying traces kept rescaled, so that their decay costs nothing per step.
 *
 * A trace x(t) = x̃·e^{−(t − tRef)/τ} is stored as x̃: every trace of the set decays by the one
 * shared factor e^{−(t − tRef)/τ}, computed once per event instead of once per trace per step. A
 * jump of the trace by a at time t adds a / e^{−(t − tRef)/τ} to x̃. When t has moved more than
 * REBASE_MS past tRef the stored values are multiplied out and tRef moves to t, so that x̃ stays
 * within e^{REBASE_MS/τ} of x and never overflows (performance.md §3.5 on the numeric traps).
 *
 * Used by the trace-based STDP rules (sym-stdp, pair-stdp). The arrays may be views of WebAssembly
 * memory: they are only read and written in place.
 */

/** How far t may move past tRef before the stored values are rebased (ms). */
export const REBASE_MS = 200;

/** Rebased values below this become exact zeros: no subnormals in later arithmetic. */
const FLUSH_BELOW = 1e-30;

export class RescaledTraces {
  /** Time (ms) at which the stored values equal the traces. */
  tRef = 0;

  constructor(
    /** Decay time constant (ms). */
    readonly tau: number,
    /** Every array stored rescaled against this set's tRef. */
    private readonly arrays: readonly Float64Array[],
  ) {}

  /** e^{−(t − tRef)/τ}: multiply a stored value by it to get the trace at time t (rebasing first when due). */
  factor(t: number): number {
    if (t - this.tRef > REBASE_MS) {
      const f = Math.exp(-(t - this.tRef) / this.tau);
      for (const a of this.arrays) {
        for (let i = 0; i < a.length; i++) {
          const x = a[i]! * f;
          a[i] = x > FLUSH_BELOW || x < -FLUSH_BELOW ? x : 0;
        }
      }
      this.tRef = t;
      return 1;
    }
    return Math.exp(-(t - this.tRef) / this.tau);
  }

  /** The trace values of one of the arrays at time t, without rebasing (for tests and inspection). */
  valuesAt(a: Float64Array, t: number): Float64Array {
    const f = Math.exp(-(t - this.tRef) / this.tau);
    return a.map((v) => v * f);
  }
}
