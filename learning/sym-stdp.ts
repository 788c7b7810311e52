/**
 * Symmetric STDP (Hao et al. 2020; docs/hao2020.md): both spike orders potentiate.
 *
 *   pre j spikes:  w_ji ← min(w_ji + η·y_i, wMax) for every post i;  then x_j += aPre
 *   post i spikes: w_ji ← min(w_ji + η·x_j, wMax) for every pre j;   then y_i += aPost
 *
 * x and y decay exponentially with τ (20 ms), so an isolated pair at lag Δt gives
 * Δw = η·a·e^{−|Δt|/τ} whichever neuron fires first. No depression: competition comes from
 * synaptic scaling, lateral inhibition and the dynamic threshold.
 *
 * Cost. The traces are stored rescaled, x̃ = x·e^{(t − tRef)/τ}, so the decay of every trace at
 * time t is one shared factor f(t) = e^{−(t − tRef)/τ}: a pre spike costs one exp and one pass over
 * its weight row, fused with the spike's delivery (the conductance receives the weight from before
 * the update, as in GeNN's synapse kernel); a post spike one pass over its column. Nothing decays
 * per step (learning/rescaled-traces.ts).
 *
 * With a SymStdpMemory (learning/kernels/sym-stdp-memory.ts: weights and post traces in the post
 * population's WebAssembly memory) the pre-spike pass runs as a SIMD kernel, bit-identical.
 *
 * Delays. With one axonal delay per synapse (Diehl & Cook's input→exc, U[0, 10] ms) the pre side
 * belongs to the ARRIVAL of a spike at each synapse, as in Brian: a spike of j emitted at step e
 * reaches synapse (j, i) at step e + d_ji, is delivered there and potentiates there by η·y_i, and
 * the synapse's pre trace jumps there. That trace is the neuron's own trace shifted by the delay,
 * x_ji(t) = x_j(t − d_ji), so a post spike reads x_j from a ring of the last D + 1 steps' trace
 * values (m·(D + 1) numbers) instead of keeping a trace per synapse. Arrivals are grouped by delay
 * (learning/delayed-arrivals.ts); with a SymStdpMemory that reserved room for them they run in its
 * arrival kernel (scalar WebAssembly gather/scatter, bit-identical), else as JS loops.
 */
import { SnnError } from '../engine/errors.js';
import type { Network } from '../models/network.js';
import { DenseProjection, type Projection } from '../models/projection.js';
import { DelayedArrivals } from './delayed-arrivals.js';
import type { ArrivalKernel } from './kernels/pair-stdp-memory.js';
import type { PlasticityRule, RuleState } from './plugin-contract.js';
import { RescaledTraces } from './rescaled-traces.js';
import { SymStdpMemory, symStdpMemoryProvider } from './kernels/sym-stdp-memory.js';
import type { RulePlugin } from './rules.js';

export interface SymStdpOptions {
  /** Learning rate η (the same for both orders). */
  eta: number;
  /** Upper weight bound. */
  wMax: number;
  /** Trace time constant (ms), both sides. */
  tau?: number;
  /** Trace increments; the paper's nominal 0.1 (docs/hao2020.md, choices). */
  aPre?: number;
  aPost?: number;
}

export class SymStdp implements PlasticityRule {
  readonly kind = 'sym-stdp';
  readonly name: string;
  plastic = true;
  readonly eta: number;
  readonly wMax: number;
  readonly tau: number;
  readonly aPre: number;
  readonly aPost: number;
  /** Pre (xs) and post (ys) traces, stored rescaled against `traces.tRef`. */
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  private readonly traces: RescaledTraces;
  /** Per-synapse delays: arrivals grouped by delay, and the last D + 1 steps of pre trace values (row (step mod G)·m). Null without delays. */
  private readonly arrivals: DelayedArrivals | null;
  private readonly xHist: Float64Array;
  /** The arrival kernel (delays with a SymStdpMemory) and the byte offsets of its arrays, or null. */
  private readonly arriveKernel: ArrivalKernel | null;
  private readonly arrivePtrs: Int32Array;
  private dt = 0;

