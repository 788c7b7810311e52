/**
 * Equivalence of the two ways to run one model (docs/tensor-mode.md): for identical input spikes
 * and weights, the tensor forward pass (tfjs, float32) emits exactly the spikes of the event engine
 * in clock-driven mode (float64, the reference).
 *
 * Exactness argument, checked in every case: the largest |u_tensor − u_engine| at any threshold
 * test is smaller than the smallest distance of the engine's u from threshold at any threshold
 * test of a non-refractory neuron, so float32 rounding cannot move a spike; the rasters are then
 * compared for exact equality. (Over long runs float32 rounding does move ~1 % of spikes by a step
 * — the reference cases — so these runs are short: 200 steps.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { RngStream } from '../../engine/rng.js';
import { LIF_DEFAULTS, type LifParams } from '../../models/lif.js';
import { LifPopulation } from '../../models/lif-population.js';
import { Network } from '../../models/network.js';
import { DenseProjection } from '../../models/projection.js';
import { SpikeSourceArray } from '../../models/spike-source-array.js';
import { loadTensorBackend, type Tf } from './backend.js';
import { denseLifForward, lifTensorLayer } from './lif-tensor.js';

let tf: Tf;
beforeAll(async () => {
  tf = (await loadTensorBackend()).tf;
});

interface Case {
  params: LifParams;
  channel: string;
  delay: number;
  nIn: number;
  n: number;
  steps: number;
  dt: number;
  pIn: number;
  wMean: number;
  wStd: number;
  v0: number;
}

interface Raster {
  /** step·N + neuron of every spike, ascending. */
  keys: number[];
  /** u = v − vRest at each threshold test, [T × N]. */
  u: Float64Array;
  /** 1 where the neuron was refractory at the threshold test. */
  refractory: Uint8Array;
}

function inputs(c: Case, seed: number): { times: number[]; ids: number[]; dense: Float32Array } {
  const rng = RngStream.derive(seed, 'test/lif-tensor/input');
  const times: number[] = [];
  const ids: number[] = [];
  const dense = new Float32Array(c.steps * c.nIn);
  for (let s = 0; s < c.steps; s++)
    for (let i = 0; i < c.nIn; i++)
      if (rng.uniform() < c.pIn) {
        times.push(s * c.dt);
        ids.push(i);
        dense[s * c.nIn + i] = 1;
      }
  return { times, ids, dense };
}

function weights(c: Case, seed: number): Float64Array {
  const rng = RngStream.derive(seed, 'test/lif-tensor/weights');
  // Values rounded to float32 so both modes use the same weights.
  return Float64Array.from(new Float32Array(c.nIn * c.n).map(() => c.wMean + c.wStd * rng.normal()));
}

function runEngine(c: Case, inp: { times: number[]; ids: number[] }, w: Float64Array): Raster {
  const net = new Network(c.dt, 'f64');
  const src = net.addPopulation(new SpikeSourceArray('in', c.nIn, inp.times, inp.ids, c.dt));
  const pop = net.addPopulation(new LifPopulation('lif', c.n, c.params, c.dt, 'f64', c.v0));
  net.addProjection(new DenseProjection('in->lif', src, pop, c.channel, w, c.delay, null));
  net.finalize();
  const u = new Float64Array(c.steps * c.n);
  const refractory = new Uint8Array(c.steps * c.n);
  const R = pop.prop.refractorySteps;
  net.schedule.add('threshold', -1, 'probe', (s) => {
    for (let i = 0; i < c.n; i++) {
      u[s * c.n + i] = pop.v[i]! - c.params.vRest;
      refractory[s * c.n + i] = s - pop.lastSpike[i]! < R ? 1 : 0;
    }
  });
  const keys: number[] = [];
  for (let s = 0; s < c.steps; s++) {
    net.runSteps(1);
    const sp = pop.spikes;
    const row: number[] = [];
    for (let k = 0; k < sp.count; k++) row.push(s * c.n + sp.ids[k]!);
    keys.push(...row.sort((a, b) => a - b));
  }
  return { keys, u, refractory };
}

/** Tensor forward for B input rasters at once; returns one raster per batch element. */
function runTensor(c: Case, dense: Float32Array[], w: Float64Array): { keys: number[]; u: Float32Array }[] {
  const B = dense.length;
  const layer = lifTensorLayer(c.params, c.dt, c.n, { channel: c.channel, delaySteps: c.delay, v0: c.v0 });
  const x = new Float32Array(c.steps * B * c.nIn);
  for (let b = 0; b < B; b++)
    for (let s = 0; s < c.steps; s++) x.set(dense[b]!.subarray(s * c.nIn, (s + 1) * c.nIn), (s * B + b) * c.nIn);
  const out = tf.tidy(() => {
    const r = denseLifForward(tf, layer, tf.tensor3d(x, [c.steps, B, c.nIn]), tf.tensor2d(Float32Array.from(w), [c.nIn, c.n]), { recordV: true });
    return [r.spikes.dataSync() as Float32Array, r.vRel!.dataSync() as Float32Array];
  });
  const [S, V] = out as [Float32Array, Float32Array];
  return dense.map((_, b) => {
    const keys: number[] = [];
    const u = new Float32Array(c.steps * c.n);
    for (let s = 0; s < c.steps; s++)
      for (let i = 0; i < c.n; i++) {
        const k = (s * B + b) * c.n + i;
        if (S[k] === 1) keys.push(s * c.n + i);
        else expect(S[k]).toBe(0);
        u[s * c.n + i] = V[k]!;
      }
    return { keys, u };
  });
}

