/**
 * LifPopulation step by step against a plain reference written from the equations of models/lif.ts
 * (integrate → threshold → deliver → reset, Brian2's order), for every synapse kind and method,
 * with refractoriness, vMin, both θ jumps, θ decay, θ frozen for a stretch, dense (scanned) and
 * sparse (tracked) input rings, on the JS loops and on the WebAssembly kernels. Every state
 * variable is compared every step, and the spikes exactly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { kernelBackend, setKernelBackend, type KernelBackend } from '../engine/backend.js';
import { RngStream } from '../engine/rng.js';
import { fakePopulation } from '../test/helpers/run-network.js';
import { LIF_DEFAULTS, type LifParams } from './lif.js';
import { LifPopulation } from './lif-population.js';
import { Network } from './network.js';
import { DenseProjection, SparseProjection } from './projection.js';

const DT = 0.5;
const N = 11; // odd: the eight-neuron SIMD loops have a scalar tail
const M = 6;
const STEPS = 400;

interface Drive {
  /** Per channel: weights [M × N] and the pre spikes of each step. */
  channel: string;
  weights: Float64Array;
  spikes: number[][];
  /** Sparse projections track the neurons they write (touched lists); dense ones do not. */
  sparse: boolean;
  delay: number;
}

interface State {
  v: Float64Array;
  ge: Float64Array;
  gi: Float64Array;
  theta: Float64Array;
  spikes: number[];
}

/** The equations of models/lif.ts, one neuron at a time, straight from the formulas. */
function reference(p: LifParams, v0: Float64Array, drives: Drive[], steps: number, thetaFrozen: (s: number) => boolean): State[] {
  const v = v0.slice();
  const ge = new Float64Array(N);
  const gi = new Float64Array(N);
  const theta = new Float64Array(N).fill(p.thetaInit);
  const last = new Float64Array(N).fill(-Infinity);
  const refSteps = Math.floor((p.refractory + 1e-3 * DT) / DT);
  const vInf = p.vRest + p.iBias;
  const adaptive = p.thetaPlus !== 0 || p.thetaInit !== 0;
  // Weight of a current decaying with τs in v after one exact step (τs ≠ τm).
  const k = (tauS: number) => (tauS / (tauS - p.tauM)) * (Math.exp(-DT / tauS) - Math.exp(-DT / p.tauM));
  const out: State[] = [];
  for (let s = 0; s < steps; s++) {
    const live = (i: number) => s - last[i]! >= refSteps;
    // integrate
    for (let i = 0; i < N; i++) {
      const [e, h] = [ge[i]!, gi[i]!];
      if (live(i)) {
        const u = v[i]!;
        if (p.synapse === 'delta') v[i] = p.method === 'exact' ? vInf + (u - vInf) * Math.exp(-DT / p.tauM) : u + (DT / p.tauM) * (vInf - u);
        else if (p.synapse === 'current') v[i] = p.method === 'exact' ? vInf + (u - vInf) * Math.exp(-DT / p.tauM) + k(p.tauExc) * e + k(p.tauInh) * h : u + (DT / p.tauM) * (vInf - u + e + h);
        else if (p.method === 'euler') v[i] = u + (DT / p.tauM) * (vInf - u + e * (p.eExc - u) + h * (p.eInh - u));
        else {
          const gTot = 1 + e + h;
          const vi = (vInf + e * p.eExc + h * p.eInh) / gTot;
          v[i] = vi + (u - vi) * Math.exp((-DT * gTot) / p.tauM);
        }
      }
      if (p.synapse === 'current' && p.method === 'euler') {
        ge[i] = e - (DT / p.tauExc) * e;
        gi[i] = h - (DT / p.tauInh) * h;
      } else if (p.synapse !== 'delta') {
        ge[i] = e * Math.exp(-DT / p.tauExc);
        gi[i] = h * Math.exp(-DT / p.tauInh);
      }
      if (p.vMin !== null && v[i]! < p.vMin) v[i] = p.vMin;
      if (adaptive && !thetaFrozen(s) && p.tauTheta !== null) theta[i] = p.method === 'exact' ? theta[i]! * Math.exp(-DT / p.tauTheta) : theta[i]! - (DT / p.tauTheta) * theta[i]!;
    }
    // threshold
    const spikes: number[] = [];
    for (let i = 0; i < N; i++) {
      if (v[i]! > p.vThresh - p.thetaOffset + (adaptive ? theta[i]! : 0) && live(i)) {
        spikes.push(i);
        last[i] = s;
      }
    }
    // deliver this step's arrivals
    for (const d of drives) {
      const pre = d.spikes[s - d.delay] ?? [];
      for (let i = 0; i < N; i++) {
        let x = 0;
        for (const j of pre) x += d.weights[j * N + i]!;
        if (x === 0) continue;
        if (d.channel === 'v') {
          if (live(i) && last[i] !== s) v[i]! += x;
        } else if (d.channel === 'exc') ge[i]! += x;
        else gi[i]! += x;
      }
    }
    // reset
    for (const i of spikes) {
      v[i] = p.vReset;
      if (adaptive && !thetaFrozen(s)) theta[i]! += p.thetaJump === 'additive' ? p.thetaPlus : (p.thetaPlus * 10) / Math.abs(theta[i]! - 10);
    }
    out.push({ v: v.slice(), ge: ge.slice(), gi: gi.slice(), theta: theta.slice(), spikes });
  }
  return out;
}

