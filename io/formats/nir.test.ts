/**
 * NIR export/import: the HDF5 layout nir.read expects, description → NIR → description → simulate
 * giving the same spikes, a trained hao2020 model's frozen thresholds and scaled weights, clear
 * errors for what snn cannot import, and only SnnErrors from damaged files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import h5wasm, { Dataset, Group } from 'h5wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { MemorySink } from '../../engine/recorder-sink.js';
import { RngStream } from '../../engine/rng.js';
import { parseDescription, type NetworkDescription } from '../../models/description.js';
import { simulate } from '../../models/simulate.js';
import { hao2020Config } from '../../models/zoo/hao2020.js';
import { MODEL_MAGIC, writeFramed } from '../checkpoint.js';
import { h5Ready } from './hdf5.js';
import { exportDescriptionNir, exportTrainedModelNir, readNir, readNirGraph, writeNirGraph } from './nir.js';
import { tempDir } from './test-fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Input spikes, two current-based populations with τexc ≠ τinh, a delta population, delays, sparse and dense projections. */
function network(): NetworkDescription {
  const rng = RngStream.derive(7, 'test/nir-input');
  const spikes: [number, number][] = [];
  for (let k = 0; k < 600; k++) spikes.push([Math.round(rng.uniform() * 3000) / 10, Math.floor(rng.uniform() * 40)]);
  spikes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cur = { tauM: 20, vRest: -60, vReset: -65, vThresh: -50, refractory: 2, synapse: 'current' as const, tauExc: 5, tauInh: 10 };
  return parseDescription({
    name: 'nir-roundtrip',
    dt: 0.1,
    duration: 300,
    seed: 11,
    populations: [
      { name: 'in', model: 'spike-source-array', size: 40, spikes },
      { name: 'noise', model: 'poisson', size: 10, rates: 30 },
      { name: 'exc', model: 'lif', size: 30, params: cur, v0: { uniform: [-65, -52] } },
      { name: 'inh', model: 'lif', size: 10, params: { ...cur, tauExc: 3, tauInh: 3, iBias: 2 } },
      { name: 'relay', model: 'lif', size: 12, params: { tauM: 10, vRest: -70, vReset: -70, vThresh: -55, refractory: 1 } },
    ],
    projections: [
      { from: 'in', to: 'exc', channel: 'exc', connectivity: 'dense', weights: { uniform: [0, 12] } },
      { from: 'noise', to: 'exc', channel: 'exc', connectivity: { probability: 0.5 }, weights: 6, delay: 0.5 },
      { from: 'exc', to: 'exc', channel: 'exc', connectivity: { probability: 0.2, allowSelf: false }, weights: { normal: { mean: 3, std: 1 } }, delay: 1 },
      { from: 'exc', to: 'inh', channel: 'exc', connectivity: { probability: 0.5 }, weights: 8 },
      { from: 'inh', to: 'exc', channel: 'inh', connectivity: 'dense', weights: -6 },
      { from: 'inh', to: 'inh', channel: 'inh', connectivity: 'all-but-self', weights: -2 },
      { from: 'exc', to: 'relay', channel: 'v', connectivity: { probability: 0.3 }, weights: { uniform: [2, 8] }, delay: 0.3 },
      { from: 'in', to: 'relay', channel: 'v', connectivity: { pairs: [[0, 0], [1, 1], [5, 3]] }, weights: [9, 9, 16] },
      { from: 'noise', to: 'relay', channel: 'v', connectivity: { probability: 0.5 }, weights: 7, delay: { uniform: [0, 3] } },
    ],
    record: { spikes: ['exc', 'inh', 'relay'] },
  });
}

