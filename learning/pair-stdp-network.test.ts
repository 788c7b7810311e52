/**
 * Pair STDP run through a network's schedule on random spike trains, against a plain reference
 * that follows the rule's header word for word (nearest-spike traces from the last arrival and the
 * last post spike, per-synapse arrival at emission + delay): the weights after 500 ms and what
 * every step delivered, with no delay, one uniform delay, per-synapse delays in JS and in both
 * WebAssembly placements (own memory, post population's memory). Also each option's own effect, a
 * frozen stretch, save/restore, the traces it reports, and its refusals.
 */
import { describe, expect, it } from 'vitest';
import { kernelBackend } from '../engine/backend.js';
import { RngStream } from '../engine/rng.js';
import { Network } from '../models/network.js';
import { DenseProjection, type Projection } from '../models/projection.js';
import { fakePopulation } from '../test/helpers/run-network.js';
import { expectClose, randomTrains, saveWipeRestore, stdpRig, type StdpPlacement, type Trains } from '../test/helpers/stdp-rig.js';
import { PairStdp, type PairStdpOptions } from './pair-stdp.js';
import { createRule } from './rules.js';

const DT = 0.5;
const M = 3;
const N = 5;
const STEPS = 1000;
/** Unequal rates and time constants, so that a swapped parameter shows. */
const O: Required<PairStdpOptions> = { nuPre: 0.013, nuPost: 0.071, tauPre: 17, tauPost1: 23, tauPost2: 41, wMax: 0.85 };

/** d[j·N + i]: the delay (steps) of synapse (j, i). */
/** `frozen(s)`: the rule is frozen in step s (deliveries only; weights and traces stay as they are). */
function reference(o: Required<PairStdpOptions>, w0: ArrayLike<number>, d: ArrayLike<number>, pre: Trains, post: Trains, steps: number, frozen: (s: number) => boolean = () => false) {
  const w = Float64Array.from(w0);
  const lastArrival = new Float64Array(M * N).fill(NaN);
  const lastPost = new Float64Array(N).fill(NaN);
  const delivered: Float64Array[] = [];
  const fired = pre.map((ids) => new Set(ids));
  for (let s = 0; s < steps; s++) {
    const got = new Float64Array(N);
    for (let j = 0; j < M; j++) {
      for (let i = 0; i < N; i++) {
        const k = j * N + i;
        const e = s - d[k]!;
        if (e < 0 || !fired[e]!.has(j)) continue;
        got[i]! += w[k]!;
        if (frozen(s)) continue;
        const post1 = Number.isNaN(lastPost[i]!) ? 0 : Math.exp(-((s - lastPost[i]!) * DT) / o.tauPost1);
        w[k] = Math.max(w[k]! - o.nuPre * post1, 0);
        lastArrival[k] = s;
      }
    }
    delivered.push(got);
    if (frozen(s)) continue;
    for (const i of post[s] ?? []) {
      if (!Number.isNaN(lastPost[i]!)) {
        const post2 = Math.exp(-((s - lastPost[i]!) * DT) / o.tauPost2);
        for (let j = 0; j < M; j++) {
          const k = j * N + i;
          if (Number.isNaN(lastArrival[k]!)) continue;
          const preTrace = Math.exp(-((s - lastArrival[k]!) * DT) / o.tauPre);
          w[k] = Math.min(w[k]! + o.nuPost * preTrace * post2, o.wMax);
        }
      }
      lastPost[i] = s;
    }
  }
  return { w, delivered, lastPost };
}

type Placement = StdpPlacement;

function trains(seed: number, maxDelay: number) {
  const rng = RngStream.derive(seed, 'pair-network-test');
  const w0 = Array.from({ length: M * N }, () => rng.uniform());
  const delays = Uint16Array.from({ length: M * N }, () => Math.floor(rng.uniform() * (maxDelay + 1)));
  // Bursts (several spikes within a delay) test the nearest-arrival search of the post side.
  const pre = randomTrains(rng.split('pre'), M, STEPS, 0.05);
  const post = randomTrains(rng.split('post'), N, STEPS, 0.04);
  return { w0, delays, pre, post };
}

function rig(o: Required<PairStdpOptions>, t: ReturnType<typeof trains>, delay: number | 'per-synapse', placement: Placement = 'js') {
  const r = stdpRig({
    m: M,
    n: N,
    dt: DT,
    w0: t.w0,
    placement,
    delaySteps: delay === 'per-synapse' ? null : delay,
    delays: delay === 'per-synapse' ? t.delays : null,
    pre: t.pre,
    post: t.post,
    rule: (proj) => createRule('pair-stdp', { projection: proj }, { ...o }),
  });
  const d = delay === 'per-synapse' ? t.delays : new Uint16Array(M * N).fill(delay);
  return { ...r, d, rule: r.rule as PairStdp };
}

const wasm = kernelBackend() === 'wasm';
const cases: [number | 'per-synapse', Placement][] = [
  [0, 'js'],
  [3, 'js'],
  ['per-synapse', 'js'],
  ...(wasm ? ([['per-synapse', 'wasm-own'], ['per-synapse', 'wasm-host']] as [number | 'per-synapse', Placement][]) : []),
];

