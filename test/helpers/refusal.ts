/**
 * The SnnError that `f` throws, for tests that check a refusal's code, message and hint. Fails the
 * test when `f` returns, and rethrows anything that is not an SnnError (a crash is not a refusal).
 */
import { SnnError } from '../../engine/errors.js';

export function refusal(f: () => unknown): SnnError {
  try {
    f();
  } catch (e) {
    if (e instanceof SnnError) return e;
    throw e;
  }
  throw new Error('expected a refusal (an SnnError), and nothing was thrown');
}
