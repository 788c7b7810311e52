/**
 * `snn inspect` on every format, in-process through main(): the format is detected from the first
 * bytes (HDF5 files by content), the text names the populations / nodes / arrays, --json is parseable.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECKPOINT_MAGIC, MODEL_MAGIC, writeFramed } from '../../io/checkpoint.js';
import { exportDescriptionNir } from '../../io/formats/nir.js';
import { registerBuiltinFormats } from '../../io/formats/register-all.js';
import { getFormat } from '../../io/formats/registry.js';
import { sampleData } from '../../io/formats/test-fixtures.js';
import { parseDescription } from '../../models/description.js';
import { main } from '../main.js';

let dir: string;
let stdout: string;
let stderr: string;
beforeAll(() => {
  registerBuiltinFormats();
  dir = mkdtempSync(join(tmpdir(), 'snn-inspect-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.restoreAllMocks();
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
});

async function inspect(path: string): Promise<{ text: string; json: Record<string, unknown> }> {
  expect(await main(['inspect', path]), stderr).toBe(0);
  const text = stdout;
  stdout = '';
  expect(await main(['inspect', path, '--json']), stderr).toBe(0);
  return { text, json: JSON.parse(stdout) as Record<string, unknown> };
}

describe('snn inspect, spike formats', () => {
  it.each([
    ['aedat2', 'a.aedat', ['exc', 'inh']],
    ['aedat4', 'a.aedat4', ['exc', 'inh']],
    ['npy', 'a.npy', ['events']],
    ['nwb', 'a.nwb', ['exc', 'inh']],
    ['nirdata', 'a.nirdata.h5', ['exc', 'inh']],
    ['csv', 'a.csv', ['inh', 'exc']],
    ['spikesourcearray', 'a.json', ['exc', 'inh']],
    ['lava', 'a.lava.npy', ['events']],
  ])('%s', async (format, name, pops) => {
    const path = join(dir, name);
    await getFormat(format).write(sampleData(), path, { dt: 0.1 });
    const { text, json } = await inspect(path);
    expect(json['format']).toBe(format);
    const populations = json['populations'] as { name: string; spikes: number }[];
    expect(populations.map((p) => p.name)).toEqual(pops);
    expect(populations.reduce((s, p) => s + p.spikes, 0)).toBe(6);
    expect(text).toContain(`: ${format}`);
    for (const p of pops) expect(text).toContain(p);
  });

  it('spike JSON of snn simulate', async () => {
    const path = join(dir, 'sim.json');
    writeFileSync(path, JSON.stringify({ spikes: [[0.5, 3], [1.5, 1]], dt: 0.1 }));
    const { json } = await inspect(path);
    expect(json).toMatchObject({ format: 'spike-json', dt: 0.1, populations: [{ name: 'neurons', size: 4, spikes: 2, activeNeurons: 2 }] });
  });
});

describe('snn inspect, models', () => {
  it('NIR: nodes, parameter shapes, edges and metadata', async () => {
    const path = join(dir, 'm.nir');
    await exportDescriptionNir(
      parseDescription({ dt: 0.1, duration: 5, populations: [{ name: 'i', model: 'spike-source-array', size: 3, spikes: [] }, { name: 'o', model: 'lif', size: 2, params: { tauM: 10 } }], projections: [{ name: 'w', from: 'i', to: 'o', channel: 'v', connectivity: 'dense', weights: 5 }] }),
      path,
    );
    const { text, json } = await inspect(path);
    expect(json['format']).toBe('nir');
    const nodes = json['nodes'] as { id: string; type: string; params: Record<string, { shape: number[]; dtype: string }> }[];
    expect(nodes.map((n) => [n.id, n.type])).toEqual([['i', 'Input'], ['o', 'LIF'], ['w', 'Linear'], ['o_out', 'Output']]);
    expect(nodes[2]!.params['weight']).toMatchObject({ shape: [2, 3], dtype: '<d' });
    expect(json['edges']).toEqual([['i', 'w'], ['w', 'o'], ['o', 'o_out']]);
    expect(text).toMatch(/NIR graph \(version 1\.0\.0\), 4 nodes, 3 edges/);
    expect(text).toMatch(/tau \(2 <d = 0\.01\)/);
    expect(text).toContain('time_unit: s');
  });

  it('trained model and checkpoint: kind, arrays with shapes, trained samples', async () => {
    const model = join(dir, 'model.snnmodel');
    writeFramed(model, MODEL_MAGIC, { format: 'snn-model', version: 1, model: 'hao2020', dataset: 'mnist', config: { neurons: 4 }, seed: 3, trained: 120, arrays: { 'input->exc': new Float32Array(784 * 4), 'exc->sl': new Float32Array(40), 'exc.theta': new Float64Array(4) }, assignments: Int8Array.of(1, -1, 2, 3) });
    const m = await inspect(model);
    expect(m.json).toMatchObject({ format: 'snn-model', fields: { model: 'hao2020', dataset: 'mnist', trained: 120, neurons: 4, assignedNeurons: 3 } });
    expect(m.json['arrays']).toContainEqual({ name: 'input->exc', type: 'Float32Array', length: 3136, shape: [784, 4], stats: { mean: 0, std: 0, min: 0, p5: 0, median: 0, p95: 0, max: 0, zeroFraction: 1 } });
    expect(m.text).toMatch(/snn trained model/);
    const ckpt = join(dir, 'checkpoint.snnckpt');
    writeFramed(ckpt, CHECKPOINT_MAGIC, { config: { neurons: 4 }, position: { trained: 30, epoch: 0 }, arrays: { 'exc.theta': new Float64Array(4) }, populations: { exc: { v: new Float64Array(4) } } });
    const c = await inspect(ckpt);
    expect(c.json).toMatchObject({ format: 'snn-checkpoint', fields: { 'position.trained': 30 } });
    expect((c.json['arrays'] as { name: string }[]).map((a) => a.name)).toEqual(['exc.theta', 'populations.exc.v']);
  });

  it('an HDF5 file of another kind is one line, exit 2', async () => {
    const { createHdf5, writeString } = await import('../../io/formats/hdf5.js');
    const path = join(dir, 'other.h5');
    await createHdf5(path, (f) => void writeString(f, 'x', 'y'));
    expect(await main(['inspect', path])).toBe(2);
    expect(stderr).toMatch(/^error: .*neither NIR, NIRData nor NWB/);
  });
});

describe('snn inspect, damaged HDF5', () => {
  it('a file cut after a valid superblock is one short line', async () => {
    const { exportDescriptionNir: exp } = await import('../../io/formats/nir.js');
    const { readFileSync } = await import('node:fs');
    const path = join(dir, 'cut.nir');
    await exp(parseDescription({ dt: 0.1, duration: 5, populations: [{ name: 'o', model: 'lif', size: 2 }] }), path);
    writeFileSync(path, readFileSync(path).subarray(0, 300));
    expect(await main(['inspect', path])).toBe(2);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).not.toContain('HDF5-DIAG');
    expect(stderr.length).toBeLessThan(400);
  });
});