interface Case {
  name: string;
  params: Partial<LifParams>;
  /** Weight range [lo, hi) per channel, and whether its projection is sparse. */
  drives: { channel: string; lo: number; hi: number; sparse: boolean; delay: number }[];
  /** v₀: one value, or per neuron uniform in [lo, hi). */
  v0: number | [number, number];
  thetaFrozen?: [number, number];
  /** Steps on which the reference must have spikes (what the case is there for). */
  spikesOn?: number[];
}

const CASES: Case[] = [
  { name: 'delta, exact, refractory, dense', params: { refractory: 2, iBias: 4 }, drives: [{ channel: 'v', lo: -3, hi: 9, sparse: false, delay: 1 }], v0: [-70, -55] },
  { name: 'delta, exact, sparse (tracked ring)', params: { refractory: 1.5, iBias: 2 }, drives: [{ channel: 'v', lo: -2, hi: 8, sparse: true, delay: 0 }], v0: -60 },
  { name: 'delta, exact, no refractory period, sparse delayed ring', params: { refractory: 0, iBias: 1 }, drives: [{ channel: 'v', lo: -2, hi: 9, sparse: true, delay: 2 }, { channel: 'v', lo: -1, hi: 6, sparse: true, delay: 0 }], v0: [-64, -56] },
  { name: 'delta, euler, adaptive θ (additive, decaying)', params: { method: 'euler', refractory: 1, iBias: 5, thetaPlus: 2, tauTheta: 30, thetaInit: 1 }, drives: [{ channel: 'v', lo: -3, hi: 9, sparse: false, delay: 2 }], v0: [-66, -52] },
  {
    name: 'current, exact, no θ (fused fixed-threshold kernel)',
    params: { synapse: 'current', refractory: 2, thetaOffset: 1.5, iBias: 2 },
    drives: [{ channel: 'exc', lo: 0, hi: 40, sparse: false, delay: 1 }, { channel: 'inh', lo: -25, hi: 0, sparse: false, delay: 2 }],
    v0: [-68, -55],
  },
  {
    name: 'current, exact, θ without decay (fused θ kernel), sparse exc',
    params: { synapse: 'current', refractory: 1, thetaPlus: 1.5, thetaInit: 0.5, thetaOffset: 0.25 },
    drives: [{ channel: 'exc', lo: 0, hi: 40, sparse: true, delay: 0 }, { channel: 'inh', lo: -20, hi: 0, sparse: false, delay: 1 }],
    v0: -62,
  },
  {
    name: 'current, exact, θ decay, vMin, θ frozen for a stretch (separate kernels)',
    params: { synapse: 'current', refractory: 1, thetaPlus: 1, tauTheta: 40, thetaInit: 2, vMin: -67, iBias: 6 },
    drives: [{ channel: 'exc', lo: 0, hi: 45, sparse: false, delay: 0 }, { channel: 'inh', lo: -15, hi: 0, sparse: true, delay: 1 }],
    v0: [-66, -56],
    thetaFrozen: [150, 250],
  },
  {
    name: 'current, euler, θ decay',
    params: { synapse: 'current', method: 'euler', refractory: 1, thetaPlus: 1, tauTheta: 25, thetaInit: 1, vMin: -66, iBias: 2.5 },
    drives: [{ channel: 'exc', lo: 0, hi: 40, sparse: false, delay: 1 }, { channel: 'inh', lo: -30, hi: 0, sparse: false, delay: 0 }],
    v0: -64,
  },
  {
    name: 'conductance, euler, hao2020 θ jump, θ decay, vMin (fused conductance kernel)',
    params: { synapse: 'conductance', method: 'euler', refractory: 2, thetaPlus: 0.5, thetaJump: 'hao2020', tauTheta: 50, thetaInit: 20, thetaOffset: 18, vMin: -70, eExc: 0, eInh: -90, iBias: 1.5 },
    drives: [{ channel: 'exc', lo: 0, hi: 0.6, sparse: false, delay: 1 }, { channel: 'inh', lo: 0, hi: 0.5, sparse: false, delay: 0 }],
    v0: [-66, -56],
    thetaFrozen: [100, 180],
  },
  {
    name: 'conductance, euler, no θ, sparse inh',
    params: { synapse: 'conductance', method: 'euler', refractory: 0.5 },
    drives: [{ channel: 'exc', lo: 0, hi: 0.5, sparse: false, delay: 0 }, { channel: 'inh', lo: 0, hi: 0.6, sparse: true, delay: 0 }],
    v0: -60,
  },
  {
    name: 'conductance, exact (exponential Euler), θ decay, vMin',
    params: { synapse: 'conductance', method: 'exact', refractory: 1, thetaPlus: 1, tauTheta: 30, thetaInit: 1, vMin: -68, eExc: 5, eInh: -80, iBias: 2 },
    drives: [{ channel: 'exc', lo: 0, hi: 0.6, sparse: false, delay: 1 }, { channel: 'inh', lo: 0, hi: 0.7, sparse: false, delay: 1 }],
    v0: [-67, -55],
  },
  // The fused kernels commit their spikes in the threshold phase; a step run by the separate kernels
  // must not commit what an earlier fused step left. θ frozen on step 0 only: fused, then separate.
  {
    name: 'current, exact, θ decay, θ frozen on step 0 only (fused θ kernel, then separate kernels)',
    params: { synapse: 'current', refractory: 1, thetaPlus: 1, tauTheta: 40, thetaInit: 0.5, iBias: 20 },
    drives: [{ channel: 'exc', lo: 0, hi: 45, sparse: false, delay: 0 }, { channel: 'inh', lo: -15, hi: 0, sparse: false, delay: 1 }],
    v0: [-50.5, -47],
    thetaFrozen: [0, 1],
    spikesOn: [0, 1],
  },
  {
    name: 'current, exact, θ decay, vMin (separate kernels from step 0), spikes on step 1',
    params: { synapse: 'current', refractory: 1, thetaPlus: 1, tauTheta: 40, thetaInit: 0.5, vMin: -70, iBias: 20 },
    drives: [{ channel: 'exc', lo: 0, hi: 45, sparse: false, delay: 0 }, { channel: 'inh', lo: -15, hi: 0, sparse: false, delay: 1 }],
    v0: [-50.5, -47],
    spikesOn: [0, 1],
  },
  // A bias that takes v from vReset past the threshold in one step: a neuron fires on the first step
  // its refractory period allows (refractory 1 ms = 2 steps: every other step, until θ grows).
  {
    name: 'delta, exact, no θ, fires on the first live step',
    params: { refractory: 1, iBias: 700 },
    drives: [{ channel: 'v', lo: -3, hi: 9, sparse: false, delay: 1 }],
    v0: [-66, -52],
    spikesOn: [2, 4, 6],
  },
  {
    name: 'delta, euler, θ without decay, fires on the first live step',
    params: { method: 'euler', refractory: 1, iBias: 700, thetaPlus: 0.5, thetaInit: 0.2 },
    drives: [{ channel: 'v', lo: -3, hi: 9, sparse: false, delay: 0 }],
    v0: [-66, -52],
    spikesOn: [2, 4, 6],
  },
  {
    name: 'conductance, euler, θ without decay (fused conductance kernel)',
    params: { synapse: 'conductance', method: 'euler', refractory: 0.5, thetaPlus: 0.3, thetaInit: 0.5 },
    drives: [{ channel: 'exc', lo: 0, hi: 0.6, sparse: false, delay: 0 }, { channel: 'inh', lo: 0, hi: 0.4, sparse: false, delay: 1 }],
    v0: -60,
  },
];

