/**
 * Projections carry the spikes of a pre-synaptic population into one input channel of a
 * post-synaptic population, through that channel's ring buffer (engine/input-ring.ts).
 *
 * Layouts (weights in the channel's unit):
 *   dense        — W row-major [pre × post]; uniform delay or a delay per synapse
 *   sparse       — CSR: rowPtr [pre + 1], cols [nnz], W [nnz]; uniform or per-synapse delay
 *   one-to-one   — W [n]: pre i → post i
 *   all-but-self — one uniform weight: pre i → every post j ≠ i (lateral inhibition)
 * Row-major W suits spike-driven fan-out: a pre-synaptic spike touches one contiguous row.
 */
import type { FloatArray } from '../engine/float-array.js';
import type { InputRing } from '../engine/input-ring.js';
import type { SparseKernelExports } from '../engine/kernels/kernel-sets.js';
import type { WasmLifKernels } from '../engine/kernels/wasm-lif.js';
import { SnnError } from '../engine/errors.js';
import { ArrivalWalk } from './kernels/arrival-walk.js';
import { potentiateColumn } from './kernels/column-pass.js';
import type { KernelDevice } from './kernels/device.js';
import type { PlasticMemory } from './kernels/plastic-memory.js';
import type { Population } from './population.js';

/** The spike-arrival walk a dense projection offers its learning rule (models/kernels/arrival-walk.ts). */
export type { ArrivalWalk };

/** What a rule hands a projection to deliver its spikes (`deliver` is called with the step). */
export interface PlasticDelivery {
  readonly owner: string;
  deliver(step: number): void;
}

export type ProjectionKind = 'dense' | 'sparse' | 'one-to-one' | 'all-but-self';

export interface Projection {
  readonly name: string;
  readonly kind: ProjectionKind;
  readonly pre: Population;
  readonly post: Population;
  readonly channel: string;
  readonly weights: FloatArray;
  /** Uniform delay in steps, or null when `delays` holds one per synapse. */
  readonly delaySteps: number | null;
  readonly delays: Uint16Array | null;
  readonly maxDelaySteps: number;
  /** Number of synapses (for statistics: synaptic events = spikes × fan-out). */
  readonly synapseCount: number;
  /**
   * True when `propagate` records the neurons it writes in the ring's touched lists (sparse
   * layouts), so the post population may deliver sparsely (engine/input-ring.ts).
   */
  readonly tracksWrites?: boolean;
  /** True when `propagate` flags the ring slots it writes (InputRing.mark), so delivery may skip the others. */
  readonly marksWrites?: boolean;
  /** Synapses one spike of pre neuron i reaches. */
  fanOut(i: number): number;
  bindRing(ring: InputRing): void;
  /** Adds the weights of this step's pre spikes into the ring slots of their arrival steps. */
  propagate(step: number): void;
  /** Resolves what the first propagation would otherwise resolve lazily (called before every run). */
  prepare?(): void;
  /** Receives the kernel device of the network it is added to (Network.addProjection). */
  useKernels?(device: KernelDevice): void;
}

abstract class BaseProjection {
  protected ring!: InputRing;
  abstract readonly delaySteps: number | null;
  abstract readonly delays: Uint16Array | null;

  constructor(
    readonly name: string,
    readonly pre: Population,
    readonly post: Population,
    readonly channel: string,
  ) {}

  bindRing(ring: InputRing): void {
    this.ring = ring;
  }

  /**
   * The input ring this projection delivers into (for rules that fuse delivery with learning).
   * Whoever asks may write into it untracked, so the ring stops tracking writes (dense delivery).
   */
  get ringBuffer(): InputRing {
    this.ring.untrack();
    this.ring.unmark();
    return this.ring;
  }

  /**
   * The input ring for a writer that flags every slot it writes into (`ring.mark(arrivalStep)`),
   * e.g. a learning rule that fuses delivery with plasticity: touched lists stop (dense delivery),
   * slot flags stay, so delivery still skips slots nobody wrote.
   */
  get fusedRing(): InputRing {
    this.ring.untrack();
    return this.ring;
  }

  readonly marksWrites = true;

  get maxDelaySteps(): number {
    if (this.delaySteps !== null) return this.delaySteps;
    let m = 0;
    const d = this.delays!;
    for (let k = 0; k < d.length; k++) if (d[k]! > m) m = d[k]!;
    return m;
  }
}

export class DenseProjection extends BaseProjection implements Projection {
  readonly kind = 'dense' as const;

  constructor(
    name: string,
    pre: Population,
    post: Population,
    channel: string,
    readonly weights: FloatArray,
    readonly delaySteps: number | null,
    readonly delays: Uint16Array | null,
  ) {
    super(name, pre, post, channel);
  }

  get synapseCount(): number {
    return this.pre.size * this.post.size;
  }

