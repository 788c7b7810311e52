/**
 * Asymmetric pair STDP with nearest-spike traces, exactly as Diehl & Cook (2015) coded it in their
 * released Brian script (docs/diehl-cook-2015.md):
 *
 *   pre spike arrives at synapse (j, i):  ge_i += w_ji;  pre_ji = 1;  w_ji ← max(w_ji − ν_pre·post1_i, 0)
 *   post i spikes:                        w_ji ← min(w_ji + ν_post·pre_ji·post2_i, wMax) for every j
 *                                         (post2 read before it is reset); then post1_i = post2_i = 1
 *
 * The traces decay exponentially (pre τ 20 ms, post1 τ 20 ms, post2 τ 40 ms) and are SET to 1 at a
 * spike, so each is a function of the time of the last spike only: x(t) = e^{−(t − t_last)/τ}, and
 * 0 before the first spike. An isolated pair at lag Δt therefore gives
 *   post first (post at t, pre arrives at t + Δt):  Δw = −ν_pre·e^{−Δt/τ1}
 *   pre first (arrival at t, post at t + Δt):       Δw = +ν_post·e^{−Δt/τpre}·post2_i, where post2_i is
 *   the value left by the neuron's previous spike (0 if it never fired: the first spike of a post
 *   neuron never potentiates).
 *
 * Delays. With per-synapse (axonal) delays the pre-synaptic side belongs to the ARRIVAL of a spike
 * at each synapse (Brian's per-synapse `pre` variable): a spike of j emitted at step n reaches
 * synapse (j, i) at step n + d_ji, is delivered there and depresses there, and the pre trace of the
 * synapse restarts then. This rule therefore delivers the projection's spikes itself (its plastic delivery):
 *   - the arrivals are the projection's spike-arrival walk (DenseProjection.arrivalWalk, shared
 *     with every STDP variant): in step m the synapses reached by the spikes emitted at m − d are
 *     processed, delivery fused with depression (one pass, no allocation, in kernels when the
 *     weights live in kernel memory); this rule supplies only the term −ν_pre·post1, clipped at 0;
 *   - the pre trace at a post spike needs the last arrival at each synapse of the column: it is the
 *     last emission e of j with e + d_ji ≤ t, found in a small per-neuron ring of emission steps
 *     (at most one emission per step, so D + 2 entries always hold it). Nothing is stored per
 *     synaptic event besides the weight and the conductance.
 *   - post1 is kept rescaled, post1_i(t) = s_i·e^{−(t − tRef)/τ1}, so the depression of one arrival
 *     group costs one multiply-add per synapse with one shared factor per step.
 * Frozen (evaluation): spikes are still delivered with their delays; weights and traces stay as they
 * are.
 */
import { SnnError } from '../engine/errors.js';
import type { Network } from '../models/network.js';
import { DenseProjection, type Projection } from '../models/projection.js';
import type { ArrivalWalk } from '../models/projection.js';
import type { PlasticityRule, RuleState } from './plugin-contract.js';
import { RescaledTraces } from './rescaled-traces.js';
import type { RulePlugin } from './rules.js';

export interface PairStdpOptions {
  /** Depression rate on pre-synaptic arrival (D&C nu_ee_pre = 0.0001). */
  nuPre?: number;
  /** Potentiation rate on post-synaptic spikes (D&C nu_ee_post = 0.01). */
  nuPost?: number;
  /** Trace time constants (ms): pre 20, post1 20, post2 40. */
  tauPre?: number;
  tauPost1?: number;
  tauPost2?: number;
  /** Weight bounds: w ∈ [0, wMax] (D&C wmax_ee = 1). */
  wMax?: number;
}

const NEVER = -0x40000000;

