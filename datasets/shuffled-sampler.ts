/**
 * Shuffled order: every epoch walks a fresh permutation of the data set.
 *
 * The permutation of epoch e is drawn from `rng.split("epoch:<e>")` of a base stream that is
 * never advanced, so it depends only on (base stream, e): a resumed run rebuilds the current
 * epoch's permutation from the saved state instead of storing `count` indices in the checkpoint.
 */
import { SnnError } from '../engine/errors.js';
import { RngStream } from '../engine/rng.js';
import { shuffledIndices } from './dataset.js';
import { checkSamplerCount, checkSamplerState, type Sampler, type SamplerOptions, type SamplerState } from './sampler.js';

export class ShuffledSampler implements Sampler {
  readonly kind = 'shuffled';
  readonly count: number;
  private base: RngStream;
  private currentEpoch = 0;
  /** Position within the current epoch's permutation. */
  private index = 0;
  private order: Int32Array;

  constructor(opts: SamplerOptions) {
    checkSamplerCount(this.kind, opts.count);
    if (!opts.rng) {
      throw new SnnError(
        'config.invalid',
        'the shuffled sampler needs a random stream',
        "pass rng: RngStream.derive(seed, 'sampler/train')",
      );
    }
    this.count = opts.count;
    this.base = opts.rng;
    this.order = this.permutation(0);
  }

  private permutation(epoch: number): Int32Array {
    return shuffledIndices(this.count, this.base.split(`epoch:${epoch}`));
  }

  next(): number {
    if (this.index === this.count) {
      this.currentEpoch++;
      this.index = 0;
      this.order = this.permutation(this.currentEpoch);
    }
    return this.order[this.index++]!;
  }

  get epoch(): number {
    // The epoch rolls over lazily in next(); report the epoch the next index will belong to.
    return this.index === this.count ? this.currentEpoch + 1 : this.currentEpoch;
  }

  getState(): SamplerState {
    return {
      kind: this.kind,
      count: this.count,
      epoch: this.currentEpoch,
      index: this.index,
      rng: this.base.getState(),
    };
  }

  setState(state: SamplerState): void {
    checkSamplerState(state, this.kind, this.count);
    const { epoch, index, rng } = state;
    const okInt = (v: unknown, max: number): v is number =>
      typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= max;
    if (!okInt(epoch, Number.MAX_SAFE_INTEGER) || !okInt(index, this.count) || !Array.isArray(rng)) {
      throw new SnnError('config.invalid', 'shuffled sampler state is malformed', 'use a state saved by getState()');
    }
    this.base = RngStream.fromState(rng as number[]);
    this.currentEpoch = epoch;
    this.index = index;
    this.order = this.permutation(epoch);
  }
}