  fanOut(): number {
    return this.post.size;
  }

  private plasticDelivery: PlasticDelivery | null = null;
  /** The kernel device of this projection's network (set when it is added to one), or null. */
  private device: KernelDevice | null = null;

  useKernels(device: KernelDevice): void {
    this.device = device;
  }

  /**
   * The kernel memory holding this projection's weights (the graph builder placed them there with
   * models/plastic-placement.ts `plasticHooks`), as its network's device knows it, or null: plain
   * typed arrays and JS loops (also when the weights are another network's memory).
   */
  private get kernelMemory(): PlasticMemory | null {
    return this.device?.memoryHolding(this.weights) ?? null;
  }

  /** 'wasm' when this projection's weights live in kernel memory (its learning kernels can run), else 'js'. */
  get kernelBackend(): 'wasm' | 'js' {
    return this.kernelMemory !== null ? 'wasm' : 'js';
  }

  /**
   * Trace storage, a capability for learning rules: a zeroed float64 array of `length` values that
   * this projection's kernels can read (in its kernel memory when there is room), else a plain one.
   */
  traceStorage(length: number): Float64Array {
    return this.kernelMemory?.f64(length) ?? new Float64Array(length);
  }

  /**
   * The spike-arrival walk (models/kernels/arrival-walk.ts) of this projection for a rule whose
   * learning term multiplies `trace` (from `traceStorage`): delivery fused with the pre-synaptic
   * weight update, in kernels when the weights and the trace live in kernel memory.
   */
  arrivalWalk(trace: Float64Array): ArrivalWalk {
    return new ArrivalWalk(this, trace, this.kernelMemory);
  }

  /**
   * The post-spike column pass (models/kernels/column-pass.ts), a capability for STDP rules without
   * delays: every weight of column `i` (post neuron i) moves by c·x_j, clipped at `wMax` from above;
   * synapses with x_j = 0 are left alone.
   */
  potentiateColumn(i: number, x: Float64Array, c: number, wMax: number): void {
    potentiateColumn(this.weights, this.pre.size, this.post.size, i, x, c, wMax);
  }

  /**
   * Column scaling in kernel memory: rescales every column (post neuron) of W to sum to `target`, a
   * zero column left alone, bit-identical to the JS loop; null when the weights are plain arrays.
   */
  columnScaler(): ((target: number) => void) | null {
    const mem = this.kernelMemory;
    return mem === null ? null : (target) => mem.scaleColumns(target);
  }

  /**
   * Plastic delivery, a capability this projection offers: `d` delivers its spikes from now on,
   * fused with its pre-synaptic weight update (a rule walks each arriving spike's row once for
   * both). The projection's own propagation task stays where it is in the schedule and calls it,
   * so the step order is unchanged. One rule at most per projection.
   */
  fuseDelivery(d: PlasticDelivery): void {
    if (this.plasticDelivery !== null) {
      throw new SnnError('config.invalid', `${d.owner} and ${this.plasticDelivery.owner} both deliver '${this.name}'`, 'attach one delivering rule (one STDP variant) per projection');
    }
    this.plasticDelivery = d;
  }

  propagate(step: number): void {
    if (this.plasticDelivery !== null) this.plasticDelivery.deliver(step);
    else this.propagateWeights(step);
  }

  /** Adds the current weights of this step's pre spikes into the ring (the delivery without learning). */
  propagateWeights(step: number): void {
    const spikes = this.pre.spikes;
    if (spikes.count === 0) return;
    const n = this.post.size;
    const w = this.weights;
    const buf = this.ring.buffer;
    if (this.delaySteps !== null) {
      const off = this.ring.offset(step + this.delaySteps);
      this.ring.mark(step + this.delaySteps);
      for (let k = 0; k < spikes.count; k++) {
        const row = spikes.ids[k]! * n;
        for (let j = 0; j < n; j++) buf[off + j] = buf[off + j]! + w[row + j]!;
      }
    } else {
      const d = this.delays!;
      const ring = this.ring;
      ring.markAll();
      for (let k = 0; k < spikes.count; k++) {
        const row = spikes.ids[k]! * n;
        for (let j = 0; j < n; j++) {
          const o = ring.offset(step + d[row + j]!) + j;
          buf[o] = buf[o]! + w[row + j]!;
        }
      }
    }
  }
}

/** Lists neuron j in the touched list of the ring slot at offset `off` (tracking stops when full). */
function listTouched(ring: InputRing, off: number, j: number): void {
  const slot = off / ring.size;
  const counts = ring.touchedCount;
  if (counts === null) return;
  const tc = counts[slot]!;
  if (tc === ring.size) {
    ring.untrack();
    return;
  }
  ring.touched![off + tc] = j;
  counts[slot] = tc + 1;
}