/** Builds the population in a network fed by fake pre populations that fire the given trains. */
function build(c: Case, backend: KernelBackend, seed: number) {
  setKernelBackend(backend);
  const rng = RngStream.derive(seed, `lif-population-test:${c.name}`);
  const params: LifParams = { ...LIF_DEFAULTS, ...c.params };
  const range = c.v0;
  const v0 = typeof range === 'number' ? new Float64Array(N).fill(range) : Float64Array.from({ length: N }, () => range[0] + (range[1] - range[0]) * rng.uniform());
  const drives: Drive[] = c.drives.map((d, k) => {
    const weights = Float64Array.from({ length: M * N }, () => d.lo + (d.hi - d.lo) * rng.uniform());
    const spikes = Array.from({ length: STEPS }, () => Array.from({ length: M }, (_, j) => j).filter(() => rng.uniform() < 0.15));
    void k;
    return { channel: d.channel, weights, spikes, sparse: d.sparse, delay: d.delay };
  });
  const net = new Network(DT, 'f64', backend);
  const pres = drives.map((d, k) => {
    const pre = net.addPopulation(
      fakePopulation(`pre${k}`, M, {
        threshold(s: number) {
          const ids = d.spikes[s] ?? [];
          pre.spikes.ids.set(ids);
          pre.spikes.count = ids.length;
        },
      }),
    );
    return pre;
  });
  // The network's kernel device: on the wasm backend a kernelled configuration runs the WebAssembly kernels.
  const pop = net.addPopulation(new LifPopulation('lif', N, params, DT, 'f64', typeof c.v0 === 'number' ? c.v0 : v0, { kernels: net.kernels }));
  drives.forEach((d, k) => {
    if (d.sparse) {
      const rowPtr = Int32Array.from({ length: M + 1 }, (_, j) => j * N);
      const cols = Int32Array.from({ length: M * N }, (_, q) => q % N);
      net.addProjection(new SparseProjection(`p${k}`, pres[k]!, pop, d.channel, rowPtr, cols, d.weights, d.delay, null));
    } else net.addProjection(new DenseProjection(`p${k}`, pres[k]!, pop, d.channel, d.weights, d.delay, null));
  });
  net.finalize();
  const frozen = c.thetaFrozen ? (s: number) => s >= c.thetaFrozen![0] && s < c.thetaFrozen![1] : () => false;
  const run = (): State[] => {
    const out: State[] = [];
    for (let s = 0; s < STEPS; s++) {
      pop.thetaPlastic = !frozen(s);
      net.runSteps(1);
      out.push({ v: Float64Array.from(pop.v), ge: Float64Array.from(pop.ge), gi: Float64Array.from(pop.gi), theta: pop.theta.slice(), spikes: Array.from(pop.spikes.ids.subarray(0, pop.spikes.count)) });
    }
    return out;
  };
  return { net, pop, params, v0, drives, frozen, run };
}

