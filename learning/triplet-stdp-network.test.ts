/**
 * Triplet STDP run through a network's schedule on random spike trains of a 3 × 4 projection,
 * against a plain reference (traces decayed every step, no rescaling): the weights after 500 ms
 * (the rescaled traces rebase on the way), what each step delivered (the weight before that step's
 * update), each option's own effect, a pause (frozen rule) and a save/restore in the middle.
 */
import { describe, expect, it } from 'vitest';
import { kernelBackend } from '../engine/backend.js';
import { RngStream } from '../engine/rng.js';
import { DenseProjection, type Projection } from '../models/projection.js';
import { fakePopulation } from '../test/helpers/run-network.js';
import { expectClose, randomTrains, saveWipeRestore, stdpRig, type StdpPlacement, type Trains } from '../test/helpers/stdp-rig.js';
import { createRule } from './rules.js';
import { Network } from '../models/network.js';
import type { TripletStdp, TripletStdpOptions } from './triplet-stdp.js';

const DT = 0.5;
const M = 3;
const N = 4;
const STEPS = 1000;
/** Unequal amplitudes and time constants, so that a swapped parameter shows. */
const O: TripletStdpOptions = { a2Plus: 0.011, a3Plus: 0.029, a2Minus: 0.017, tauPlus: 13, tauMinus: 31, tauY: 97, wMax: 0.8 };

interface Reference {
  w: Float64Array;
  delivered: Float64Array[];
}

/** The rule as written in its header: all-to-all traces, pre side before post side within a step. */
function reference(o: TripletStdpOptions, w0: ArrayLike<number>, pre: Trains, post: Trains, steps: number, frozen: (s: number) => boolean = () => false): Reference {
  const w = Float64Array.from(w0);
  const r1 = new Float64Array(M);
  const o1 = new Float64Array(N);
  const o2 = new Float64Array(N);
  const [dr, d1, d2] = [o.tauPlus, o.tauMinus, o.tauY].map((tau) => Math.exp(-DT / tau)) as [number, number, number];
  const delivered: Float64Array[] = [];
  // Traces are values at the current step; they decay by one step before each step's events.
  let first = true;
  for (let s = 0; s < steps; s++) {
    if (!first) {
      for (let j = 0; j < M; j++) r1[j]! *= dr;
      for (let i = 0; i < N; i++) {
        o1[i]! *= d1;
        o2[i]! *= d2;
      }
    }
    first = false;
    const got = new Float64Array(N);
    for (const j of pre[s] ?? []) for (let i = 0; i < N; i++) got[i]! += w[j * N + i]!;
    delivered.push(got);
    if (frozen(s)) continue;
    for (const j of pre[s] ?? []) {
      for (let i = 0; i < N; i++) w[j * N + i] = Math.max(w[j * N + i]! - o.a2Minus * o1[i]!, 0);
      r1[j]! += 1;
    }
    for (const i of post[s] ?? []) {
      for (let j = 0; j < M; j++) {
        if (r1[j] === 0) continue; // a synapse whose pre neuron never fired is not touched
        w[j * N + i] = Math.min(w[j * N + i]! + r1[j]! * (o.a2Plus + o.a3Plus * o2[i]!), o.wMax);
      }
      o1[i]! += 1;
      o2[i]! += 1;
    }
  }
  return { w, delivered };
}

function trains(seed: number) {
  const rng = RngStream.derive(seed, 'triplet-network-test');
  // w0 in [0, 1): some weights start above wMax and stay there until a post spike potentiates them.
  const w0 = Array.from({ length: M * N }, () => rng.uniform());
  // Neuron 2 of the pre side fires only late: its synapses are untouched before that.
  const pre = randomTrains(rng.split('pre'), M, STEPS, 0.02).map((ids, s) => (s < 700 ? ids.filter((j) => j !== 2) : ids));
  const post = randomTrains(rng.split('post'), N, STEPS, 0.03);
  return { w0, pre, post };
}

/** 'wasm-host': the weights in kernel memory inside the post population's memory (the rig checks the projection's kernels). */
function rig(o: TripletStdpOptions, t: ReturnType<typeof trains>, placement: StdpPlacement = 'js') {
  return stdpRig({ m: M, n: N, dt: DT, w0: t.w0, placement, delaySteps: 0, delays: null, pre: t.pre, post: t.post, rule: (proj) => createRule('triplet-stdp', { projection: proj }, { ...o }) });
}

const placements: StdpPlacement[] = kernelBackend() === 'wasm' ? ['js', 'wasm-host'] : ['js'];