function spikesOf(desc: NetworkDescription): { times: number[]; ids: number[] }[] {
  const sink = new MemorySink();
  simulate(desc, { sink, recordSpikes: ['exc', 'inh', 'relay'] });
  return desc.populations
    .map((_, k) => k)
    .filter((k) => ['exc', 'inh', 'relay'].includes(desc.populations[k]!.name))
    .map((k) => {
      const s = sink.spikes(k);
      return { times: Array.from(s.times), ids: Array.from(s.ids) };
    });
}

describe('NIR HDF5 layout', () => {
  it('has version, node/type NIRGraph, typed parameter arrays and (N, 2) string edges', async () => {
    const path = join(tmp.dir, 'layout.nir');
    const res = await exportDescriptionNir(network(), path);
    expect(res.nodes).toBeGreaterThan(8);
    await h5Ready();
    const f = new h5wasm.File(path, 'r');
    try {
      const str = (p: string) => (f.get(p) as Dataset).value;
      expect(str('version')).toBe('1.0.0');
      expect(str('node/type')).toBe('NIRGraph');
      const nodes = f.get('node/nodes') as Group;
      expect(nodes.keys()).toEqual(expect.arrayContaining(['in', 'noise', 'exc', 'exc_syn_exc', 'exc_syn_inh', 'inh', 'relay', 'exc_out']));
      expect(str('node/nodes/in/type')).toBe('Input');
      expect(str('node/nodes/exc/type')).toBe('LIF');
      expect(str('node/nodes/exc_syn_inh/type')).toBe('LI');
      expect(str('node/nodes/inh/type')).toBe('CubaLIF');
      expect(str('node/nodes/relay/type')).toBe('LIF');
      const ds = (p: string) => f.get(p) as Dataset;
      expect(ds('node/nodes/in/shape').dtype).toBe('<q');
      expect(Array.from(ds('node/nodes/in/shape').value as BigInt64Array)).toEqual([40n]);
      for (const p of ['tau', 'r', 'v_leak', 'v_reset', 'v_threshold']) {
        expect(ds(`node/nodes/relay/${p}`).shape).toEqual([12]);
        expect(ds(`node/nodes/relay/${p}`).dtype).toBe('<d');
      }
      for (const p of ['tau_mem', 'tau_syn', 'r', 'v_leak', 'v_reset', 'v_threshold', 'w_in']) expect(ds(`node/nodes/inh/${p}`).shape).toEqual([10]);
      // Seconds, and snn's v += w for delta synapses: r = tau.
      expect(Array.from(ds('node/nodes/relay/tau').value as Float64Array)[0]).toBe(0.01);
      expect(Array.from(ds('node/nodes/relay/r').value as Float64Array)[0]).toBe(0.01);
      expect(Array.from(ds('node/nodes/inh/v_leak').value as Float64Array)[0]).toBe(-58); // vRest + iBias
      // Linear weight is (out, in) = (post, pre).
      const lin = nodes.keys().find((k) => k.startsWith('in->exc'))!;
      expect(ds(`node/nodes/${lin}/weight`).shape).toEqual([30, 40]);
      expect(str(`node/nodes/${lin}/type`)).toBe('Linear');
      expect(str('node/nodes/exc->exc#2_delay/type')).toBe('Delay');
      const edges = ds('node/edges');
      expect(edges.shape![1]).toBe(2);
      const flat = edges.value as string[];
      const pairs = Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
      expect(pairs).toContainEqual(['in', lin]);
      expect(pairs).toContainEqual([lin, 'exc_syn_exc']);
      expect(pairs).toContainEqual(['exc_syn_exc', 'exc']);
      expect(pairs).toContainEqual(['exc', 'exc_out']);
      expect(edges.metadata.vlen).toBe(true);
      expect(str('node/metadata/time_unit')).toBe('s');
      expect(str('node/metadata/voltage_unit')).toBe('mV');
      expect(Number(str('node/metadata/dt'))).toBeCloseTo(1e-4, 15);
    } finally {
      f.close();
    }
  });
});

