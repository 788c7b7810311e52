/**
 * Replays given spike times. On the dt grid a spike at time t is emitted in step
 * ⌊(t + 10⁻³·dt)/dt⌋ (Brian2's SpikeGeneratorGroup rounding); two spikes of one neuron in one step
 * are rejected (dt too coarse for the data).
 */
import { SpikeBuffer } from '../engine/spike-buffer.js';
import { SnnError } from '../engine/errors.js';
import type { Population } from './population.js';

export class SpikeSourceArray implements Population {
  readonly kind = 'spike-source-array';
  readonly spikes: SpikeBuffer;
  readonly channels: readonly string[] = [];
  /** Spikes sorted by (step, id): `ids[stepStart[k] .. stepStart[k+1])` fire in step `steps[k]`. */
  private readonly steps: Int32Array;
  private readonly stepStart: Int32Array;
  private readonly sortedIds: Int32Array;
  private cursor = 0;
  /** Exact times and ids, sorted by (time, id): used by the exact event-driven mode. */
  readonly times: Float64Array;
  readonly timeIds: Int32Array;

  constructor(
    readonly name: string,
    readonly size: number,
    times: ArrayLike<number>,
    ids: ArrayLike<number>,
    dt: number | null,
  ) {
    this.spikes = new SpikeBuffer(size);
    const n = times.length;
    const order = Array.from({ length: n }, (_, k) => k);
    order.sort((a, b) => times[a]! - times[b]! || ids[a]! - ids[b]!);
    this.times = Float64Array.from(order, (k) => times[k]!);
    this.timeIds = Int32Array.from(order, (k) => ids[k]!);
    for (let k = 0; k < n; k++) {
      const id = this.timeIds[k]!;
      const t = this.times[k]!;
      if (!Number.isInteger(id) || id < 0 || id >= size)
        throw new SnnError('config.invalid', `population '${name}': spike ${k} names neuron ${id}, outside 0..${size - 1}`, 'fix the neuron index or the population size');
      if (!Number.isFinite(t) || t < 0)
        throw new SnnError('config.invalid', `population '${name}': spike ${k} has time ${t} ms`, 'spike times must be finite and ≥ 0');
    }
    if (dt === null) {
      this.steps = new Int32Array(0);
      this.stepStart = new Int32Array(1);
      this.sortedIds = new Int32Array(0);
      return;
    }
    const stepOf = new Int32Array(n);
    for (let k = 0; k < n; k++) stepOf[k] = Math.floor((this.times[k]! + 1e-3 * dt) / dt);
    const byStep = Array.from({ length: n }, (_, k) => k).sort((a, b) => stepOf[a]! - stepOf[b]! || this.timeIds[a]! - this.timeIds[b]!);
    const steps: number[] = [];
    const starts: number[] = [];
    this.sortedIds = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const k = byStep[r]!;
      const s = stepOf[k]!;
      const id = this.timeIds[k]!;
      if (r > 0 && stepOf[byStep[r - 1]!] === s && this.timeIds[byStep[r - 1]!] === id)
        throw new SnnError('config.invalid', `population '${name}': neuron ${id} has two spikes in step ${s} (t ≈ ${(s * dt).toFixed(6)} ms)`, `use a smaller dt than ${dt} ms or remove the duplicate`);
      if (steps.length === 0 || steps[steps.length - 1] !== s) {
        steps.push(s);
        starts.push(r);
      }
      this.sortedIds[r] = id;
    }
    starts.push(n);
    this.steps = Int32Array.from(steps);
    this.stepStart = Int32Array.from(starts);
  }

  attachInput(channel: string): void {
    throw new SnnError('config.invalid', `population '${this.name}' replays spikes and takes no input (channel '${channel}')`, 'connect projections to a LIF population');
  }

  integrate(): void {}

  threshold(step: number): void {
    // Skip entries before this step (a run that starts later, e.g. after restoring a checkpoint).
    while (this.cursor < this.steps.length && this.steps[this.cursor]! < step) this.cursor++;
    let count = 0;
    if (this.cursor < this.steps.length && this.steps[this.cursor] === step) {
      const a = this.stepStart[this.cursor]!;
      const b = this.stepStart[this.cursor + 1]!;
      for (let r = a; r < b; r++) this.spikes.ids[count++] = this.sortedIds[r]!;
      this.cursor++;
    }
    this.spikes.count = count;
  }

  deliver(): void {}
  reset(): void {}

  stateVariables(): Record<string, Float64Array> {
    return {};
  }

  resetState(): void {
    this.cursor = 0;
    this.spikes.count = 0;
  }
}
