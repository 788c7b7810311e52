/**
 * The two file exports of nir.ts: each writes the graph its spec maps to (read back from the file)
 * and reports its node and edge counts and the losses; the trained-model export takes a model file
 * or a model already in memory.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MODEL_MAGIC, writeFramed } from '../checkpoint.js';
import { parseDescription } from '../../models/description.js';
import { descriptionToNirSpec } from './nir-from-description.js';
import { networkSpecToNir } from './nir-from-network.js';
import { exportDescriptionNir, exportTrainedModelNir, readNirGraph } from './nir.js';
import type { LifMlpModelFile } from './nir-lif-mlp.js';
import type { TrainedModelFile } from './nir-trained-model.js';
import { tempDir } from './test-fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('NIR file exports', () => {
  it('a description: the file holds the mapped graph; counts and losses are reported', async () => {
    const desc = parseDescription({
      populations: [
        { name: 'in', model: 'spike-source-array', size: 2, spikes: [] },
        { name: 'a', model: 'lif', size: 2, params: { refractory: 2 } },
      ],
      projections: [{ name: 'p', from: 'in', to: 'a', channel: 'v', connectivity: 'dense', weights: [[1, 2], [3, 4]] }],
    });
    const path = join(tmp.dir, 'd.nir');
    const res = await exportDescriptionNir(desc, path);
    const want = networkSpecToNir(descriptionToNirSpec(desc).spec);
    const { graph } = await readNirGraph(path);
    expect(Object.keys(graph.nodes)).toEqual(Object.keys(want.nodes));
    expect(graph.edges).toEqual(want.edges);
    expect(Array.from(graph.nodes['p']!.params['weight']!.data)).toEqual([1, 3, 2, 4]);
    expect(res).toEqual({ nodes: Object.keys(want.nodes).length, edges: want.edges.length, lossy: ["population 'a': refractory period 2 ms kept only in snn metadata"] });
    expect(res.nodes).toBeGreaterThan(2);
    expect(res.edges).toBeGreaterThan(1);
  });

  it('a trained model, from its file or from memory: the same graph and report', async () => {
    const m: LifMlpModelFile = {
      model: 'lif-mlp',
      dataset: 'mnist',
      seed: 1,
      config: { neurons: 2, steps: 4, readout: 'spike-count', maxRateHz: 100 },
      arrays: { 'input->hidden': Float32Array.from({ length: 784 * 2 }, (_, k) => k / 1000), 'hidden->output': Float32Array.from({ length: 20 }, (_, k) => k / 10) },
    };
    const file = join(tmp.dir, 'model.snnmodel');
    writeFramed(file, MODEL_MAGIC, m);
    const fromFile = await exportTrainedModelNir(tmp.dir, join(tmp.dir, 'a.nir'));
    const fromMemory = await exportTrainedModelNir(m as unknown as TrainedModelFile, join(tmp.dir, 'b.nir'));
    // input, two Linear, hidden, output, output_out
    expect(fromFile).toEqual({ nodes: 6, edges: 5, lossy: fromFile.lossy });
    expect(fromFile.lossy).toHaveLength(3);
    expect(fromMemory).toEqual(fromFile);
    const a = (await readNirGraph(join(tmp.dir, 'a.nir'))).graph;
    const b = (await readNirGraph(join(tmp.dir, 'b.nir'))).graph;
    expect(Object.keys(a.nodes).sort()).toEqual(['hidden', 'hidden->output', 'input', 'input->hidden', 'output', 'output_out']);
    expect(b.edges).toEqual(a.edges);
    expect(Array.from(b.nodes['hidden->output']!.params['weight']!.data)).toEqual(Array.from(a.nodes['hidden->output']!.params['weight']!.data));
    expect(a.metadata['snn_model']).toBe('lif-mlp');
  });
});
