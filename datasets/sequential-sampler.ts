/**
 * Sequential order, wrapping: sample k is index k mod count. This is Hao et al.'s protocol
 * (`images[imageNum % 60000]`, no shuffling over 20 epochs; docs/samplers.md).
 */
import { SnnError } from '../engine/errors.js';
import { checkSamplerCount, checkSamplerState, type Sampler, type SamplerOptions, type SamplerState } from './sampler.js';

export class SequentialSampler implements Sampler {
  readonly kind = 'sequential';
  readonly count: number;
  /** Indices handed out so far (over all epochs). */
  private position = 0;

  constructor(opts: SamplerOptions) {
    checkSamplerCount(this.kind, opts.count);
    this.count = opts.count;
  }

  next(): number {
    return this.position++ % this.count;
  }

  get epoch(): number {
    return Math.floor(this.position / this.count);
  }

  getState(): SamplerState {
    return { kind: this.kind, count: this.count, position: this.position };
  }

  setState(state: SamplerState): void {
    checkSamplerState(state, this.kind, this.count);
    const p = state.position;
    if (typeof p !== 'number' || !Number.isSafeInteger(p) || p < 0) {
      throw new SnnError('config.invalid', `sequential sampler state has a bad position: ${String(p)}`, 'use a state saved by getState()');
    }
    this.position = p;
  }
}
