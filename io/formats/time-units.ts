/**
 * Unit conversions at the format edge (docs/CONVENTIONS.md: ms inside, the format's unit outside).
 */
import { SnnError } from '../../engine/errors.js';

/**
 * ms → integer µs, rounded to nearest. Event-camera formats (AEDAT, Tonic) store integer µs, so
 * sub-µs off-grid times are quantised here and only here.
 */
export function msToMicroseconds(tMs: number): number {
  const us = Math.round(tMs * 1000);
  if (!Number.isSafeInteger(us)) {
    throw new SnnError('usage', `spike time ${tMs} ms cannot be stored as integer µs`, 'spike times must be finite');
  }
  return us;
}

/**
 * ms → s for NWB and NIRData. Division by 1000 is correctly rounded, so the file holds the float64
 * nearest t/1000; reading back multiplies by 1000 and may differ from the original by 1 ulp for about
 * 1.4% of values, because ms → s is not injective in binary floating point.
 */
export function msToSeconds(tMs: Float64Array): Float64Array {
  const out = new Float64Array(tMs.length);
  for (let i = 0; i < out.length; i++) out[i] = tMs[i]! / 1000;
  return out;
}

export function secondsToMs(tS: ArrayLike<number>): Float64Array {
  const out = new Float64Array(tS.length);
  for (let i = 0; i < out.length; i++) out[i] = tS[i]! * 1000;
  return out;
}