export class PairStdp implements PlasticityRule {
  readonly kind = 'pair-stdp';
  readonly name: string;
  plastic = true;
  readonly nuPre: number;
  readonly nuPost: number;
  readonly tauPre: number;
  readonly tauPost1: number;
  readonly tauPost2: number;
  readonly wMax: number;
  /** Longest delay (steps). */
  readonly maxDelay: number;
  /** Step of each post neuron's last spike (NEVER: none yet). */
  readonly lastPost: Int32Array;
  /** post1 trace, stored rescaled against `post1.tRef` (learning/rescaled-traces.ts). */
  readonly post1s: Float64Array;
  private readonly post1: RescaledTraces;
  /** The projection's spike-arrival walk, with this rule's terms (−ν_pre·post1, clipped at 0 from below). */
  private readonly walk: ArrivalWalk;
  /** All synapses share one delay (then groups are whole rows: contiguous fast path). */
  private readonly uniformDelay: number;
  /** Per pre neuron, a ring of its last R emission steps (R a power of two ≥ D + 2). */
  private readonly emit: Int32Array;
  private readonly emitHead: Int32Array;
  private readonly emitMask: number;
  private dt = 0;

  constructor(
    readonly projection: Projection,
    opts: PairStdpOptions = {},
  ) {
    if (!(projection instanceof DenseProjection)) {
      throw new SnnError('config.invalid', `pair-stdp needs a dense projection, '${projection.name}' is ${projection.kind}`, 'use dense connectivity for plastic projections');
    }
    for (const [k, v] of Object.entries(opts)) {
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
        throw new SnnError('config.invalid', `pair-stdp ${k} must be a finite number ≥ 0, got ${String(v)}`, 'fix the rule options');
      }
    }
    this.name = `pair-stdp:${projection.name}`;
    this.nuPre = opts.nuPre ?? 1e-4;
    this.nuPost = opts.nuPost ?? 1e-2;
    this.tauPre = opts.tauPre ?? 20;
    this.tauPost1 = opts.tauPost1 ?? 20;
    this.tauPost2 = opts.tauPost2 ?? 40;
    this.wMax = opts.wMax ?? 1;
    for (const k of ['tauPre', 'tauPost1', 'tauPost2'] as const) {
      if (!(this[k] > 0)) throw new SnnError('config.invalid', `pair-stdp ${k} must be > 0 ms, got ${this[k]}`, 'trace time constants are positive');
    }
    const m = projection.pre.size;
    const n = projection.post.size;
    const D = (this.maxDelay = projection.maxDelaySteps);
    this.uniformDelay = projection.delaySteps ?? -1;
    let r = 1;
    while (r < D + 2) r <<= 1;
    this.emitMask = r - 1;
    this.emit = new Int32Array(m * r).fill(NEVER);
    this.emitHead = new Int32Array(m);
    this.lastPost = new Int32Array(n).fill(NEVER);
    this.post1s = projection.traceStorage(n);
    this.post1 = new RescaledTraces(this.tauPost1, [this.post1s]);
    this.walk = projection.arrivalWalk(this.post1s);
  }

  /** 'wasm' when the arrivals run in WebAssembly kernels, else 'js'. */
  get backend(): 'wasm' | 'js' {
    return this.walk.backend;
  }

  attach(net: Network): void {
    this.dt = net.dt;
    const proj = this.projection;
    const order = net.projections.indexOf(proj);
    (proj as DenseProjection).fuseDelivery({ owner: this.name, deliver: (s) => this.onArrivals(s) });
    net.schedule.add('plasticity', order, `${this.name}.post`, (s) => this.onPostSpikes(s));
  }

  setPlastic(on: boolean): void {
    this.plastic = on;
  }

  /** Records this step's pre spikes, then delivers (and depresses) every synapse reached now. */
  onArrivals(step: number): void {
    const spikes = this.projection.pre.spikes;
    if (spikes.count > 0 && this.plastic) this.recordEmissions(step, spikes.ids, spikes.count);
    const c = this.plastic ? this.nuPre * this.post1.factor(step * this.dt) : 0;
    this.walk.deliver(step, c !== 0, -c, 0, false);
  }

  private recordEmissions(step: number, ids: Int32Array, cnt: number): void {
    const emit = this.emit;
    const head = this.emitHead;
    const mask = this.emitMask;
    const R = mask + 1;
    for (let k = 0; k < cnt; k++) {
      const j = ids[k]!;
      const h = (head[j]! + 1) & mask;
      head[j] = h;
      emit[j * R + h] = step;
    }
  }

  /** Potentiates the columns of this step's post spikes, then resets their traces to 1. */
  onPostSpikes(step: number): void {
    if (!this.plastic) return;
    const proj = this.projection;
    const spikes = proj.post.spikes;
    if (spikes.count === 0) return;
    const n = proj.post.size;
    const m = proj.pre.size;
    const w = proj.weights;
    const dt = this.dt;
    const delays = proj.delays;
    const uniform = this.uniformDelay;
    const emit = this.emit;
    const head = this.emitHead;
    const mask = this.emitMask;
    const R = mask + 1;
    const kPre = dt / this.tauPre;
    const f1 = this.post1.factor(step * dt);
    for (let k = 0; k < spikes.count; k++) {
      const i = spikes.ids[k]!;
      const last = this.lastPost[i]!;
      // post2 before its reset: e^{−(t − t_last)/τ2}, 0 if the neuron never fired.
      const post2 = last === NEVER ? 0 : Math.exp(-((step - last) * dt) / this.tauPost2);
      if (post2 > 0) {
        const a = this.nuPost * post2;
        for (let j = 0; j < m; j++) {
          const d = uniform >= 0 ? uniform : delays![j * n + i]!;
          // Last arrival at (j, i) by now: the newest emission e with e + d ≤ step.
          const eb = j * R;
          let h = head[j]!;
          let e = emit[eb + h]!;
          let tries = R;
          while (e + d > step && --tries > 0) {
            h = (h - 1) & mask;
            e = emit[eb + h]!;
          }
          if (e === NEVER || e + d > step) continue;
          const pre = Math.exp(-(step - e - d) * kPre);
          const nw = w[j * n + i]! + a * pre;
          w[j * n + i] = nw < this.wMax ? nw : this.wMax;
        }
      }
      this.lastPost[i] = step;
      this.post1s[i] = 1 / f1;
    }
  }

  /** Trace values at step `step` (for tests and inspection). */
  traces(step: number): { post1: Float64Array; post2: Float64Array } {
    return {
      post1: this.post1.valuesAt(this.post1s, step * this.dt),
      post2: Float64Array.from(this.lastPost, (l) => (l === NEVER ? 0 : Math.exp(-((step - l) * this.dt) / this.tauPost2))),
    };
  }

  saveState(): RuleState {
    return {
      lastPost: Float64Array.from(this.lastPost),
      post1s: this.post1s.slice(),
      tRef: this.post1.tRef,
      plastic: this.plastic,
      emit: Float64Array.from(this.emit),
      emitHead: Float64Array.from(this.emitHead),
      ...this.walk.saveState(),
    };
  }

  loadState(s: RuleState): void {
    this.lastPost.set(s.lastPost as Float64Array);
    this.post1s.set(s.post1s as Float64Array);
    this.post1.tRef = s.tRef as number;
    this.plastic = s.plastic as boolean;
    this.emit.set(s.emit as Float64Array);
    this.emitHead.set(s.emitHead as Float64Array);
    this.walk.loadState(s);
  }
}

