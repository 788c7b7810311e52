import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { LIF_DEFAULTS } from '../models/lif.js';
import { LifPopulation } from '../models/lif-population.js';
import { Network } from '../models/network.js';
import { DenseProjection } from '../models/projection.js';
import { ReplaySource } from '../models/replay-source.js';
import { plasticHooks } from '../models/plastic-placement.js';
import { PairStdp } from './pair-stdp.js';
import { rules } from './rules.js';
import { SynapticScaling } from './synaptic-scaling.js';

const DT = 0.5;

/** A pre (replayed) → post (LIF, never driven to fire) dense projection, driven by hand step by step. */
function rig(m: number, n: number, w0: number, delays: Uint16Array | null, wasm = false) {
  const net = new Network(DT, 'f64');
  const pre = net.addPopulation(new ReplaySource('pre', m));
  const params = { ...LIF_DEFAULTS, synapse: 'conductance' as const, method: 'euler' as const, vThresh: 1e6 };
  // wasm: the weights in kernel memory inside the post population's own memory, as the graph builders place them.
  const hooks = wasm ? plasticHooks(m, n, delays ? Math.max(...delays) : 0) : null;
  const post = net.addPopulation(new LifPopulation('post', n, params, DT, 'f64', -65, { kernels: net.kernels, wasmExtraBytes: hooks?.extraBytes ?? 0 }));
  const placed = hooks?.weights(post, m * n) ?? null;
  if (wasm && placed === null) throw new Error('no WebAssembly');
  const w = placed ? placed.fill(w0) : new Float64Array(m * n).fill(w0);
  const proj = net.addProjection(new DenseProjection('pre->post', pre, post, 'exc', w, delays ? null : 0, delays));
  net.finalize();
  const rule = new PairStdp(proj, {});
  if (rule.backend !== (wasm ? 'wasm' : 'js')) throw new Error('unexpected backend');
  rule.attach(net);
  const delivered: number[][] = [];
  /** One step: `preIds` emit, `postIds` fire; returns what arrived at each post neuron. */
  const step = (s: number, preIds: number[], postIds: number[]): Float64Array => {
    pre.spikes.ids.set(preIds);
    pre.spikes.count = preIds.length;
    rule.onArrivals(s);
    post.spikes.ids.set(postIds);
    post.spikes.count = postIds.length;
    rule.onPostSpikes(s);
    const ring = proj.ringBuffer;
    const off = ring.offset(s);
    const got = Float64Array.from(ring.buffer.subarray(off, off + n));
    ring.buffer.fill(0, off, off + n);
    delivered.push([...got]);
    return got;
  };
  return { net, proj, rule, w, step, delivered };
}

