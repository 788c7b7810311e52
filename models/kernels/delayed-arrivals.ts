/**
 * Bookkeeping for a plastic dense projection with one axonal delay per synapse (Diehl & Cook's
 * input→exc, U[0, 10] ms): a spike of pre neuron j emitted at step e reaches synapse (j, i) at
 * step e + d_ji, and the synapse's pre-side learning happens there.
 *
 *   - the synapses of every pre neuron are grouped by delay (CSR: for j, for d, the post indices),
 *     so the arrivals of one step are, for d = 0..D, the groups (j, d) of the spikes emitted at
 *     step − d;
 *   - a ring holds the pre spikes of the last D + 1 steps (ids, count, and the step each slot is for).
 *
 * `deliverArrivals` walks one step's arrivals for every STDP variant (hot path, no callback per
 * synapse); models/kernels/arrival-walk.ts calls it, or the kernel that does the same. Nothing is
 * allocated after construction.
 */
import type { DenseProjection } from '../projection.js';

const NEVER = -0x40000000;

/** Where the arrays live, e.g. a WebAssembly memory whose kernel processes the arrivals (post indices then 16-bit). */
export interface ArrivalStorage {
  i32(length: number): Int32Array;
  u16(length: number): Uint16Array;
}

export class DelayedArrivals {
  /** Longest delay D (steps); the ring has G = D + 1 slots. */
  readonly maxDelay: number;
  readonly G: number;
  /** Posts of group (j, d): groupPost[groupPtr[j·G + d] .. groupPtr[j·G + d + 1]). Empty when built without groups. */
  readonly groupPtr: Int32Array;
  readonly groupPost: Int32Array | Uint16Array;
  /** Ring of the pre spikes of the last G steps: slot s holds histCount[s] ids emitted at histStep[s]. */
  readonly histIds: Int32Array;
  readonly histCount: Int32Array;
  readonly histStep: Int32Array;

  /**
   * `groups: false` skips the grouping, for a rule that handles one uniform delay itself (whole rows).
   * `storage`: where to allocate (zeroed) the arrays; default plain typed arrays.
   */
  constructor(
    readonly projection: DenseProjection,
    opts: { groups?: boolean; storage?: ArrivalStorage | null } = {},
  ) {
    const m = projection.pre.size;
    const n = projection.post.size;
    const delays = projection.delays;
    const D = (this.maxDelay = projection.maxDelaySteps);
    const G = (this.G = D + 1);
    const store = opts.storage ?? null;
    const i32 = (len: number) => (store ? store.i32(len) : new Int32Array(len));
    const groups = opts.groups ?? true;
    this.groupPtr = i32(m * G + 1);
    this.groupPost = !groups ? new Int32Array(0) : store ? store.u16(m * n) : new Int32Array(m * n);
    if (groups) {
      const ptr = this.groupPtr;
      const delayOf = (j: number, i: number) => (delays === null ? projection.delaySteps! : delays[j * n + i]!);
      for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) ptr[j * G + delayOf(j, i) + 1]!++;
      for (let g = 0; g < m * G; g++) ptr[g + 1] = ptr[g + 1]! + ptr[g]!;
      const fill = ptr.slice(0, m * G);
      for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) this.groupPost[fill[j * G + delayOf(j, i)]!++] = i;
    }
    this.histIds = i32(G * m);
    this.histCount = i32(G);
    this.histStep = i32(G).fill(NEVER);
  }

  /** Bytes the arrays of an m × n projection with delays up to `maxDelay` take in an ArrivalStorage (each array 16-byte aligned). */
  static bytesFor(m: number, n: number, maxDelay: number): number {
    const G = maxDelay + 1;
    const a = (bytes: number) => (bytes + 15) & ~15;
    return a(4 * (m * G + 1)) + a(2 * m * n) + a(4 * G * m) + 2 * a(4 * G);
  }

  /** Records the spikes the pre population emitted in `step`. */
  record(step: number, ids: Int32Array, count: number): void {
    const slot = step % this.G;
    this.histStep[slot] = step;
    this.histCount[slot] = count;
    const base = slot * this.projection.pre.size;
    for (let k = 0; k < count; k++) this.histIds[base + k] = ids[k]!;
  }

  /** The ring slot of the spikes emitted at `step − d`, or −1 when none were recorded for that step. */
  slotOf(step: number, d: number): number {
    const e = step - d;
    const slot = e % this.G;
    return this.histStep[slot] === e && this.histCount[slot]! > 0 ? slot : -1;
  }

  /**
   * The arrival walk of STDP with per-synapse delays, written once for every variant (the JS twin
   * of the `arrive` kernel of engine/kernels/wasm/plastic-fanout.wat): every synapse (j, i) reached at
   * `step` adds its weight (from before the update) into buf[off + i] and, when `learn`, moves by
   * c·trace[i], clipped at `bound` from above (`upper`) or from below. Variants differ only in
   * these terms: sym-STDP potentiates by η·y_post up to wMax, pair STDP depresses by
   * ν_pre·post1 down to 0 (c < 0). Returns whether anything arrived.
   */
  deliverArrivals(step: number, w: Float64Array | Float32Array, buf: Float64Array | Float32Array, off: number, learn: boolean, c: number, trace: Float64Array, bound: number, upper: boolean): boolean {
    const m = this.projection.pre.size;
    const n = this.projection.post.size;
    const G = this.G;
    const { groupPtr: ptr, groupPost: posts, histIds, histCount } = this;
    let any = false;
    for (let d = 0; d < G; d++) {
      const slot = this.slotOf(step, d);
      if (slot < 0) continue;
      any = true;
      const hb = slot * m;
      const count = histCount[slot]!;
      for (let k = 0; k < count; k++) {
        const j = histIds[hb + k]!;
        const row = j * n;
        const g = j * G + d;
        const end = ptr[g + 1]!;
        if (!learn) {
          for (let q = ptr[g]!; q < end; q++) {
            const i = posts[q]!;
            buf[off + i] = buf[off + i]! + w[row + i]!;
          }
        } else if (upper) {
          for (let q = ptr[g]!; q < end; q++) {
            const i = posts[q]!;
            const wi = w[row + i]!;
            buf[off + i] = buf[off + i]! + wi;
            const nw = wi + c * trace[i]!;
            w[row + i] = nw < bound ? nw : bound;
          }
        } else {
          for (let q = ptr[g]!; q < end; q++) {
            const i = posts[q]!;
            const wi = w[row + i]!;
            buf[off + i] = buf[off + i]! + wi;
            const nw = wi + c * trace[i]!;
            w[row + i] = nw > bound ? nw : bound;
          }
        }
      }
    }
    return any;
  }

  saveState(): Record<string, Float64Array> {
    return { histIds: Float64Array.from(this.histIds), histCount: Float64Array.from(this.histCount), histStep: Float64Array.from(this.histStep) };
  }

  loadState(s: Record<string, unknown>): void {
    this.histIds.set(s.histIds as Float64Array);
    this.histCount.set(s.histCount as Float64Array);
    this.histStep.set(s.histStep as Float64Array);
  }
}