export const pairStdpRule: RulePlugin = {
  definition: {
    target: 'projection',
    slot: 'weights',
    create: (t, o) =>
      new PairStdp(t.projection!, { nuPre: o.nuPre as number, nuPost: o.nuPost as number, tauPre: o.tauPre as number, tauPost1: o.tauPost1 as number, tauPost2: o.tauPost2 as number, wMax: o.wMax as number }),
  },
  info: {
    summary: 'pair STDP with nearest-spike traces: depression on arrival, potentiation on post (Diehl & Cook 2015)',
    options: {
      nuPre: { type: 'number', default: 1e-4, min: 0, doc: 'depression rate ν_pre (at a pre arrival, × post1 trace)' },
      nuPost: { type: 'number', default: 1e-2, min: 0, doc: 'potentiation rate ν_post (at a post spike, × pre × post2 traces)' },
      tauPre: { type: 'number', default: 20, unit: 'ms', min: 0, exclusiveMin: true, doc: 'pre trace time constant' },
      tauPost1: { type: 'number', default: 20, unit: 'ms', min: 0, exclusiveMin: true, doc: 'post1 trace time constant (depression)' },
      tauPost2: { type: 'number', default: 40, unit: 'ms', min: 0, exclusiveMin: true, doc: 'post2 trace time constant (potentiation)' },
      wMax: { type: 'number', default: 1, min: 0, doc: 'upper weight bound' },
    },
  },
};
