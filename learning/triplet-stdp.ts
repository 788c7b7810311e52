/**
 * Triplet STDP, the minimal all-to-all model of Pfister & Gerstner (2006):
 *
 *   pre j spikes:  w_ji ← max(w_ji − A2⁻·o1_i, 0)                        then r1_j += 1
 *   post i spikes: w_ji ← min(w_ji + r1_j·(A2⁺ + A3⁺·o2_i(t⁻)), wMax)    then o1_i += 1, o2_i += 1
 *
 * r1 (τ₊), o1 (τ₋) and o2 (τ_y) decay exponentially and add 1 per spike (all-to-all). o2 is read
 * before its own jump, so the triplet term needs an earlier post spike: a post–pre–post triplet
 * potentiates more than the pair, which is what fits the frequency dependence of cortical STDP
 * (the minimal model has no pre-side triplet term, A3⁻ = 0). Defaults: the authors' visual-cortex
 * fit (their Table 4, minimal all-to-all), with a weight bound.
 *
 * The pre side is the projection's spike-arrival walk (DenseProjection.arrivalWalk), shared with
 * the other STDP variants: the spike carries the weight from before this step's update, and this
 * rule supplies only its term, −A2⁻·o1 clipped at 0 from below. The post side is the projection's
 * column pass (DenseProjection.potentiateColumn, shared with sym-STDP): this rule passes r1 and
 * c = f₊(t)·(A2⁺ + A3⁺·o2_i). No delays: the post side would need r1 at each synapse's arrival (as
 * sym-STDP keeps it). Traces are stored rescaled
 * (learning/rescaled-traces.ts): nothing decays per step.
 */
import { SnnError } from '../engine/errors.js';
import type { Network } from '../models/network.js';
import { DenseProjection, type ArrivalWalk, type Projection } from '../models/projection.js';
import type { PlasticityRule, RuleState } from './plugin-contract.js';
import { RescaledTraces } from './rescaled-traces.js';
import type { RulePlugin } from './rules.js';

export interface TripletStdpOptions {
  a2Plus: number;
  a3Plus: number;
  a2Minus: number;
  tauPlus: number;
  tauMinus: number;
  tauY: number;
  wMax: number;
}

export class TripletStdp implements PlasticityRule {
  readonly kind = 'triplet-stdp';
  readonly name: string;
  plastic = true;
  /** Stored rescaled: r1 (pre), o1 and o2 (post). */
  readonly r1: Float64Array;
  readonly o1: Float64Array;
  readonly o2: Float64Array;
  private readonly tr1: RescaledTraces;
  private readonly to1: RescaledTraces;
  private readonly to2: RescaledTraces;
  /** The projection's spike-arrival walk, with this rule's term (−A2⁻·o1, clipped at 0). */
  private readonly walk: ArrivalWalk;
  private dt = 0;

  constructor(
    readonly projection: Projection,
    readonly opts: TripletStdpOptions,
  ) {
    if (!(projection instanceof DenseProjection)) {
      throw new SnnError('config.invalid', `triplet-stdp needs a dense projection, '${projection.name}' is ${projection.kind}`, 'use dense connectivity for plastic projections');
    }
    if (projection.delays !== null || projection.delaySteps !== 0) {
      throw new SnnError('config.invalid', `triplet-stdp does not handle delays, and '${projection.name}' has them`, 'use pair-stdp or sym-stdp on delayed projections');
    }
    this.name = `triplet-stdp:${projection.name}`;
    this.r1 = new Float64Array(projection.pre.size);
    this.o1 = projection.traceStorage(projection.post.size);
    this.o2 = new Float64Array(projection.post.size);
    this.tr1 = new RescaledTraces(opts.tauPlus, [this.r1]);
    this.to1 = new RescaledTraces(opts.tauMinus, [this.o1]);
    this.to2 = new RescaledTraces(opts.tauY, [this.o2]);
    this.walk = projection.arrivalWalk(this.o1);
  }

