/**
 * The NIR mappings in memory (no HDF5): snn spec → NIR nodes and edges with every parameter's value,
 * NIR graph → description for foreign-style graphs (units, gains of each neuron type, chains of
 * Linear / Affine / Scale / Delay, LI filters, splitting, connectivity recognition) and each refusal
 * with its message. Closed forms: a spike of weight w into LIF(τ, r) moves v by r·w/τ, into IF by
 * r·w, into CubaLIF by r·w_in·w/τ_syn; time-stepped files (spikeStepMs = dt) multiply by dt.
 */
import { describe, expect, it } from 'vitest';
import { LIF_DEFAULTS, type LifParams } from '../../models/lif.js';
import type { NetworkDescription } from '../../models/description.js';
import { descriptionToNirSpec, denseDelays, denseWeights } from './nir-from-description.js';
import { MAX_DELAY_GROUPS, networkSpecToNir, SNN_NIR_MARK, UNIT_METADATA, type NirNetworkSpec } from './nir-from-network.js';
import type { NirGraph, NirNode } from './nir-graph.js';
import { nirToDescription, NIR_IMPORTABLE } from './nir-to-description.js';
import { msToS, secondsToMsExact } from './nir-units.js';
import { buildNetwork, resolveSettings } from '../../models/build-network.js';
import { parseDescription } from '../../models/description.js';
import { refusal as err } from '../../test/helpers/refusal.js';

const f = (xs: number[], shape?: number[]) => ({ data: Float64Array.from(xs), shape: shape ?? [xs.length] });
const lifParams = (p: Partial<LifParams>): LifParams => ({ ...LIF_DEFAULTS, ...p });

function values(n: NirNode): Record<string, number[]> {
  return Object.fromEntries(Object.entries(n.params).map(([k, t]) => [k, Array.from(t.data)]));
}

