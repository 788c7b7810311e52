/**
 * Every STDP variant on a projection whose weights live in kernel memory (the wasm backend's
 * placement, models/plastic-placement.ts) learns exactly what it learns on plain arrays: same
 * weights byte for byte, same spikes. The rules do not know which one they run on; the projection's
 * capabilities (trace storage, the arrival walk, column scaling) do.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { createRule } from '../learning/rules.js';
import { SynapticScaling } from '../learning/synaptic-scaling.js';
import { LIF_DEFAULTS } from '../models/lif.js';
import { LifPopulation } from '../models/lif-population.js';
import { Network } from '../models/network.js';
import { plasticHooks } from '../models/plastic-placement.js';
import { DenseProjection } from '../models/projection.js';
import { ReplaySource } from '../models/replay-source.js';
import { needAll, WASM_SIMD } from './helpers/requirement.js';

const DT = 0.5;
const STEPS = 3000;

function train(rule: string, delays: 'none' | 'uniform' | 'per-synapse', kernels: boolean, learns = true) {
  const m = 7;
  const n = 11;
  const rng = RngStream.derive(4, `test/stdp-kernels/${rule}/${delays}`);
  const D = delays === 'none' ? 0 : 6;
  const net = new Network(DT, 'f64');
  const pre = net.addPopulation(new ReplaySource('pre', m));
  const hooks = kernels ? plasticHooks(m, n, D) : null;
  const params = { ...LIF_DEFAULTS, synapse: 'conductance' as const, method: 'euler' as const, vThresh: -62 };
  const post = net.addPopulation(new LifPopulation('post', n, params, DT, 'f64', -65, { kernels: net.kernels, wasmExtraBytes: hooks?.extraBytes ?? 0 }));
  const w = hooks?.weights(post, m * n) ?? new Float64Array(m * n);
  for (let k = 0; k < w.length; k++) w[k] = 3 * rng.uniform();
  const d = delays === 'per-synapse' ? Uint16Array.from({ length: m * n }, () => rng.int(D + 1)) : null;
  const proj = net.addProjection(new DenseProjection('pre->post', pre, post, 'exc', w, d ? null : D, d));
  net.finalize();
  const stepStart = new Int32Array(STEPS + 1);
  const ids: number[] = [];
  for (let s = 0; s < STEPS; s++) {
    for (let j = 0; j < m; j++) if (rng.uniform() < 0.08) ids.push(j);
    stepStart[s + 1] = ids.length;
  }
  pre.load({ steps: STEPS, stepStart, ids: Int32Array.from(ids) }, 0);
  const r = createRule(rule, { projection: proj }, rule === 'sym-stdp' ? { eta: 0.05, wMax: 3 } : { wMax: 3 });
  r.attach(net);
  r.setPlastic(learns);
  const scaling = new SynapticScaling(proj, { target: 5 });
  // A frozen stretch in the middle: delivery without learning.
  net.at(500, () => r.setPlastic(false));
  net.at(900, () => r.setPlastic(learns));
  for (let k = 0; k < 6; k++) {
    net.runSteps(STEPS / 6);
    scaling.apply();
  }
  return { proj, backend: (r as { backend?: string }).backend, spikes: Array.from(net.spikeCounts), hash: createHash('sha256').update(Buffer.from(w.buffer, w.byteOffset, w.byteLength)).digest('hex') };
}

const CASES: [string, 'none' | 'uniform' | 'per-synapse'][] = [
  ['sym-stdp', 'none'],
  ['sym-stdp', 'uniform'],
  ['sym-stdp', 'per-synapse'],
  ['pair-stdp', 'none'],
  ['pair-stdp', 'uniform'],
  ['pair-stdp', 'per-synapse'],
  ['triplet-stdp', 'none'],
];

describe('STDP variants on kernel memory = on plain arrays', () => {
  needAll(WASM_SIMD);
  it.each(CASES)('%s, delays %s: byte-identical weights and identical spikes', (rule, delays) => {
    const js = train(rule, delays, false);
    const wasm = train(rule, delays, true);
    expect(js.proj.kernelBackend).toBe('js');
    expect(wasm.proj.kernelBackend).toBe('wasm');
    if (rule !== 'triplet-stdp') expect([js.backend, wasm.backend]).toEqual(['js', 'wasm']);
    expect(js.spikes[1]).toBeGreaterThan(100);
    expect(wasm.spikes).toEqual(js.spikes);
    expect(wasm.hash).toBe(js.hash);
    // …and the rule did learn: frozen throughout, the same run ends with other weights.
    expect(train(rule, delays, false, false).hash).not.toBe(js.hash);
  });
});
