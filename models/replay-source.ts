/**
 * Replays per-step spike lists (e.g. one Poisson-encoded image from datasets/poisson-encoder.ts)
 * starting at a given step. Loading a new list is O(1): the lists are read in place, so a
 * presentation costs nothing beyond the spikes it contains.
 */
import { SpikeBuffer } from '../engine/spike-buffer.js';
import { SnnError } from '../engine/errors.js';
import type { Population } from './population.js';

/** Spikes of step n are ids[stepStart[n] .. stepStart[n+1]) (n relative to the start step). */
export interface StepSpikeList {
  readonly steps: number;
  readonly stepStart: Int32Array;
  readonly ids: Int32Array;
}

export class ReplaySource implements Population {
  readonly kind = 'replay';
  readonly spikes: SpikeBuffer;
  readonly channels: readonly string[] = [];
  private list: StepSpikeList | null = null;
  private startStep = 0;

  constructor(
    readonly name: string,
    readonly size: number,
  ) {
    this.spikes = new SpikeBuffer(size);
  }

  /** Replays `list` from `startStep` on; null (or the end of the list) means silence. */
  load(list: StepSpikeList | null, startStep: number): void {
    this.list = list;
    this.startStep = startStep;
  }

  attachInput(channel: string): void {
    throw new SnnError('config.invalid', `population '${this.name}' replays spikes and takes no input (channel '${channel}')`, 'connect projections to a LIF population');
  }

  integrate(): void {}

  threshold(step: number): void {
    const list = this.list;
    const rel = step - this.startStep;
    let count = 0;
    if (list !== null && rel >= 0 && rel < list.steps) {
      const a = list.stepStart[rel]!;
      const b = list.stepStart[rel + 1]!;
      const ids = this.spikes.ids;
      for (let k = a; k < b; k++) ids[count++] = list.ids[k]!;
    }
    this.spikes.count = count;
  }

  deliver(): void {}
  reset(): void {}

  stateVariables(): Record<string, Float64Array> {
    return {};
  }
}
