/**
 * description → NIR → description round trips of what the larger round trip in nir.test.ts does
 * not contain: one-to-one projections (diagonal weight matrices, with and without per-synapse
 * delays) and adaptive thresholds (θ jumps and decay: NIR tools see the threshold frozen at
 * θ = thetaInit, snn's own import restores the dynamics from the snn_theta metadata).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySink } from '../../engine/recorder-sink.js';
import { RngStream } from '../../engine/rng.js';
import { parseDescription, type NetworkDescription } from '../../models/description.js';
import { simulate } from '../../models/simulate.js';
import { exportDescriptionNir, readNir, readNirGraph } from './nir.js';
import { tempDir } from './test-fixtures.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function inputSpikes(n: number, count: number, seed: number): [number, number][] {
  const rng = RngStream.derive(seed, 'test/nir-round-trips');
  const s: [number, number][] = [];
  const seen = new Set<string>();
  for (let k = 0; k < count; k++) {
    const t = Math.round(rng.uniform() * 2000) / 10;
    const i = Math.floor(rng.uniform() * n);
    if (!seen.has(`${t}/${i}`)) s.push([t, i]); // one spike per neuron and step
    seen.add(`${t}/${i}`);
  }
  return s.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function spikes(desc: NetworkDescription, names: string[]) {
  const sink = new MemorySink();
  simulate(desc, { sink, recordSpikes: names });
  return names.map((name) => {
    const s = sink.spikes(desc.populations.findIndex((p) => p.name === name));
    return { times: Array.from(s.times), ids: Array.from(s.ids) };
  });
}

async function roundTrip(desc: NetworkDescription, file: string) {
  const path = join(tmp.dir, file);
  const exported = await exportDescriptionNir(desc, path);
  const back = await readNir(path);
  return { exported, back: back.description, path };
}

describe('NIR round trip: one-to-one projections', () => {
  const desc = (delay: unknown) =>
    parseDescription({
      dt: 0.1,
      duration: 200,
      populations: [
        { name: 'in', model: 'spike-source-array', size: 6, spikes: inputSpikes(6, 300, 1) },
        { name: 'a', model: 'lif', size: 6, params: { tauM: 10, vRest: -65, vReset: -68, vThresh: -55 } },
      ],
      projections: [{ from: 'in', to: 'a', channel: 'v', connectivity: 'one-to-one', weights: [4, 5, 6, 7, 8, 9], delay }],
    });

  it('comes back one-to-one with its weights, and simulates to the same spikes', async () => {
    const d = desc(0.5);
    const { back } = await roundTrip(d, 'one-to-one.nir');
    const pr = back.projections!.find((p) => p.from === 'in' && p.to === 'a')!;
    expect(pr.connectivity).toBe('one-to-one');
    expect(pr.weights).toEqual([4, 5, 6, 7, 8, 9]);
    expect(pr.delay).toBe(0.5);
    const want = spikes(d, ['a']);
    expect(want[0]!.times.length).toBeGreaterThan(20);
    expect(new Set(want[0]!.ids).size).toBe(6);
    expect(spikes(back, ['a'])).toEqual(want);
  });

  it('with per-synapse delays: the diagonal delays survive and the spikes are the same', async () => {
    const d = desc([[0.1], [0.3], [0.5], [0.7], [0.9], [1.1]].map(([x]) => x));
    const { back, path } = await roundTrip(d, 'one-to-one-delays.nir');
    const want = spikes(d, ['a']);
    expect(spikes(back, ['a'])).toEqual(want);
    // every weight sits on the diagonal of the exported matrices
    const { graph } = await readNirGraph(path);
    let matrices = 0;
    for (const [id, node] of Object.entries(graph.nodes)) {
      if (node.type !== 'Linear' && node.type !== 'Affine') continue;
      const w = node.params['weight'] as { shape: number[]; data: ArrayLike<number> } | undefined;
      if (!w || w.shape[0] !== 6 || w.shape[1] !== 6) continue;
      matrices++;
      for (let r = 0; r < 6; r++) for (let c = 0; c < 6; c++) if (r !== c) expect(w.data[r * 6 + c], `${id}[${r},${c}]`).toBe(0);
    }
    expect(matrices).toBeGreaterThan(0);
  });
});

describe('NIR round trip: adaptive thresholds', () => {
  const theta = { thetaPlus: 2.5, tauTheta: 40, thetaInit: 3, thetaOffset: 1 };
  const desc = (params: Record<string, unknown>) =>
    parseDescription({
      dt: 0.1,
      duration: 200,
      populations: [
        { name: 'in', model: 'spike-source-array', size: 4, spikes: inputSpikes(4, 400, 2) },
        { name: 'a', model: 'lif', size: 3, params: { tauM: 10, vRest: -65, vReset: -65, vThresh: -56, synapse: 'current', tauExc: 3, tauInh: 6, ...params } },
      ],
      projections: [{ from: 'in', to: 'a', channel: 'exc', connectivity: 'dense', weights: 9 }],
    });

  it('θ jump, decay, initial value and offset come back, and the spikes are the same', async () => {
    const d = desc(theta);
    const { back, exported } = await roundTrip(d, 'theta.nir');
    expect(exported.lossy.join(' ')).toMatch(/adaptive threshold/);
    const a = back.populations.find((p) => p.name === 'a')!;
    expect(a.model === 'lif' && a.params).toMatchObject({ ...theta, vThresh: -56, thetaJump: 'additive' });
    const want = spikes(d, ['a']);
    // the threshold adapts: fewer spikes than with θ frozen at thetaInit
    const frozen = spikes(desc({ ...theta, thetaPlus: 0, tauTheta: null }), ['a']);
    expect(want[0]!.times.length).toBeGreaterThan(10);
    expect(frozen[0]!.times.length).toBeGreaterThan(want[0]!.times.length);
    expect(spikes(back, ['a'])).toEqual(want);
  });

  it("Hao et al.'s self-limiting jump comes back too", async () => {
    const d = desc({ ...theta, thetaJump: 'hao2020', thetaInit: 20, thetaOffset: 20, tauTheta: null });
    const { back } = await roundTrip(d, 'theta-hao.nir');
    const a = back.populations.find((p) => p.name === 'a')!;
    expect(a.model === 'lif' && a.params).toMatchObject({ thetaJump: 'hao2020', thetaInit: 20, thetaOffset: 20, tauTheta: null, vThresh: -56 });
    expect(spikes(back, ['a'])).toEqual(spikes(d, ['a']));
  });

  it('other NIR readers see the threshold frozen at vThresh + thetaInit − thetaOffset', async () => {
    const { path } = await roundTrip(desc(theta), 'theta-graph.nir');
    const { graph } = await readNirGraph(path);
    const lif = Object.values(graph.nodes).find((n) => n.type === 'CubaLIF')!;
    const vt = lif.params['v_threshold'] as { data: ArrayLike<number> };
    expect(Array.from(vt.data)).toEqual([-56 + 3 - 1, -56 + 3 - 1, -56 + 3 - 1]);
  });
});
