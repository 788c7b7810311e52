/**
 * A really trained lif-mlp (tiny batch-rule runs) exported with `snn export RUN_DIR --format nir`:
 * the graph is input → Linear → CubaLIF → Linear → CubaLI (membrane readout) or CubaLIF (spike-count
 * readout) with the trained weights as they are and the normalised LIF's constants in seconds; what
 * NIR cannot hold is stated; our NIR reader reads it back to a network that, fed the same input
 * spikes, spikes exactly as the trained network built directly from the model file (clock engine,
 * float64; learning/tensor/lif-tensor.test.ts shows the tensor pass equals that engine).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { MODEL_MAGIC, readFramed } from '../io/checkpoint.js';
import { readNirGraph } from '../io/formats/nir-graph.js';
import { readNir } from '../io/formats/nir.js';
import { RngStream } from '../engine/rng.js';
import type { NetworkDescription } from '../models/description.js';
import { UNIT_LIF } from '../models/unit-lif.js';
import { trainBatch } from '../training/batch-trainer.js';
import { runWithBackend } from './helpers/run-network.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
let stderr = '';
let stdout = '';
beforeEach(() => {
  vi.restoreAllMocks();
  stderr = '';
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
});

const H = 8;

describe.each([
  { readout: 'membrane', outputType: 'CubaLI' },
  { readout: 'spike-count', outputType: 'CubaLIF' },
] as const)('trained lif-mlp ($readout readout) → NIR', ({ readout, outputType }) => {
  it('holds the trained weights and the LIF constants; our reader reads back the same network', async () => {
    const run = mkdtempSync(join(tmpdir(), `snn-nir-lif-mlp-`));
    dirs.push(run);
    await trainBatch({ model: 'lif-mlp', dataset: 'mnist', neurons: H, trainSamples: 32, testSamples: 16, evalEvery: 32, checkpointEvery: 32, seed: 5, set: { steps: '6', batch: '8', readout }, out: run } as never);
    // No --out: the default file in the run directory, its path printed.
    expect(await main(['export', run, '--format', 'nir']), stderr).toBe(0);
    const out = join(run, 'model.nir');
    expect(stdout).toContain(`wrote ${out}`);
    expect(stderr).toMatch(/note: not exact in NIR: the input encoding: Poisson/);
    expect(stderr).toContain(readout === 'membrane' ? 'averaged over the 6 steps' : 'output spike counts over the 6 steps');

    const m = readFramed<{ arrays: Record<string, Float32Array> }>(join(run, 'model.snnmodel'), MODEL_MAGIC, 'model');
    const { graph } = await readNirGraph(out);
    const types = Object.fromEntries(Object.entries(graph.nodes).map(([id, n]) => [id, n.type]));
    expect(types).toEqual({ input: 'Input', 'input->hidden': 'Linear', hidden: 'CubaLIF', 'hidden->output': 'Linear', output: outputType, output_out: 'Output' });
    expect(graph.edges).toEqual([
      ['input', 'input->hidden'],
      ['input->hidden', 'hidden'],
      ['hidden', 'hidden->output'],
      ['hidden->output', 'output'],
      ['output', 'output_out'],
    ]);
    // Linear weights are [post × pre]: W1[i][j] (pixel i → hidden j) sits at row j, column i.
    for (const [name, pre, post] of [['input->hidden', 784, H], ['hidden->output', H, 10]] as const) {
      const lin = graph.nodes[name]!.params['weight']!;
      expect(lin.shape).toEqual([post, pre]);
      const w = m.arrays[name]!;
      expect(w.some((x) => x !== w[0])).toBe(true);
      for (let i = 0; i < pre; i++) for (let j = 0; j < post; j++) if (lin.data[j * pre + i] !== w[i * post + j]) expect.fail(`${name}[${i}][${j}]`);
    }
    const hidden = graph.nodes['hidden']!.params;
    const every = (name: string, v: number) => expect(new Set(hidden[name]!.data)).toEqual(new Set([v]));
    every('tau_mem', UNIT_LIF.tauM / 1000);
    every('tau_syn', UNIT_LIF.tauExc / 1000);
    every('v_threshold', UNIT_LIF.vThresh);
    every('v_reset', UNIT_LIF.vReset);
    every('v_leak', UNIT_LIF.vRest);
    expect(graph.nodes['output']!.params['v_threshold'] === undefined).toBe(readout === 'membrane');
    expect(graph.metadata['snn_model']).toBe('lif-mlp');
    expect(graph.metadata['snn_readout']).toBe(readout);

    const back = await readNir(out);
    const pops = back.description.populations as { name: string; size: number; params?: Record<string, unknown> }[];
    expect(pops.map((p) => [p.name, p.size])).toEqual([['input', 784], ['hidden', H], ['output', 10]]);
    expect(pops[1]!.params).toMatchObject({ tauM: UNIT_LIF.tauM, tauExc: UNIT_LIF.tauExc, vThresh: UNIT_LIF.vThresh, vReset: UNIT_LIF.vReset, vRest: UNIT_LIF.vRest, synapse: 'current' });
    // A membrane readout comes back as a LIF that never fires.
    if (readout === 'membrane') expect(pops[2]!.params!['vThresh']).toBeGreaterThan(1e300);
    const proj = (back.description.projections as { from: string; to: string; weights: number[][] }[]).find((p) => p.from === 'input')!;
    expect(proj.to).toBe('hidden');
    expect(proj.weights[3]![5]).toBe(m.arrays['input->hidden']![3 * H + 5]);

    // Same input spikes into the imported network and into the model's own network: same spikes.
    const rng = RngStream.derive(9, 'test/nir-lif-mlp/input');
    const input: [number, number][] = [];
    for (let step = 0; step < 60; step++) for (let i = 0; i < 784; i++) if (rng.uniform() < 0.3) input.push([step, i]);
    const dense = (w: ArrayLike<number>, pre: number, post: number) => Array.from({ length: pre }, (_, i) => Array.from({ length: post }, (_, j) => w[i * post + j]!));
    const lif = { tauM: UNIT_LIF.tauM, vRest: UNIT_LIF.vRest, vReset: UNIT_LIF.vReset, vThresh: UNIT_LIF.vThresh, synapse: 'current', tauExc: UNIT_LIF.tauExc, tauInh: UNIT_LIF.tauInh };
    const own = {
      dt: 1,
      duration: 60,
      populations: [
        { name: 'input', model: 'spike-source-array', size: 784, spikes: input },
        { name: 'hidden', model: 'lif', size: H, params: lif },
        { name: 'output', model: 'lif', size: 10, params: { ...lif, vThresh: readout === 'membrane' ? 1e308 : UNIT_LIF.vThresh } },
      ],
      projections: [
        { name: 'input->hidden', from: 'input', to: 'hidden', channel: 'exc', connectivity: 'dense', weights: dense(m.arrays['input->hidden']!, 784, H) },
        { name: 'hidden->output', from: 'hidden', to: 'output', channel: 'exc', connectivity: 'dense', weights: dense(m.arrays['hidden->output']!, H, 10) },
      ],
    } as unknown as NetworkDescription;
    const imported = { ...back.description, duration: 60, populations: pops.map((p) => (p.name === 'input' ? { ...p, spikes: input } : p)) } as unknown as NetworkDescription;
    const a = runWithBackend(own, 'js').sink;
    const b = runWithBackend(imported, 'js').sink;
    const hiddenSpikes = a.spikes(1);
    expect(hiddenSpikes.times.length).toBeGreaterThan(5);
    for (const k of [1, 2]) {
      expect(Array.from(b.spikes(k).times)).toEqual(Array.from(a.spikes(k).times));
      expect(Array.from(b.spikes(k).ids)).toEqual(Array.from(a.spikes(k).ids));
    }
    // The membrane readout never fires; the spike-count readout's output layer does.
    if (readout === 'membrane') expect(b.spikes(2).times.length).toBe(0);
    else expect(b.spikes(2).times.length).toBeGreaterThan(5);
  }, 120_000);
});
