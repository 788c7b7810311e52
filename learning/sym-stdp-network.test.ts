/**
 * Symmetric STDP run through a network's schedule on random spike trains, against a plain
 * reference written from the rule's header (traces decayed every step, no rescaling): the weights
 * after 500 ms (the rescaled traces rebase on the way) and what every step delivered, without
 * delays, with one uniform delay and with per-synapse delays, in JS and with the WebAssembly
 * kernels in the post population's memory. Also each option's effect, frozen stretches,
 * save/restore, the traces it reports and its refusals.
 */
import { describe, expect, it } from 'vitest';
import { kernelBackend } from '../engine/backend.js';
import { RngStream } from '../engine/rng.js';
import { Network } from '../models/network.js';
import { DenseProjection, type Projection } from '../models/projection.js';
import { fakePopulation } from '../test/helpers/run-network.js';
import { expectClose, randomTrains, saveWipeRestore, stdpRig, type Trains } from '../test/helpers/stdp-rig.js';
import { createRule } from './rules.js';
import { SymStdp, type SymStdpOptions } from './sym-stdp.js';

const DT = 0.5;
const M = 4;
const N = 3;
const STEPS = 1000;
/** Unequal increments and a non-default τ, so that a swapped parameter shows. */
const O: Required<SymStdpOptions> = { eta: 0.0037, wMax: 0.9, tau: 27, aPre: 0.31, aPost: 0.13 };

/** d[j·N + i]: delay of synapse (j, i) in steps; `frozen(s)`: the rule is frozen in step s. */
function reference(o: Required<SymStdpOptions>, w0: ArrayLike<number>, d: ArrayLike<number>, pre: Trains, post: Trains, steps: number, frozen: (s: number) => boolean = () => false) {
  const w = Float64Array.from(w0);
  const x = new Float64Array(M);
  const y = new Float64Array(N);
  const xAt: Float64Array[] = []; // x after the jumps of each step
  const decay = Math.exp(-DT / o.tau);
  const delivered: Float64Array[] = [];
  const fired = pre.map((ids) => new Set(ids));
  const delayed = Array.from(d).some((v) => v !== 0);
  for (let s = 0; s < steps; s++) {
    if (s > 0) {
      for (let j = 0; j < M; j++) x[j]! *= decay;
      for (let i = 0; i < N; i++) y[i]! *= decay;
    }
    const learn = !frozen(s);
    if (learn) for (const j of pre[s] ?? []) x[j]! += o.aPre;
    xAt.push(x.slice());
    const got = new Float64Array(N);
    for (let j = 0; j < M; j++) {
      for (let i = 0; i < N; i++) {
        const k = j * N + i;
        const e = s - d[k]!;
        if (e < 0 || !fired[e]!.has(j)) continue;
        got[i]! += w[k]!;
        // The arrival potentiates by η·y, clipped at wMax (also a weight that was above it).
        if (learn) w[k] = Math.min(w[k]! + o.eta * y[i]!, o.wMax);
      }
    }
    delivered.push(got);
    if (!learn) continue;
    for (const i of post[s] ?? []) {
      for (let j = 0; j < M; j++) {
        const k = j * N + i;
        const e = s - d[k]!;
        const xj = !delayed ? x[j]! : e < 0 ? 0 : xAt[e]![j]!;
        if (xj === 0) continue; // a synapse whose pre trace is zero is not touched
        w[k] = Math.min(w[k]! + o.eta * xj, o.wMax);
      }
      y[i]! += o.aPost;
    }
  }
  return { w, delivered, x, y };
}

/** 'wasm': the weights in kernel memory inside the post population's memory (the graph builders' placement). */
type Placement = 'js' | 'wasm';

