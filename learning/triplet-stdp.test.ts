/**
 * Triplet STDP (Pfister & Gerstner 2006, minimal all-to-all): the closed forms of an isolated pair
 * in both orders and of a post–pre–post triplet, on a hand-driven 1 × 1 projection.
 */
import { describe, expect, it } from 'vitest';
import { LIF_DEFAULTS } from '../models/lif.js';
import { LifPopulation } from '../models/lif-population.js';
import { Network } from '../models/network.js';
import { DenseProjection } from '../models/projection.js';
import { ReplaySource } from '../models/replay-source.js';
import { createRule, rules } from './rules.js';
import type { TripletStdp } from './triplet-stdp.js';

const DT = 0.5;
const O = { a2Plus: 0.004, a3Plus: 0.006, a2Minus: 0.007, tauPlus: 16.8, tauMinus: 33.7, tauY: 125, wMax: 1 };

function rig(w0: number) {
  const net = new Network(DT, 'f64');
  const pre = net.addPopulation(new ReplaySource('pre', 1));
  const post = net.addPopulation(new LifPopulation('post', 1, { ...LIF_DEFAULTS, synapse: 'conductance' as const, method: 'euler' as const, vThresh: 1e6 }, DT, 'f64', -65));
  const w = new Float64Array(1).fill(w0);
  const proj = net.addProjection(new DenseProjection('pre->post', pre, post, 'exc', w, 0, null));
  net.finalize();
  const rule = createRule('triplet-stdp', { projection: proj }, O) as TripletStdp;
  rule.attach(net);
  /** Step `s`: the pre and/or the post neuron spike. */
  const step = (s: number, preSpikes: boolean, postSpikes: boolean) => {
    pre.spikes.count = 0;
    post.spikes.count = 0;
    if (preSpikes) pre.spikes.ids[pre.spikes.count++] = 0;
    rule.onPreSpikes(s);
    if (postSpikes) post.spikes.ids[post.spikes.count++] = 0;
    rule.onPostSpikes(s);
  };
  return { w, step, rule };
}

describe('triplet STDP (Pfister & Gerstner 2006)', () => {
  it('is registered with its options schema', () => {
    expect(rules.names()).toContain('triplet-stdp');
    expect(Object.keys(rules.entry('triplet-stdp').options).sort()).toEqual(Object.keys(O).sort());
  });

  it('pre then post: Δw = A2⁺·e^{−Δt/τ₊} (no earlier post spike: no triplet term)', () => {
    for (const lag of [1, 10, 60]) {
      const r = rig(0.5);
      r.step(0, true, false);
      r.step(lag, false, true);
      expect(r.w[0]).toBeCloseTo(0.5 + O.a2Plus * Math.exp((-lag * DT) / O.tauPlus), 14);
    }
  });

  it('post then pre: Δw = −A2⁻·e^{−Δt/τ₋}', () => {
    for (const lag of [1, 10, 60]) {
      const r = rig(0.5);
      r.step(0, false, true);
      r.step(lag, true, false);
      expect(r.w[0]).toBeCloseTo(0.5 - O.a2Minus * Math.exp((-lag * DT) / O.tauMinus), 14);
    }
  });

  it('post–pre–post: the second post spike adds the triplet term A3⁺·e^{−Δt₂/τ₊}·e^{−(t₂−t₀)/τ_y}', () => {
    const [t0, t1, t2] = [0, 8, 20]; // steps
    const r = rig(0.5);
    r.step(t0, false, true);
    r.step(t1, true, false);
    r.step(t2, false, true);
    const dep = -O.a2Minus * Math.exp((-(t1 - t0) * DT) / O.tauMinus);
    const pot = Math.exp((-(t2 - t1) * DT) / O.tauPlus) * (O.a2Plus + O.a3Plus * Math.exp((-(t2 - t0) * DT) / O.tauY));
    expect(r.w[0]).toBeCloseTo(0.5 + dep + pot, 14);
    // More than the same pair without the first post spike: the triplet term is what differs.
    const pair = rig(0.5);
    pair.step(t1, true, false);
    pair.step(t2, false, true);
    expect(r.w[0]! - dep).toBeGreaterThan(pair.w[0]!);
  });

  it('clips at 0 and wMax, and does nothing when frozen', () => {
    const low = rig(0.001);
    low.step(0, false, true);
    low.step(1, true, false);
    expect(low.w[0]).toBe(0);
    const high = rig(0.9999);
    high.step(0, true, false);
    high.step(1, false, true);
    expect(high.w[0]).toBe(1);
    const frozen = rig(0.5);
    frozen.rule.setPlastic(false);
    frozen.step(0, true, false);
    frozen.step(1, false, true);
    expect(frozen.w[0]).toBe(0.5);
  });

  it('reads the trace clocks only at spikes: a plastic stretch without any leaves each tRef where its last spike put it', () => {
    // A rebase multiplies the stored traces out (a rounding step): it happens at spikes, never
    // because time passed with nothing to learn.
    const r = rig(0.5);
    r.step(0, true, true);
    for (let s = 1; s < 1000; s++) r.step(s, false, false);
    expect([r.rule.saveState().tRef1, r.rule.saveState().tRefO1, r.rule.saveState().tRefO2]).toEqual([0, 0, 0]);
    r.step(1000, true, false); // pre at 500 ms: the r1 and o1 clocks are read (and rebase), o2 is not
    for (let s = 1001; s < 1500; s++) r.step(s, false, false);
    expect([r.rule.saveState().tRef1, r.rule.saveState().tRefO1, r.rule.saveState().tRefO2]).toEqual([500, 500, 0]);
  });

  it('refuses a projection with delays', () => {
    const net = new Network(DT, 'f64');
    const pre = net.addPopulation(new ReplaySource('pre', 1));
    const post = net.addPopulation(new LifPopulation('post', 1, { ...LIF_DEFAULTS, synapse: 'conductance' as const, method: 'euler' as const }, DT, 'f64', -65));
    const proj = net.addProjection(new DenseProjection('pre->post', pre, post, 'exc', new Float64Array(1), 2, null));
    expect(() => createRule('triplet-stdp', { projection: proj }, {})).toThrow(/does not handle delays/);
  });
});
