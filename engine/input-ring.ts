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
 *
 * Slot flags (optional, coarser): when every writer marks the slots it writes (`mark`), delivery
 * skips a slot nobody wrote since it was last delivered (`take`) — e.g. the inhibitory channel
 * between the rare inhibitory spikes, or every channel during a silent rest. A ring handed out to
 * code that may write without marking (`Projection.ringBuffer`, `Network.ring`) stops for good
 * (`unmark`); `Projection.fusedRing` is for writers that mark.
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
  /** Per slot: 0 when nothing was written since it was last delivered; null = not flagged (always deliver). */
  written: Uint8Array | null = null;
  private unmarked = false;

  /**
   * `allocate`, when given, provides the zeroed buffer of `slots × size` values (a population that
   * keeps its state in WebAssembly memory puts its rings there too); otherwise a new typed array.
   * `allocateTouched`, likewise, the touched lists when tracking starts (`slots × size` int32).
   */
  constructor(
    precision: Precision,
    size: number,
    maxDelaySteps: number,
    allocate?: (length: number) => FloatArray | null,
    private readonly allocateTouched?: (length: number) => Int32Array | null,
  ) {
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
    this.written?.fill(0);
  }

  /**
   * Puts back a copy of `buffer` (e.g. after an evaluation): every slot counts as written, and the
   * touched lists, which the copy does not describe, stop for good.
   */
  restore(data: ArrayLike<number>): void {
    this.buffer.set(data);
    this.written?.fill(1);
    this.untrack();
  }

  /** Starts flagging written slots (unless `unmark` was called before). */
  trackSlots(): void {
    if (this.unmarked || this.written !== null) return;
    this.written = new Uint8Array(this.slots);
  }

  /** Stops flagging for good: from now on every slot is delivered. */
  unmark(): void {
    this.unmarked = true;
    this.written = null;
  }

  /** Flags the slot step `step` reads as written (writers call this for every slot they add into). */
  mark(step: number): void {
    const w = this.written;
    if (w !== null) w[step & this.mask] = 1;
  }

  /** Flags every slot as written (writers with per-synapse delays). */
  markAll(): void {
    this.written?.fill(1);
  }

  /**
   * For delivery in step `step`: false when nothing was written into its slot since the last
   * delivery (the slot is all zeros and may be skipped); true otherwise, clearing the flag.
   */
  take(step: number): boolean {
    const w = this.written;
    if (w === null) return true;
    const s = step & this.mask;
    if (w[s] === 0) return false;
    w[s] = 0;
    return true;
  }

  /** Starts tracking writes (unless `untrack` was called before). */
  track(): void {
    if (this.untracked || this.touched !== null) return;
    this.touched = this.allocateTouched?.(this.slots * this.size) ?? new Int32Array(this.slots * this.size);
    this.touchedCount = new Int32Array(this.slots);
  }

  /** Stops tracking for good: from now on delivery scans whole slots. */
  untrack(): void {
    this.untracked = true;
    this.touched = null;
    this.touchedCount = null;
  }
}