describe('snn spec → NIR nodes', () => {
  const spec = (): NirNetworkSpec => ({
    populations: [
      { kind: 'source', name: 'in', size: 2, metadata: { snn_population: '{}' } },
      { kind: 'lif', name: 'd', size: 2, params: lifParams({ tauM: 20, vRest: -65, iBias: 3, vReset: -70, vThresh: -50, thetaInit: 2, thetaOffset: 0.5, thetaPlus: 1 }), record: true },
      { kind: 'lif', name: 'c1', size: 1, params: lifParams({ synapse: 'current', tauM: 10, tauExc: 5, tauInh: 8 }), record: false, metadata: { extra: 'x' } },
      { kind: 'lif', name: 'c2', size: 2, params: lifParams({ synapse: 'current', tauM: 10, tauExc: 4, tauInh: 7 }), record: false, vThreshold: Float64Array.of(-49, -48) },
    ],
    projections: [
      { name: 'in->d', from: 'in', to: 'd', channel: 'v', weight: Float64Array.of(1, 2, 3, 4), delayMs: 1.5 },
      { name: 'in->c1', from: 'in', to: 'c1', channel: 'inh', weight: Float64Array.of(-1, -2), delayMs: 0 },
      { name: 'd->c2e', from: 'd', to: 'c2', channel: 'exc', weight: Float64Array.of(1, 0, 0, 2), delayMs: 0, delaysMs: Float64Array.of(2, 0, 7, 1) },
      { name: 'd->c2i', from: 'd', to: 'c2', channel: 'inh', weight: Float64Array.of(0.5, 0.5, 0.5, 0.5), delayMs: 0, delaysMs: Float64Array.of(3, 3, 3, 3) },
    ],
    metadata: { snn_seed: 7 },
  });

  it('maps each population kind and projection to the documented nodes, parameters and edges', () => {
    const g = networkSpecToNir(spec());
    expect(g.metadata).toEqual({ ...UNIT_METADATA, snn_seed: 7 });
    expect(g.metadata['snn_format']).toBe(SNN_NIR_MARK);
    expect(g.nodes['in']).toEqual({ type: 'Input', params: { shape: f([2]) }, metadata: { snn_population: '{}' } });
    // delta LIF: tau = r = τm (s), v_leak = vRest + iBias, threshold vThresh + θinit − offset
    const d = g.nodes['d']!;
    expect(d.type).toBe('LIF');
    expect(values(d)).toEqual({ tau: [0.02, 0.02], r: [0.02, 0.02], v_leak: [-62, -62], v_reset: [-70, -70], v_threshold: [-48.5, -48.5] });
    expect(d.metadata).toEqual({ snn_synapse: 'delta' });
    // one used channel: CubaLIF with that channel's τ, w_in = τ_syn, r = 1
    const c1 = g.nodes['c1']!;
    expect(c1.type).toBe('CubaLIF');
    expect(values(c1)).toEqual({ tau_mem: [0.01], tau_syn: [0.008], r: [1], v_leak: [-65], v_reset: [-65], v_threshold: [-50], w_in: [0.008] });
    expect(c1.metadata).toEqual({ snn_synapse: 'current', extra: 'x' });
    // both channels with different τ: LIF (r = 1) fed by two LI filters (tau = r = τs, v_leak = 0)
    const c2 = g.nodes['c2']!;
    expect(c2.type).toBe('LIF');
    expect(values(c2)).toEqual({ tau: [0.01, 0.01], r: [1, 1], v_leak: [-65, -65], v_reset: [-65, -65], v_threshold: [-49, -48] });
    expect(g.nodes['c2_syn_exc']).toEqual({ type: 'LI', params: { tau: f([0.004, 0.004]), r: f([0.004, 0.004]), v_leak: f([0, 0]) }, metadata: { snn_channel: 'exc', snn_synaptic_current_of: 'c2' } });
    expect(g.nodes['c2_syn_inh']).toEqual({ type: 'LI', params: { tau: f([0.007, 0.007]), r: f([0.007, 0.007]), v_leak: f([0, 0]) }, metadata: { snn_channel: 'inh', snn_synaptic_current_of: 'c2' } });
    // projections: Linear [post × pre] (+ Delay in s); per-synapse delays: one Linear per delay of a non-zero weight
    expect(g.nodes['in->d']).toEqual({ type: 'Linear', params: { weight: f([1, 2, 3, 4], [2, 2]) }, metadata: { snn_channel: 'v' } });
    expect(g.nodes['in->d_delay']).toEqual({ type: 'Delay', params: { delay: f([0.0015, 0.0015]) } });
    expect(g.nodes['in->c1']).toEqual({ type: 'Linear', params: { weight: f([-1, -2], [1, 2]) }, metadata: { snn_channel: 'inh' } });
    expect(g.nodes['d->c2e_d0']).toEqual({ type: 'Linear', params: { weight: f([0, 0, 0, 2], [2, 2]) }, metadata: { snn_channel: 'exc', snn_projection: 'd->c2e' } });
    expect(g.nodes['d->c2e_d1']).toEqual({ type: 'Linear', params: { weight: f([1, 0, 0, 0], [2, 2]) }, metadata: { snn_channel: 'exc', snn_projection: 'd->c2e' } });
    expect(values(g.nodes['d->c2e_d0_delay']!)).toEqual({ delay: [0.001, 0.001] });
    expect(values(g.nodes['d->c2e_d1_delay']!)).toEqual({ delay: [0.002, 0.002] });
    // one delay value: the projection keeps its own name
    expect(g.nodes['d->c2i']!.metadata).toEqual({ snn_channel: 'inh' });
    expect(values(g.nodes['d->c2i_delay']!)).toEqual({ delay: [0.003, 0.003] });
    expect(g.nodes['d_out']).toEqual({ type: 'Output', params: { shape: f([2]) } });
    expect(g.nodes['c1_out']).toBeUndefined();
    expect(g.edges).toEqual([
      ['c2_syn_exc', 'c2'],
      ['c2_syn_inh', 'c2'],
      ['in', 'in->d'],
      ['in->d', 'in->d_delay'],
      ['in->d_delay', 'd'],
      ['in', 'in->c1'],
      ['in->c1', 'c1'],
      ['d', 'd->c2e_d0'],
      ['d->c2e_d0', 'd->c2e_d0_delay'],
      ['d->c2e_d0_delay', 'c2_syn_exc'],
      ['d', 'd->c2e_d1'],
      ['d->c2e_d1', 'd->c2e_d1_delay'],
      ['d->c2e_d1_delay', 'c2_syn_exc'],
      ['d', 'd->c2i'],
      ['d->c2i', 'd->c2i_delay'],
      ['d->c2i_delay', 'c2_syn_inh'],
      ['d', 'd_out'],
    ]);
  });

  it('a current population fed on no channel is a CubaLIF with τexc; all-zero delays keep one Linear', () => {
    const g = networkSpecToNir({
      populations: [
        { kind: 'source', name: 'a', size: 1 },
        { kind: 'lif', name: 'c', size: 1, params: lifParams({ synapse: 'current', tauExc: 3, tauInh: 9 }), record: false },
        { kind: 'lif', name: 'e', size: 1, params: lifParams({ synapse: 'current', tauExc: 3, tauInh: 3 }), record: false },
      ],
      projections: [
        { name: 'a->e1', from: 'a', to: 'e', channel: 'exc', weight: Float64Array.of(0), delayMs: 0, delaysMs: Float64Array.of(4) },
        { name: 'a->e2', from: 'a', to: 'e', channel: 'inh', weight: Float64Array.of(1), delayMs: 0 },
      ],
      metadata: {},
    });
    expect(g.nodes['a']).toEqual({ type: 'Input', params: { shape: f([1]) } });
    expect(values(g.nodes['c']!).tau_syn).toEqual([0.003]);
    // Equal τ on both channels: still one CubaLIF.
    expect(g.nodes['e']!.type).toBe('CubaLIF');
    expect(g.nodes['a->e1']).toEqual({ type: 'Linear', params: { weight: f([0], [1, 1]) }, metadata: { snn_channel: 'exc' } });
    expect(g.edges).toContainEqual(['a->e1', 'e']);
    expect(g.edges).toContainEqual(['a->e2', 'e']);
  });

  it('refuses what it cannot write, each with its message', () => {
    const base = spec();
    const run = (change: (s: NirNetworkSpec) => void) => {
      const s = spec();
      change(s);
      return err(() => networkSpecToNir(s));
    };
    const coded = (change: (s: NirNetworkSpec) => void, code: string, hint: string) => {
      const e = run(change);
      expect([e.code, e.hint]).toEqual([code, hint]);
    };
    coded((s) => s.projections.push({ ...base.projections[0]!, name: 'd' }), 'usage', 'rename the population or projection so that names (and <pop>_out, <pop>_syn_exc, <proj>_delay) are unique');
    coded((s) => (s.projections[0]!.from = 'nope'), 'internal', 'fix the exporter');
    coded((s) => (s.projections[0]!.to = 'in'), 'usage', 'sources take no input');
    coded((s) => (s.projections[0]!.weight = Float64Array.of(1)), 'internal', 'fix the exporter');
    coded((s) => (s.projections[0]!.channel = 'exc'), 'usage', 'fix the projection channel');
    coded((s) => (s.projections[2]!.delaysMs = Float64Array.of(1)), 'internal', 'fix the exporter');
    coded((s) => ((s.populations[3] as { vThreshold?: Float64Array }).vThreshold = Float64Array.of(1)), 'internal', 'fix the exporter');
    coded((s) => ((s.populations[1] as { params: LifParams }).params = lifParams({ synapse: 'conductance' })), 'usage', 'use synapse "current", or export a trained model (snn export RUN_DIR --format nir) for the documented approximation');
    // Exactly the largest number of delay groups is fine; a projection's own metadata is kept.
    const ok = spec();
    const n = MAX_DELAY_GROUPS;
    ok.populations.push({ kind: 'source', name: 'big', size: n });
    ok.projections.push({ name: 'big->d', from: 'big', to: 'd', channel: 'v', weight: new Float64Array(2 * n).fill(1), delayMs: 0, delaysMs: Float64Array.from({ length: 2 * n }, (_, k) => 1 + (k % n)), metadata: { note: 'x' } });
    const g = networkSpecToNir(ok);
    expect(g.nodes[`big->d_d${n - 1}`]!.metadata).toEqual({ snn_channel: 'v', snn_projection: 'big->d', note: 'x' });
    expect(run((s) => s.projections.push({ ...base.projections[0]!, name: 'd' })).message).toBe("two NIR nodes would be named 'd'");
    expect(run((s) => (s.projections[0]!.from = 'nope')).message).toBe("projection 'in->d' names an unknown population");
    expect(run((s) => (s.projections[0]!.to = 'in')).message).toBe("projection 'in->d' targets 'in', a spike source");
    expect(run((s) => (s.projections[0]!.weight = Float64Array.of(1, 2, 3))).message).toBe("projection 'in->d': 3 weights for 2 × 2");
    expect(run((s) => (s.projections[0]!.channel = 'exc')).message).toBe("projection 'in->d' feeds channel 'exc' of 'd', which has no such channel");
    expect(run((s) => (s.projections[2]!.delaysMs = Float64Array.of(1))).message).toBe("projection 'd->c2e': 1 delays for 4 weights");
    const manyCoded = run((s) => {
      const n = MAX_DELAY_GROUPS + 1;
      s.populations.push({ kind: 'source', name: 'big', size: n });
      s.projections.push({ name: 'big->d', from: 'big', to: 'd', channel: 'v', weight: new Float64Array(2 * n).fill(1), delayMs: 0, delaysMs: Float64Array.from({ length: 2 * n }, (_, k) => k % n) });
    });
    expect([manyCoded.code, manyCoded.hint]).toEqual(['usage', 'round the delays to fewer values (e.g. a coarser dt)']);
    const many = run((s) => {
      const n = MAX_DELAY_GROUPS + 1;
      s.populations.push({ kind: 'source', name: 'big', size: n });
      s.projections.push({ name: 'big->d', from: 'big', to: 'd', channel: 'v', weight: new Float64Array(2 * n).fill(1), delayMs: 0, delaysMs: Float64Array.from({ length: 2 * n }, (_, k) => k % n) });
    });
    expect(many.message).toBe(`projection 'big->d' has ${MAX_DELAY_GROUPS + 1} different delays; NIR needs one Linear + Delay per delay value (at most ${MAX_DELAY_GROUPS})`);
    expect(run((s) => ((s.populations[3] as { vThreshold?: Float64Array }).vThreshold = Float64Array.of(1))).message).toBe("population 'c2': 1 thresholds for 2 neurons");
    expect(run((s) => ((s.populations[1] as { params: LifParams }).params = lifParams({ synapse: 'conductance' }))).message).toBe("population 'd' is conductance-based; NIR has no conductance primitive");
    expect(run((s) => (s.populations[0]!.name = 'a/b')).message).toBe("'a/b' cannot be a NIR node id (an HDF5 group name)");
  });
});

