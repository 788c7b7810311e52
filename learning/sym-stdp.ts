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
 * the update, as in GeNN's synapse kernel); a post spike one pass over its column (without delays
 * the projection's column pass, DenseProjection.potentiateColumn, shared with triplet STDP: this
 * rule passes c = η·f(t) and its pre trace). Nothing decays per step (learning/rescaled-traces.ts).
 *
 * The pre side is the projection's spike-arrival walk (DenseProjection.arrivalWalk), shared with
 * every STDP variant: this rule supplies only its terms, c = η·f(t) times the post trace y, clipped
 * at wMax from above. The projection runs the walk in kernels when its weights live in kernel
 * memory (the post traces are then kept there too, `traceStorage`), bit-identical to the JS loops.
 *
 * Delays. With one axonal delay per synapse (Diehl & Cook's input→exc, U[0, 10] ms) the pre side
 * belongs to the ARRIVAL of a spike at each synapse, as in Brian: a spike of j emitted at step e
 * reaches synapse (j, i) at step e + d_ji, is delivered there and potentiates there by η·y_i, and
 * the synapse's pre trace jumps there. That trace is the neuron's own trace shifted by the delay,
 * x_ji(t) = x_j(t − d_ji), so a post spike reads x_j from a ring of the last D + 1 steps' trace
 * values (m·(D + 1) numbers) instead of keeping a trace per synapse. Arrivals are grouped by delay
 * by the walk (in its arrival kernel when the projection has kernel memory, else as JS loops).
 */
import { SnnError } from '../engine/errors.js';
import type { ArrivalWalk } from '../models/projection.js';
import type { Network } from '../models/network.js';
import { DenseProjection, type Projection } from '../models/projection.js';
import type { PlasticityRule, RuleState } from './plugin-contract.js';
import { RescaledTraces } from './rescaled-traces.js';
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
  /** The projection's spike-arrival walk, with this rule's terms (c·y, clipped at wMax). */
  private readonly walk: ArrivalWalk;
  /** With delays: the last G steps of pre trace values (row (step mod G)·m); empty without. */
  private readonly xHist: Float64Array;
  private dt = 0;

  constructor(
    readonly projection: Projection,
    opts: SymStdpOptions,
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
    this.xs = new Float64Array(projection.pre.size);
    this.ys = projection.traceStorage(projection.post.size);
    this.traces = new RescaledTraces(this.tau, [this.xs, this.ys]);
    const walk = (this.walk = projection.arrivalWalk(this.ys));
    this.xHist = new Float64Array(walk.delayed ? walk.G * projection.pre.size : 0);
  }

  /** 'wasm' when the arrivals run in WebAssembly kernels, else 'js'. */
  get backend(): 'wasm' | 'js' {
    return this.walk.backend;
  }

  attach(net: Network): void {
    this.dt = net.dt;
    const proj = this.projection;
    const order = net.projections.indexOf(proj);
    // The projection's plastic delivery: its spikes arrive through the fused delivery + pre-synaptic update.
    (proj as DenseProjection).fuseDelivery({ owner: this.name, deliver: (s) => this.onArrivals(s) });
    net.schedule.add('plasticity', order, `${this.name}.post`, (s) => this.onPostSpikes(s));
  }

  setPlastic(on: boolean): void {
    this.plastic = on;
  }

  /** Without delays, pre spikes arrive when they are emitted: the same walk as `onArrivals`. */
  onPreSpikes(step: number): void {
    this.onArrivals(step);
  }

  /**
   * Delivers every synapse reached now (the weight before the update) and potentiates it by η·y_i;
   * the pre traces of this step's spikes jump by aPre (with delays, recorded for the post side).
   */
  onArrivals(step: number): void {
    const spikes = this.projection.pre.spikes;
    const plastic = this.plastic;
    // The trace clock is read only when something can learn: an evaluation may run ahead on the
    // same network and rewind its step afterwards, and a rebase is a rounding step of its own.
    const f = plastic && (this.walk.delayed || spikes.count > 0) ? this.traces.factor(step * this.dt) : 0;
    this.walk.deliver(step, plastic, this.eta * f, this.wMax, true);
    if (!plastic) return;
    const inc = this.aPre / f;
    const xs = this.xs;
    for (let k = 0; k < spikes.count; k++) xs[spikes.ids[k]!] = xs[spikes.ids[k]!]! + inc;
    if (this.walk.delayed) {
      const m = xs.length;
      const hist = this.xHist;
      const row = (step % this.walk.G) * m;
      for (let j = 0; j < m; j++) hist[row + j] = xs[j]! * f;
    }
  }

  /** Potentiates the columns of this step's post spikes by η·x (with delays, x_j(t − d_ji)). */
  onPostSpikes(step: number): void {
    if (!this.plastic) return;
    const proj = this.projection as DenseProjection;
    const spikes = proj.post.spikes;
    if (spikes.count === 0) return;
    const f = this.traces.factor(step * this.dt);
    const inc = this.aPost / f;
    for (let k = 0; k < spikes.count; k++) {
      const i = spikes.ids[k]!;
      if (this.walk.delayed) this.potentiateDelayedColumn(i, step);
      else proj.potentiateColumn(i, this.xs, this.eta * f, this.wMax);
      this.ys[i] = this.ys[i]! + inc;
    }
  }

  /** Column i by η·x_ji(t) = η·x_j(t − d_ji), read from the ring of recent trace values. */
  private potentiateDelayedColumn(i: number, step: number): void {
    const proj = this.projection;
    const n = proj.post.size;
    const m = proj.pre.size;
    const w = proj.weights;
    const hist = this.xHist;
    const G = this.walk.G;
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

  /** Current (decayed) traces at time t, for tests and inspection. */
  traceValues(t: number): { x: Float64Array; y: Float64Array } {
    return { x: this.traces.valuesAt(this.xs, t), y: this.traces.valuesAt(this.ys, t) };
  }

  saveState(): RuleState {
    const delayed = this.walk.delayed ? { xHist: this.xHist.slice(), ...this.walk.saveState() } : {};
    return { xs: this.xs.slice(), ys: this.ys.slice(), tRef: this.traces.tRef, plastic: this.plastic, ...delayed };
  }

  loadState(s: RuleState): void {
    this.xs.set(s.xs as Float64Array);
    this.ys.set(s.ys as Float64Array);
    this.traces.tRef = s.tRef as number;
    this.plastic = s.plastic as boolean;
    if (this.walk.delayed) {
      this.xHist.set(s.xHist as Float64Array);
      this.walk.loadState(s);
    }
  }
}

export const symStdpRule: RulePlugin = {
  definition: {
    target: 'projection',
    slot: 'weights',
    create: (t, o) => new SymStdp(t.projection!, { eta: o.eta as number, wMax: o.wMax as number, tau: o.tau as number, aPre: o.aPre as number, aPost: o.aPost as number }),
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