function trains(seed: number, maxDelay: number) {
  const rng = RngStream.derive(seed, 'sym-network-test');
  // Pre neuron 3's synapses start above wMax: nothing may clip them before it fires.
  const w0 = Array.from({ length: M * N }, (_, k) => (k >= 3 * N ? 0.95 : rng.uniform()));
  const delays = Uint16Array.from({ length: M * N }, () => Math.floor(rng.uniform() * (maxDelay + 1)));
  // Pre neuron 3 stays silent until step 600: its synapses keep their (possibly > wMax) weights.
  const pre = randomTrains(rng.split('pre'), M, STEPS, 0.04).map((ids, s) => (s < 600 ? ids.filter((j) => j !== 3) : ids));
  const post = randomTrains(rng.split('post'), N, STEPS, 0.04);
  return { w0, delays, pre, post };
}

function rig(o: Required<SymStdpOptions>, t: ReturnType<typeof trains>, delay: number | 'per-synapse', placement: Placement = 'js', extraDelay?: number) {
  const r = stdpRig({
    m: M,
    n: N,
    dt: DT,
    w0: t.w0,
    placement: placement === 'wasm' ? 'wasm-host' : 'js',
    delaySteps: delay === 'per-synapse' ? null : delay,
    delays: delay === 'per-synapse' ? t.delays : null,
    pre: t.pre,
    post: t.post,
    ...(extraDelay !== undefined ? { extraDelay } : {}),
    rule: (proj) => createRule('sym-stdp', { projection: proj }, { ...o }),
  });
  const d = delay === 'per-synapse' ? t.delays : new Uint16Array(M * N).fill(delay);
  return { ...r, d, rule: r.rule as SymStdp };
}

const placements: Placement[] = kernelBackend() === 'wasm' ? ['js', 'wasm'] : ['js'];