describe('snn → NIR → snn in memory', () => {
  it('a description comes back with its parameters, weights, connectivity, delays and channels', () => {
    const desc: NetworkDescription = parseDescription({
      name: 'rt',
      dt: 0.25,
      duration: 30,
      seed: 11,
      populations: [
        { name: 'in', model: 'spike-source-array', size: 3, spikes: [] },
        { name: 'a', model: 'lif', size: 3, params: { tauM: 12, vRest: -60, iBias: 2, vReset: -66, vThresh: -52, refractory: 1.25, thetaPlus: 0.5, tauTheta: 80, thetaInit: 1, thetaOffset: 0.25 }, v0: [-61, -62, -63] },
        { name: 'b', model: 'lif', size: 3, params: { synapse: 'current', tauM: 9, tauExc: 3, tauInh: 6, vMin: -80, method: 'euler' } },
      ],
      projections: [
        { name: 'in->a', from: 'in', to: 'a', channel: 'v', connectivity: 'one-to-one', weights: [1, 2, 3], delay: 0.5 },
        { name: 'a->b', from: 'a', to: 'b', channel: 'exc', connectivity: 'all-but-self', weights: 0.75 },
        { name: 'a->b2', from: 'a', to: 'b', channel: 'inh', connectivity: 'dense', weights: [[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]] },
        { name: 'b->a', from: 'b', to: 'a', channel: 'v', connectivity: { pairs: [[0, 2], [2, 1]] }, weights: [0.5, 0.25] },
      ],
      record: { spikes: ['a'] },
    });
    const { spec, lossy } = descriptionToNirSpec(desc);
    expect(lossy).toEqual([
      "population 'a': adaptive threshold frozen at θ = thetaInit (1 mV) for NIR tools (snn restores it from snn_theta)",
      "population 'a': refractory period 1.25 ms kept only in snn metadata",
      "population 'b': the lower clamp vMin = -80 mV is dropped",
    ]);
    expect(spec.metadata).toEqual({ dt: 0.00025, snn_dt_ms: 0.25, snn_seed: 11, snn_precision: 'f64', snn_mode: 'clock', snn_duration_ms: 30, snn_name: 'rt', snn_lossy: lossy.join('; ') });
    const { description: back, notes } = nirToDescription(networkSpecToNir(spec));
    expect(notes).toEqual([]);
    expect(back.name).toBe('rt');
    expect(back.dt).toBe(0.25);
    expect(back.duration).toBe(30);
    expect(back.seed).toBe(11);
    expect(back.mode).toBe('clock');
    expect(back.precision).toBe('f64');
    const pop = (n: string) => back.populations.find((p) => p.name === n)!;
    expect(pop('in')).toEqual(desc.populations[0]);
    expect(pop('a')).toMatchObject({ model: 'lif', size: 3, v0: [-61, -62, -63], params: { tauM: 12, vRest: -58, vReset: -66, vThresh: -52, refractory: 1.25, thetaPlus: 0.5, tauTheta: 80, thetaInit: 1, thetaOffset: 0.25, synapse: 'delta', method: 'exact' } });
    expect(pop('b')).toMatchObject({ params: { synapse: 'current', tauM: 9, tauExc: 3, tauInh: 6, vMin: -80, method: 'euler', vRest: -65 } });
    const proj = (n: string) => back.projections!.find((p) => p.name === n)!;
    expect(proj('in->a')).toMatchObject({ from: 'in', to: 'a', channel: 'v', connectivity: 'one-to-one', weights: [1, 2, 3], delay: 0.5 });
    expect(proj('a->b')).toMatchObject({ channel: 'exc', connectivity: 'all-but-self', weights: 0.75 });
    expect(proj('a->b').delay).toBeUndefined();
    expect(proj('a->b2')).toMatchObject({ channel: 'inh', connectivity: 'dense', weights: [[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]] });
    expect(proj('b->a')).toMatchObject({ channel: 'v', connectivity: { pairs: [[0, 2], [2, 1]] }, weights: [0.5, 0.25] });
    expect(back.record).toEqual({ spikes: ['a'] });
  });

  it('exact mode: declared delays, and sparse weights as a [pre][post] matrix', () => {
    const desc = parseDescription({
      mode: 'exact',
      dt: 0.1,
      populations: [
        { name: 'in', model: 'spike-source-array', size: 2, spikes: [] },
        { name: 'a', model: 'lif', size: 2 },
      ],
      projections: [{ name: 'p', from: 'in', to: 'a', channel: 'v', connectivity: { pairs: [[0, 1]] }, weights: [[0, 2], [0, 0]], delay: 0.37 }],
    });
    const { spec } = descriptionToNirSpec(desc);
    expect(spec.projections[0]!.delayMs).toBe(0.37);
    expect(spec.projections[0]!.delaysMs).toBeUndefined();
    const back = nirToDescription(networkSpecToNir(spec)).description;
    expect(back.mode).toBe('exact');
    expect(back.projections![0]).toMatchObject({ connectivity: { pairs: [[0, 1]] }, weights: [[0, 2], [0, 0]], delay: 0.37 });
  });

  it('spec details: delays as declared, per-synapse delays in clock mode, recording, metadata only when set, θ notes', () => {
    const desc = parseDescription({
      dt: 0.1,
      populations: [
        { name: 'in', model: 'spike-source-array', size: 2, spikes: [] },
        { name: 'a', model: 'lif', size: 2, params: { thetaInit: 1, tauTheta: 50 } },
        { name: 'b', model: 'lif', size: 2, params: { thetaInit: 1 } },
      ],
      projections: [
        { name: 'p', from: 'in', to: 'a', channel: 'v', connectivity: 'dense', weights: 1, delay: 0.3 },
        { name: 'q', from: 'in', to: 'b', channel: 'v', connectivity: 'dense', weights: 1, delay: [[0.1, 0.2], [0.3, 0.4]] },
      ],
    });
    const { spec, lossy } = descriptionToNirSpec(desc);
    // 0.3 ms is 3 steps of 0.1 ms, but 3·0.1 ≠ 0.3 in float64: the declared value is written.
    expect(spec.projections[0]!.delayMs).toBe(0.3);
    expect(spec.projections[0]!.delaysMs).toBeUndefined();
    expect(spec.projections[1]!.delayMs).toBe(0);
    expect(Array.from(spec.projections[1]!.delaysMs!)).toEqual([0.1, 0.30000000000000004, 0.2, 0.4]);
    expect(spec.populations.map((p) => (p.kind === 'lif' ? p.record : null))).toEqual([null, true, true]);
    expect(spec.metadata).toStrictEqual({ dt: 0.0001, snn_dt_ms: 0.1, snn_seed: spec.metadata['snn_seed'], snn_precision: 'f64', snn_mode: 'clock', snn_lossy: lossy.join('; ') });
    // A decaying θ is lost for other tools; a constant one is exactly the frozen threshold.
    expect(lossy).toEqual(["population 'a': adaptive threshold frozen at θ = thetaInit (1 mV) for NIR tools (snn restores it from snn_theta)"]);
    const a = spec.populations[1]!;
    expect(a.metadata).toEqual({ snn_refractory_ms: 0, snn_method: 'exact', snn_theta: JSON.stringify({ thetaPlus: 0, tauTheta: 50, thetaInit: 1, thetaOffset: 0, thetaJump: 'additive' }), snn_v0: '-65' });
    // Exact mode: a projection without a delay, and a network without projections.
    const ex = (projections: unknown) =>
      parseDescription({ mode: 'exact', populations: [{ name: 'in', model: 'spike-source-array', size: 1, spikes: [] }, { name: 'a', model: 'lif', size: 1 }], ...(projections ? { projections } : {}) });
    expect(descriptionToNirSpec(ex([{ name: 'p', from: 'in', to: 'a', channel: 'v', connectivity: 'dense', weights: 1 }])).spec.projections[0]!.delayMs).toBe(0);
    expect(descriptionToNirSpec(ex(null)).spec.projections).toEqual([]);
    const silent = descriptionToNirSpec(parseDescription({ populations: [{ name: 'a', model: 'lif', size: 1 }], record: { spikes: ['x'] } }));
    expect((silent.spec.populations[0] as { record: boolean }).record).toBe(false);
    expect(silent.spec.metadata['snn_lossy']).toBeUndefined();
  });

  it('exact mode refuses per-synapse delays; uniform ranges of one value pass', () => {
    const mk = (delay: unknown) =>
      parseDescription({
        mode: 'exact',
        populations: [
          { name: 'in', model: 'spike-source-array', size: 2, spikes: [] },
          { name: 'a', model: 'lif', size: 2 },
        ],
        projections: [{ name: 'p', from: 'in', to: 'a', channel: 'v', connectivity: 'dense', weights: 1, delay }],
      });
    const e = err(() => descriptionToNirSpec(mk({ uniform: [1, 2] })));
    expect(e.code).toBe('usage');
    expect(e.message).toBe("projection 'p' has per-synapse delays in exact mode; snn exports those to NIR only from clock mode");
    expect(e.hint).toBe('use one delay per projection, or --mode clock');
    expect(descriptionToNirSpec(mk({ uniform: [2, 2] })).spec.projections[0]!.delayMs).toBe(2);
    expect(descriptionToNirSpec(mk([[1, 1], [1, 1]])).spec.projections[0]!.delayMs).toBe(1);
    expect(() => descriptionToNirSpec(mk([[1, 2], [1, 1]]))).toThrow(/per-synapse delays in exact mode/);
  });

  it('denseWeights / denseDelays: [post × pre] for every connectivity', () => {
    const desc = parseDescription({
      dt: 0.5,
      populations: [
        { name: 'x', model: 'spike-source-array', size: 3, spikes: [] },
        { name: 'y', model: 'lif', size: 3 },
      ],
      projections: [
        { name: 'dense', from: 'x', to: 'y', channel: 'v', connectivity: 'dense', weights: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], delay: [[0.5, 1, 1.5], [2, 2.5, 3], [3.5, 4, 4.5]] },
        { name: 'o2o', from: 'x', to: 'y', channel: 'v', connectivity: 'one-to-one', weights: [1, 2, 3], delay: [0.5, 1, 1.5] },
        { name: 'abs', from: 'x', to: 'y', channel: 'v', connectivity: 'all-but-self', weights: 2 },
        { name: 'sp', from: 'x', to: 'y', channel: 'v', connectivity: { pairs: [[0, 1], [2, 0], [2, 1]] }, weights: [5, 6, 7], delay: [1, 2, 3] },
      ],
    });
    const net = buildNetwork(desc, resolveSettings(desc));
    const [dense, o2o, abs, sp] = net.projections;
    expect(Array.from(denseWeights(dense!))).toEqual([1, 4, 7, 2, 5, 8, 3, 6, 9]);
    expect(Array.from(denseDelays(dense!, 0.5))).toEqual([0.5, 2, 3.5, 1, 2.5, 4, 1.5, 3, 4.5]);
    expect(Array.from(denseWeights(o2o!))).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 3]);
    expect(Array.from(denseDelays(o2o!, 0.5))).toEqual([0.5, 0, 0, 0, 1, 0, 0, 0, 1.5]);
    expect(Array.from(denseWeights(abs!))).toEqual([0, 2, 2, 2, 0, 2, 2, 2, 0]);
    expect(Array.from(denseWeights(sp!))).toEqual([0, 0, 6, 5, 0, 7, 0, 0, 0]);
    expect(Array.from(denseDelays(sp!, 0.5))).toEqual([0, 0, 2, 1, 0, 3, 0, 0, 0]);
  });

  it('refuses conductance populations when exporting a description', () => {
    const e = err(() =>
      descriptionToNirSpec(parseDescription({ populations: [{ name: 'g', model: 'lif', size: 1, params: { synapse: 'conductance' } }] })),
    );
    expect(e.code).toBe('usage');
    expect(e.message).toBe("population 'g' is conductance-based; NIR has no conductance primitive");
    expect(e.hint).toBe('use synapse "current", or export a trained model (snn export RUN_DIR --format nir) for the documented approximation');
  });
});