  constructor(
    readonly projection: Projection,
    opts: SymStdpOptions,
    /** Kernels and memory holding this projection's weights (wasm backend), or null: JS loops. */
    private readonly kernel: SymStdpMemory | null = null,
  ) {
    if (!(projection instanceof DenseProjection)) {
      throw new SnnError('config.invalid', `sym-stdp needs a dense projection, '${projection.name}' is ${projection.kind}`, 'use dense connectivity for plastic projections');
    }
    for (const [k, v] of Object.entries(opts)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new SnnError('config.invalid', `sym-stdp ${k} must be a finite number ≥ 0, got ${v}`, 'fix the rule options');
    }
    this.name = `sym-stdp:${projection.name}`;
    this.eta = opts.eta;
    this.wMax = opts.wMax;
    this.tau = opts.tau ?? 20;
    this.aPre = opts.aPre ?? 0.1;
    this.aPost = opts.aPost ?? 0.1;
    if (kernel !== null && (kernel.weights !== projection.weights || kernel.n !== projection.post.size)) {
      throw new SnnError('internal', `sym-stdp kernel memory does not hold the weights of '${projection.name}'`, 'build the projection with the memory’s weights');
    }
    this.xs = new Float64Array(projection.pre.size);
    this.ys = kernel !== null ? kernel.ys : new Float64Array(projection.post.size);
    this.traces = new RescaledTraces(this.tau, [this.xs, this.ys]);
    const delayed = projection.delays !== null || projection.delaySteps !== 0;
    const inKernel = delayed && kernel !== null ? kernel.arrivalStorage(projection.maxDelaySteps) : null;
    const storage = inKernel?.storage ?? null;
    const arr = (this.arrivals = delayed ? new DelayedArrivals(projection, { storage }) : null);
    this.xHist = new Float64Array(arr === null ? 0 : arr.G * projection.pre.size);
    this.arriveKernel = inKernel?.arrive ?? null;
    const at = (a: ArrayBufferView) => a.byteOffset;
    this.arrivePtrs = Int32Array.from(storage && arr ? [at(arr.histIds), at(arr.histCount), at(arr.histStep), at(arr.groupPtr), at(arr.groupPost), at(projection.weights), at(this.ys)] : []);
  }

  /** 'wasm' when pre spikes (or delayed arrivals) run in a WebAssembly kernel, else 'js'. */
  get backend(): 'wasm' | 'js' {
    return this.kernel !== null && (this.arrivals === null || this.arriveKernel !== null) ? 'wasm' : 'js';
  }

  attach(net: Network): void {
    this.dt = net.dt;
    const proj = this.projection;
    const order = net.projections.indexOf(proj);
    // The projection's plastic delivery: its spikes arrive through the fused delivery + pre-synaptic update.
    const delayed = this.arrivals !== null;
    (proj as DenseProjection).fuseDelivery({ owner: this.name, deliver: delayed ? (s) => this.onArrivals(s) : (s) => this.onPreSpikes(s) });
    net.schedule.add('plasticity', order, `${this.name}.post`, (s) => this.onPostSpikes(s));
  }

  setPlastic(on: boolean): void {
    this.plastic = on;
  }

  /** Delivers this step's pre spikes; potentiates their rows by η·y (fused, one pass per row). */
  onPreSpikes(step: number): void {
    const proj = this.projection as DenseProjection;
    const spikes = proj.pre.spikes;
    if (!this.plastic) {
      const kernel = this.kernel;
      if (kernel === null || spikes.count === 0) {
        proj.propagateWeights(step);
        return;
      }
      const ring = proj.fusedRing;
      if (!kernel.holds(ring.buffer)) {
        proj.propagateWeights(step);
        return;
      }
      ring.mark(step);
      const slot = ring.buffer.byteOffset + 8 * ring.offset(step);
      for (let k = 0; k < spikes.count; k++) kernel.addRow(spikes.ids[k]!, slot);
      return;
    }
    if (spikes.count === 0) return;
    const ring = proj.fusedRing;
    ring.mark(step);
    const buf = ring.buffer;
    const off = ring.offset(step);
    const n = proj.post.size;
    const w = proj.weights;
    const ys = this.ys;
    const wMax = this.wMax;
    const f = this.traces.factor(step * this.dt);
    const c = this.eta * f;
    const inc = this.aPre / f;
    const kernel = this.kernel;
    if (kernel !== null && kernel.holds(buf)) {
      const slot = buf.byteOffset + 8 * off;
      for (let k = 0; k < spikes.count; k++) {
        const j = spikes.ids[k]!;
        kernel.potentiateRow(j, slot, c, wMax);
        this.xs[j] = this.xs[j]! + inc;
      }
      return;
    }
    for (let k = 0; k < spikes.count; k++) {
      const j = spikes.ids[k]!;
      const row = j * n;
      for (let i = 0; i < n; i++) {
        const wi = w[row + i]!;
        buf[off + i] = buf[off + i]! + wi;
        const nw = wi + c * ys[i]!;
        w[row + i] = nw < wMax ? nw : wMax;
      }
      this.xs[j] = this.xs[j]! + inc;
    }
  }

  /** Potentiates the columns of this step's post spikes by η·x (with delays, x_j(t − d_ji)). */
  onPostSpikes(step: number): void {
    if (!this.plastic) return;
    const spikes = this.projection.post.spikes;
    if (spikes.count === 0) return;
    const f = this.traces.factor(step * this.dt);
    const inc = this.aPost / f;
    for (let k = 0; k < spikes.count; k++) {
      const i = spikes.ids[k]!;
      if (this.arrivals !== null) this.potentiateDelayedColumn(i, step);
      else this.potentiateColumn(i, this.eta * f);
      this.ys[i] = this.ys[i]! + inc;
    }
  }

