import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { LIF_DEFAULTS } from '../models/lif.js';
import { LifPopulation } from '../models/lif-population.js';
import { Network } from '../models/network.js';
import { DenseProjection } from '../models/projection.js';
import { SpikeSourceArray } from '../models/spike-source-array.js';
import { SymStdp } from './sym-stdp.js';
import { SynapticScaling } from './synaptic-scaling.js';

const dt = 0.5;

/** pre (1 source neuron, spiking at `tPre`) → post (1 LIF that fires only when the driver forces it). */
function pairNetwork(tPre: number | number[], tDrive: number, eta: number) {
  const net = new Network(dt, 'f64');
  const preTimes = typeof tPre === 'number' ? [tPre] : tPre;
  const pre = net.addPopulation(new SpikeSourceArray('pre', 1, preTimes, preTimes.map(() => 0), dt));
  const driver = net.addPopulation(new SpikeSourceArray('driver', 1, [tDrive], [0], dt));
  const post = net.addPopulation(new LifPopulation('post', 1, { ...LIF_DEFAULTS, tauM: 20, vRest: -65, vReset: -65, vThresh: -50 }, dt, 'f64', -65));
  const w0 = 0.2;
  const plastic = net.addProjection(new DenseProjection('pre->post', pre, post, 'v', new Float64Array([w0]), 0, null));
  net.addProjection(new DenseProjection('driver->post', driver, post, 'v', new Float64Array([100]), 0, null));
  net.finalize();
  const rule = new SymStdp(plastic, { eta, wMax: 1 });
  rule.attach(net);
  const postTimes: number[] = [];
  net.addHooks({ onSpike: (k, _ids, count, t) => { if (k === 2) for (let c = 0; c < count; c++) postTimes.push(t); } });
  return { net, plastic, w0, postTimes, rule };
}

describe('sym-STDP', () => {
  for (const [tPre, tDrive] of [[10, 14.5], [30, 12.5], [20, 20], [5, 60]] as const) {
    it(`gives Δw = η·a·e^{−|Δt|/τ} for a pair (pre ${tPre} ms, post driven at ${tDrive} ms)`, () => {
      const eta = 0.05;
      const { net, plastic, w0, postTimes } = pairNetwork(tPre, tDrive, eta);
      net.run(100);
      expect(postTimes).toHaveLength(1);
      const lag = Math.abs(postTimes[0]! - tPre);
      expect(plastic.weights[0]! - w0).toBeCloseTo(eta * 0.1 * Math.exp(-lag / 20), 12);
    });
  }

  it('is symmetric: pre-before-post and post-before-pre at the same lag give the same Δw', () => {
    const a = pairNetwork(10, 19.5, 0.05); // post at 20 (one step after the driver's arrival)
    a.net.run(60);
    const b = pairNetwork(30, 19.5, 0.05);
    b.net.run(60);
    expect(a.postTimes[0]).toBe(20);
    expect(a.plastic.weights[0]! - a.w0).toBeCloseTo(b.plastic.weights[0]! - b.w0, 14);
  });

  it('never exceeds wMax and changes nothing when frozen', () => {
    const { net, plastic, rule } = pairNetwork(10, 10.5, 1000);
    net.run(60);
    expect(plastic.weights[0]).toBe(1);
    const frozen = pairNetwork(10, 10.5, 0.05);
    frozen.rule.setPlastic(false);
    frozen.net.run(60);
    expect(frozen.plastic.weights[0]).toBe(frozen.w0);
    void rule;
  });

  it('reads the trace clock only at spikes: a plastic stretch without any leaves tRef where the last one put it', () => {
    // A rebase (every 200 ms of trace time) multiplies the stored traces out, a rounding step of
    // its own: results must not depend on how long nothing happened between two spikes.
    const { net, rule, postTimes } = pairNetwork([10, 500], 14.5, 0.05);
    net.run(450);
    expect(postTimes).toEqual([15]);
    expect(rule.saveState().tRef).toBe(0); // spikes at 10 and 15 ms: no rebase due
    net.run(200);
    expect(rule.saveState().tRef).toBe(500); // the pre spike at 500 ms rebased; nothing since
  });
});

describe('synaptic scaling', () => {
  it('leaves every post neuron\'s incoming weights summing exactly to the target', () => {
    const net = new Network(dt, 'f64');
    const pre = net.addPopulation(new SpikeSourceArray('pre', 37, [], [], dt));
    const post = net.addPopulation(new LifPopulation('post', 11, LIF_DEFAULTS, dt, 'f64', -65));
    const rng = RngStream.derive(3, 'w');
    const w = Float64Array.from({ length: 37 * 11 }, () => rng.uniform() * 0.3);
    const proj = net.addProjection(new DenseProjection('p', pre, post, 'v', w, 0, null));
    const scaling = new SynapticScaling(proj, { target: 78.4 });
    scaling.apply();
    for (let i = 0; i < 11; i++) {
      let s = 0;
      for (let j = 0; j < 37; j++) s += w[j * 11 + i]!;
      expect(Math.abs(s - 78.4)).toBeLessThan(1e-12);
    }
    const before = w.slice();
    scaling.setPlastic(false);
    scaling.beforePresentation({ training: true, sample: 0, repeat: 0, step: 0 });
    expect(w).toEqual(before);
  });
});