describe('sym-STDP in a network, against a plain reference', () => {
  for (const placement of placements) {
    for (const delay of [0, 2, 'per-synapse'] as const) {
      it(`delay ${delay}, ${placement}: weights after 500 ms and every step's delivery`, () => {
        const t = trains(21, 5);
        const r = rig(O, t, delay, placement);
        expect(r.rule.backend).toBe(placement);
        expect(r.proj.kernelBackend).toBe(placement);
        expect(r.ringInKernelMemory).toBe(placement === 'wasm');
        r.run(STEPS);
        const ref = reference(O, t.w0, r.d, t.pre, t.post, STEPS);
        expectClose(r.weights, ref.w);
        expect(r.delivered.length).toBe(STEPS);
        for (let s = 0; s < STEPS; s++) expectClose(r.delivered[s]!, ref.delivered[s]!);
        expect(Math.max(...Array.from(r.weights, (x, k) => Math.abs(x - t.w0[k]!)))).toBeGreaterThan(0.01);
        // The traces one step later: one more decay.
        const tr = r.rule.traceValues(STEPS * DT);
        const decay = Math.exp(-DT / O.tau);
        expectClose(tr.x, Array.from(ref.x, (v) => v * decay));
        expectClose(tr.y, Array.from(ref.y, (v) => v * decay));
      });
    }

    it(`${placement}: frozen for a while without delays: the frozen weights arrive, no trace jumps, learning resumes`, () => {
      const t = trains(22, 0);
      const r = rig(O, t, 0, placement);
      r.run(300);
      r.rule.setPlastic(false);
      r.run(200);
      r.rule.setPlastic(true);
      r.run(STEPS - 500);
      const frozen = (s: number) => s >= 300 && s < 500;
      const ref = reference(O, t.w0, r.d, t.pre, t.post, STEPS, frozen);
      expectClose(r.weights, ref.w);
      for (let s = 0; s < STEPS; s++) expectClose(r.delivered[s]!, ref.delivered[s]!);
    });

    it(`${placement}: frozen with per-synapse delays: spikes arrive with their delays, no weight moves`, () => {
      const t = trains(23, 5);
      const r = rig(O, t, 'per-synapse', placement);
      r.run(300);
      const w = Array.from(r.weights);
      r.rule.setPlastic(false);
      r.run(200);
      expect(Array.from(r.weights)).toEqual(w);
      for (let s = 300; s < 500; s++) {
        const want = new Float64Array(N);
        for (let j = 0; j < M; j++) for (let i = 0; i < N; i++) if (s - r.d[j * N + i]! >= 0 && t.pre[s - r.d[j * N + i]!]!.includes(j)) want[i]! += w[j * N + i]!;
        expectClose(r.delivered[s]!, want);
      }
    });
  }

  // 3: a ring of several slots in the kernel memory; 40: a ring too long for it (JS rows then).
  for (const extra of [3, 40]) it.runIf(placements.includes('wasm'))(`wasm, undelayed, a second projection delayed by ${extra} steps: plastic and frozen rows land in this step's slot`, () => {
    const t = trains(27, 0);
    const r = rig(O, t, 0, 'wasm', extra);
    expect(r.rule.backend).toBe('wasm');
    // A ring of 3 + 1 slots fits the population's memory (the kernels deliver into it); one of 41 does not.
    expect(r.ringInKernelMemory).toBe(extra === 3);
    r.run(300);
    r.rule.setPlastic(false);
    r.run(200);
    r.rule.setPlastic(true);
    r.run(STEPS - 500);
    const ref = reference(O, t.w0, r.d, t.pre, t.post, STEPS, (s) => s >= 300 && s < 500);
    expectClose(r.weights, ref.w);
    for (let s = 0; s < STEPS; s++) expectClose(r.delivered[s]!, ref.delivered[s]!);
  });

  it.runIf(placements.includes('wasm'))('a kernel memory without room for the delay arrays: arrivals in JS, reported as such, same results', () => {
    const t = trains(28, 4);
    // The region laid out for a projection without delays: no room for the arrival bookkeeping.
    const r = stdpRig({ m: M, n: N, dt: DT, w0: t.w0, placement: 'wasm-host', placementDelay: 0, delaySteps: null, delays: t.delays, pre: t.pre, post: t.post, rule: (proj) => new SymStdp(proj, O) });
    expect(r.proj.kernelBackend).toBe('wasm');
    expect((r.rule as SymStdp).backend).toBe('js');
    r.run(STEPS);
    expectClose(r.weights, reference(O, t.w0, t.delays, t.pre, t.post, STEPS).w);
  });

  it('frozen with delays: the traces only decay (no jumps), and the post side is scheduled under its name', () => {
    const t = trains(29, 4);
    const r = rig(O, t, 'per-synapse');
    r.run(300);
    const before = r.rule.traceValues(299 * DT);
    r.rule.setPlastic(false);
    r.run(200);
    const after = r.rule.traceValues(499 * DT);
    const decay = Math.exp((-200 * DT) / O.tau);
    expectClose(after.x, Array.from(before.x, (v) => v * decay));
    expectClose(after.y, Array.from(before.y, (v) => v * decay));
    expect(r.net.schedule.describe().filter((d) => d.includes('sym-stdp')).map((d) => d.replace(/\s+/g, ' '))).toEqual(['plasticity 0 sym-stdp:pre->post.post']);
  });

  it('each option has its own effect, as the reference says', () => {
    const t = trains(24, 3);
    for (const delay of [0, 'per-synapse'] as const) {
      const base = rig(O, t, delay);
      base.run(STEPS);
      for (const key of Object.keys(O) as (keyof SymStdpOptions)[]) {
        const o = { ...O, [key]: O[key] * 1.5 };
        const r = rig(o, t, delay);
        r.run(STEPS);
        expectClose(r.weights, reference(o, t.w0, r.d, t.pre, t.post, STEPS).w);
        expect(Array.from(r.weights)).not.toEqual(Array.from(base.weights));
      }
    }
  });

  it('the defaults: τ = 20 ms, both increments 0.1', () => {
    const t = trains(25, 0);
    const r = stdpRig({ m: M, n: N, dt: DT, w0: t.w0, delaySteps: 0, delays: null, pre: t.pre, post: t.post, rule: (proj) => new SymStdp(proj, { eta: O.eta, wMax: O.wMax }) });
    r.run(STEPS);
    expectClose(r.weights, reference({ ...O, tau: 20, aPre: 0.1, aPost: 0.1 }, t.w0, new Uint16Array(M * N), t.pre, t.post, STEPS).w);
  });

  for (const delay of [0, 'per-synapse'] as const) {
    it(`saveState / loadState in the middle (delay ${delay}): the same weights as an uninterrupted run`, () => {
      const t = trains(26, 5);
      const r = rig(O, t, delay);
      const saved = saveWipeRestore(r, 450, STEPS);
      // Without delays there is no history of pre traces and no ring of spikes in flight to save.
      const ring = delay === 0 ? [] : ['histCount', 'histIds', 'histStep', 'xHist'];
      expect(Object.keys(saved).sort()).toEqual([...ring, 'plastic', 'tRef', 'xs', 'ys'].sort());
      const ref = reference(O, t.w0, r.d, t.pre, t.post, STEPS);
      expectClose(r.weights, ref.w);
      for (let s = 450; s < STEPS; s++) expectClose(r.delivered[s]!, ref.delivered[s]!);
    });
  }

  it('a state saved at 225 ms and loaded into a fresh rule (per-synapse delays) continues as if never stopped', () => {
    const r0 = trains(30, 5);
    // Spikes in flight and recent trace values to read at the save point: every pre neuron fires
    // just before it, every post neuron just after.
    const t = { ...r0, pre: r0.pre.map((ids, s) => (s >= 446 && s < 450 ? [0, 1, 2, 3] : ids)), post: r0.post.map((ids, s) => (s >= 450 && s < 454 ? [0, 1, 2] : ids)) };
    expect(Math.max(...t.delays)).toBeGreaterThan(1);
    const a = rig(O, t, 'per-synapse');
    a.run(450);
    const saved = structuredClone(a.rule.saveState());
    const b = rig(O, t, 'per-synapse');
    b.weights.set(a.weights);
    b.rule.loadState(saved);
    b.net.step = 450;
    b.run(STEPS - 450);
    const ref = reference(O, t.w0, b.d, t.pre, t.post, STEPS);
    expectClose(b.weights, ref.w);
    for (let s = 0; s < STEPS - 450; s++) expectClose(b.delivered[s]!, ref.delivered[450 + s]!);
  });

  it('refuses a sparse projection and bad options', () => {
    const net = new Network(DT, 'f64');
    const pre = net.addPopulation(fakePopulation('a', 2));
    const post = net.addPopulation(fakePopulation('b', 2));
    const dense = new DenseProjection('a->b', pre, post, 'exc', new Float64Array(4), 0, null);
    const sparse = { ...dense, name: 'a->b', kind: 'sparse' } as unknown as Projection;
    expect(() => new SymStdp(sparse, O)).toThrow(expect.objectContaining({ code: 'config.invalid', message: "sym-stdp needs a dense projection, 'a->b' is sparse", hint: 'use dense connectivity for plastic projections' }));
    expect(() => new SymStdp(dense, { ...O, aPost: -0.1 })).toThrow(expect.objectContaining({ code: 'config.invalid', message: 'sym-stdp aPost must be a finite number ≥ 0, got -0.1', hint: 'fix the rule options' }));
    expect(() => new SymStdp(dense, { ...O, eta: NaN })).toThrow(/eta must be a finite number/);
    expect(() => new SymStdp(dense, { eta: 0, wMax: 0, tau: 20, aPre: 0, aPost: 0 })).not.toThrow();
    expect(() => new SymStdp(dense, { ...O, tau: '5' as unknown as number })).toThrow(/tau must be a finite number/);
    const r = new SymStdp(dense, O);
    expect(r.name).toBe('sym-stdp:a->b');
    expect(r.kind).toBe('sym-stdp');
    expect(r.backend).toBe('js');
  });
});
