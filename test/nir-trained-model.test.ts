/**
 * A really trained model (tiny `snn train` runs of hao2020 and diehl-cook-2015) exported with
 * `snn export RUN_DIR --format nir`: the NIR graph holds the trained weights scaled by (E − v_rest),
 * the frozen thresholds vThresh + θ − thetaOffset per neuron, and D&C's input delays.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { train } from '../training/run-training.js';
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
    // hao2020: one Linear; D&C: one Linear + Delay per input delay value, which add up to the weights.
    const parts = Object.keys(graph.nodes).filter((id) => id === 'input->exc' || graph.nodes[id]!.metadata?.['snn_projection'] === 'input->exc');
    expect(parts.length).toBe(model === 'hao2020' ? 1 : 21);
    const sum = new Float64Array(784 * n);
    const delayOf = new Float64Array(784 * n).fill(NaN);
    for (const id of parts) {
      const lin = graph.nodes[id]!.params['weight']!;
      expect(lin.shape).toEqual([n, 784]);
      const delay = graph.nodes[`${id}_delay`]?.params['delay']!.data[0] ?? 0;
      lin.data.forEach((x, k) => {
        if (x !== 0) {
          sum[k] = x;
          delayOf[k] = delay;
        }
      });
    }
    for (let k = 0; k < 200; k++) {
      const i = (k * 97) % 784;
      const j = k % n;
      expect(sum[j * 784 + i]).toBe(w[i * n + j]! * 65);
    }
    if (model === 'diehl-cook-2015') {
      // The delays are the ones the run drew from its seed (rebuilt graph), in seconds.
      const { buildDiehlCook2015 } = await import('../models/zoo/diehl-cook-2015.js');
      const d = buildDiehlCook2015(m.config as never, m.seed).p2e.delays!;
      for (let k = 0; k < 200; k++) {
        const i = (k * 131) % 784;
        const j = k % n;
        if (w[i * n + j] !== 0) expect(Math.round(delayOf[j * 784 + i]! * 1000 / 0.5)).toBe(d[i * n + j]);
      }
    }
    expect(graph.nodes['inh->exc']!.params['weight']!.data[1]).toBe(17 * (eInh + 65));
    expect(graph.nodes['sl'] !== undefined).toBe(model === 'hao2020');
    expect(String(graph.metadata['snn_lossy'])).toMatch(model === 'hao2020' ? /teacher/ : /Euler/);
    expect(graph.metadata['snn_model']).toBe(model);
  });
});