describe('pair STDP in a network, against a plain reference', () => {
  for (const [delay, placement] of cases) {
    it(`delay ${delay}, ${placement}: weights after 500 ms and every step's delivery`, () => {
      const t = trains(7, 6);
      const r = rig(O, t, delay, placement);
      expect(r.rule.backend).toBe(placement === 'js' ? 'js' : 'wasm');
      expect(r.proj.kernelBackend).toBe(placement === 'js' ? 'js' : 'wasm');
      // The kernels deliver into the ring only when it lies in their memory.
      expect(r.ringInKernelMemory).toBe(placement !== 'js');
      r.run(STEPS);
      const ref = reference(O, t.w0, r.d, t.pre, t.post, STEPS);
      expectClose(r.weights, ref.w);
      expect(r.delivered.length).toBe(STEPS);
      for (let s = 0; s < STEPS; s++) expectClose(r.delivered[s]!, ref.delivered[s]!);
      expect(Math.max(...Array.from(r.weights, (x, k) => Math.abs(x - t.w0[k]!)))).toBeGreaterThan(0.01);
      // The traces it reports: post1 and post2 from each neuron's last spike.
      const tr = r.rule.traces(STEPS - 1);
      for (let i = 0; i < N; i++) {
        const lag = (STEPS - 1 - ref.lastPost[i]!) * DT;
        expect(tr.post1[i]).toBeCloseTo(Math.exp(-lag / O.tauPost1), 12);
        expect(tr.post2[i]).toBeCloseTo(Math.exp(-lag / O.tauPost2), 12);
      }
    });
  }

  it('each option has its own effect, as the reference says', () => {
    const t = trains(8, 4);
    const base = rig(O, t, 'per-synapse');
    base.run(STEPS);
    for (const key of Object.keys(O) as (keyof PairStdpOptions)[]) {
      const o = { ...O, [key]: O[key] * 1.5 };
      const r = rig(o, t, 'per-synapse');
      r.run(STEPS);
      expectClose(r.weights, reference(o, t.w0, r.d, t.pre, t.post, STEPS).w);
      expect(Array.from(r.weights)).not.toEqual(Array.from(base.weights));
    }
  });

  it('the defaults are Diehl & Cook’s', () => {
    const t = trains(9, 0);
    const r = stdpRig({ m: M, n: N, dt: DT, w0: t.w0, delaySteps: 0, delays: null, pre: t.pre, post: t.post, rule: (proj) => new PairStdp(proj) });
    r.run(STEPS);
    expectClose(r.weights, reference({ nuPre: 1e-4, nuPost: 1e-2, tauPre: 20, tauPost1: 20, tauPost2: 40, wMax: 1 }, t.w0, new Uint16Array(M * N), t.pre, t.post, STEPS).w);
  });

  for (const placement of ['js', ...(wasm ? ['wasm-own'] : [])] as Placement[]) {
    it(`frozen (${placement}): spikes still arrive with their delays, weights and traces stay`, () => {
      const t = trains(10, 5);
      const r = rig(O, t, 'per-synapse', placement);
      r.run(300);
      const w = Array.from(r.weights);
      const traces = r.rule.traces(299);
      r.rule.setPlastic(false);
      r.run(200);
      expect(Array.from(r.weights)).toEqual(w);
      // post1 and post2 still decay from the same last spikes: nothing was reset while frozen.
      const later = r.rule.traces(499);
      for (let i = 0; i < N; i++) {
        expect(later.post2[i]).toBeCloseTo(traces.post2[i]! * Math.exp((-200 * DT) / O.tauPost2), 12);
        expect(later.post1[i]).toBeCloseTo(traces.post1[i]! * Math.exp((-200 * DT) / O.tauPost1), 12);
      }
      // What arrived while frozen: the frozen weights, with the delays.
      const ref = reference(O, w, r.d, t.pre, t.post.map((ids, s) => (s < 300 ? ids : [])), 500);
      for (let s = 300; s < 500; s++) {
        const want = new Float64Array(N);
        for (let j = 0; j < M; j++) for (let i = 0; i < N; i++) if (s - r.d[j * N + i]! >= 0 && t.pre[s - r.d[j * N + i]!]!.includes(j)) want[i]! += w[j * N + i]!;
        expectClose(r.delivered[s]!, want);
      }
      expect(ref.delivered.length).toBe(500);
    });
  }

  for (const delay of [2, 'per-synapse'] as const) {
    it(`frozen for a while (delay ${delay}), then learning resumes from the traces left before`, () => {
      const t = trains(12, 4);
      // No pre spike within a delay of either end of the frozen stretch: no arrival straddles it.
      const pre = t.pre.map((ids, s) => ((s >= 290 && s < 300) || (s >= 480 && s < 500) ? [] : ids));
      const r = rig(O, { ...t, pre }, delay);
      r.run(300);
      r.rule.setPlastic(false);
      r.run(200);
      r.rule.setPlastic(true);
      r.run(STEPS - 500);
      const ref = reference(O, t.w0, r.d, pre, t.post, STEPS, (s) => s >= 300 && s < 500);
      expectClose(r.weights, ref.w);
      for (let s = 0; s < STEPS; s++) expectClose(r.delivered[s]!, ref.delivered[s]!);
    });
  }

  it('the first spike of a post neuron never potentiates, not even a weight above wMax', () => {
    const w0 = [0.95, 0.2];
    const pre: Trains = [[0, 1], [], [], []];
    const post: Trains = [[], [], [0], []];
    const r = stdpRig({ m: 2, n: 1, dt: DT, w0, delaySteps: 0, delays: null, pre, post, rule: (proj) => new PairStdp(proj, { wMax: 0.9 }) });
    r.run(4);
    expect(Array.from(r.weights)).toEqual(w0);
  });

  it.runIf(wasm)('weights outside kernel memory, or a region without room for the delays: JS loops, reported as such, same results', () => {
    const t = trains(13, 3);
    const misfits: [string, StdpPlacement, number | undefined, number | 'per-synapse'][] = [
      // Weights in a plain array on a network whose device hands out kernel memory: it holds nothing for them.
      ['plain weights', 'js', undefined, 'per-synapse'],
      // The post population reserved room for a projection without delays: none for the arrival bookkeeping.
      ['no room for delays', 'wasm-host', 0, 'per-synapse'],
    ];
    for (const [what, placement, placementDelay, delay] of misfits) {
      const r = stdpRig({ m: M, n: N, dt: DT, w0: t.w0, placement, ...(placementDelay !== undefined ? { placementDelay } : {}), delaySteps: delay === 'per-synapse' ? null : delay, delays: delay === 'per-synapse' ? t.delays : null, pre: t.pre, post: t.post, rule: (p) => new PairStdp(p, O) });
      expect((r.rule as PairStdp).backend, what).toBe('js');
      r.run(STEPS);
      const d = delay === 'per-synapse' ? t.delays : new Uint16Array(M * N).fill(delay);
      const ref = reference(O, t.w0, d, t.pre, t.post, STEPS);
      expectClose(r.weights, ref.w);
      for (let s = 0; s < STEPS; s++) expectClose(r.delivered[s]!, ref.delivered[s]!);
    }
  });

  it('schedules its post side in the plasticity phase under its name', () => {
    const r = rig(O, trains(14, 2), 'per-synapse');
    expect(r.net.schedule.describe().filter((d) => d.includes('pair-stdp')).map((d) => d.replace(/\s+/g, ' '))).toEqual(['plasticity 0 pair-stdp:pre->post.post']);
  });

  it('saveState / loadState in the middle: the same weights as an uninterrupted run', () => {
    const t = trains(11, 6);
    const r = rig(O, t, 'per-synapse');
    saveWipeRestore(r, 450, STEPS);
    const ref = reference(O, t.w0, r.d, t.pre, t.post, STEPS);
    expectClose(r.weights, ref.w);
    for (let s = 450; s < STEPS; s++) expectClose(r.delivered[s]!, ref.delivered[s]!);
  });

  it('refuses a sparse projection, negative or non-numeric options and zero time constants, with hints', () => {
    const net = new Network(DT, 'f64');
    const pre = net.addPopulation(fakePopulation('a', 2));
    const post = net.addPopulation(fakePopulation('b', 2));
    const dense = new DenseProjection('a->b', pre, post, 'exc', new Float64Array(4), 0, null);
    const sparse = { ...dense, name: 'a->b', kind: 'sparse' } as unknown as Projection;
    expect(() => new PairStdp(sparse)).toThrow(expect.objectContaining({ code: 'config.invalid', message: "pair-stdp needs a dense projection, 'a->b' is sparse", hint: 'use dense connectivity for plastic projections' }));
    expect(() => new PairStdp(dense, { nuPre: -1 })).toThrow(expect.objectContaining({ code: 'config.invalid', message: 'pair-stdp nuPre must be a finite number ≥ 0, got -1', hint: 'fix the rule options' }));
    expect(() => new PairStdp(dense, { wMax: Infinity })).toThrow(/wMax must be a finite number/);
    expect(() => new PairStdp(dense, { nuPost: '1' as unknown as number })).toThrow(/nuPost must be a finite number ≥ 0, got 1/);
    expect(() => new PairStdp(dense, { nuPost: undefined })).not.toThrow();
    for (const k of ['tauPre', 'tauPost1', 'tauPost2'] as const) {
      expect(() => new PairStdp(dense, { [k]: 0 })).toThrow(expect.objectContaining({ code: 'config.invalid', message: `pair-stdp ${k} must be > 0 ms, got 0`, hint: 'trace time constants are positive' }));
    }
    const r = new PairStdp(dense);
    expect(r.name).toBe('pair-stdp:a->b');
    expect(r.kind).toBe('pair-stdp');
  });
});
