/**
 * Ring buffer of synaptic input for one target channel of one population (NEST's design).
 *
 * All projections feeding the same (population, channel) share one ring of D slots × N neurons.
 * A spike emitted in step n with a delay of d steps adds its weight into slot (n + d) mod D; in
 * step m the population reads slot m mod D once and zeroes it. D is the next power of two above the
 * longest delay, so the modulo is a mask and no memory ever moves.
 *
 * Write tracking (optional): when every writer records which neurons it touched in a slot
 * (`touch`), delivery visits only those instead of all N — in a sparse network a step's input
 * reaches a few percent of the neurons. The network enables it when all feeding projections track
 * their writes; it is switched off for good (`untrack`) as soon as anything else may write, e.g. a
 * learning rule that takes over a projection's delivery through `Projection.ringBuffer`.
 * A writer lists neuron j when its slot value was exactly 0 before the write, so no marks are
 * needed: a neuron whose input sums back to 0 may be listed twice (delivery skips zeros, so that
 * is harmless), and a list that would outgrow N entries switches tracking off instead.
 */
import { allocFloat, type FloatArray, type Precision } from './float-array.js';

export class InputRing {
  readonly size: number;
  readonly slots: number;
  readonly buffer: FloatArray;
  private readonly mask: number;
  /** Neurons touched per slot (`slots × size`, slot-major), or null when writes are not tracked. */
  touched: Int32Array | null = null;
  /** Number of valid entries of `touched` per slot. */
  touchedCount: Int32Array | null = null;
  private untracked = false;

  /**
   * `allocate`, when given, provides the zeroed buffer of `slots × size` values (a population that
   * keeps its state in WebAssembly memory puts its rings there too); otherwise a new typed array.
   */
  constructor(precision: Precision, size: number, maxDelaySteps: number, allocate?: (length: number) => FloatArray | null) {
    this.slots = InputRing.slotsFor(maxDelaySteps);
    this.size = size;
    this.mask = this.slots - 1;
    this.buffer = allocate?.(this.slots * size) ?? allocFloat(precision, this.slots * size);
  }

  /** Slots of a ring that holds delays up to `maxDelaySteps`: the next power of two above it. */
  static slotsFor(maxDelaySteps: number): number {
    let slots = 1;
    while (slots < maxDelaySteps + 1) slots <<= 1;
    return slots;
  }

  /** Offset in `buffer` of the slot that step `step` reads. */
  offset(step: number): number {
    return (step & this.mask) * this.size;
  }

  /** Longest delay (in steps) this ring can hold. */
  get maxDelaySteps(): number {
    return this.slots - 1;
  }

  clear(): void {
    this.buffer.fill(0);
    this.touchedCount?.fill(0);
  }

  /** Starts tracking writes (unless `untrack` was called before). */
  track(): void {
    if (this.untracked || this.touched !== null) return;
    this.touched = new Int32Array(this.slots * this.size);
    this.touchedCount = new Int32Array(this.slots);
  }

  /** Stops tracking for good: from now on delivery scans whole slots. */
  untrack(): void {
    this.untracked = true;
    this.touched = null;
    this.touchedCount = null;
  }
}
