/**
 * Exact event-driven mode against a hand computation, and clock mode converging to it.
 */
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../../engine/recorder-sink.js';
import { parseDescription } from '../description.js';
import { simulate } from '../simulate.js';

const tau = 10;
// Two inputs to neuron a (off-grid times); a fires on the second; b receives a's spike after a
// real-valued delay and fires on arrival.
const t1 = 1.2345;
const t2 = 3.4567;
const delay = 1.5; // on every grid tested (scalar delays must be multiples of dt)
const desc = parseDescription({
  duration: 20,
  populations: [
    { name: 'in', model: 'spike-source-array', size: 1, spikes: [[t1, 0], [t2, 0]] },
    { name: 'a', model: 'lif', size: 1, params: { tauM: tau, vRest: -65, vReset: -70, vThresh: -50, refractory: 2 } },
    { name: 'b', model: 'lif', size: 1, params: { tauM: tau, vRest: -65, vReset: -70, vThresh: -50, refractory: 2 } },
  ],
  projections: [
    { from: 'in', to: 'a', channel: 'v', connectivity: 'dense', weights: 10 },
    { from: 'a', to: 'b', channel: 'v', connectivity: 'dense', weights: 16, delay },
  ],
});

function run(mode: 'clock' | 'exact', dt?: number): { a: Float64Array; b: Float64Array } {
  const sink = new MemorySink();
  simulate(desc, { mode, dt, sink });
  return { a: sink.spikes(1).times, b: sink.spikes(2).times };
}

describe('exact event-driven mode', () => {
  it('emits spikes at the hand-computed off-grid times (1e-9 ms)', () => {
    // Hand computation: after t1, v = -55; at t2, v = -65 + 10·e^{-(t2-t1)/τ} ≈ -56.99, + 10 > -50.
    const vBefore = -65 + 10 * Math.exp(-(t2 - t1) / tau);
    expect(vBefore + 10).toBeGreaterThan(-50);
    const { a, b } = run('exact');
    expect(a.length).toBe(1);
    expect(Math.abs(a[0]! - t2)).toBeLessThan(1e-9);
    expect(b.length).toBe(1);
    expect(Math.abs(b[0]! - (t2 + delay))).toBeLessThan(1e-9);
  });

  it('clock mode converges to the exact times as dt shrinks (0.1 → 0.01 → 0.001 ms)', () => {
    const exact = run('exact');
    let previous = Infinity;
    for (const dt of [0.1, 0.01, 0.001]) {
      const clock = run('clock', dt);
      expect(clock.a.length).toBe(1);
      expect(clock.b.length).toBe(1);
      const err = Math.max(Math.abs(clock.a[0]! - exact.a[0]!), Math.abs(clock.b[0]! - exact.b[0]!));
      expect(err).toBeLessThanOrEqual(2 * dt + 1e-9);
      expect(err).toBeLessThan(previous);
      previous = err;
    }
  });

  it('drops input that arrives while refractory', () => {
    const d = parseDescription({
      duration: 10,
      populations: [
        { name: 'in', model: 'spike-source-array', size: 1, spikes: [[1, 0], [2, 0], [3.5, 0]] },
        { name: 'a', model: 'lif', size: 1, params: { tauM: tau, vRest: -65, vReset: -70, vThresh: -50, refractory: 2 } },
      ],
      projections: [{ from: 'in', to: 'a', channel: 'v', connectivity: 'dense', weights: 20 }],
    });
    const sink = new MemorySink();
    simulate(d, { mode: 'exact', sink });
    // Spike at 1; the input at 2 falls in the refractory period (until 3); the one at 3.5 fires again.
    expect(Array.from(sink.spikes(1).times)).toEqual([1, 3.5]);
  });
});

describe('exact mode numerical guard', () => {
  it('stops with numeric.nonfinite naming population, variable, neuron and time', () => {
    const d = parseDescription({
      duration: 10,
      populations: [
        { name: 'in', model: 'spike-source-array', size: 1, spikes: [[1, 0], [1.5, 0]] },
        { name: 'a', model: 'lif', size: 2, params: { tauM: 10, vRest: -65, vReset: -70, vThresh: 1.7e308, refractory: 0 } },
      ],
      projections: [{ from: 'in', to: 'a', channel: 'v', connectivity: 'dense', weights: 1e308 }],
    });
    expect(() => simulate(d, { mode: 'exact' })).toThrow(/non-finite state: a\.v\[0\] = Infinity at t = 1\.5 ms/);
  });
});

describe('exact mode: v0 per neuron', () => {
  const withV0 = (v0: number[]) =>
    parseDescription({
      duration: 1,
      populations: [{ name: 'a', model: 'lif', size: 2, v0, params: { tauM: 10, vRest: -65, vReset: -70, vThresh: -50, refractory: 0 } }],
    });

  it.each([[[-60, -55, -50]], [[-60]]])('refuses a v0 list of %j for 2 neurons in one line, like clock mode', (v0) => {
    for (const mode of ['clock', 'exact'] as const) {
      expect(() => simulate(withV0(v0), { mode })).toThrow(expect.objectContaining({ code: 'config.invalid', message: `population 'a'.v0 has ${v0.length} values for 2 neurons` }));
    }
  });
});