function compare(got: State[], want: State[], synapse: string): void {
  expect(got.length).toBe(want.length);
  for (let s = 0; s < want.length; s++) {
    const [g, w] = [got[s]!, want[s]!];
    expect(g.spikes, `spikes of step ${s}`).toEqual(w.spikes);
    for (let i = 0; i < N; i++) {
      expect(Math.abs(g.v[i]! - w.v[i]!), `v[${i}] at step ${s}`).toBeLessThan(1e-9);
      expect(Math.abs(g.theta[i]! - w.theta[i]!), `θ[${i}] at step ${s}`).toBeLessThan(1e-9);
      if (synapse !== 'delta') {
        expect(Math.abs(g.ge[i]! - w.ge[i]!), `ge[${i}] at step ${s}`).toBeLessThan(1e-9);
        expect(Math.abs(g.gi[i]! - w.gi[i]!), `gi[${i}] at step ${s}`).toBeLessThan(1e-9);
      }
    }
  }
}

const initialBackend = kernelBackend();
afterAll(() => setKernelBackend(initialBackend));
const backends: KernelBackend[] = initialBackend === 'wasm' ? ['js', 'wasm'] : ['js'];

describe('LifPopulation against the equations, step by step', () => {
  for (const backend of backends) {
    for (const c of CASES) {
      it(`${c.name} (${backend})`, () => {
        const b = build(c, backend, 1);
        // The configurations the WebAssembly kernels cover: on the wasm backend they must run there, not in the JS loops.
        const kernelled = (b.params.synapse === 'current' && b.params.method === 'exact') || (b.params.synapse === 'conductance' && b.params.method === 'euler');
        expect(b.pop.wasmKernels !== null).toBe(backend === 'wasm' && kernelled);
        const got = b.run();
        const want = reference(b.params, b.v0, b.drives, STEPS, b.frozen);
        compare(got, want, b.params.synapse);
        // The case is not vacuous: neurons fired, and some more than once.
        const counts = new Array<number>(N).fill(0);
        for (const st of want) for (const i of st.spikes) counts[i]!++;
        expect(Math.max(...counts)).toBeGreaterThan(2);
        expect(counts.filter((x) => x === 0).length).toBeLessThan(N);
        for (const s of c.spikesOn ?? []) expect(want[s]!.spikes.length, `spikes on step ${s}`).toBeGreaterThan(0);
        // resetState: back to v₀, no synaptic input, θ = thetaInit, no recent spike; the same run again.
        b.pop.resetState();
        expect(Array.from(b.pop.v)).toEqual(Array.from(b.v0));
        expect(Array.from(b.pop.theta)).toEqual(new Array(N).fill(b.params.thetaInit));
        expect(b.pop.spikes.count).toBe(0);
        expect(Math.max(...b.pop.lastSpike)).toBeLessThan(-1e9);
        if (b.params.synapse !== 'delta') {
          expect(Array.from(b.pop.ge)).toEqual(new Array(N).fill(0));
          expect(Array.from(b.pop.gi)).toEqual(new Array(N).fill(0));
        }
      });
    }
  }

  it('state variables and input channels by synapse kind', () => {
    setKernelBackend('js');
    const delta = new LifPopulation('d', 2, LIF_DEFAULTS, DT, 'f64', -65);
    expect(Object.keys(delta.stateVariables()).sort()).toEqual(['theta', 'v']);
    expect(delta.stateVariables().v).toBe(delta.v);
    expect(delta.stateVariables().theta).toBe(delta.theta);
    expect(delta.channels).toEqual(['v']);
    const cur = new LifPopulation('c', 2, { ...LIF_DEFAULTS, synapse: 'current' }, DT, 'f64', -65, { kernels: new Network(DT, 'f64', 'js').kernels });
    const vars = cur.stateVariables();
    expect(Object.keys(vars).sort()).toEqual(['ge', 'gi', 'theta', 'v']);
    expect(vars.ge).toBe(cur.ge);
    expect(vars.gi).toBe(cur.gi);
    expect(cur.ge.length).toBe(2);
    expect(delta.ge.length).toBe(0);
    expect(cur.kind).toBe('lif');
    const ring = {} as never;
    expect(() => delta.attachInput('exc', ring)).toThrow(expect.objectContaining({ code: 'config.invalid', message: "population 'd' (synapse 'delta') has no input channel 'exc'", hint: 'use one of: v' }));
    expect(() => cur.attachInput('v', ring)).toThrow(expect.objectContaining({ message: "population 'c' (synapse 'current') has no input channel 'v'", hint: 'use one of: exc, inh' }));
    expect(() => delta.attachInput('inh', ring)).toThrow(/has no input channel 'inh'/);
    expect(() => cur.attachInput('inh', ring)).not.toThrow();
    expect(() => cur.attachInput('exc', ring)).not.toThrow();
    expect(() => delta.attachInput('v', ring)).not.toThrow();
    // Without the wasm backend there is no kernel memory, and no ring or touched list is placed in one.
    expect(cur.wasmKernels).toBeNull();
    expect(cur.ringStorage('exc', 8)).toBeNull();
    expect(cur.touchedStorage('exc', 8)).toBeNull();
    setKernelBackend(initialBackend);
  });

  it.runIf(initialBackend === 'wasm')('wasm: rings and touched lists of exc / inh live in the kernel memory, other channels do not', () => {
    const kernels = new Network(DT, 'f64', 'wasm').kernels;
    const pop = new LifPopulation('c', 4, { ...LIF_DEFAULTS, synapse: 'current' }, DT, 'f64', -65, { kernels });
    const k = pop.wasmKernels!;
    expect(k).not.toBeNull();
    // Asked first, a 'v' ring or an unknown channel takes no slot of the memory.
    expect(pop.ringStorage('v', 8)).toBeNull();
    expect(pop.ringStorage('x', 8)).toBeNull();
    expect(pop.touchedStorage('v', 8)).toBeNull();
    // A ring longer than the memory's 32 slots stays outside it.
    expect(new LifPopulation('long', 4, { ...LIF_DEFAULTS, synapse: 'current' }, DT, 'f64', -65, { kernels }).ringStorage('exc', 4 * 33)).toBeNull();
    const e = pop.ringStorage('exc', 8)!;
    const i = pop.ringStorage('inh', 8)!;
    expect(k.holds(e) && k.holds(i)).toBe(true);
    expect(e.length).toBe(8);
    expect(e.byteOffset).not.toBe(i.byteOffset);
    expect(pop.ringStorage('v', 8)).toBeNull();
    expect(k.holds(pop.touchedStorage('exc', 8)!)).toBe(true);
    expect(k.holds(pop.touchedStorage('inh', 8)!)).toBe(true);
    expect(pop.touchedStorage('v', 8)).toBeNull();
    // float32, a configuration without kernels or no device: plain arrays.
    expect(new LifPopulation('d', 4, { ...LIF_DEFAULTS, synapse: 'current' }, DT, 'f64', -65).wasmKernels).toBeNull();
    expect(new LifPopulation('f', 4, { ...LIF_DEFAULTS, synapse: 'current' }, DT, 'f32', -65, { kernels }).wasmKernels).toBeNull();
    expect(new LifPopulation('x', 4, { ...LIF_DEFAULTS, synapse: 'current', method: 'euler' }, DT, 'f64', -65, { kernels }).wasmKernels).toBeNull();
    expect(new LifPopulation('y', 4, { ...LIF_DEFAULTS, synapse: 'conductance', method: 'exact' }, DT, 'f64', -65, { kernels }).wasmKernels).toBeNull();
    expect(new LifPopulation('z', 0, { ...LIF_DEFAULTS, synapse: 'current' }, DT, 'f64', -65, { kernels }).wasmKernels).toBeNull();
    expect(new LifPopulation('w', 4, { ...LIF_DEFAULTS, synapse: 'conductance', method: 'euler' }, DT, 'f64', -65, { kernels }).wasmKernels).not.toBeNull();
    // wasmExtraBytes reserves room for kernels working on this memory (a plastic projection's weights); none by default.
    const roomy = new LifPopulation('r', 4, { ...LIF_DEFAULTS, synapse: 'current' }, DT, 'f64', -65, { kernels, wasmExtraBytes: 4096 }).wasmKernels!;
    expect(roomy.allocExtra(4096)).not.toBeNull();
    expect(roomy.allocExtra(16)).toBeNull();
    expect(k.allocExtra(16)).toBeNull();
  });
});
