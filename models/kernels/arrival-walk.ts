/**
 * The spike-arrival walk of a plastic dense projection, written once for every STDP variant: each
 * step, every synapse (j, i) that a pre spike reaches now adds its weight (from before the update)
 * into the post population's input ring and, when learning, moves by c·trace[i], clipped at `bound`
 * from above (`upper`) or from below. The variants differ only in these terms: sym-STDP potentiates
 * by η·y_post up to wMax, pair STDP depresses by ν_pre·post1 down to 0 (c < 0).
 *
 * Three shapes of the same walk:
 *   - no delay: the rows of this step's pre spikes;
 *   - one uniform delay d: the rows of the spikes emitted at step − d (a ring of recent spikes);
 *   - a delay per synapse: the synapses grouped by delay (models/kernels/delayed-arrivals.ts).
 * When the projection's weights and the rule's trace live in kernel memory that also holds the
 * ring (models/kernels/plastic-memory.ts), rows run in the SIMD kernels `potentiateRow` (upper
 * clip) / `addRow` (frozen) and grouped arrivals in `arrive`; otherwise as the JS loops below. Both
 * do the same IEEE operations in the same order: results are bit-identical.
 *
 * A rule gets this walk from its projection (`DenseProjection.arrivalWalk`) and calls `deliver`
 * from the fused delivery it hands the projection. Nothing is allocated per step.
 */
import type { DenseProjection } from '../projection.js';
import { DelayedArrivals } from './delayed-arrivals.js';
import type { PlasticMemory } from './plastic-memory.js';

export class ArrivalWalk {
  /** Slots of the ring of recent pre spikes: longest delay + 1 (1 without delays). */
  readonly G: number;
  /** True when spikes arrive later than they are emitted (the walk keeps a ring of recent spikes). */
  readonly delayed: boolean;
  /** The uniform delay in steps, or −1 with a delay per synapse. */
  private readonly uniform: number;
  private readonly history: DelayedArrivals | null;
  /** Kernel memory holding the weights and the trace, or null (JS loops). */
  private readonly mem: PlasticMemory | null;
  /** Byte offsets of the arrival kernel's arrays (per-synapse delays in kernel memory), else empty. */
  private readonly ptrs: Int32Array;

  constructor(
    private readonly projection: DenseProjection,
    /** The post-synaptic trace the learning term multiplies (length post.size). */
    private readonly trace: Float64Array,
    memory: PlasticMemory | null,
  ) {
    const D = projection.maxDelaySteps;
    this.G = D + 1;
    this.uniform = projection.delaySteps ?? -1;
    this.delayed = D > 0;
    const mem = (this.mem = memory !== null && memory.holds(trace) ? memory : null);
    const grouped = this.uniform < 0;
    const storage = grouped && mem !== null ? mem.arrivalStorage(D) : null;
    this.history = this.uniform === 0 ? null : new DelayedArrivals(projection, { groups: grouped, storage });
    const h = this.history;
    const at = (a: ArrayBufferView) => a.byteOffset;
    this.ptrs = Int32Array.from(storage !== null && h !== null ? [at(h.histIds), at(h.histCount), at(h.histStep), at(h.groupPtr), at(h.groupPost), at(projection.weights), at(trace)] : []);
  }

  /** 'wasm' when the arrivals run in WebAssembly kernels, else 'js'. */
  get backend(): 'wasm' | 'js' {
    return this.mem !== null && (this.uniform >= 0 || this.ptrs.length > 0) ? 'wasm' : 'js';
  }

  /**
   * Records this step's pre spikes and delivers every synapse reached now; with `learn`, each
   * delivered weight then moves by c·trace[i], clipped at `bound` (from above when `upper`).
   */
  deliver(step: number, learn: boolean, c: number, bound: number, upper: boolean): void {
    const proj = this.projection;
    const spikes = proj.pre.spikes;
    const h = this.history;
    if (h !== null) h.record(step, spikes.ids, spikes.count);
    if (this.uniform < 0) {
      this.deliverGroups(step, learn, c, bound, upper);
      return;
    }
    // Whole rows: the spikes of this step (no delay) or of step − d (ring slot, when any were recorded).
    let ids = spikes.ids;
    let base = 0;
    let count = spikes.count;
    if (h !== null) {
      const slot = h.slotOf(step, this.uniform);
      if (slot < 0) return;
      ids = h.histIds;
      base = slot * proj.pre.size;
      count = h.histCount[slot]!;
    }
    if (count === 0) return;
    const ring = proj.fusedRing;
    const buf = ring.buffer;
    const off = ring.offset(step);
    const mem = this.mem !== null && this.mem.holds(buf) ? this.mem : null;
    ring.mark(step);
    const n = proj.post.size;
    const w = proj.weights;
    if (mem !== null && (upper || !learn)) {
      const slot = buf.byteOffset + 8 * off;
      const pW = w.byteOffset;
      if (learn) {
        const pY = this.trace.byteOffset;
        for (let k = 0; k < count; k++) mem.k.potentiateRow(n, pW + 8 * ids[base + k]! * n, slot, pY, c, bound);
      } else {
        for (let k = 0; k < count; k++) mem.k.addRow(n, pW + 8 * ids[base + k]! * n, slot);
      }
      return;
    }
    const y = this.trace;
    for (let k = 0; k < count; k++) {
      const row = ids[base + k]! * n;
      if (!learn) {
        for (let i = 0; i < n; i++) buf[off + i] = buf[off + i]! + w[row + i]!;
      } else if (upper) {
        for (let i = 0; i < n; i++) {
          const wi = w[row + i]!;
          buf[off + i] = buf[off + i]! + wi;
          const nw = wi + c * y[i]!;
          w[row + i] = nw < bound ? nw : bound;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const wi = w[row + i]!;
          buf[off + i] = buf[off + i]! + wi;
          const nw = wi + c * y[i]!;
          w[row + i] = nw > bound ? nw : bound;
        }
      }
    }
  }

  /** Per-synapse delays: the synapses grouped by delay, in the arrival kernel or the JS walk. */
  private deliverGroups(step: number, learn: boolean, c: number, bound: number, upper: boolean): void {
    const proj = this.projection;
    const ring = proj.fusedRing;
    const buf = ring.buffer;
    const off = ring.offset(step);
    if (this.ptrs.length > 0 && this.mem!.holds(buf)) {
      const p = this.ptrs;
      // Frozen: c = 0 and no clip, so no weight changes (not even one scaled above the bound).
      const events = this.mem!.k.arrive(step, this.G, proj.pre.size, proj.post.size, p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, buf.byteOffset + 8 * off, learn ? c : 0, learn ? bound : Infinity, learn && !upper ? 0 : 1);
      if (events > 0) ring.mark(step);
    } else if (this.history!.deliverArrivals(step, proj.weights, buf, off, learn, c, this.trace, bound, upper)) {
      ring.mark(step);
    }
  }

  /** The ring of recent pre spikes (empty without delays). */
  saveState(): Record<string, Float64Array> {
    return this.history === null ? {} : this.history.saveState();
  }

  loadState(s: Record<string, unknown>): void {
    if (this.history !== null && s.histIds !== undefined) this.history.loadState(s);
  }
}
