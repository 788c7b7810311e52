/**
 * Closed-form checks of the LIF model in both modes.
 */
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../engine/recorder-sink.js';
import { parseDescription, type NetworkDescription } from './description.js';
import { simulate } from './simulate.js';

const tau = 10;
const vRest = -65;
const vReset = -70;
const vTh = -50;
const tRef = 2;
const RI = 20; // drive above threshold: vInf = -45 mV

/** Analytic inter-spike interval of a LIF under constant drive. */
const period = tRef + tau * Math.log((RI - (vReset - vRest)) / (RI - (vTh - vRest)));

function drivenNeuron(iBias: number, v0 = vRest): NetworkDescription {
  return parseDescription({
    duration: 200,
    populations: [
      { name: 'n', model: 'lif', size: 1, v0, params: { tauM: tau, vRest, vReset, vThresh: vTh, refractory: tRef, iBias } },
    ],
  });
}

function spikeTimes(desc: NetworkDescription, opts: Parameters<typeof simulate>[1]): Float64Array {
  const sink = new MemorySink();
  simulate(desc, { ...opts, sink });
  return sink.spikes(0).times;
}

describe('LIF under constant supra-threshold input', () => {
  it('fires with the analytic period within 1e-9 ms in exact mode', () => {
    const times = spikeTimes(drivenNeuron(RI), { mode: 'exact' });
    const first = tau * Math.log((vRest - (vRest + RI)) / (vTh - (vRest + RI)));
    expect(times.length).toBeGreaterThan(10);
    times.forEach((t, k) => expect(Math.abs(t - (first + k * period))).toBeLessThan(1e-9));
  });

  for (const dt of [0.1, 0.01]) {
    it(`fires with the analytic period within one dt in clock mode (dt = ${dt})`, () => {
      const times = spikeTimes(drivenNeuron(RI), { mode: 'clock', dt });
      expect(times.length).toBeGreaterThan(10);
      for (let k = 1; k < times.length; k++) {
        expect(Math.abs(times[k]! - times[k - 1]! - period)).toBeLessThanOrEqual(dt + 1e-9);
      }
    });
  }

  it('stays silent below threshold in both modes', () => {
    expect(spikeTimes(drivenNeuron(10), { mode: 'exact' }).length).toBe(0);
    expect(spikeTimes(drivenNeuron(10), { mode: 'clock' }).length).toBe(0);
  });
});

describe('exact sub-threshold integration (clock mode, exact propagator)', () => {
  it('matches the analytic v(t) of a leak plus a decaying current to 1e-12 relative', () => {
    const dt = 0.1;
    const tauS = 5;
    const I0 = 6;
    const v0 = -60;
    const bias = 4;
    const desc = parseDescription({
      duration: 100,
      populations: [
        { name: 'in', model: 'spike-source-array', size: 1, spikes: [[0, 0]] },
        { name: 'n', model: 'lif', size: 1, v0, params: { tauM: tau, vRest, vReset, vThresh: vTh, synapse: 'current', tauExc: tauS, iBias: bias } },
      ],
      projections: [{ from: 'in', to: 'n', channel: 'exc', connectivity: 'dense', weights: I0 }],
    });
    const sink = new MemorySink();
    simulate(desc, { dt, sink, recordSpikes: false, recordState: [{ population: 'n', variables: ['v'] }] });
    const { times, values } = sink.state(1, 'v');
    const vInf = vRest + bias;
    // The input of step 0 is delivered after that step's update: the current starts at t1 = dt.
    const t1 = dt;
    const v1 = vInf + (v0 - vInf) * Math.exp(-t1 / tau);
    expect(times.length).toBe(1000);
    for (let k = 1; k < times.length; k++) {
      const s = times[k]! - t1;
      const analytic = vInf + (v1 - vInf) * Math.exp(-s / tau) + ((I0 * tauS) / (tauS - tau)) * (Math.exp(-s / tauS) - Math.exp(-s / tau));
      expect(Math.abs(values[k]! - analytic) / Math.abs(analytic)).toBeLessThan(1e-12);
    }
  });
});

describe('exact propagator when a synaptic time constant equals τm (the t·e^{−t/τ} case)', () => {
  // τm dv/dt = vInf − v + I with τs = τm = τ and I(0) = I0: the particular solution is
  // I0·(s/τ)·e^{−s/τ}, not the (τs − τm)⁻¹ form (which divides by zero there).
  const dt = 0.1;
  function run(params: Record<string, unknown>, projections: NonNullable<NetworkDescription['projections']>, v0: number) {
    const desc = parseDescription({
      duration: 60,
      populations: [
        { name: 'in', model: 'spike-source-array', size: 2, spikes: [[0, 0], [0, 1]] }, // [time, neuron]
        { name: 'n', model: 'lif', size: 1, v0, params: { tauM: tau, vRest, vReset, vThresh: vTh, synapse: 'current', ...params } },
      ],
      projections,
    });
    const sink = new MemorySink();
    simulate(desc, { dt, sink, recordSpikes: false, recordState: [{ population: 'n', variables: ['v'] }] });
    return sink.state(1, 'v');
  }

  it('excitatory current with τe = τm follows vInf + (v1 − vInf)·e^{−s/τ} + I0·(s/τ)·e^{−s/τ}', () => {
    const I0 = 7;
    const v0 = -62;
    const { times, values } = run({ tauExc: tau, tauInh: 3 }, [{ from: 'in', to: 'n', channel: 'exc', connectivity: 'dense', weights: [[I0], [0]] }], v0);
    const t1 = dt; // the input of step 0 is delivered after that step's update
    const v1 = vRest + (v0 - vRest) * Math.exp(-t1 / tau);
    expect(times.length).toBe(600);
    let peak = -Infinity;
    for (let k = 1; k < times.length; k++) {
      const s = times[k]! - t1;
      const analytic = vRest + (v1 - vRest) * Math.exp(-s / tau) + I0 * (s / tau) * Math.exp(-s / tau);
      expect(Math.abs(values[k]! - analytic)).toBeLessThan(1e-12 * Math.abs(analytic));
      peak = Math.max(peak, values[k]! - vRest - (v1 - vRest) * Math.exp(-s / tau));
    }
    // the response peaks at s = τ with I0/e
    expect(peak).toBeCloseTo(I0 / Math.E, 6);
  });

  it('inhibitory current with τi = τm while τe ≠ τm: each channel uses its own propagator', () => {
    const Ie = 5;
    const Ii = -4;
    const tauE = 4;
    const { times, values } = run(
      { tauExc: tauE, tauInh: tau },
      [
        { from: 'in', to: 'n', channel: 'exc', connectivity: 'dense', weights: [[Ie], [0]] },
        { from: 'in', to: 'n', channel: 'inh', connectivity: 'dense', weights: [[0], [Ii]] },
      ],
      vRest,
    );
    const t1 = dt;
    for (let k = 1; k < times.length; k++) {
      const s = times[k]! - t1;
      const exc = ((Ie * tauE) / (tauE - tau)) * (Math.exp(-s / tauE) - Math.exp(-s / tau));
      const inh = Ii * (s / tau) * Math.exp(-s / tau);
      const analytic = vRest + exc + inh;
      expect(Math.abs(values[k]! - analytic)).toBeLessThan(1e-12 * Math.abs(analytic));
    }
  });
});