describe('description → NIR → description', () => {
  it('simulates to the same spikes (float64, clock)', async () => {
    const desc = network();
    const path = join(tmp.dir, 'rt.nir');
    const res = await exportDescriptionNir(desc, path);
    expect(res.lossy.join(' ')).toContain('refractory');
    const back = await readNir(path);
    expect(back.description.populations.map((p) => p.name)).toEqual(desc.populations.map((p) => p.name));
    // Per-synapse delays: one projection per distinct delay (0 … 3 ms on the 0.1 ms grid).
    const split = back.description.projections!.filter((p) => p.name!.startsWith('noise->relay#8_d'));
    expect(split.length).toBeGreaterThan(10);
    expect(new Set(split.map((p) => p.delay ?? 0)).size).toBe(split.length);
    const want = spikesOf(desc);
    expect(want.every((p) => p.times.length > 20)).toBe(true);
    expect(spikesOf(back.description)).toEqual(want);
    // The import is itself exportable to the same graph.
    const again = join(tmp.dir, 'rt2.nir');
    await exportDescriptionNir(back.description, again);
    const [g1, g2] = [(await readNirGraph(path)).graph, (await readNirGraph(again)).graph];
    expect(Object.keys(g2.nodes)).toEqual(Object.keys(g1.nodes));
    for (const id of Object.keys(g1.nodes)) expect(g2.nodes[id]!.params).toEqual(g1.nodes[id]!.params);
  });

  it('exact (event-driven) mode with delays off the dt grid simulates to the same spikes', async () => {
    const rng = RngStream.derive(5, 'test/nir-exact');
    const spikes: [number, number][] = Array.from({ length: 200 }, () => [rng.uniform() * 100, Math.floor(rng.uniform() * 10)] as [number, number]).sort((a, b) => a[0] - b[0]);
    const desc = parseDescription({
      mode: 'exact',
      duration: 100,
      seed: 2,
      populations: [
        { name: 'in', model: 'spike-source-array', size: 10, spikes },
        { name: 'a', model: 'lif', size: 8, params: { tauM: 15, vRest: -65, vReset: -70, vThresh: -55, refractory: 1.5 } },
        { name: 'b', model: 'lif', size: 4, params: { tauM: 8, vRest: -60, vReset: -60, vThresh: -58 } },
      ],
      projections: [
        { from: 'in', to: 'a', channel: 'v', connectivity: { probability: 0.6 }, weights: { uniform: [1, 6] }, delay: 0.37 },
        { from: 'a', to: 'b', channel: 'v', connectivity: 'dense', weights: 1.5, delay: 1.234 },
      ],
    });
    const path = join(tmp.dir, 'exact.nir');
    await exportDescriptionNir(desc, path);
    const back = (await readNir(path)).description;
    expect(back.mode).toBe('exact');
    expect(back.projections!.map((p) => p.delay)).toEqual([0.37, 1.234]);
    const run = (d: NetworkDescription) => {
      const sink = new MemorySink();
      simulate(d, { sink, recordSpikes: ['a', 'b'] });
      return [1, 2].map((k) => Array.from(sink.spikes(k).times));
    };
    const want = run(desc);
    expect(want[1]!.length).toBeGreaterThan(3);
    expect(run(back)).toEqual(want);
  });

  it('a conductance network is refused with a hint', async () => {
    const desc = parseDescription({ duration: 10, populations: [{ name: 'a', model: 'lif', size: 2, params: { synapse: 'conductance' } }] });
    await expect(exportDescriptionNir(desc, join(tmp.dir, 'g.nir'))).rejects.toThrow(/conductance-based; NIR has no conductance primitive/);
  });
});