/** True when every value equals the first (Object.is: −0 and NaN count as different values). */
function allEqual(a: FloatArray): boolean {
  const first = a[0];
  for (let k = 1; k < a.length; k++) if (!Object.is(a[k], first)) return false;
  return true;
}

export class SparseProjection extends BaseProjection implements Projection {
  readonly kind = 'sparse' as const;
  /**
   * The post population's WebAssembly kernels when rowPtr, cols, weights (float64) and the ring all
   * live in its memory and the delay is uniform (models/build-network.ts places them there with the
   * wasm backend): propagation then runs `addRowsTracked` / `addRows` (engine/kernels/wasm/
   * sparse-fanout.wat), which make the same additions in the same order as the loops below.
   * Resolved before the first run (`prepare`); null: the JS loops. When all weights are equal then,
   * the kernels read that one value instead of the weight array (same additions, less memory
   * traffic): the weights of a sparse projection are fixed once the network has run.
   */
  private fan: WasmLifKernels | null | undefined = undefined;
  /** `fan.sparse`, instantiated when the fan is resolved (not lazily inside the hot propagate path). */
  private sparseKernels: SparseKernelExports | null = null;
  /** Every weight equals weights[0]: the kernels read that one value (addRows…Uniform). */
  private uniformWeight = false;

  constructor(
    name: string,
    pre: Population,
    post: Population,
    channel: string,
    readonly rowPtr: Int32Array,
    readonly cols: Int32Array,
    readonly weights: FloatArray,
    readonly delaySteps: number | null,
    readonly delays: Uint16Array | null,
    /** Room for pre.size spike ids in the post population's memory, when pre's ids live elsewhere. */
    private readonly idScratch: Int32Array | null = null,
  ) {
    super(name, pre, post, channel);
  }

  private resolveFan(): WasmLifKernels | null {
    const w = this.post.wasmKernels ?? null;
    const ok =
      w !== null &&
      this.delaySteps !== null &&
      this.weights instanceof Float64Array &&
      w.holds(this.rowPtr) &&
      w.holds(this.cols) &&
      w.holds(this.weights) &&
      w.holds(this.ring.buffer) &&
      (w.holds(this.pre.spikes.ids) || (this.idScratch !== null && w.holds(this.idScratch) && this.idScratch.length >= this.pre.size));
    this.fan = ok ? w : null;
    this.sparseKernels = ok ? w.sparse : null;
    this.uniformWeight = ok && allEqual(this.weights);
    return this.fan;
  }

  /** Resolves the kernels before a run (Network.runSteps), so the first propagation takes the hot path. */
  prepare(): void {
    if (this.fan === undefined) this.resolveFan();
  }

  /** Uniform delay through the wasm kernels; false when they cannot take this call (JS instead). */
  private propagateWasm(fan: WasmLifKernels, step: number, count: number): boolean {
    const ring = this.ring;
    const touched = ring.touched;
    if (touched !== null && !fan.holds(touched)) return false;
    const arrival = step + this.delaySteps!;
    const off = ring.offset(arrival);
    ring.mark(arrival);
    const ids = this.pre.spikes.ids;
    let pIds: number;
    if (fan.holds(ids)) pIds = ids.byteOffset;
    else {
      const sc = this.idScratch!;
      for (let k = 0; k < count; k++) sc[k] = ids[k]!;
      pIds = sc.byteOffset;
    }
    const pSlot = ring.buffer.byteOffset + 8 * off;
    if (touched !== null) {
      const counts = ring.touchedCount!;
      const slot = off / ring.size;
      const k = this.sparseKernels!;
      const addRows = this.uniformWeight ? k.addRowsTrackedUniform : k.addRowsTracked;
      const tc = addRows(pIds, count, this.rowPtr.byteOffset, this.cols.byteOffset, this.weights.byteOffset, pSlot, touched.byteOffset + 4 * off, counts[slot]!, ring.size);
      if (tc < 0) ring.untrack(); // the list would outgrow the slot: the kernel finished untracked
      else counts[slot] = tc;
    } else {
      const k = this.sparseKernels!;
      const addRows = this.uniformWeight ? k.addRowsUniform : k.addRows;
      addRows(pIds, count, this.rowPtr.byteOffset, this.cols.byteOffset, this.weights.byteOffset, pSlot);
    }
    return true;
  }

  get synapseCount(): number {
    return this.cols.length;
  }

  fanOut(i: number): number {
    return this.rowPtr[i + 1]! - this.rowPtr[i]!;
  }

  readonly tracksWrites = true;

