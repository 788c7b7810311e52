/**
 * The WebAssembly SIMD LIF kernels (engine/kernels/) against the plain-JS loops they replace: in
 * float64 both backends must give bit-identical spikes and state, on every path — fused
 * integrate+threshold, separate kernels (θ decay, vMin), rings inside wasm memory (short delays)
 * and ordinary rings (long delays), population sizes that leave a pair and a single neuron after the four-neuron loop;
 * and the conductance-based forward-Euler kernel (hao2020 / Diehl & Cook populations: vMin clamp, θ
 * decay and jump, refractoriness, flush-to-zero of decayed conductances).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { kernelBackend, setKernelBackend, type KernelBackend } from '../engine/backend.js';
import type { NetworkDescription } from '../models/description.js';
import type { LifPopulation } from '../models/lif-population.js';
import { cubaDescription } from '../models/zoo/cuba.js';
import { runWithBackend } from './helpers/run-network.js';
import { needAll, WASM_SIMD } from './helpers/requirement.js';

const initial = kernelBackend();
afterAll(() => setKernelBackend(initial));

function run(desc: NetworkDescription, backend: KernelBackend) {
  const { net, sink } = runWithBackend(desc, backend);
  const spikes = net.populations.map((_, k) => sink.spikes(k));
  const state = net.populations
    .filter((p) => p.kind === 'lif')
    .map((p) => {
      const l = p as LifPopulation;
      return { v: Float64Array.from(l.v), ge: Float64Array.from(l.ge), gi: Float64Array.from(l.gi), theta: Float64Array.from(l.theta), last: Int32Array.from(l.lastSpike) };
    });
  return { spikes, state, total: spikes.reduce((a, s) => a + s.ids.length, 0) };
}

function expectIdentical(desc: NetworkDescription): number {
  const js = run(desc, 'js');
  const wasm = run(desc, 'wasm');
  expect(wasm.spikes.length).toBe(js.spikes.length);
  js.spikes.forEach((s, k) => {
    expect(Buffer.from(wasm.spikes[k]!.ids.buffer).equals(Buffer.from(s.ids.buffer))).toBe(true);
    expect(Buffer.from(wasm.spikes[k]!.times.buffer).equals(Buffer.from(s.times.buffer))).toBe(true);
  });
  js.state.forEach((s, k) => {
    const w = wasm.state[k]!;
    for (const key of ['v', 'ge', 'gi', 'theta', 'last'] as const) {
      // Bitwise, except the sign of zero (the wasm delivery adds +0 where JS skips zeros).
      const a = Array.from(s[key], (x) => (x === 0 ? 0 : x));
      const b = Array.from(w[key], (x) => (x === 0 ? 0 : x));
      expect(b, `${key} of population ${k}`).toEqual(a);
    }
  });
  return js.total;
}

const lif = (extra: Record<string, unknown>) => ({
  tauM: 20,
  vRest: -49,
  vReset: -60,
  vThresh: -50,
  refractory: 2,
  synapse: 'current' as const,
  tauExc: 5,
  tauInh: 10,
  ...extra,
});

describe('wasm LIF kernels = JS loops (float64)', () => {
  needAll(WASM_SIMD);
  it('CUBA, N = 1001 (odd: scalar tail), 300 ms: fused path, rings in wasm memory', () => {
    expect(expectIdentical(cubaDescription({ neurons: 1001, duration: 300, seed: 3 }))).toBeGreaterThan(500);
  });

  it('CUBA at sizes that leave every remainder of the eight-neuron loop (θ-free fused kernel, sparse kernels)', () => {
    // exc / inh sizes 8..15 and 2..3: remainders 0..7 of the main loop of integrateCurrentExactThresholdFixed
    for (const neurons of [10, 11, 12, 13, 15, 16, 17, 18, 19]) {
      expectIdentical(cubaDescription({ neurons, duration: 200, seed: neurons, connectionProbability: 0.5 }));
    }
    expect(expectIdentical(cubaDescription({ neurons: 203, duration: 300, seed: 9, connectionProbability: 0.1 }))).toBeGreaterThan(100);
  });

  it('θ decay and vMin (separate kernels), short delays (wasm rings) and long per-synapse delays (JS ring)', () => {
    const desc: NetworkDescription = {
      dt: 0.1,
      duration: 300,
      seed: 5,
      populations: [
        { name: 'in', model: 'poisson', size: 40, rates: 30 },
        { name: 'a', model: 'lif', size: 77, v0: { uniform: [-60, -50] }, params: lif({ thetaPlus: 0.5, tauTheta: 50, vMin: -58 }) },
        { name: 'b', model: 'lif', size: 67, v0: { uniform: [-60, -50] }, params: lif({ vRest: -55 }) },
      ],
      projections: [
        { from: 'in', to: 'a', channel: 'exc', connectivity: { probability: 0.3 }, weights: { uniform: [0, 4] }, delay: 0.5 },
        { from: 'in', to: 'b', channel: 'exc', connectivity: { probability: 0.3 }, weights: { uniform: [0, 4] }, delay: { uniform: [0, 3] } },
        { from: 'a', to: 'b', channel: 'inh', connectivity: 'dense', weights: -0.3, delay: 0.2 },
        { from: 'b', to: 'a', channel: 'inh', connectivity: { probability: 0.5 }, weights: -1, delay: 0 },
      ],
    };
    expect(expectIdentical(desc)).toBeGreaterThan(100);
  });

  it('conductance LIF, forward Euler (hao2020-like exc/inh: vMin, θ decay and hao2020 jump, E→I, I→E), odd sizes', () => {
    const cond = (extra: Record<string, unknown>) => ({ synapse: 'conductance' as const, method: 'euler' as const, tauExc: 1, tauInh: 2, eExc: 0, eInh: -100, refractory: 2, ...extra });
    const desc: NetworkDescription = {
      dt: 0.5,
      duration: 400,
      seed: 7,
      populations: [
        { name: 'in', model: 'poisson', size: 60, rates: 40 },
        {
          name: 'exc',
          model: 'lif',
          size: 41,
          v0: { uniform: [-105, -60] },
          params: cond({ tauM: 100, vRest: -65, vReset: -65, vThresh: -52, thetaPlus: 0.07, tauTheta: 500, thetaInit: 20, thetaOffset: 20, thetaJump: 'hao2020', vMin: -100 }),
        },
        { name: 'inh', model: 'lif', size: 41, v0: -100, params: cond({ tauM: 10, vRest: -60, vReset: -45, vThresh: -40 }) },
        { name: 'sl', model: 'lif', size: 3, v0: -100, params: cond({ tauM: 10, vRest: -60, vReset: -45, vThresh: -40, refractory: 0 }) },
      ],
      projections: [
        { from: 'in', to: 'exc', channel: 'exc', connectivity: 'dense', weights: { uniform: [0, 0.3] }, delay: 0 },
        { from: 'exc', to: 'inh', channel: 'exc', connectivity: 'one-to-one', weights: 10.4, delay: 0 },
        { from: 'inh', to: 'exc', channel: 'inh', connectivity: 'all-but-self', weights: 17, delay: 0 },
        { from: 'exc', to: 'sl', channel: 'exc', connectivity: 'dense', weights: { uniform: [0, 2] }, delay: 0 },
      ],
    };
    expect(expectIdentical(desc)).toBeGreaterThan(50);
  });
});
