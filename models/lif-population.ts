/**
 * A population of LIF neurons (see lif.ts for the equations and parameters).
 *
 * The per-step work is split into the schedule's phases so that the order is Brian2's:
 * integrate → threshold (spike at t = n·dt) → deliver this step's input → reset.
 * Refractoriness: neuron i is refractory in step n iff n − lastSpike[i] < refractorySteps; while
 * refractory v is frozen (synaptic variables and θ still evolve) and delta input is dropped, also in
 * the step it fired.
 */
import { allocFloat, type FloatArray, type Precision } from '../engine/float-array.js';
import type { InputRing } from '../engine/input-ring.js';
import { SpikeBuffer } from '../engine/spike-buffer.js';
import { SnnError } from '../engine/errors.js';
import { lifChannels, prepareLif, type LifParams, type LifPropagators } from './lif.js';
import type { Population } from './population.js';

const NEVER = -0x40000000;

export class LifPopulation implements Population {
  readonly kind = 'lif';
  readonly spikes: SpikeBuffer;
  readonly channels: readonly string[];
  readonly v: FloatArray;
  /** Excitatory / inhibitory synaptic variable (current or conductance); empty for delta. */
  readonly ge: FloatArray;
  readonly gi: FloatArray;
  /** Dynamic threshold: always float64 (its slow decay vanishes in float32, performance.md §3.5). */
  readonly theta: Float64Array;
  readonly lastSpike: Int32Array;
  /** When false, θ neither decays nor jumps (frozen at test time by learning rules). */
  thetaPlastic = true;
  readonly prop: LifPropagators;
  private ringV: InputRing | null = null;
  private ringE: InputRing | null = null;
  private ringI: InputRing | null = null;
  private readonly initialV: Float64Array;

  constructor(
    readonly name: string,
    readonly size: number,
    readonly params: LifParams,
    dt: number,
    precision: Precision,
    initialV: Float64Array | number,
  ) {
    this.prop = prepareLif(params, dt);
    this.channels = lifChannels(params.synapse);
    this.spikes = new SpikeBuffer(size);
    this.v = allocFloat(precision, size);
    const synSize = params.synapse === 'delta' ? 0 : size;
    this.ge = allocFloat(precision, synSize);
    this.gi = allocFloat(precision, synSize);
    this.theta = new Float64Array(size);
    this.lastSpike = new Int32Array(size);
    this.initialV = typeof initialV === 'number' ? new Float64Array(size).fill(initialV) : initialV;
    this.resetState();
  }

  resetState(): void {
    this.v.set(this.initialV);
    this.ge.fill(0);
    this.gi.fill(0);
    this.theta.fill(this.params.thetaInit);
    this.lastSpike.fill(NEVER);
    this.spikes.count = 0;
  }

  attachInput(channel: string, ring: InputRing): void {
    if (channel === 'v' && this.params.synapse === 'delta') this.ringV = ring;
    else if (channel === 'exc' && this.params.synapse !== 'delta') this.ringE = ring;
    else if (channel === 'inh' && this.params.synapse !== 'delta') this.ringI = ring;
    else
      throw new SnnError(
        'config.invalid',
        `population '${this.name}' (synapse '${this.params.synapse}') has no input channel '${channel}'`,
        `use one of: ${this.channels.join(', ')}`,
      );
  }

  stateVariables(): Record<string, FloatArray> {
    const vars: Record<string, FloatArray> = { v: this.v, theta: this.theta };
    if (this.params.synapse !== 'delta') {
      vars.ge = this.ge;
      vars.gi = this.gi;
    }
    return vars;
  }

  integrate(step: number): void {
    const p = this.params;
    const q = this.prop;
    const n = this.size;
    const v = this.v;
    const last = this.lastSpike;
    const refSteps = q.refractorySteps;
    if (p.synapse === 'delta') {
      if (p.method === 'exact') {
        const eM = q.eM;
        const c = q.vConst;
        for (let i = 0; i < n; i++) if (step - last[i]! >= refSteps) v[i] = v[i]! * eM + c;
      } else {
        const a = q.dt / p.tauM;
        const vInf = p.vRest + p.iBias;
        for (let i = 0; i < n; i++) if (step - last[i]! >= refSteps) v[i] = v[i]! + a * (vInf - v[i]!);
      }
    } else if (p.synapse === 'current') {
      const ge = this.ge;
      const gi = this.gi;
      if (p.method === 'exact') {
        const { eM, eE, eI, kE, kI, vConst } = q;
        for (let i = 0; i < n; i++) {
          const ie = ge[i]!;
          const ii = gi[i]!;
          if (step - last[i]! >= refSteps) v[i] = ie * kE + ii * kI + v[i]! * eM + vConst;
          ge[i] = ie * eE;
          gi[i] = ii * eI;
        }
      } else {
        const dt = q.dt;
        const vInf = p.vRest + p.iBias;
        const aE = dt / p.tauExc;
        const aI = dt / p.tauInh;
        for (let i = 0; i < n; i++) {
          const ie = ge[i]!;
          const ii = gi[i]!;
          if (step - last[i]! >= refSteps) v[i] = v[i]! + (dt * (vInf - v[i]! + ie + ii)) / p.tauM;
          ge[i] = ie - aE * ie;
          gi[i] = ii - aI * ii;
        }
      }
    } else {
      this.integrateConductance(step);
    }
    if (p.vMin !== null) {
      const lo = p.vMin;
      for (let i = 0; i < n; i++) if (v[i]! < lo) v[i] = lo;
    }
    if (q.adaptive && this.thetaPlastic && p.tauTheta !== null) {
      const th = this.theta;
      if (p.method === 'exact') {
        const e = q.eTheta;
        for (let i = 0; i < n; i++) th[i] = th[i]! * e;
      } else {
        const a = q.dt / p.tauTheta;
        for (let i = 0; i < n; i++) th[i] = th[i]! - a * th[i]!;
      }
    }
  }