  propagate(step: number): void {
    const spikes = this.pre.spikes;
    const count = spikes.count;
    if (count === 0) return;
    const fan = this.fan === undefined ? this.resolveFan() : this.fan;
    if (fan !== null && this.propagateWasm(fan, step, count)) return;
    const ids = spikes.ids;
    const w = this.weights;
    const cols = this.cols;
    const rowPtr = this.rowPtr;
    const ring = this.ring;
    const buf = ring.buffer;
    const touched = ring.touched;
    if (this.delaySteps !== null) {
      const off = ring.offset(step + this.delaySteps);
      ring.mark(step + this.delaySteps);
      if (touched !== null) {
        // Same additions as below, plus the list of neurons this slot now holds input for.
        const slot = off / ring.size;
        const cap = ring.size;
        let tc = ring.touchedCount![slot]!;
        for (let k = 0; k < count; k++) {
          const i = ids[k]!;
          const end = rowPtr[i + 1]!;
          for (let s = rowPtr[i]!; s < end; s++) {
            const j = cols[s]!;
            const o = off + j;
            const old = buf[o]!;
            buf[o] = old + w[s]!;
            if (old === 0) {
              if (tc === cap) {
                ring.untrack(); // only repeated exact cancellations get here; finish untracked
                this.addRest(k, s + 1, count, off);
                return;
              }
              touched[off + tc++] = j;
            }
          }
        }
        ring.touchedCount![slot] = tc;
        return;
      }
      for (let k = 0; k < count; k++) {
        const i = ids[k]!;
        const end = rowPtr[i + 1]!;
        for (let s = rowPtr[i]!; s < end; s++) {
          const o = off + cols[s]!;
          buf[o] = buf[o]! + w[s]!;
        }
      }
    } else {
      const d = this.delays!;
      ring.markAll();
      for (let k = 0; k < count; k++) {
        const i = ids[k]!;
        const end = rowPtr[i + 1]!;
        for (let s = rowPtr[i]!; s < end; s++) {
          const off = ring.offset(step + d[s]!);
          const j = cols[s]!;
          const o = off + j;
          const old = buf[o]!;
          buf[o] = old + w[s]!;
          if (old === 0 && ring.touched !== null) listTouched(ring, off, j);
        }
      }
    }
  }

  /** Untracked additions from synapse s0 of spike k0's row on (uniform delay, slot at `off`). */
  private addRest(k0: number, s0: number, count: number, off: number): void {
    const ids = this.pre.spikes.ids;
    const buf = this.ring.buffer;
    for (let k = k0; k < count; k++) {
      const i = ids[k]!;
      const end = this.rowPtr[i + 1]!;
      for (let s = k === k0 ? s0 : this.rowPtr[i]!; s < end; s++) {
        const o = off + this.cols[s]!;
        buf[o] = buf[o]! + this.weights[s]!;
      }
    }
  }
}

export class OneToOneProjection extends BaseProjection implements Projection {
  readonly kind = 'one-to-one' as const;

  constructor(
    name: string,
    pre: Population,
    post: Population,
    channel: string,
    readonly weights: FloatArray,
    readonly delaySteps: number | null,
    readonly delays: Uint16Array | null,
  ) {
    super(name, pre, post, channel);
  }

  get synapseCount(): number {
    return this.pre.size;
  }

  fanOut(): number {
    return 1;
  }

  readonly tracksWrites = true;

  propagate(step: number): void {
    const spikes = this.pre.spikes;
    const w = this.weights;
    const ring = this.ring;
    const buf = ring.buffer;
    const touched = ring.touched;
    for (let k = 0; k < spikes.count; k++) {
      const i = spikes.ids[k]!;
      const d = this.delaySteps ?? this.delays![i]!;
      const off = ring.offset(step + d);
      ring.mark(step + d);
      const o = off + i;
      const old = buf[o]!;
      buf[o] = old + w[i]!;
      if (old === 0 && touched !== null) listTouched(ring, off, i);
    }
  }
}

export class AllButSelfProjection extends BaseProjection implements Projection {
  readonly kind = 'all-but-self' as const;
  readonly delays = null;

  constructor(
    name: string,
    pre: Population,
    post: Population,
    channel: string,
    /** A single weight shared by every synapse. */
    readonly weights: FloatArray,
    readonly delaySteps: number,
  ) {
    super(name, pre, post, channel);
  }

  get synapseCount(): number {
    return this.pre.size * (this.post.size - 1);
  }

  fanOut(): number {
    return this.post.size - 1;
  }

  propagate(step: number): void {
    const spikes = this.pre.spikes;
    if (spikes.count === 0) return;
    const n = this.post.size;
    const w = this.weights[0]!;
    const buf = this.ring.buffer;
    const off = this.ring.offset(step + this.delaySteps);
    this.ring.mark(step + this.delaySteps);
    for (let k = 0; k < spikes.count; k++) {
      const i = spikes.ids[k]!;
      for (let j = 0; j < i; j++) buf[off + j] = buf[off + j]! + w;
      for (let j = i + 1; j < n; j++) buf[off + j] = buf[off + j]! + w;
    }
  }
}