/** A foreign graph: one Input of `n` into whatever `rest` adds, no snn metadata. */
function foreign(nodes: Record<string, NirNode>, edges: [string, string][], metadata: Record<string, string | number> = {}): NirGraph {
  return { nodes, edges, metadata };
}

describe('NIR graph → description (foreign files)', () => {
  const lif = (tau: number[], r: number[], extra: Record<string, number[]> = {}): NirNode => ({
    type: 'LIF',
    params: { tau: f(tau), r: f(r), v_leak: f(tau.map(() => 0)), v_threshold: f(tau.map(() => 1)), ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, f(v)])) },
  });

  it('LIF: gain r/τ, seconds detected, v_reset absent → 0, one note per interpretation', () => {
    const { description: d, notes } = nirToDescription(
      foreign({ i: { type: 'Input', params: { shape: f([2]) } }, w: { type: 'Linear', params: { weight: f([1, 2, 3, 4], [2, 2]) } }, n: lif([0.01, 0.01], [0.02, 0.05]) }, [['i', 'w'], ['w', 'n']], { dt: 0.001 }),
    );
    expect(notes).toEqual([
      'time unit not declared: time constants and delays taken as seconds (all < 1)',
      'spikes taken as unit-area impulses (continuous NIR); for snnTorch-style files (r = tau/dt) pass --spike-step DT_MS',
      "Input 'i' becomes an empty spike-source-array 'i' of 2 neurons (fill it: snn import REC --into NET.json --population i)",
      'dt = 1 ms from the file\'s metadata',
    ]);
    expect(d.dt).toBe(1);
    expect(d.populations[1]).toMatchObject({ name: 'n', params: { tauM: 10, vRest: 0, vThresh: 1, vReset: 0, synapse: 'delta' } });
    // weights [pre][post] = W[post][pre]·r_post/τ
    expect(d.projections![0]!.weights).toEqual([[2, 3 * 5], [2 * 2, 4 * 5]]);
    expect(d.projections![0]!.name).toBe('w');
    expect(d.record).toEqual({ spikes: true });
  });

  it('time unit: ms when a constant is ≥ 1, declared in metadata, or forced', () => {
    const g = (meta: Record<string, string>) => foreign({ i: { type: 'Input', params: { shape: f([1]) } }, n: lif([20], [20]) }, [['i', 'n']], meta);
    const ms = nirToDescription(g({}));
    expect(ms.notes[0]).toBe('time constants and delays taken as ms (some ≥ 1)'.replace(/^/, 'time unit not declared: '));
    expect(ms.description.populations[1]).toMatchObject({ params: { tauM: 20 } });
    expect(nirToDescription(g({ time_unit: 's' })).description.populations[1]).toMatchObject({ params: { tauM: 20000 } });
    expect(nirToDescription(g({ time_unit: 's' })).notes.some((n) => n.startsWith('time unit'))).toBe(false);
    expect(nirToDescription(g({ time_unit: 'ms' })).description.populations[1]).toMatchObject({ params: { tauM: 20 } });
    expect(nirToDescription(g({}), { timeUnit: 's' }).description.populations[1]).toMatchObject({ params: { tauM: 20000 } });
    expect(nirToDescription(g({ time_unit: 's' }), { timeUnit: 'ms' }).description.populations[1]).toMatchObject({ params: { tauM: 20 } });
    // A one-to-one identity path (no Linear): weight r/τ = 1
    expect(nirToDescription(g({})).description.projections![0]).toMatchObject({ connectivity: 'dense', weights: [[1]], name: 'i->n' });
  });

  it('spikeStepMs multiplies every gain by the step (in the file’s unit) and silences the impulse note', () => {
    const g = foreign(
      {
        i: { type: 'Input', params: { shape: f([1]) } },
        a: lif([0.02], [0.04]),
        b: { type: 'IF', params: { r: f([3]), v_threshold: f([1]), v_reset: f([-0.5]) } },
        c: { type: 'CubaLIF', params: { tau_mem: f([0.01]), tau_syn: f([0.005]), r: f([2]), v_leak: f([0.1]), v_threshold: f([1]), w_in: f([0.5]) } },
      },
      [['i', 'a'], ['i', 'b'], ['i', 'c']],
    );
    const plain = nirToDescription(g).description;
    const stepped = nirToDescription(g, { spikeStepMs: 0.5 });
    expect(stepped.notes.some((n) => n.includes('unit-area'))).toBe(false);
    const w = (d: NetworkDescription, to: string) => (d.projections!.find((p) => p.to === to)!.weights as number[][])[0]![0]!;
    expect(w(plain, 'a')).toBe(0.04 / 0.02);
    expect(w(stepped.description, 'a')).toBe((0.04 * 0.0005) / 0.02);
    // IF: gain r, no leak (τ = 1e300), rests at v_reset
    expect(w(plain, 'b')).toBe(3);
    expect(w(stepped.description, 'b')).toBe(3 * 0.0005);
    expect(plain.populations.find((p) => p.name === 'b')).toMatchObject({ params: { synapse: 'delta', tauM: 1e300, vRest: -0.5, vReset: -0.5, vThresh: 1 } });
    // CubaLIF: gain r·w_in/τ_syn into the exc current
    expect(w(plain, 'c')).toBe((2 * 0.5) / 0.005);
    expect(w(stepped.description, 'c')).toBe((2 * 0.0005 * 0.5) / 0.005);
    expect(plain.projections!.find((p) => p.to === 'c')!.channel).toBe('exc');
    expect(plain.populations.find((p) => p.name === 'c')).toMatchObject({ params: { synapse: 'current', tauM: 10, tauExc: 5, tauInh: 5, vRest: 0.1, vReset: 0 } });
    // w_in absent: 1
    const noWin = structuredClone(g);
    delete noWin.nodes['c']!.params['w_in'];
    expect(w(nirToDescription(noWin).description, 'c')).toBe(2 / 0.005);
  });

  it('Affine bias folds r·b into v_leak; Scale scales rows; Delay adds its delay; the name is the first Linear/Affine', () => {
    const g = foreign(
      {
        i: { type: 'Input', params: { shape: f([2]) } },
        s0: { type: 'Scale', params: { scale: f([2, 3]) } },
        a: { type: 'Affine', params: { weight: f([1, 0, 0, 1], [2, 2]), bias: f([0.5, 0.5]) } },
        s: { type: 'Scale', params: { scale: f([10, 10]) } },
        dl: { type: 'Delay', params: { delay: f([0.002, 0.002]) } },
        n: lif([0.01, 0.01], [0.01, 0.01]),
      },
      [['i', 's0'], ['s0', 'a'], ['a', 's'], ['s', 'dl'], ['dl', 'n']],
    );
    const d = nirToDescription(g).description;
    const p = d.projections![0]!;
    expect(p.name).toBe('a');
    expect(p.delay).toBe(2);
    expect(p).toMatchObject({ connectivity: 'one-to-one', weights: [20, 30] });
    expect(d.populations[1]).toMatchObject({ params: { vRest: 0.01 * 0.5 * 10 } });
    // A bias upstream of a Linear passes through its weights.
    const g2 = foreign(
      {
        i: { type: 'Input', params: { shape: f([1]) } },
        a: { type: 'Affine', params: { weight: f([1], [1, 1]), bias: f([2]) } },
        l: { type: 'Linear', params: { weight: f([3], [1, 1]) } },
        n: lif([0.01], [0.02]),
      },
      [['i', 'a'], ['a', 'l'], ['l', 'n']],
    );
    expect(nirToDescription(g2).description.populations[1]).toMatchObject({ params: { vRest: 0.02 * 2 * 3 } });
  });

  it('LI filters into a LIF become its exc and inh currents; an LI read out is a silent LIF with v recorded', () => {
    const g = foreign(
      {
        i: { type: 'Input', params: { shape: f([1]) } },
        l1: { type: 'Linear', params: { weight: f([1], [1, 1]) } },
        l2: { type: 'Linear', params: { weight: f([-1], [1, 1]) } },
        fe: { type: 'LI', params: { tau: f([0.004]), r: f([0.008]), v_leak: f([0]) } },
        fi: { type: 'LI', params: { tau: f([0.01]), r: f([0.01]), v_leak: f([0]) } },
        n: lif([0.02], [1]),
        l3: { type: 'Linear', params: { weight: f([1], [1, 1]) } },
        ro: { type: 'LI', params: { tau: f([0.05]), r: f([0.05]), v_leak: f([-1]) } },
        o: { type: 'Output', params: { shape: f([1]) } },
        no: { type: 'Output', params: { shape: f([1]) } },
        l4: { type: 'Linear', params: { weight: f([1], [1, 1]) } },
        o2: { type: 'Output', params: { shape: f([1]) } },
      },
      [['i', 'l1'], ['l1', 'fe'], ['fe', 'n'], ['i', 'l2'], ['l2', 'fi'], ['fi', 'n'], ['n', 'l3'], ['l3', 'ro'], ['ro', 'o'], ['n', 'no'], ['i', 'l4'], ['l4', 'o2']],
    );
    const { description: d, notes } = nirToDescription(g);
    expect(d.populations.find((p) => p.name === 'n')).toMatchObject({ params: { synapse: 'current', tauExc: 4, tauInh: 10, tauM: 20 } });
    const pe = d.projections!.find((p) => p.name === 'l1')!;
    const pi = d.projections!.find((p) => p.name === 'l2')!;
    expect(pe).toMatchObject({ channel: 'exc', weights: [[0.008 / 0.004]] });
    expect(pi).toMatchObject({ channel: 'inh', weights: [[-1]] });
    expect(d.populations.find((p) => p.name === 'ro')).toMatchObject({ params: { vThresh: 1e308, vRest: -1, vReset: -1, tauM: 50, synapse: 'delta' } });
    expect(d.record).toEqual({ spikes: ['n', 'ro'], state: [{ population: 'ro', variables: ['v'] }] });
    expect(notes).toContain("edge into Output 'o2' passes through weights or delays: ignored (snn records spikes)");
  });

  it('splits a node of unequal parameters when splitMax allows, else names the parameter that differs', () => {
    const g = foreign(
      { i: { type: 'Input', params: { shape: f([2]) } }, w: { type: 'Linear', params: { weight: f([1, 2, 3, 4], [3, 2]) } } as NirNode, n: lif([0.01, 0.02, 0.01], [0.01, 0.02, 0.01]) },
      [['i', 'w'], ['w', 'n']],
    );
    g.nodes['w']!.params['weight'] = f([1, 2, 3, 4, 5, 6], [3, 2]);
    const e = err(() => nirToDescription(g));
    expect(e.message).toBe("NIR node 'n' has different tau values across its neurons (2 groups); an snn population has one tau");
    expect(e.hint).toBe('pass --split-max 2 (snn import) to make one population per group of equal parameters; per-neuron r, w_in and weights are fine');
    const { description: d, notes } = nirToDescription(g, { splitMax: 2 });
    expect(notes).toContain('node \'n\' split into 2 populations n#0…n#1 of equal parameters');
    expect(d.populations.slice(1).map((p) => [p.name, p.size])).toEqual([['n#0', 2], ['n#1', 1]]);
    expect(d.projections!.map((p) => [p.name, p.to, p.weights])).toEqual([
      ['w:i>n#0', 'n#0', [[1, 5], [2, 6]]],
      ['w:i>n#1', 'n#1', [[3], [4]]],
    ]);
  });

  it('recognises one-to-one, all-but-self, dense and sparse weight matrices', () => {
    const conn = (w: number[]) =>
      nirToDescription(foreign({ i: { type: 'Input', params: { shape: f([2]) } }, w: { type: 'Linear', params: { weight: f(w, [2, 2]) } }, n: lif([0.01, 0.01], [0.01, 0.01]) }, [['i', 'w'], ['w', 'n']])).description.projections![0]!;
    expect(conn([3, 0, 0, 4])).toMatchObject({ connectivity: 'one-to-one', weights: [3, 4] });
    expect(conn([0, 5, 5, 0])).toMatchObject({ connectivity: 'all-but-self', weights: 5 });
    expect(conn([0, 5, 6, 0])).toMatchObject({ connectivity: { pairs: [[0, 1], [1, 0]] }, weights: [6, 5] });
    expect(conn([1, 2, 3, 4])).toMatchObject({ connectivity: 'dense', weights: [[1, 3], [2, 4]] });
    expect(conn([3, 0, 0, 0])).toMatchObject({ connectivity: { pairs: [[0, 0]] }, weights: [3] });
  });

  it('renames ids that are not snn names, keeping them unique', () => {
    const g = foreign({ 'in put': { type: 'Input', params: { shape: f([1]) } }, 'in_put': { type: 'Input', params: { shape: f([1]) } }, '': { type: 'Input', params: { shape: f([1]) } } }, []);
    const { description: d, notes } = nirToDescription(g);
    expect(d.populations.map((p) => p.name)).toEqual(['in_put', 'in_put_2', 'node']);
    expect(notes).toContain("node 'in put' renamed 'in_put'");
    expect(notes).toContain("node 'in_put' renamed 'in_put_2'");
  });

  it('notes chain nodes that nothing feeds', () => {
    const g = foreign({ i: { type: 'Input', params: { shape: f([1]) } }, l: { type: 'Linear', params: { weight: f([1], [1, 1]) } } }, []);
    expect(nirToDescription(g).notes).toContain("node 'l' (Linear) has no input: ignored");
  });

  it('refuses graphs it cannot map, each with its message', () => {
    const I = { type: 'Input', params: { shape: f([1]) } } as NirNode;
    const L = { type: 'Linear', params: { weight: f([1], [1, 1]) } } as NirNode;
    const m = (nodes: Record<string, NirNode>, edges: [string, string][]) => err(() => nirToDescription(foreign(nodes, edges))).message;
    expect(NIR_IMPORTABLE).toEqual(['Input', 'Output', 'Affine', 'Linear', 'Scale', 'Delay', 'LIF', 'CubaLIF', 'IF', 'LI', 'CubaLI']);
    expect(m({ i: I, n: lif([0.01], [0.01]), x: { type: 'Input', params: { shape: f([1]) } } }, [['i', 'n'], ['n', 'x']])).toBe("NIR node 'x' (Input) has an incoming edge");
    expect(m({ i: I, n: lif([0.01, 0.01], [0.01, 0.01]) }, [['i', 'n']])).toBe("NIR edge into 'n' carries 1 values but the node has 2 neurons");
    expect(m({ i: I, l: { type: 'Linear', params: { weight: f([1]) } }, n: lif([0.01], [0.01]) }, [['i', 'l'], ['l', 'n']])).toBe("NIR node 'l' (Linear) needs a 2-D weight");
    expect(m({ i: I, l: { type: 'Linear', params: { weight: f([1, 1], [1, 2]) } }, n: lif([0.01], [0.01]) }, [['i', 'l'], ['l', 'n']])).toBe("NIR node 'l' weight is (1, 2) but its input carries 1 values");
    expect(m({ i: I, l: { type: 'Affine', params: { weight: f([1], [1, 1]), bias: f([1, 2]) } }, n: lif([0.01], [0.01]) }, [['i', 'l'], ['l', 'n']])).toBe("NIR node 'l' bias has 2 values for 1 outputs");
    expect(m({ i: I, a: L, b: { ...L } }, [['i', 'a'], ['a', 'b'], ['b', 'a']])).toBe("NIR graph: the path from 'i' passes through more than 16 nodes without reaching a neuron");
    expect(m({ i: I, l: L, f: { type: 'LI', params: { tau: f([0.01]), r: f([0.01]), v_leak: f([1]) } }, n: lif([0.01], [0.01]) }, [['i', 'l'], ['l', 'f'], ['f', 'n']])).toBe("NIR node 'f' (LI into 'n') has v_leak ≠ 0");
    expect(m({ i: I, f: { type: 'LI', params: { tau: f([0.01, 0.01]), r: f([0.01, 0.01]), v_leak: f([0, 0]) } }, n: lif([0.01], [0.01]) }, [['f', 'n'], ['i', 'n']])).toBe("NIR node 'f' (LI) has 2 values but feeds 'n' of 1 neurons");
    expect(m({ i: I, f: { type: 'LI', params: { tau: f([0.01]), r: f([0.01]), v_leak: f([0]) } }, l: L }, [['i', 'f'], ['f', 'l']])).toBe("NIR node 'f' (LI) sends a continuous value to 'l'");
    expect(m({ i: I, f: { type: 'CubaLI', params: { tau_mem: f([0.01]), tau_syn: f([0.01]), r: f([1]), v_leak: f([0]) } }, l: L }, [['i', 'f'], ['f', 'l']])).toBe("NIR node 'f' (CubaLI) sends a continuous value to another node");
    expect(m({ i: I, l: L, n: lif([0.01], [0.01]), f: { type: 'LI', params: { tau: f([0.01]), r: f([0.01]), v_leak: f([0]) } } }, [['i', 'l'], ['l', 'f'], ['f', 'n'], ['i', 'n']])).toBe("NIR node 'n' receives both spikes and LI-filtered currents");
    const three = (taus: number[]) => {
      const nodes: Record<string, NirNode> = { i: I, n: lif([0.01], [0.01]) };
      const edges: [string, string][] = [];
      taus.forEach((t, k) => {
        nodes[`f${k}`] = { type: 'LI', params: { tau: f([t]), r: f([t]), v_leak: f([0]) } };
        edges.push(['i', `f${k}`], [`f${k}`, 'n']);
      });
      return m(nodes, edges);
    };
    expect(three([0.001, 0.002, 0.003])).toBe("NIR node 'n' has synaptic filters with more than two time constants");
    expect(three([0.001, -0.002])).toBe("NIR node 'f1' has tau -0.002");
    expect(m({ i: I, a: { type: 'Affine', params: { weight: f([1], [1, 1]), bias: f([1]) } }, c: { type: 'CubaLIF', params: { tau_mem: f([0.01]), tau_syn: f([0.01]), r: f([1]), v_leak: f([0]), v_threshold: f([1]) } } }, [['i', 'a'], ['a', 'c']])).toBe("NIR node 'c' receives an Affine bias");
    expect(m({ i: I, n: lif([0], [0.01]) }, [['i', 'n']])).toBe("NIR node 'n' has tau 0; snn needs a positive membrane time constant");
    expect(m({ i: I, c: { type: 'CubaLIF', params: { tau_mem: f([0.01]), tau_syn: f([0]), r: f([1]), v_leak: f([0]), v_threshold: f([1]) } } }, [['i', 'c']])).toBe("NIR node 'c' has a non-positive time constant");
    expect(m({ i: I, n: { type: 'LIF', params: { tau: f([0.01]), r: f([0.01]), v_leak: f([0]) } } }, [['i', 'n']])).toBe("NIR node 'n' (LIF) has no parameter 'v_threshold'");
    expect(m({ i: I, n: lif([0.01, 0.01], [0.01, 0.01, 0.01]) }, [])).toBe("NIR node 'n' parameter 'r' has 3 values for 2 neurons");
    expect(m({ i: I, n: lif([0.01], [NaN]) }, [])).toBe("NIR node 'n' has a non-finite r");
    expect(m({ i: { type: 'Input', params: {} } }, [])).toBe("NIR node 'i' (Input) has no shape");
    expect(m({ i: { type: 'Input', params: { shape: f([0]) } } }, [])).toBe("NIR node 'i' has an invalid size 0");
    expect(m({ n: { type: 'LIF', params: {} } }, [])).toBe("NIR node 'n' (LIF) has no parameter 'tau'");
    expect(m({ i: I, d: { type: 'Delay', params: { delay: f([0.001, 0.002]) } }, n: lif([0.01], [0.01]) }, [['i', 'd'], ['d', 'n']])).toBe("NIR node 'd' has different delay values across its neurons; an snn population has one delay");
    expect(m({ i: I, d: { type: 'Delay', params: { delay: f([Infinity]) } }, n: lif([0.01], [0.01]) }, [['i', 'd'], ['d', 'n']])).toBe("NIR node 'd' has a non-finite delay");
    expect(m({ i: I, d: { type: 'Delay', params: {} }, n: lif([0.01], [0.01]) }, [['i', 'd'], ['d', 'n']])).toBe("NIR node 'd' (Delay) has no parameter 'delay'");
    const e = err(() => nirToDescription(foreign({ c: { type: 'Conv2d', params: {} } }, [])));
    expect(e.code).toBe('io.format');
    expect(e.hint).toBe(`supported: ${NIR_IMPORTABLE.join(', ')}`);
  });
});

