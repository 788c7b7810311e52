/**
 * Same description and seed → byte-identical spikes; another seed → other Poisson spikes.
 */
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../engine/recorder-sink.js';
import { parseDescription } from '../models/description.js';
import { simulate } from '../models/simulate.js';

const desc = parseDescription({
  dt: 0.1,
  duration: 300,
  populations: [
    { name: 'in', model: 'poisson', size: 50, rates: 40 },
    { name: 'exc', model: 'lif', size: 40, v0: { uniform: [-65, -55] }, params: { tauM: 20, vRest: -65, vReset: -65, vThresh: -52, refractory: 2, synapse: 'current', tauExc: 5 } },
  ],
  projections: [
    { from: 'in', to: 'exc', channel: 'exc', connectivity: { probability: 0.5 }, weights: { uniform: [0, 3] }, delay: { uniform: [0, 2] } },
    { from: 'exc', to: 'exc', channel: 'inh', connectivity: 'all-but-self', weights: -1, delay: 0.5 },
  ],
});

function bytes(seed: number, precision: 'f32' | 'f64'): { spikes: Buffer; count: number } {
  const sink = new MemorySink();
  simulate(desc, { seed, precision, sink });
  const parts = [0, 1].flatMap((k) => {
    const s = sink.spikes(k);
    return [Buffer.from(s.times.buffer), Buffer.from(s.ids.buffer)];
  });
  return { spikes: Buffer.concat(parts), count: sink.spikes(1).times.length };
}

describe('determinism', () => {
  for (const precision of ['f64', 'f32'] as const) {
    it(`gives byte-identical spikes for the same seed (${precision})`, () => {
      const a = bytes(11, precision);
      const b = bytes(11, precision);
      expect(a.count).toBeGreaterThan(0);
      expect(a.spikes.equals(b.spikes)).toBe(true);
    });
  }

  it('gives other Poisson spikes for another seed', () => {
    expect(bytes(11, 'f64').spikes.equals(bytes(12, 'f64').spikes)).toBe(false);
  });
});