describe('pair STDP (Diehl & Cook 2015)', () => {
  it('is registered as a rule', () => {
    expect(rules.names()).toContain('pair-stdp');
  });

  it('post before pre: Δw = −ν_pre·e^{−Δt/τ1} at the arrival', () => {
    for (const lag of [0, 1, 7, 40]) {
      const r = rig(1, 1, 0.5, null);
      r.step(0, [], [0]); // the first post spike: post2 = 0, no potentiation
      expect(r.w[0]).toBe(0.5);
      for (let s = 1; s < lag; s++) r.step(s, [], []);
      if (lag > 0) r.step(lag, [0], []);
      else {
        // Same step: the arrival is processed before the post spike (Brian's pre → post order).
        const q = rig(1, 1, 0.5, null);
        q.step(0, [0], [0]);
        expect(q.w[0]).toBe(0.5); // no post1 yet, and post2 = 0 at the first post spike
        continue;
      }
      expect(r.w[0]).toBeCloseTo(0.5 - 1e-4 * Math.exp((-lag * DT) / 20), 14);
    }
  });

  it('pre before post: Δw = +ν_post·e^{−Δt/τpre}·post2, post2 left by the previous post spike', () => {
    const P = 30; // previous post spike at step 0; pre arrives at step P; post fires again at P + L
    for (const L of [0, 3, 25]) {
      const r = rig(1, 1, 0.5, null);
      r.step(0, [], [0]);
      for (let s = 1; s < P; s++) r.step(s, [], []);
      r.step(P, [0], L === 0 ? [0] : []);
      const dep = 1e-4 * Math.exp((-P * DT) / 20);
      for (let s = P + 1; s <= P + L; s++) r.step(s, [], s === P + L ? [0] : []);
      const pot = 1e-2 * Math.exp((-L * DT) / 20) * Math.exp((-(P + L) * DT) / 40);
      expect(r.w[0]).toBeCloseTo(0.5 - dep + pot, 14);
    }
  });

  it('an isolated pre→post pair does not potentiate (post2 is 0 before the first post spike)', () => {
    const r = rig(1, 1, 0.5, null);
    r.step(0, [0], []);
    for (let s = 1; s < 10; s++) r.step(s, [], []);
    r.step(10, [], [0]);
    expect(r.w[0]).toBe(0.5);
  });

  it('clips to [0, wMax]', () => {
    const r = rig(1, 1, 1e-6, null);
    r.step(0, [], [0]);
    r.step(1, [0], []);
    expect(r.w[0]).toBe(0);
    const q = rig(1, 1, 0.999999, null);
    q.step(0, [], [0]);
    q.step(1, [0], [0]);
    expect(q.w[0]).toBe(1);
  });

  it.each([false, true])('delays: a spike of pre j at step n reaches post i at step n + d_ji exactly, and its pre trace starts there (wasm %s)', (wasm) => {
    const delays = Uint16Array.from([0, 3, 7, 20]);
    const r = rig(1, 4, 0.25, delays, wasm);
    const n0 = 5;
    for (let s = 0; s < 40; s++) r.step(s, s === n0 ? [0] : [], []);
    for (let i = 0; i < 4; i++) {
      const steps = r.delivered.map((row, s) => (row[i]! !== 0 ? s : -1)).filter((s) => s >= 0);
      expect(steps).toEqual([n0 + delays[i]!]);
      expect(r.delivered[n0 + delays[i]!]![i]).toBe(0.25);
    }
    // Potentiation uses the arrival time: post 1 fires at step 40 (first spike) and 50; the pre
    // trace of synapse (0, 1) is e^{−(50 − (5 + 3))·dt/20}.
    for (let s = 40; s <= 50; s++) r.step(s, [], s === 40 || s === 50 ? [1] : []);
    const pot = 1e-2 * Math.exp((-(50 - 8) * DT) / 20) * Math.exp((-10 * DT) / 40);
    expect(r.w[1]).toBeCloseTo(0.25 + pot, 14);
  });

  it.each([false, true])('matches a per-synapse, per-step reference implementation on random spike trains with delays (wasm %s)', (wasm) => {
    const m = 6;
    const n = 5;
    const steps = 600;
    const rng = RngStream.derive(7, 'test/pair-stdp');
    const delays = Uint16Array.from({ length: m * n }, () => rng.int(9));
    const w0 = Float64Array.from({ length: m * n }, () => rng.uniform());
    const preAt = Array.from({ length: steps }, () => [...Array(m).keys()].filter(() => rng.uniform() < 0.08));
    const postAt = Array.from({ length: steps }, () => [...Array(n).keys()].filter(() => rng.uniform() < 0.03));
    const r = rig(m, n, 0, delays, wasm);
    r.w.set(w0);
    for (let s = 0; s < steps; s++) r.step(s, preAt[s]!, postAt[s]!);
    // Reference: traces decay every step, set to 1 at spikes; arrivals from an explicit queue.
    const w = Float64Array.from(w0);
    const pre = new Float64Array(m * n);
    const post1 = new Float64Array(n);
    const post2 = new Float64Array(n);
    const ge = new Float64Array(n);
    let geOurs = 0;
    let geRef = 0;
    for (let s = 0; s < steps; s++) {
      for (let k = 0; k < m * n; k++) pre[k] = pre[k]! * Math.exp(-DT / 20);
      for (let i = 0; i < n; i++) {
        post1[i] = post1[i]! * Math.exp(-DT / 20);
        post2[i] = post2[i]! * Math.exp(-DT / 40);
      }
      ge.fill(0);
      for (let j = 0; j < m; j++) {
        for (let i = 0; i < n; i++) {
          const k = j * n + i;
          const e = s - delays[k]!;
          if (e >= 0 && preAt[e]!.includes(j)) {
            ge[i] = ge[i]! + w[k]!;
            pre[k] = 1;
            w[k] = Math.max(w[k]! - 1e-4 * post1[i]!, 0);
          }
        }
      }
      for (const i of postAt[s]!) {
        const p2 = post2[i]!;
        for (let j = 0; j < m; j++) w[j * n + i] = Math.min(w[j * n + i]! + 1e-2 * pre[j * n + i]! * p2, 1);
        post1[i] = 1;
        post2[i] = 1;
      }
      for (let i = 0; i < n; i++) {
        geRef += ge[i]!;
        geOurs += r.delivered[s]![i]!;
        expect(r.delivered[s]![i]).toBeCloseTo(ge[i]!, 12);
      }
    }
    expect(geOurs).toBeGreaterThan(0);
    expect(geOurs).toBeCloseTo(geRef, 10);
    for (let k = 0; k < m * n; k++) expect(r.w[k]).toBeCloseTo(w[k]!, 12);
    expect(r.w.some((x, k) => x !== w0[k])).toBe(true);
  });

  it.each([false, true])('frozen: delivers with delays, changes no weight (wasm %s)', (wasm) => {
    const delays = Uint16Array.from([2, 4]);
    const r = rig(1, 2, 0.3, delays, wasm);
    r.rule.setPlastic(false);
    for (let s = 0; s < 20; s++) r.step(s, s === 1 || s === 6 ? [0] : [], s % 3 === 0 ? [0, 1] : []);
    expect([...r.w]).toEqual([0.3, 0.3]);
    expect(r.delivered[3]![0]).toBe(0.3);
    expect(r.delivered[5]![1]).toBe(0.3);
  });

  it.each([false, true])('frozen: changes no weight, not even one below the lower bound 0 (delays %s)', (delayed) => {
    const r = rig(1, 2, 0.3, delayed ? Uint16Array.from([1, 3]) : null);
    r.w[0] = -0.2;
    r.rule.setPlastic(false);
    for (let s = 0; s < 12; s++) r.step(s, s % 2 === 0 ? [0] : [], s % 3 === 0 ? [0, 1] : []);
    expect([...r.w]).toEqual([-0.2, 0.3]);
    expect(r.delivered[delayed ? 1 : 0]![0]).toBe(-0.2);
  });

  it('the WebAssembly kernel gives bit-identical weights and deliveries to the JS loops', () => {
    const m = 20;
    const n = 30;
    const rng = RngStream.derive(3, 'test/pair-stdp/wasm');
    const delays = Uint16Array.from({ length: m * n }, () => rng.int(21));
    const w0 = Float64Array.from({ length: m * n }, () => rng.uniform());
    const preAt = Array.from({ length: 800 }, () => [...Array(m).keys()].filter(() => rng.uniform() < 0.05));
    const postAt = Array.from({ length: 800 }, () => [...Array(n).keys()].filter(() => rng.uniform() < 0.01));
    const [a, b] = [false, true].map((wasm) => {
      const r = rig(m, n, 0, delays, wasm);
      r.w.set(w0);
      for (let s = 0; s < 800; s++) r.step(s, preAt[s]!, postAt[s]!);
      return r;
    });
    expect(Buffer.from(b!.w.buffer, b!.w.byteOffset, b!.w.byteLength).equals(Buffer.from(a!.w.buffer))).toBe(true);
    expect(b!.delivered).toEqual(a!.delivered);
  });

  it.each([7, 8])('the SIMD scaling kernel equals SynapticScaling.apply bit for bit (n = %i)', (n) => {
    const m = 13;
    const hooks = plasticHooks(m, n, 3);
    const net = new Network(DT, 'f64');
    const pre = net.addPopulation(new ReplaySource('pre', m));
    const post = net.addPopulation(new LifPopulation('post', n, { ...LIF_DEFAULTS, synapse: 'conductance', method: 'euler' }, DT, 'f64', -65, { kernels: net.kernels, wasmExtraBytes: hooks.extraBytes }));
    const w = hooks.weights(post, m * n)!;
    const rng = RngStream.derive(11, 'test/pair-stdp/scale');
    for (let k = 0; k < m * n; k++) w[k] = rng.uniform() * (k % n === 2 ? 0 : 1);
    const ref = Float64Array.from(w);
    const proj = net.addProjection(new DenseProjection('p', pre, post, 'exc', w, 0, null));
    const scaler = proj.columnScaler();
    expect(scaler).not.toBeNull();
    new SynapticScaling(new DenseProjection('q', pre, post, 'exc', ref, 0, null), { target: 78 }, null).apply();
    scaler!(78);
    expect(Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(ref.buffer))).toBe(true);
    expect(w[2]).toBe(0);
  });
});