function check(c: Case, seeds: number[]): { spikes: number; maxDiff: number; minMargin: number } {
  const ins = seeds.map((s) => inputs(c, s));
  const w = weights(c, seeds[0]!);
  const tensor = runTensor(c, ins.map((i) => i.dense), w);
  const uThresh = c.params.vThresh + c.params.thetaInit - c.params.thetaOffset - c.params.vRest;
  let spikes = 0;
  let maxDiff = 0;
  let minMargin = Infinity;
  ins.forEach((inp, b) => {
    const ref = runEngine(c, inp, w);
    const got = tensor[b]!;
    for (let k = 0; k < ref.u.length; k++) {
      maxDiff = Math.max(maxDiff, Math.abs(got.u[k]! - ref.u[k]!));
      if (!ref.refractory[k]) minMargin = Math.min(minMargin, Math.abs(ref.u[k]! - uThresh));
    }
    expect(got.keys).toEqual(ref.keys);
    spikes += ref.keys.length;
  });
  // The float32 error is below the closest approach to threshold: no spike could have moved.
  expect(maxDiff).toBeLessThan(minMargin);
  if (process.env.SNN_TEST_VERBOSE) console.log(`spikes ${spikes}, max float32 error ${maxDiff.toExponential(2)} mV, min margin ${minMargin.toExponential(2)} mV`);
  return { spikes, maxDiff, minMargin };
}

const base = { nIn: 40, n: 25, steps: 200, dt: 0.1, v0: -60 };

describe('tensor LIF forward ≡ clock-driven engine (float32 vs float64, 200 steps)', () => {
  it('delta synapses, no refractory period', () => {
    const c: Case = { ...base, params: { ...LIF_DEFAULTS, tauM: 10 }, channel: 'v', delay: 0, pIn: 0.05, wMean: 1.2, wStd: 1.5 };
    const r = check(c, [1, 2, 3]);
    expect(r.spikes).toBeGreaterThan(100);
  });

  it('delta synapses with a 1 ms refractory period, a delay and a drive', () => {
    const params = { ...LIF_DEFAULTS, tauM: 8, refractory: 1, vReset: -70, iBias: 5 };
    const c: Case = { ...base, params, channel: 'v', delay: 3, pIn: 0.05, wMean: 1.5, wStd: 1.5 };
    const r = check(c, [4, 5]);
    expect(r.spikes).toBeGreaterThan(50);
  });

  it('exponential current synapses (exc channel, signed weights), refractory period, vMin', () => {
    const params: LifParams = { ...LIF_DEFAULTS, synapse: 'current', tauM: 10, tauExc: 3, refractory: 0.5, vMin: -68 };
    const c: Case = { ...base, params, channel: 'exc', delay: 1, pIn: 0.05, wMean: 4, wStd: 6 };
    const r = check(c, [6, 7]);
    expect(r.spikes).toBeGreaterThan(50);
  });

  it('exponential current synapses on the inh channel (τs = τm limit), θ offset', () => {
    const params: LifParams = { ...LIF_DEFAULTS, synapse: 'current', tauM: 10, tauInh: 10, iBias: 14, thetaInit: 2, thetaOffset: 3 };
    const c: Case = { ...base, params, channel: 'inh', delay: 0, pIn: 0.05, wMean: 2, wStd: 5 };
    const r = check(c, [8, 9]);
    expect(r.spikes).toBeGreaterThan(50);
  });

  it('refractoriness: a neuron driven far above threshold fires once per refractory period + 1 step', () => {
    // One neuron, strong constant drive: with R refractory steps it spikes every R + 1 steps
    // (delta: v frozen at vReset for R steps, then one step of integration crosses threshold).
    const params: LifParams = { ...LIF_DEFAULTS, tauM: 10, refractory: 0.5, iBias: 1000 };
    const c: Case = { ...base, nIn: 1, n: 1, steps: 60, params, channel: 'v', delay: 0, pIn: 0, wMean: 0, wStd: 0 };
    const r = check(c, [10]);
    const R = Math.floor((0.5 + 1e-3 * 0.1) / 0.1); // 5
    expect(r.spikes).toBe(Math.ceil(60 / (R + 1)));
  });

  it('unsupported models fail with an SnnError naming the feature', () => {
    expect(() => lifTensorLayer({ ...LIF_DEFAULTS, synapse: 'conductance' }, 0.1, 3)).toThrow(/conductance.*not supported in tensor mode/);
    expect(() => lifTensorLayer({ ...LIF_DEFAULTS, thetaPlus: 0.05 }, 0.1, 3)).toThrow(/adaptive threshold/);
    expect(() => lifTensorLayer({ ...LIF_DEFAULTS }, 0.1, 3, { channel: 'exc' })).toThrow(/no input channel 'exc'/);
  });
});
