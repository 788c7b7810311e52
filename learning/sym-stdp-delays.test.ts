import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { LIF_DEFAULTS } from '../models/lif.js';
import { LifPopulation } from '../models/lif-population.js';
import { Network } from '../models/network.js';
import { DenseProjection } from '../models/projection.js';
import { ReplaySource } from '../models/replay-source.js';
import { SymStdp } from './sym-stdp.js';

const DT = 0.5;
const TAU = 20;
const A = 0.1;

/** A pre (replayed) → post (LIF, never driven to fire) dense projection with sym-STDP, stepped by hand. */
function rig(m: number, n: number, delays: Uint16Array | null, eta: number, wMax = 1) {
  const net = new Network(DT, 'f64');
  const pre = net.addPopulation(new ReplaySource('pre', m));
  const params = { ...LIF_DEFAULTS, synapse: 'conductance' as const, method: 'euler' as const, vThresh: 1e6 };
  const post = net.addPopulation(new LifPopulation('post', n, params, DT, 'f64', -65));
  const w = new Float64Array(m * n);
  const proj = net.addProjection(new DenseProjection('pre->post', pre, post, 'exc', w, delays ? null : 0, delays));
  net.finalize();
  const rule = new SymStdp(proj, { eta, wMax, tau: TAU, aPre: A, aPost: A });
  rule.attach(net);
  const delivered: number[][] = [];
  /** One step: `preIds` emit, `postIds` fire; records what arrived at each post neuron. */
  const step = (s: number, preIds: number[], postIds: number[]) => {
    pre.spikes.ids.set(preIds);
    pre.spikes.count = preIds.length;
    if (delays) rule.onArrivals(s);
    else rule.onPreSpikes(s);
    post.spikes.ids.set(postIds);
    post.spikes.count = postIds.length;
    rule.onPostSpikes(s);
    const ring = proj.ringBuffer;
    const off = ring.offset(s);
    delivered.push([...ring.buffer.subarray(off, off + n)]);
    ring.buffer.fill(0, off, off + n);
  };
  return { proj, rule, w, step, delivered };
}

describe('sym-STDP with per-synapse delays', () => {
  it('a spike of pre j at step e reaches post i at step e + d_ji, and the pair window is centred on the arrival', () => {
    const delays = Uint16Array.from([0, 3, 7, 20]);
    const eta = 0.05;
    const r = rig(1, 4, delays, eta);
    r.w.fill(0.25);
    const e = 5;
    // Post 1 fires 4 steps before its arrival (post first), post 2 nine steps after it (pre first).
    const postAt = new Map([[e + 3 - 4, [1]], [e + 7 + 9, [2]]]);
    for (let s = 0; s < 60; s++) r.step(s, s === e ? [0] : [], postAt.get(s) ?? []);
    for (let i = 0; i < 4; i++) {
      const steps = r.delivered.map((row, s) => (row[i]! !== 0 ? s : -1)).filter((s) => s >= 0);
      expect(steps).toEqual([e + delays[i]!]);
      expect(r.delivered[e + delays[i]!]![i]).toBe(0.25);
    }
    expect(r.w[0]).toBe(0.25);
    expect(r.w[1]! - 0.25).toBeCloseTo(eta * A * Math.exp((-4 * DT) / TAU), 14);
    expect(r.w[2]! - 0.25).toBeCloseTo(eta * A * Math.exp((-9 * DT) / TAU), 14);
    expect(r.w[3]).toBe(0.25);
  });

  it('matches a per-synapse, per-step reference implementation on random spike trains', () => {
    const m = 6;
    const n = 5;
    const steps = 700;
    const eta = 0.3;
    const wMax = 0.9;
    const rng = RngStream.derive(11, 'test/sym-stdp/delays');
    const delays = Uint16Array.from({ length: m * n }, () => rng.int(13));
    const w0 = Float64Array.from({ length: m * n }, () => rng.uniform() * 0.5);
    const preAt = Array.from({ length: steps }, () => [...Array(m).keys()].filter(() => rng.uniform() < 0.08));
    const postAt = Array.from({ length: steps }, () => [...Array(n).keys()].filter(() => rng.uniform() < 0.04));
    const r = rig(m, n, delays, eta, wMax);
    r.w.set(w0);
    for (let s = 0; s < steps; s++) r.step(s, preAt[s]!, postAt[s]!);
    // Reference: one additive trace per synapse, started at the arrival; traces decay every step.
    const w = Float64Array.from(w0);
    const x = new Float64Array(m * n);
    const y = new Float64Array(n);
    const decay = Math.exp(-DT / TAU);
    let arrivals = 0;
    for (let s = 0; s < steps; s++) {
      for (let k = 0; k < m * n; k++) x[k] = x[k]! * decay;
      for (let i = 0; i < n; i++) y[i] = y[i]! * decay;
      const ge = new Float64Array(n);
      for (let k = 0; k < m * n; k++) {
        const j = Math.floor(k / n);
        const i = k % n;
        const e = s - delays[k]!;
        if (e < 0 || !preAt[e]!.includes(j)) continue;
        arrivals++;
        ge[i] = ge[i]! + w[k]!;
        w[k] = Math.min(w[k]! + eta * y[i]!, wMax);
        x[k] = x[k]! + A;
      }
      for (const i of postAt[s]!) {
        for (let j = 0; j < m; j++) w[j * n + i] = Math.min(w[j * n + i]! + eta * x[j * n + i]!, wMax);
        y[i] = y[i]! + A;
      }
      for (let i = 0; i < n; i++) expect(r.delivered[s]![i]).toBeCloseTo(ge[i]!, 12);
    }
    expect(arrivals).toBeGreaterThan(100);
    for (let k = 0; k < m * n; k++) expect(r.w[k]).toBeCloseTo(w[k]!, 12);
    expect(r.w.some((v, k) => v !== w0[k])).toBe(true);
  });

  it('with every delay 0 it learns what the undelayed rule learns', () => {
    const m = 7;
    const n = 4;
    const rng = RngStream.derive(5, 'test/sym-stdp/zero-delays');
    const w0 = Float64Array.from({ length: m * n }, () => rng.uniform() * 0.5);
    const preAt = Array.from({ length: 500 }, () => [...Array(m).keys()].filter(() => rng.uniform() < 0.1));
    const postAt = Array.from({ length: 500 }, () => [...Array(n).keys()].filter(() => rng.uniform() < 0.05));
    const [a, b] = [new Uint16Array(m * n), null].map((delays) => {
      const r = rig(m, n, delays, 0.2);
      r.w.set(w0);
      for (let s = 0; s < 500; s++) r.step(s, preAt[s]!, postAt[s]!);
      return r;
    });
    for (let k = 0; k < m * n; k++) expect(a!.w[k]).toBeCloseTo(b!.w[k]!, 12);
    for (let s = 0; s < 500; s++) for (let i = 0; i < n; i++) expect(a!.delivered[s]![i]).toBeCloseTo(b!.delivered[s]![i]!, 12);
  });

  it('frozen: delivers with delays, changes no weight', () => {
    const r = rig(1, 2, Uint16Array.from([2, 4]), 0.5);
    r.w.fill(0.3);
    r.rule.setPlastic(false);
    for (let s = 0; s < 20; s++) r.step(s, s === 1 || s === 6 ? [0] : [], s % 3 === 0 ? [0, 1] : []);
    expect([...r.w]).toEqual([0.3, 0.3]);
    expect(r.delivered[3]![0]).toBe(0.3);
    expect(r.delivered[5]![1]).toBe(0.3);
  });
});
