/**
 * A really trained model (tiny `snn train` runs of hao2020 and diehl-cook-2015) exported with
 * `snn export RUN_DIR --format nir`: the NIR graph holds the trained weights scaled by (E − v_rest)
 * and the frozen thresholds vThresh + θ − thetaOffset, per neuron.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { train } from '../bench/training/run-training.js';
import { main } from '../cli/main.js';
import { loadTrainedModel } from '../io/formats/nir-trained-model.js';
import { readNirGraph } from '../io/formats/nir-graph.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
let stderr = '';
beforeEach(() => {
  vi.restoreAllMocks();
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
});

describe.each([
  { model: 'hao2020', vThresh: -52, offset: 20, eInh: -100 },
  { model: 'diehl-cook-2015', vThresh: -52, offset: 20, eInh: -100 },
] as const)('$model trained model → NIR', ({ model, vThresh, offset, eInh }) => {
  it('weights and frozen thresholds survive, the approximation is stated', async () => {
    const run = mkdtempSync(join(tmpdir(), `snn-nir-${model}-`));
    dirs.push(run);
    const n = 8;
    train({ model, dataset: 'mnist', neurons: n, trainSamples: 4, testSamples: 2, evalEvery: 4, checkpointEvery: 4, seed: 1, epochs: 1, out: run } as never);
    const out = join(run, 'model.nir');
    expect(await main(['export', run, '--format', 'nir', '--out', out]), stderr).toBe(0);
    expect(stderr).toMatch(/note: not exact in NIR: conductance synapses/);
    const m = loadTrainedModel(run);
    const theta = m.arrays['exc.theta']!;
    expect(theta.some((t) => t !== theta[0])).toBe(true); // training moved θ
    const { graph } = await readNirGraph(out);
    const exc = graph.nodes['exc']!;
    expect(Array.from(exc.params['v_threshold']!.data)).toEqual(Array.from(theta, (t) => vThresh + t - offset));
    const w = m.arrays['input->exc']!;
    const lin = graph.nodes['input->exc']!.params['weight']!;
    expect(lin.shape).toEqual([n, 784]);
    for (let k = 0; k < 50; k++) {
      const i = (k * 97) % 784;
      const j = k % n;
      expect(lin.data[j * 784 + i]).toBe(w[i * n + j]! * 65);
    }
    expect(graph.nodes['inh->exc']!.params['weight']!.data[1]).toBe(17 * (eInh + 65));
    expect(graph.nodes['sl'] !== undefined).toBe(model === 'hao2020');
    expect(String(graph.metadata['snn_lossy'])).toMatch(model === 'hao2020' ? /teacher/ : /delays/);
    expect(graph.metadata['snn_model']).toBe(model);
  });
});
