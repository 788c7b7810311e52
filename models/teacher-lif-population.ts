/**
 * A LIF population that a teacher can drive: the supervision ("SL") layer of Hao et al. 2020.
 *
 * While a teacher is active, the neurons ignore their synaptic input (it is drained, not applied)
 * and fire as Bernoulli processes at the teacher's per-neuron rates, with one dead step after each
 * spike (in the authors' code a teacher spike sets V = +20 mV and the next step forces V back to
 * rest). The firing probability per live step is r·dt/(1 − r·dt), which makes the long-run rate
 * exactly r despite the dead step. With the teacher off they are ordinary LIF neurons (test time).
 */
import type { Precision } from '../engine/float-array.js';
import type { InputRing } from '../engine/input-ring.js';
import type { RngStream } from '../engine/rng.js';
import { SnnError } from '../engine/errors.js';
import type { LifParams } from './lif.js';
import { LifPopulation, type LifPopulationOptions } from './lif-population.js';

export class TeacherLifPopulation extends LifPopulation {
  override readonly kind = 'lif';
  /** Teacher rates in Hz; null: no teacher (plain LIF). */
  private teacherRates: Float64Array | null = null;
  private teacherRng: RngStream | null = null;
  private readonly dtMs: number;
  private readonly inputRings: InputRing[] = [];

  constructor(name: string, size: number, params: LifParams, dt: number, precision: Precision, initialV: Float64Array | number, options: LifPopulationOptions = {}) {
    super(name, size, params, dt, precision, initialV, options);
    this.dtMs = dt;
  }

  get teaching(): boolean {
    return this.teacherRates !== null;
  }

  /** Drives the population with `rates` (Hz) drawn from `rng`; null turns the teacher off. */
  setTeacher(rates: Float64Array | null, rng: RngStream | null): void {
    if (rates !== null) {
      for (let i = 0; i < rates.length; i++) {
        const p = rates[i]! * this.dtMs * 1e-3;
        if (!(p >= 0) || p >= 0.5) {
          throw new SnnError('config.invalid', `teacher rate ${rates[i]} Hz is outside [0, ${(0.5 / (this.dtMs * 1e-3)).toFixed(0)}) Hz at dt = ${this.dtMs} ms`, 'lower the teacher rate or the time step');
        }
      }
      if (rng === null) throw new SnnError('internal', 'a teacher needs a random stream', 'pass an RngStream');
    }
    this.teacherRates = rates;
    this.teacherRng = rng;
  }

  override integrate(step: number): void {
    if (this.teacherRates === null) super.integrate(step);
  }

  override threshold(step: number): void {
    const rates = this.teacherRates;
    if (rates === null) {
      super.threshold(step);
      return;
    }
    const rng = this.teacherRng!;
    const ids = this.spikes.ids;
    const last = this.lastSpike;
    const k = this.dtMs * 1e-3;
    let count = 0;
    for (let i = 0; i < this.size; i++) {
      const u = rng.uniform(); // one draw per neuron per step, dead or not: keeps streams aligned
      if (last[i] === step - 1) continue; // dead step after a spike
      const p = rates[i]! * k;
      if (u < p / (1 - p)) {
        ids[count++] = i;
        last[i] = step;
      }
    }
    this.spikes.count = count;
  }

  override deliver(step: number): void {
    if (this.teacherRates === null) {
      super.deliver(step);
      return;
    }
    // Input is ignored while teaching, but the ring slots must still be consumed.
    for (const ring of this.inputRings) ring.buffer.fill(0, ring.offset(step), ring.offset(step) + this.size);
  }

  override attachInput(channel: string, ring: InputRing): void {
    super.attachInput(channel, ring);
    this.inputRings.push(ring);
  }

  override reset(step: number): void {
    if (this.teacherRates === null) super.reset(step);
    else {
      // Teacher spikes leave the membrane at rest (the authors' V forced back next step).
      const { ids, count } = this.spikes;
      for (let k = 0; k < count; k++) this.v[ids[k]!] = this.params.vRest;
    }
  }
}