  attach(net: Network): void {
    this.dt = net.dt;
    const order = net.projections.indexOf(this.projection);
    (this.projection as DenseProjection).fuseDelivery({ owner: this.name, deliver: (s) => this.onPreSpikes(s) });
    net.schedule.add('plasticity', order, `${this.name}.post`, (s) => this.onPostSpikes(s));
  }

  setPlastic(on: boolean): void {
    this.plastic = on;
  }

  /** Delivers this step's pre spikes and depresses their rows by A2⁻·o1 (one pass), then r1 += 1. */
  onPreSpikes(step: number): void {
    const spikes = this.projection.pre.spikes;
    const learn = this.plastic && spikes.count > 0;
    const t = step * this.dt;
    const c = learn ? this.opts.a2Minus * this.to1.factor(t) : 0;
    this.walk.deliver(step, learn, -c, 0, false);
    if (!learn) return;
    const inc = 1 / this.tr1.factor(t);
    for (let k = 0; k < spikes.count; k++) {
      const j = spikes.ids[k]!;
      this.r1[j] = this.r1[j]! + inc;
    }
  }

  /** Potentiates the columns of this step's post spikes by r1·(A2⁺ + A3⁺·o2 before the jump), then o1, o2 += 1. */
  onPostSpikes(step: number): void {
    const proj = this.projection as DenseProjection;
    const spikes = proj.post.spikes;
    if (!this.plastic || spikes.count === 0) return;
    const t = step * this.dt;
    const { a2Plus, a3Plus, wMax } = this.opts;
    const fr = this.tr1.factor(t);
    const f1 = this.to1.factor(t);
    const f2 = this.to2.factor(t);
    for (let k = 0; k < spikes.count; k++) {
      const i = spikes.ids[k]!;
      proj.potentiateColumn(i, this.r1, fr * (a2Plus + a3Plus * this.o2[i]! * f2), wMax);
      this.o1[i] = this.o1[i]! + 1 / f1;
      this.o2[i] = this.o2[i]! + 1 / f2;
    }
  }

  saveState(): RuleState {
    return { r1: this.r1.slice(), o1: this.o1.slice(), o2: this.o2.slice(), tRef1: this.tr1.tRef, tRefO1: this.to1.tRef, tRefO2: this.to2.tRef, plastic: this.plastic };
  }

  loadState(s: RuleState): void {
    this.r1.set(s.r1 as Float64Array);
    this.o1.set(s.o1 as Float64Array);
    this.o2.set(s.o2 as Float64Array);
    this.tr1.tRef = s.tRef1 as number;
    this.to1.tRef = s.tRefO1 as number;
    this.to2.tRef = s.tRefO2 as number;
    this.plastic = s.plastic as boolean;
  }
}

export const tripletStdpRule: RulePlugin = {
  definition: {
    target: 'projection',
    slot: 'weights',
    create: (t, o) => new TripletStdp(t.projection!, o as unknown as TripletStdpOptions),
  },
  info: {
    summary: 'triplet STDP, minimal all-to-all model (Pfister & Gerstner 2006)',
    options: {
      a2Plus: { type: 'number', default: 5e-10, min: 0, doc: 'pair potentiation amplitude A2⁺ (× r1 at a post spike)' },
      a3Plus: { type: 'number', default: 6.2e-3, min: 0, doc: 'triplet potentiation amplitude A3⁺ (× r1 × o2 at a post spike)' },
      a2Minus: { type: 'number', default: 7e-3, min: 0, doc: 'pair depression amplitude A2⁻ (× o1 at a pre spike)' },
      tauPlus: { type: 'number', default: 16.8, unit: 'ms', min: 0, exclusiveMin: true, doc: 'pre trace r1 time constant τ₊' },
      tauMinus: { type: 'number', default: 33.7, unit: 'ms', min: 0, exclusiveMin: true, doc: 'post trace o1 time constant τ₋' },
      tauY: { type: 'number', default: 125, unit: 'ms', min: 0, exclusiveMin: true, doc: 'post trace o2 time constant τ_y (triplet term)' },
      wMax: { type: 'number', default: 1, min: 0, doc: 'upper weight bound' },
    },
  },
};