describe('triplet STDP in a network, against a plain reference', () => {
  for (const placement of placements) for (const seed of [1, 2]) {
    it(`random trains (seed ${seed}, ${placement}): weights after 500 ms and every step's delivery`, () => {
      const t = trains(seed);
      const r = rig(O, t, placement);
      expect(r.ringInKernelMemory).toBe(placement !== 'js');
      r.run(STEPS);
      const ref = reference(O, t.w0, t.pre, t.post, STEPS);
      expectClose(r.weights, ref.w);
      expect(r.delivered.length).toBe(STEPS);
      for (let s = 0; s < STEPS; s++) expectClose(r.delivered[s]!, ref.delivered[s]!);
      // The run moved the weights: the comparison is not between two untouched copies.
      expect(Math.max(...r.weights.map((x, k) => Math.abs(x - t.w0[k]!)))).toBeGreaterThan(0.01);
    });
  }

  it('each option has its own effect (changing one alone changes the weights, as the reference says)', () => {
    const t = trains(3);
    const base = rig(O, t);
    base.run(STEPS);
    for (const key of Object.keys(O) as (keyof TripletStdpOptions)[]) {
      const o = { ...O, [key]: O[key] * 1.5 };
      const r = rig(o, t);
      r.run(STEPS);
      expectClose(r.weights, reference(o, t.w0, t.pre, t.post, STEPS).w);
      expect(r.weights).not.toEqual(base.weights);
    }
  });

  for (const placement of placements) it(`frozen for a while (${placement}): no change and no trace jumps then, learning resumes after`, () => {
    const t = trains(4);
    const r = rig(O, t, placement);
    const rule = r.rule as TripletStdp;
    r.run(300);
    rule.setPlastic(false);
    r.run(200);
    rule.setPlastic(true);
    r.run(STEPS - 500);
    const ref = reference(O, t.w0, t.pre, t.post, STEPS, (s) => s >= 300 && s < 500);
    expectClose(r.weights, ref.w);
    // Frozen rows are delivered without an update (on kernel memory by the kernel's plain row addition).
    for (let s = 0; s < STEPS; s++) expectClose(r.delivered[s]!, ref.delivered[s]!);
  });

  it('saveState / loadState in the middle: the same weights as an uninterrupted run', () => {
    const t = trains(5);
    const r = rig(O, t);
    saveWipeRestore(r, 450, STEPS);
    expectClose(r.weights, reference(O, t.w0, t.pre, t.post, STEPS).w);
  });

  it('is named after its projection and refuses a sparse projection', () => {
    const t = trains(6);
    const r = rig(O, t);
    expect(r.rule.name).toBe('triplet-stdp:pre->post');
    // The pre side is the projection's own (fused) delivery, so it holds that slot; the post side is a task in plasticity.
    const tasks = r.net.schedule.describe().filter((d) => d.includes('triplet-stdp'));
    expect(tasks.map((d) => d.replace(/\s+/g, ' '))).toEqual(['plasticity 0 triplet-stdp:pre->post.post']);
    expect(() => r.proj.fuseDelivery({ owner: 'other', deliver: () => {} })).toThrow(expect.objectContaining({ code: 'config.invalid', message: "other and triplet-stdp:pre->post both deliver 'pre->post'" }));
    expect(r.rule.kind).toBe('triplet-stdp');
    const net = new Network(DT, 'f64');
    const pre = net.addPopulation(fakePopulation('a', 2));
    const post = net.addPopulation(fakePopulation('b', 2));
    const dense = new DenseProjection('a->b', pre, post, 'exc', new Float64Array(4), 0, null);
    const sparse = { ...dense, name: 'a->b', kind: 'sparse' } as unknown as Projection;
    expect(() => createRule('triplet-stdp', { projection: sparse }, {})).toThrow(expect.objectContaining({ code: 'config.invalid', message: "triplet-stdp needs a dense projection, 'a->b' is sparse", hint: 'use dense connectivity for plastic projections' }));
  });

  it('refuses per-synapse delays as well as a uniform one, with a hint', () => {
    const net = new Network(DT, 'f64');
    const pre = net.addPopulation(fakePopulation('a', 1));
    const post = net.addPopulation(fakePopulation('b', 1));
    const perSynapse = new DenseProjection('a->b', pre, post, 'exc', new Float64Array(1), null, Uint16Array.of(0));
    expect(() => createRule('triplet-stdp', { projection: perSynapse }, {})).toThrow(
      expect.objectContaining({ code: 'config.invalid', message: "triplet-stdp does not handle delays, and 'a->b' has them", hint: 'use pair-stdp or sym-stdp on delayed projections' }),
    );
  });
});
