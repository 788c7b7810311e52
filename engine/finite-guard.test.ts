import { describe, expect, it } from 'vitest';
import { assertFinite, FiniteGuard, findNonFinite, firstNonFinite } from './finite-guard.js';
import { refusal as caught } from '../test/helpers/refusal.js';

describe('finite guard', () => {
  it('finds the first NaN or ±Infinity, in f32 and f64 arrays', () => {
    expect(firstNonFinite(new Float64Array([1, -2, 3e300]))).toBe(-1);
    expect(firstNonFinite(new Float64Array([0, Number.MAX_VALUE, NaN, Infinity]))).toBe(2);
    expect(firstNonFinite(new Float32Array([0, 1, -Infinity]))).toBe(2);
    expect(firstNonFinite(new Float32Array([3e38, 3e38 * 10]))).toBe(1); // f32 overflow is Infinity
    expect(firstNonFinite([])).toBe(-1);
    expect(findNonFinite([{ population: 'a', variable: 'v', values: [1] }, { population: 'b', variable: 'ge', values: [0, 0, Infinity] }])).toEqual({ population: 'b', variable: 'ge', neuron: 2, value: Infinity });
  });

  it('names population, variable, neuron, value and time in a numeric.nonfinite error', () => {
    const e = caught(() => assertFinite([{ population: 'exc', variable: 'v', values: new Float64Array([0, 0, 0, NaN]) }], { timeMs: 12.300000000000001 }));
    expect(e.code).toBe('numeric.nonfinite');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('non-finite state: exc.v[3] = NaN at t = 12.3 ms');
    expect(e.hint).toMatch(/weights/);
  });

  it('checks every K steps and says since when the value may have been bad', () => {
    const v = new Float64Array(4);
    const guard = new FiniteGuard(() => [{ population: 'p', variable: 'v', values: v }], 3);
    guard.afterStep(0.1);
    guard.afterStep(0.2);
    guard.afterStep(0.3); // checked: fine
    v[1] = -Infinity;
    guard.afterStep(0.4);
    guard.afterStep(0.5); // not checked yet
    const e = caught(() => guard.afterStep(0.6));
    expect(e.message).toBe('non-finite state: p.v[1] = -Infinity at t = 0.6 ms (finite at t = 0.3 ms)');
    expect(e.hint).toMatch(/--check-finite/);
    expect(caught(() => new FiniteGuard(() => [], 0)).code).toBe('usage');
  });
});