describe('NIR units', () => {
  it('ms → s divides by 1000; s → ms returns the float whose division gives s back, preferring the shortest', () => {
    expect(msToS(20)).toBe(0.02);
    for (const ms of [20, 0.1, 5, 0.25, 1.5, 123.456, 1e-7, 7e5]) expect(secondsToMsExact(msToS(ms))).toBe(ms);
    // Random values: always a float that maps back to the same seconds.
    let x = 0.123456789;
    for (let k = 0; k < 2000; k++) {
      x = (x * 9301 + 0.49297) % 233.280 + 1e-3;
      const s = msToS(x);
      const back = secondsToMsExact(s);
      expect(back / 1000).toBe(s);
      expect(Math.abs(back - x)).toBeLessThanOrEqual(2 * Number.EPSILON * x);
    }
    // Values a person writes for which s·1000 misses by an ulp: the exact way back finds them.
    for (const ms of [0.061183550652, 0.122367101304, 0.123370110331, 0.244734202608, 0.245737211635, 0.246740220662, -0.061553985873, -0.24520686176]) {
      expect(msToS(ms) * 1000).not.toBe(ms);
      expect(secondsToMsExact(msToS(ms))).toBe(ms);
    }
    expect(secondsToMsExact(0)).toBe(0);
    expect(secondsToMsExact(-0.02)).toBe(-20);
    expect(secondsToMsExact(Infinity)).toBe(Infinity);
  });
});