  private integrateConductance(step: number): void {
    const p = this.params;
    const q = this.prop;
    const n = this.size;
    const v = this.v;
    const ge = this.ge;
    const gi = this.gi;
    const last = this.lastSpike;
    const refSteps = q.refractorySteps;
    const { eE, eI, dt } = q;
    const vLeak = p.vRest + p.iBias;
    const eExc = p.eExc;
    const eInh = p.eInh;
    // Conductances underflow into float64 subnormals (100× slower) when they decay for long:
    // flush them to zero below this level (performance.md §3.5).
    const FLUSH = 1e-30;
    if (p.method === 'euler') {
      const a = dt / p.tauM;
      for (let i = 0; i < n; i++) {
        const gE = ge[i]!;
        const gI = gi[i]!;
        if (step - last[i]! >= refSteps) {
          const vi = v[i]!;
          v[i] = vi + a * (vLeak - vi + gE * (eExc - vi) + gI * (eInh - vi));
        }
        const nE = gE * eE;
        const nI = gI * eI;
        ge[i] = nE > FLUSH ? nE : 0;
        gi[i] = nI > FLUSH ? nI : 0;
      }
    } else {
      const b = -dt / p.tauM;
      for (let i = 0; i < n; i++) {
        const gE = ge[i]!;
        const gI = gi[i]!;
        if (step - last[i]! >= refSteps) {
          const gTot = 1 + gE + gI;
          const vInf = (vLeak + gE * eExc + gI * eInh) / gTot;
          v[i] = vInf + (v[i]! - vInf) * Math.exp(b * gTot);
        }
        const nE = gE * eE;
        const nI = gI * eI;
        ge[i] = nE > FLUSH ? nE : 0;
        gi[i] = nI > FLUSH ? nI : 0;
      }
    }
  }

  threshold(step: number): void {
    const p = this.params;
    const n = this.size;
    const v = this.v;
    const th = this.theta;
    const last = this.lastSpike;
    const refSteps = this.prop.refractorySteps;
    const base = p.vThresh - p.thetaOffset;
    const ids = this.spikes.ids;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (v[i]! > base + th[i]! && step - last[i]! >= refSteps) {
        ids[count++] = i;
        last[i] = step;
      }
    }
    this.spikes.count = count;
  }

  deliver(step: number): void {
    const n = this.size;
    if (this.ringV !== null) {
      const ring = this.ringV;
      const buf = ring.buffer;
      const off = ring.offset(step);
      const v = this.v;
      const last = this.lastSpike;
      const refSteps = this.prop.refractorySteps;
      for (let i = 0; i < n; i++) {
        const x = buf[off + i]!;
        if (x !== 0) {
          // Delta input into a refractory neuron (or one that fired in this step) is lost.
          if (step - last[i]! >= refSteps && last[i] !== step) v[i] = v[i]! + x;
          buf[off + i] = 0;
        }
      }
    }
    if (this.ringE !== null) addAndZero(this.ringE, step, this.ge, n);
    if (this.ringI !== null) addAndZero(this.ringI, step, this.gi, n);
  }

  reset(_step: number): void {
    const p = this.params;
    const { ids, count } = this.spikes;
    const v = this.v;
    for (let k = 0; k < count; k++) v[ids[k]!] = p.vReset;
    if (this.prop.adaptive && this.thetaPlastic) {
      const th = this.theta;
      if (p.thetaJump === 'additive') {
        for (let k = 0; k < count; k++) th[ids[k]!] = th[ids[k]!]! + p.thetaPlus;
      } else {
        for (let k = 0; k < count; k++) {
          const i = ids[k]!;
          th[i] = th[i]! + (p.thetaPlus * 10) / Math.abs(th[i]! - 10);
        }
      }
    }
  }
}

function addAndZero(ring: InputRing, step: number, target: FloatArray, n: number): void {
  const buf = ring.buffer;
  const off = ring.offset(step);
  for (let i = 0; i < n; i++) {
    const x = buf[off + i]!;
    if (x !== 0) {
      target[i] = target[i]! + x;
      buf[off + i] = 0;
    }
  }
}