describe('trained model → NIR', () => {
  it('hao2020: weights scaled by (E − v_rest), frozen θ in the thresholds, metadata states the approximation', async () => {
    const n = 6;
    const cfg = hao2020Config('mnist', n);
    const rng = RngStream.derive(3, 'test/model');
    const wIn = Float32Array.from({ length: 784 * n }, () => rng.uniform());
    const wSl = Float32Array.from({ length: n * 10 }, () => rng.uniform() * 8);
    const theta = Float64Array.from({ length: n }, () => 20 + rng.uniform() * 5);
    const modelPath = join(tmp.dir, 'model.snnmodel');
    writeFramed(modelPath, MODEL_MAGIC, { format: 'snn-model', version: 1, model: 'hao2020', dataset: 'mnist', config: cfg, seed: 1, trained: 60, arrays: { 'input->exc': wIn, 'exc->sl': wSl, 'exc.theta': theta }, assignments: Int8Array.from([0, 1, 2, 3, 4, -1]) });
    const res = await exportTrainedModelNir(tmp.dir, join(tmp.dir, 'hao.nir'));
    expect(res.lossy.join(' ')).toMatch(/conductance/);
    const { graph } = await readNirGraph(join(tmp.dir, 'hao.nir'));
    const exc = graph.nodes['exc']!;
    expect(exc.type).toBe('LIF');
    expect(Array.from(exc.params['v_threshold']!.data)).toEqual(Array.from(theta, (t) => -52 + t - 20));
    expect(exc.params['tau']!.data[0]).toBe(0.1);
    const lin = graph.nodes['input->exc']!.params['weight']!;
    expect(lin.shape).toEqual([n, 784]);
    for (const [i, j] of [[0, 0], [783, 5], [400, 2]] as const) expect(lin.data[j * 784 + i]).toBe(wIn[i * n + j]! * 65);
    const sl = graph.nodes['exc->sl']!.params['weight']!;
    expect(sl.shape).toEqual([10, n]);
    expect(sl.data[3 * n + 4]).toBe(wSl[4 * 10 + 3]! * 60);
    const inh = graph.nodes['inh->exc']!.params['weight']!;
    expect(inh.data[1]).toBe(17 * -35);
    expect(inh.data[0]).toBe(0);
    expect(graph.nodes['exc_syn_inh']!.type).toBe('LI');
    expect(graph.nodes['sl']!.type).toBe('CubaLIF');
    expect(graph.edges).toContainEqual(['inh->exc', 'exc_syn_inh']);
    expect(String(graph.metadata['snn_approximation'])).toMatch(/I_c = g\*\(E_c - v_rest\)/);
    expect(Array.from(graph.metadata['snn_assignments'] as Int32Array)).toEqual([0, 1, 2, 3, 4, -1]);
    expect(graph.metadata['snn_trained_samples']).toBe(60);
    // Per-neuron thresholds have no place in one population: the import says so, or splits.
    await expect(readNir(join(tmp.dir, 'hao.nir'))).rejects.toThrow(/different v_threshold values across its neurons \(6 groups\)/);
    const { description: d, notes } = await readNir(join(tmp.dir, 'hao.nir'), { splitMax: n });
    expect(notes.join('\n')).toMatch(/split into 6 populations exc#0…exc#5/);
    const excPops = d.populations.filter((p) => p.name.startsWith('exc#'));
    expect(excPops.map((p) => p.model === 'lif' && p.params?.vThresh)).toEqual(Array.from(theta, (t) => -52 + t - 20));
    expect(excPops.every((p) => p.model === 'lif' && p.params?.synapse === 'current' && p.params.tauExc === 1 && p.params.tauInh === 2 && p.params.refractory === 2)).toBe(true);
    const toExc0 = d.projections!.filter((p) => p.to === 'exc#0').map((p) => [p.from, p.channel]);
    expect(toExc0).toEqual([['input', 'exc'], ['inh', 'inh']]);
    expect(d.record?.spikes).toEqual([...excPops.map((p) => p.name), 'sl']);
    const sink = new MemorySink();
    simulate({ ...d, duration: 20, populations: d.populations.map((p) => (p.name === 'input' ? { ...p, spikes: [[1, 3], [2, 400]] } : p)) } as NetworkDescription, { sink });
  });
});

describe('NIR import errors', () => {
  it('an unsupported node type names the node, its type and what is supported', async () => {
    const path = join(tmp.dir, 'conv.nir');
    await writeNirGraph(
      {
        nodes: {
          x: { type: 'Input', params: { shape: { data: Float64Array.of(4), shape: [1] } } },
          c: { type: 'Conv2d', params: { weight: { data: new Float64Array(4), shape: [1, 1, 2, 2] } } },
        },
        edges: [['x', 'c']],
        metadata: {},
      },
      path,
    );
    const err = await readNir(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnnError);
    expect((err as SnnError).code).toBe('io.format');
    expect((err as SnnError).oneLine()).toMatch(/^NIR node 'c' has type 'Conv2d', which snn cannot import \(supported: Input, Output, Affine, Linear/);
  });

  it('a foreign file: seconds detected, Affine bias folded into v_leak, IF without leak, LI readout', async () => {
    const path = join(tmp.dir, 'foreign.nir');
    const f = (xs: number[], shape?: number[]) => ({ data: Float64Array.from(xs), shape: shape ?? [xs.length] });
    await writeNirGraph(
      {
        nodes: {
          input: { type: 'Input', params: { shape: f([2]) } },
          fc: { type: 'Affine', params: { weight: f([1, 2, 3, 4], [2, 2]), bias: f([0.5, 0.25]) } },
          lif: { type: 'LIF', params: { tau: f([0.02, 0.02]), r: f([0.02, 0.04]), v_leak: f([0, 0]), v_reset: f([0, 0]), v_threshold: f([1, 1]) } },
          fc2: { type: 'Linear', params: { weight: f([1, 1], [1, 2]) } },
          li: { type: 'LI', params: { tau: f([0.005]), r: f([0.005]), v_leak: f([0]) } },
          output: { type: 'Output', params: { shape: f([1]) } },
        },
        edges: [['input', 'fc'], ['fc', 'lif'], ['lif', 'fc2'], ['fc2', 'li'], ['li', 'output']],
        metadata: {},
      },
      path,
    );
    const { description: d, notes } = await readNir(path);
    expect(notes.join('\n')).toMatch(/taken as seconds/);
    const lif = d.populations.find((p) => p.name === 'lif')!;
    expect(lif.model === 'lif' && lif.params).toMatchObject({ tauM: 20, synapse: 'delta', vRest: 0.5 * 0.02, vThresh: 1 });
    const pr = d.projections!.find((p) => p.to === 'lif')!;
    expect(pr.weights).toEqual([[1, 3 * 2], [2, 4 * 2]]); // gain r/τ: 1 and 2
    expect(d.record?.state).toEqual([{ population: 'li', variables: ['v'] }]);
  });
});

describe('NIR reader under damage', () => {
  it('random mutations and cuts of a valid file give data or an SnnError', async () => {
    const path = join(tmp.dir, 'valid.nir');
    await exportDescriptionNir(
      parseDescription({ dt: 0.1, duration: 5, populations: [{ name: 'i', model: 'spike-source-array', size: 3, spikes: [[1, 0]] }, { name: 'o', model: 'lif', size: 2 }], projections: [{ from: 'i', to: 'o', channel: 'v', connectivity: 'dense', weights: 5 }] }),
      path,
    );
    const valid = readFileSync(path);
    const damaged = join(tmp.dir, 'damaged.nir');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
        fc.option(fc.nat({ max: valid.length }), { nil: undefined }),
        async (edits, cut) => {
          const b = Buffer.from(valid);
          for (const [i, v] of edits) b[i] = v;
          writeFileSync(damaged, cut === undefined ? b : b.subarray(0, cut));
          try {
            const r = await readNir(damaged);
            expect(r.description.populations.length).toBeGreaterThan(0);
          } catch (err) {
            if (!(err instanceof SnnError)) throw err;
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