  /** Column i by c·x_j, c = η·f: the rescaled pre traces times the common decay factor. */
  private potentiateColumn(i: number, c: number): void {
    const proj = this.projection;
    const n = proj.post.size;
    const m = proj.pre.size;
    const w = proj.weights;
    const xs = this.xs;
    const wMax = this.wMax;
    for (let j = 0; j < m; j++) {
      const x = xs[j]!;
      if (x === 0) continue;
      const nw = w[j * n + i]! + c * x;
      w[j * n + i] = nw < wMax ? nw : wMax;
    }
  }

  /** Column i by η·x_ji(t) = η·x_j(t − d_ji), read from the ring of recent trace values. */
  private potentiateDelayedColumn(i: number, step: number): void {
    const proj = this.projection;
    const n = proj.post.size;
    const m = proj.pre.size;
    const w = proj.weights;
    const hist = this.xHist;
    const G = this.arrivals!.G;
    const delays = proj.delays;
    const uniform = proj.delaySteps ?? 0;
    for (let j = 0; j < m; j++) {
      const d = delays === null ? uniform : delays[j * n + i]!;
      const x = hist[((step - d + G) % G) * m + j]!;
      if (x === 0) continue;
      const nw = w[j * n + i]! + this.eta * x;
      w[j * n + i] = nw < this.wMax ? nw : this.wMax;
    }
  }

  /**
   * With delays: records this step's pre spikes and their trace jumps, then delivers every synapse
   * reached now (the weight before the update) and potentiates it by η·y_i.
   */
  onArrivals(step: number): void {
    const proj = this.projection as DenseProjection;
    const arr = this.arrivals!;
    const spikes = proj.pre.spikes;
    const m = proj.pre.size;
    const n = proj.post.size;
    arr.record(step, spikes.ids, spikes.count);
    const plastic = this.plastic;
    // Frozen: the traces are not read, so their clock is not touched either (an evaluation may run
    // ahead on the same network and rewind its step afterwards).
    const f = plastic ? this.traces.factor(step * this.dt) : 0;
    if (plastic) {
      const inc = this.aPre / f;
      const xs = this.xs;
      for (let k = 0; k < spikes.count; k++) xs[spikes.ids[k]!] = xs[spikes.ids[k]!]! + inc;
      const hist = this.xHist;
      const row = (step % arr.G) * m;
      for (let j = 0; j < m; j++) hist[row + j] = xs[j]! * f;
    }
    const ring = proj.fusedRing;
    const buf = ring.buffer;
    const off = ring.offset(step);
    const w = proj.weights;
    const ys = this.ys;
    const wMax = this.wMax;
    const c = this.eta * f;
    const G = arr.G;
    if (this.arriveKernel !== null && this.kernel!.holds(buf)) {
      // Frozen: c = 0 and no upper clip (a weight scaled above wMax stays as it is, as in the JS loop).
      const p = this.arrivePtrs;
      const events = this.arriveKernel(step, G, m, n, p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, buf.byteOffset + 8 * off, c, plastic ? wMax : Infinity, 1);
      if (events > 0) ring.mark(step);
      return;
    }
    if (arr.deliverArrivals(step, w, buf, off, plastic, c, ys, wMax, true)) ring.mark(step);
  }

  /** Current (decayed) traces at time t, for tests and inspection. */
  traceValues(t: number): { x: Float64Array; y: Float64Array } {
    return { x: this.traces.valuesAt(this.xs, t), y: this.traces.valuesAt(this.ys, t) };
  }

  saveState(): RuleState {
    const delayed = this.arrivals === null ? {} : { xHist: this.xHist.slice(), ...this.arrivals.saveState() };
    return { xs: this.xs.slice(), ys: this.ys.slice(), tRef: this.traces.tRef, plastic: this.plastic, ...delayed };
  }

  loadState(s: RuleState): void {
    this.xs.set(s.xs as Float64Array);
    this.ys.set(s.ys as Float64Array);
    this.traces.tRef = s.tRef as number;
    this.plastic = s.plastic as boolean;
    if (this.arrivals !== null) {
      this.xHist.set(s.xHist as Float64Array);
      this.arrivals.loadState(s);
    }
  }
}

export const symStdpRule: RulePlugin = {
  definition: {
    target: 'projection',
    slot: 'weights',
    memory: symStdpMemoryProvider,
    create: (t, o) => new SymStdp(t.projection!, { eta: o.eta as number, wMax: o.wMax as number, tau: o.tau as number, aPre: o.aPre as number, aPost: o.aPost as number }, t.memory instanceof SymStdpMemory ? t.memory : null),
  },
  info: {
    summary: 'symmetric STDP: both spike orders potentiate by η·trace (Hao et al. 2020)',
    options: {
      eta: { type: 'number', default: 0.01, min: 0, doc: 'learning rate η of both spike orders' },
      wMax: { type: 'number', default: 1, min: 0, doc: 'upper weight bound' },
      tau: { type: 'number', default: 20, unit: 'ms', min: 0, exclusiveMin: true, doc: 'time constant of the pre and post traces' },
      aPre: { type: 'number', default: 0.1, min: 0, doc: 'pre trace increment per spike' },
      aPost: { type: 'number', default: 0.1, min: 0, doc: 'post trace increment per spike' },
    },
  },
};
