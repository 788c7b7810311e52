/**
 * Validation shared by sampler constructors and `setState`. Kept apart from sampler.ts so that a
 * sampler module can import it without importing the registry that imports the sampler back.
 */
import { SnnError } from '../engine/errors.js';
import type { SamplerState } from './sampler.js';

/** Shared validation for sampler constructors and `setState`. */
export function checkSamplerCount(kind: string, count: number): void {
  if (!Number.isInteger(count) || count <= 0) {
    throw new SnnError(
      'config.invalid',
      `${kind} sampler needs a positive whole number of samples, got ${count}`,
      'pass the data set size as count',
    );
  }
}

/** Rejects a checkpointed state that belongs to another sampler kind or data set size. */
export function checkSamplerState(state: SamplerState, kind: string, count: number): void {
  if (state?.kind !== kind || state.count !== count) {
    throw new SnnError(
      'config.invalid',
      `cannot resume a ${kind} sampler over ${count} samples from a state of a ${String(state?.kind)} ` +
        `sampler over ${String(state?.count)} samples`,
      'resume with the sampler and data set the checkpoint was made with',
    );
  }
}
