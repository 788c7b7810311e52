/**
 * nirToDescription's refusals with their code and hint (the messages alone are checked in
 * nir-mapping.test.ts): a user reads the hint to fix the file, so each one is part of the behaviour.
 */
import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import type { NirGraph, NirNode } from './nir-graph.js';
import { join } from 'node:path';
import { h5Ready } from './hdf5.js';
import { writeNirGraph } from './nir-graph.js';
import { nirToDescription, readNir } from './nir-to-description.js';
import { tempDir } from './test-fixtures.js';

const f = (xs: number[], shape?: number[]) => ({ data: Float64Array.from(xs), shape: shape ?? [xs.length] });
const lif = (tau: number[], r: number[]): NirNode => ({ type: 'LIF', params: { tau: f(tau), r: f(r), v_leak: f(tau.map(() => 0)), v_threshold: f(tau.map(() => 1)) } });
const I: NirNode = { type: 'Input', params: { shape: f([1]) } };
const L: NirNode = { type: 'Linear', params: { weight: f([1], [1, 1]) } };
const li = (tau: number, leak = 0): NirNode => ({ type: 'LI', params: { tau: f([tau]), r: f([tau]), v_leak: f([leak]) } });
const cuba = (tauSyn: number): NirNode => ({ type: 'CubaLIF', params: { tau_mem: f([0.01]), tau_syn: f([tauSyn]), r: f([1]), v_leak: f([0]), v_threshold: f([1]) } });

function refusal(nodes: Record<string, NirNode>, edges: [string, string][]): [string, string, string] {
  try {
    nirToDescription({ nodes, edges, metadata: {} } satisfies NirGraph);
  } catch (e) {
    if (e instanceof SnnError) return [e.code, e.message, e.hint ?? ''];
    throw e;
  }
  throw new Error('did not throw');
}

const SHAPES = 'the weight shapes do not match the neuron counts';
const PRIMITIVES = 'the file does not follow the NIR primitives';

describe('nirToDescription refusals', () => {
  const cases: Array<[string, Record<string, NirNode>, [string, string][], string, string]> = [
    ['an edge into an Input', { i: I, n: lif([0.01], [0.01]), x: { ...I } }, [['i', 'n'], ['n', 'x']], "NIR node 'x' (Input) has an incoming edge", 'Input nodes mark where the graph starts'],
    ['rows ≠ neurons', { i: I, n: lif([0.01, 0.01], [0.01, 0.01]) }, [['i', 'n']], "NIR edge into 'n' carries 1 values but the node has 2 neurons", SHAPES],
    ['a 1-D weight', { i: I, l: { type: 'Linear', params: { weight: f([1]) } }, n: lif([0.01], [0.01]) }, [['i', 'l'], ['l', 'n']], "NIR node 'l' (Linear) needs a 2-D weight", 'snn imports dense Linear/Affine layers (out, in)'],
    ['a weight of the wrong width', { i: I, l: { type: 'Linear', params: { weight: f([1, 1], [1, 2]) } }, n: lif([0.01], [0.01]) }, [['i', 'l'], ['l', 'n']], "NIR node 'l' weight is (1, 2) but its input carries 1 values", SHAPES],
    ['a bias of the wrong length', { i: I, l: { type: 'Affine', params: { weight: f([1], [1, 1]), bias: f([1, 2]) } }, n: lif([0.01], [0.01]) }, [['i', 'l'], ['l', 'n']], "NIR node 'l' bias has 2 values for 1 outputs", 'the file is inconsistent'],
    ['a cycle of chain nodes', { i: I, a: L, b: { ...L } }, [['i', 'a'], ['a', 'b'], ['b', 'a']], "NIR graph: the path from 'i' passes through more than 16 nodes without reaching a neuron", 'check the graph for cycles of Linear/Scale/Delay nodes'],
    ['an LI filter that leaks to v_leak ≠ 0', { i: I, l: L, f: li(0.01, 1), n: lif([0.01], [0.01]) }, [['i', 'l'], ['l', 'f'], ['f', 'n']], "NIR node 'f' (LI into 'n') has v_leak ≠ 0", 'snn reads an LI feeding a LIF as a synaptic current, which decays to 0'],
    ['an LI filter of another size', { i: I, f: { type: 'LI', params: { tau: f([0.01, 0.01]), r: f([0.01, 0.01]), v_leak: f([0, 0]) } }, n: lif([0.01], [0.01]) }, [['f', 'n'], ['i', 'n']], "NIR node 'f' (LI) has 2 values but feeds 'n' of 1 neurons", 'an LI feeding a LIF must match its size'],
    ['an LI into a chain', { i: I, f: li(0.01), l: L }, [['i', 'f'], ['f', 'l']], "NIR node 'f' (LI) sends a continuous value to 'l'", 'snn populations exchange spikes: an LI may only feed one LIF/IF (as its synaptic current) or Output nodes'],
    ['a CubaLI into a chain', { i: I, f: { type: 'CubaLI', params: { tau_mem: f([0.01]), tau_syn: f([0.01]), r: f([1]), v_leak: f([0]) } }, l: L }, [['i', 'f'], ['f', 'l']], "NIR node 'f' (CubaLI) sends a continuous value to another node", 'a CubaLI can only be read out (edges to Output nodes)'],
    ['an LI filter into an IF', { i: I, f: li(0.01), n: { type: 'IF', params: { r: f([1]), v_threshold: f([1]) } } }, [['i', 'f'], ['f', 'n']], "NIR node 'n' (IF) has LI-filtered input", 'snn supports LI filters into LIF nodes only'],
    ['spikes and currents into one neuron', { i: I, l: L, n: lif([0.01], [0.01]), f: li(0.01) }, [['i', 'l'], ['l', 'f'], ['f', 'n'], ['i', 'n']], "NIR node 'n' receives both spikes and LI-filtered currents", 'snn neurons take either delta or current input'],
    ['three synaptic time constants', { i: I, n: lif([0.01], [0.01]), f0: li(0.001), f1: li(0.002), f2: li(0.003) }, [['i', 'f0'], ['f0', 'n'], ['i', 'f1'], ['f1', 'n'], ['i', 'f2'], ['f2', 'n']], "NIR node 'n' has synaptic filters with more than two time constants", 'snn neurons have two synaptic currents (exc, inh)'],
    ['a negative filter time constant', { i: I, n: lif([0.01], [0.01]), f0: li(0.001), f1: li(-0.002) }, [['i', 'f0'], ['f0', 'n'], ['i', 'f1'], ['f1', 'n']], "NIR node 'f1' has tau -0.002", 'synaptic time constants must be positive'],
    ['a bias into a CubaLIF', { i: I, a: { type: 'Affine', params: { weight: f([1], [1, 1]), bias: f([1]) } }, c: cuba(0.01) }, [['i', 'a'], ['a', 'c']], "NIR node 'c' receives an Affine bias", 'snn takes a constant drive only into LIF neurons without synaptic currents'],
    ['τ = 0', { i: I, n: lif([0], [0.01]) }, [['i', 'n']], "NIR node 'n' has tau 0; snn needs a positive membrane time constant", 'use IF for a non-leaky neuron'],
    ['τ_syn = 0', { i: I, c: cuba(0) }, [['i', 'c']], "NIR node 'c' has a non-positive time constant", 'snn needs positive tau_mem and tau_syn'],
    ['a missing threshold', { i: I, n: { type: 'LIF', params: { tau: f([0.01]), r: f([0.01]), v_leak: f([0]) } } }, [['i', 'n']], "NIR node 'n' (LIF) has no parameter 'v_threshold'", PRIMITIVES],
    ['a parameter of the wrong length', { i: I, n: lif([0.01, 0.01], [0.01, 0.01, 0.01]) }, [], "NIR node 'n' parameter 'r' has 3 values for 2 neurons", 'the file is inconsistent'],
    ['a non-finite parameter', { i: I, n: lif([0.01], [NaN]) }, [], "NIR node 'n' has a non-finite r", 'the file is damaged'],
    ['an Input without shape', { i: { type: 'Input', params: {} } }, [], "NIR node 'i' (Input) has no shape", PRIMITIVES],
    ['an Input of size 0', { i: { type: 'Input', params: { shape: f([0]) } } }, [], "NIR node 'i' has an invalid size 0", 'the file is damaged'],
    ['a neuron without its size parameter', { n: { type: 'LIF', params: {} } }, [], "NIR node 'n' (LIF) has no parameter 'tau'", PRIMITIVES],
    ['delays that differ', { i: I, d: { type: 'Delay', params: { delay: f([0.001, 0.002]) } }, n: lif([0.01], [0.01]) }, [['i', 'd'], ['d', 'n']], "NIR node 'd' has different delay values across its neurons; an snn population has one delay", 'split the node into groups of equal parameters (per-neuron r, w_in and weights are fine)'],
    ['an infinite delay', { i: I, d: { type: 'Delay', params: { delay: f([Infinity]) } }, n: lif([0.01], [0.01]) }, [['i', 'd'], ['d', 'n']], "NIR node 'd' has a non-finite delay", 'the file is damaged'],
    ['a Delay without delay', { i: I, d: { type: 'Delay', params: {} }, n: lif([0.01], [0.01]) }, [['i', 'd'], ['d', 'n']], "NIR node 'd' (Delay) has no parameter 'delay'", PRIMITIVES],
    ['an LI filter leaking in one neuron', { i: { type: 'Input', params: { shape: f([2]) } }, f: { type: 'LI', params: { tau: f([0.01, 0.01]), r: f([1, 1]), v_leak: f([0, 1]) } }, n: lif([0.01, 0.01], [0.01, 0.01]) }, [['i', 'f'], ['f', 'n']], "NIR node 'f' (LI into 'n') has v_leak ≠ 0", 'snn reads an LI feeding a LIF as a synaptic current, which decays to 0'],
    ['an LI into an Output and a chain', { i: I, f: li(0.01), l: L, o: { type: 'Output', params: { shape: f([1]) } } }, [['i', 'f'], ['f', 'o'], ['f', 'l']], "NIR node 'f' (LI) sends a continuous value to 'l'", 'snn populations exchange spikes: an LI may only feed one LIF/IF (as its synaptic current) or Output nodes'],
    ['a CubaLI into an Output and a chain', { i: I, f: { type: 'CubaLI', params: { tau_mem: f([0.01]), tau_syn: f([0.01]), r: f([1]), v_leak: f([0]) } }, l: L, o: { type: 'Output', params: { shape: f([1]) } } }, [['i', 'f'], ['f', 'o'], ['f', 'l']], "NIR node 'f' (CubaLI) sends a continuous value to another node", 'a CubaLI can only be read out (edges to Output nodes)'],
    ['a zero filter time constant', { i: I, n: lif([0.01], [0.01]), f0: li(0) }, [['i', 'f0'], ['f0', 'n']], "NIR node 'f0' has tau 0", 'synaptic time constants must be positive'],
    ['τ_mem = 0', { i: I, c: { type: 'CubaLIF', params: { tau_mem: f([0]), tau_syn: f([0.01]), r: f([1]), v_leak: f([0]), v_threshold: f([1]) } } }, [['i', 'c']], "NIR node 'c' has a non-positive time constant", 'snn needs positive tau_mem and tau_syn'],
    ['an Input of 2^31 neurons', { i: { type: 'Input', params: { shape: f([2 ** 31]) } } }, [], `NIR node 'i' has an invalid size ${2 ** 31}`, 'the file is damaged'],
    ['an empty delay', { i: I, d: { type: 'Delay', params: { delay: f([]) } }, n: lif([0.01], [0.01]) }, [['i', 'd'], ['d', 'n']], "NIR node 'd' (Delay) has no parameter 'delay'", PRIMITIVES],
  ];
  it.each(cases)('%s', (_what, nodes, edges, message, hint) => {
    expect(refusal(nodes, edges)).toEqual(['io.format', message, hint]);
  });
});

const graph = (nodes: Record<string, NirNode>, edges: [string, string][], metadata: NirGraph['metadata'] = {}): NirGraph => ({ nodes, edges, metadata });
const cubaN = (n: number, p: Partial<Record<string, number[]>> = {}): NirNode => ({
  type: 'CubaLIF',
  params: Object.fromEntries(Object.entries({ tau_mem: Array(n).fill(0.01), tau_syn: Array(n).fill(0.005), r: Array(n).fill(1), v_leak: Array(n).fill(0), v_threshold: Array(n).fill(1), ...p }).map(([k, v]) => [k, f(v!)])),
});
const lifN = (n: number, p: Partial<Record<string, number[]>> = {}): NirNode => ({
  type: 'LIF',
  params: Object.fromEntries(Object.entries({ tau: Array(n).fill(0.01), r: Array(n).fill(0.01), v_leak: Array(n).fill(0), v_threshold: Array(n).fill(1), ...p }).map(([k, v]) => [k, f(v!)])),
});
const input = (n: number): NirNode => ({ type: 'Input', params: { shape: f([n]) } });

function message(g: NirGraph): string {
  try {
    nirToDescription(g);
  } catch (e) {
    if (e instanceof SnnError) return e.message;
    throw e;
  }
  throw new Error('did not throw');
}

describe('nirToDescription details', () => {
  it('a node whose neurons differ names the first parameter that differs', () => {
    const differs = (node: NirNode) => message(graph({ i: input(2), n: node }, [['i', 'n']]));
    expect(differs(cubaN(2, { tau_syn: [0.005, 0.006] }))).toMatch(/^NIR node 'n' has different tau_syn values across its neurons \(2 groups\)/);
    expect(differs(cubaN(2, { v_reset: [0, 0.5] }))).toMatch(/different v_reset values/);
    expect(differs(lifN(2, { v_reset: [0, 0.5] }))).toMatch(/different v_reset values/);
    expect(differs(lifN(2, { v_leak: [0, 0.5] }))).toMatch(/different v_leak values/);
    expect(differs(lifN(2, { v_threshold: [1, 2] }))).toMatch(/different v_threshold values/);
    expect(differs(cubaN(2, { tau_mem: [0.01, 0.02] }))).toMatch(/different tau_mem values/);
    expect(differs({ type: 'IF', params: { r: f([1, 1]), v_threshold: f([1, 2]) } })).toMatch(/different v_threshold values/);
    // a constant drive r·b that differs per neuron is a parameter too
    const bias = graph({ i: input(2), a: { type: 'Affine', params: { weight: f([1, 0, 0, 1], [2, 2]), bias: f([0, 1]) } }, n: lifN(2) }, [['i', 'a'], ['a', 'n']]);
    expect(message(bias)).toMatch(/^NIR node 'n' has different Affine bias values/);
    // LI filters of two time constants across the neurons of one filter
    const filt = graph({ i: input(2), l: { type: 'Linear', params: { weight: f([1, 0, 0, 1], [2, 2]) } }, s: { type: 'LI', params: { tau: f([0.001, 0.002]), r: f([1, 1]), v_leak: f([0, 0]) } }, n: lifN(2) }, [['i', 'l'], ['l', 's'], ['s', 'n']]);
    expect(message(filt)).toMatch(/^NIR node 'n' has different tau of 's' values/);
  });

  it('a constant drive shifts v_rest by r·b; an all-zero bias or a bias into IF / CubaLI', () => {
    const g = (bias: number[], target: NirNode) => graph({ i: input(1), a: { type: 'Affine', params: { weight: f([1], [1, 1]), bias: f(bias) } }, n: target }, [['i', 'a'], ['a', 'n']]);
    const d = nirToDescription(g([0.5], lifN(1, { r: [4], v_leak: [-1] }))).description;
    expect(d.populations[1]).toMatchObject({ params: { vRest: -1 + 4 * 0.5 } });
    expect(nirToDescription(g([0], lifN(1, { v_leak: [-1] }))).description.populations[1]).toMatchObject({ params: { vRest: -1 } });
    expect(nirToDescription(g([0], { type: 'IF', params: { r: f([1]), v_threshold: f([1]) } })).description.populations[1]).toMatchObject({ params: { vRest: 0 } });
    expect(message(g([1], { type: 'IF', params: { r: f([1]), v_threshold: f([1]) } }))).toBe("NIR node 'n' receives an Affine bias");
    const cubaLi = { type: 'CubaLI', params: { tau_mem: f([0.01]), tau_syn: f([0.01]), r: f([1]), v_leak: f([0]) } } as NirNode;
    expect(message(g([1], cubaLi))).toBe("NIR node 'n' receives an Affine bias");
    // a bias on a Linear node is not a bias
    const lin = graph({ i: input(1), a: { type: 'Linear', params: { weight: f([1], [1, 1]), bias: f([3]) } }, n: lifN(1) }, [['i', 'a'], ['a', 'n']]);
    expect(nirToDescription(lin).description.populations[1]).toMatchObject({ params: { vRest: 0 } });
  });

  it('time unit: declared ms, and a largest constant of exactly 1 means ms', () => {
    const g = (tau: number, metadata: NirGraph['metadata'] = {}) => graph({ i: input(1), n: lifN(1, { tau: [tau], r: [tau] }) }, [['i', 'n']], metadata);
    expect(nirToDescription(g(0.5, { time_unit: 'ms' })).description.populations[1]).toMatchObject({ params: { tauM: 0.5 } });
    expect(nirToDescription(g(0.5, { time_unit: 's' })).description.populations[1]).toMatchObject({ params: { tauM: 500 } });
    expect(nirToDescription(g(0.5, { time_unit: 'h' })).notes[0]).toBe('time unit not declared: time constants and delays taken as seconds (all < 1)');
    const one = nirToDescription(g(1));
    expect(one.notes[0]).toBe('time unit not declared: time constants and delays taken as ms (some ≥ 1)');
    expect(one.description.populations[1]).toMatchObject({ params: { tauM: 1 } });
    for (const [key, node] of [['tau_mem', cubaN(1, { tau_mem: [2] })], ['tau_syn', cubaN(1, { tau_syn: [2] })]] as const) {
      expect(nirToDescription(graph({ i: input(1), n: node }, [['i', 'n']])).notes[0], key).toMatch(/ms \(some ≥ 1\)/);
    }
    const delayed = graph({ i: input(1), d: { type: 'Delay', params: { delay: f([3]) } }, n: lifN(1) }, [['i', 'd'], ['d', 'n']]);
    expect(nirToDescription(delayed).notes[0]).toMatch(/ms \(some ≥ 1\)/);
  });

  it('direct edges are one-to-one; sixteen chain nodes are allowed; weighted edges into Output are noted', () => {
    const d = nirToDescription(graph({ i: input(3), n: lifN(3, { r: [0.01, 0.02, 0.03] }) }, [['i', 'n']])).description;
    expect(d.projections![0]).toMatchObject({ connectivity: 'one-to-one', weights: [1, 2, 3] });
    const nodes: Record<string, NirNode> = { i: input(1), n: lifN(1) };
    const edges: [string, string][] = [];
    let prev = 'i';
    for (let k = 0; k < 16; k++) {
      nodes[`s${k}`] = { type: 'Scale', params: { scale: f([1]) } };
      edges.push([prev, `s${k}`]);
      prev = `s${k}`;
    }
    edges.push([prev, 'n']);
    expect(nirToDescription(graph(nodes, edges)).description.projections).toHaveLength(1);
    const out = nirToDescription(graph({ i: input(1), n: lifN(1), l: { type: 'Linear', params: { weight: f([2], [1, 1]) } }, o: { type: 'Output', params: { shape: f([1]) } } }, [['i', 'n'], ['n', 'l'], ['l', 'o']]));
    expect(out.notes).toContain("edge into Output 'o' passes through weights or delays: ignored (snn records spikes)");
    expect(out.description.record).toEqual({ spikes: [] });
    // a delay alone on the way to the Output is noted as well, and nothing is recorded
    const late = nirToDescription(graph({ i: input(1), n: lifN(1), d: { type: 'Delay', params: { delay: f([0.001]) } }, o: { type: 'Output', params: { shape: f([1]) } } }, [['i', 'n'], ['n', 'd'], ['d', 'o']]));
    expect(late.notes).toContain("edge into Output 'o' passes through weights or delays: ignored (snn records spikes)");
    expect(late.description.record).toEqual({ spikes: [] });
    // no weights, no delay: the population is recorded
    const direct = nirToDescription(graph({ i: input(1), n: lifN(1), o: { type: 'Output', params: { shape: f([1]) } } }, [['i', 'n'], ['n', 'o']]));
    expect(direct.description.record).toEqual({ spikes: ['n'] });
  });

  it('projections follow the order of their first Linear node; renamed ids stay unique', () => {
    const g = graph(
      { i: input(1), w2: { type: 'Linear', params: { weight: f([2], [1, 1]) } }, w1: { type: 'Linear', params: { weight: f([1], [1, 1]) } }, n: lifN(1) },
      [['i', 'w1'], ['w1', 'n'], ['i', 'w2'], ['w2', 'n']],
    );
    expect(nirToDescription(g).description.projections!.map((p) => p.name)).toEqual(['w2', 'w1']);
    const r = nirToDescription(graph({ 'a b': input(1), 'a/b': input(1), 'a_b': input(1) }, []));
    expect(r.description.populations.map((p) => p.name)).toEqual(['a_b', 'a_b_2', 'a_b_3']);
  });

  it('IF: a note; LI filters under --spike-step multiply their gain by the step', () => {
    expect(nirToDescription(graph({ i: input(1), n: { type: 'IF', params: { r: f([1]), v_threshold: f([1]) } } }, [['i', 'n']])).notes).toContain("IF 'n' becomes a LIF with tauM = 1e300 ms (no leak)");
    const g = graph({ i: input(1), l: { type: 'Linear', params: { weight: f([2], [1, 1]) } }, s: { type: 'LI', params: { tau: f([0.004]), r: f([0.002]), v_leak: f([0]) } }, n: lifN(1, { r: [3] }) }, [['i', 'l'], ['l', 's'], ['s', 'n']]);
    const w = (opts: { spikeStepMs?: number }) => nirToDescription(g, opts).description.projections![0]!.weights as number[];
    // gain r_LI · r / τ_LI, times the step (in the file's unit: 0.5 ms = 0.0005 s)
    expect(w({})[0]).toBeCloseTo(2 * ((0.002 * 3) / 0.004), 12);
    expect(w({ spikeStepMs: 0.5 })[0]).toBeCloseTo(2 * ((0.002 * 0.0005 * 3) / 0.004), 15);
  });

  it('reads snn_* node metadata only from our own files', () => {
    const nodes = (): Record<string, NirNode> => ({
      i: { ...input(2), metadata: { snn_population: JSON.stringify({ name: 'i', model: 'spike-source-array', size: 2, spikes: [[1, 0]] }) } },
      n: { ...lifN(2), metadata: { snn_refractory_ms: 2, snn_method: 'euler', snn_v_min: -3, snn_v0: '[0.25, 0.5]', snn_theta: JSON.stringify({ thetaPlus: 0.5, tauTheta: null, thetaInit: 0, thetaOffset: 0, thetaJump: 'additive' }) } },
    });
    const ours = nirToDescription(graph(nodes(), [['i', 'n']], { snn_format: 'snn-nir/1', time_unit: 's' })).description;
    expect(ours.populations[0]).toEqual({ name: 'i', model: 'spike-source-array', size: 2, spikes: [[1, 0]] });
    expect(ours.populations[1]).toMatchObject({ v0: [0.25, 0.5], params: { refractory: 2, method: 'euler', vMin: -3, thetaPlus: 0.5 } });
    const theirs = nirToDescription(graph(nodes(), [['i', 'n']], { time_unit: 's' })).description;
    expect(theirs.populations[0]).toEqual({ name: 'i', model: 'spike-source-array', size: 2, spikes: [] });
    expect(theirs.populations[1]).not.toHaveProperty('v0');
    expect(Object.keys((theirs.populations[1] as { params: object }).params).sort()).toEqual(['synapse', 'tauM', 'vReset', 'vRest', 'vThresh']);
    // ours, but a population that does not fit the node, or unreadable: an empty source with a note
    for (const meta of [JSON.stringify({ name: 'x', model: 'spike-source-array', size: 2, spikes: [] }), JSON.stringify({ name: 'i', model: 'spike-source-array', size: 3, spikes: [] }), '{', 'null']) {
      const n = nodes();
      n['i']!.metadata = { snn_population: meta };
      const r = nirToDescription(graph(n, [['i', 'n']], { snn_format: 'snn-nir/1', time_unit: 's' }));
      expect(r.description.populations[0], meta).toEqual({ name: 'i', model: 'spike-source-array', size: 2, spikes: [] });
      expect(r.notes, meta).toContain("Input 'i' becomes an empty spike-source-array 'i' of 2 neurons (fill it: snn import REC --into NET.json --population i)");
    }
    // v0: one value for all, or unreadable
    const n = nodes();
    n['n']!.metadata = { snn_v0: '0.75' };
    expect(nirToDescription(graph(n, [['i', 'n']], { snn_format: 'snn-nir/1', time_unit: 's' })).description.populations[1]).toMatchObject({ v0: 0.75 });
    n['n']!.metadata = { snn_v0: '[' };
    const bad = nirToDescription(graph(n, [['i', 'n']], { snn_format: 'snn-nir/1', time_unit: 's' }));
    expect(bad.notes).toContain("node 'n': unreadable snn_v0 metadata ignored");
    expect(bad.description.populations[1]).not.toHaveProperty('v0');
    // a list of one value per neuron is divided among the groups of a split node; a list of another
    // length is passed on whole, for the build to refuse (never cut or padded to fit)
    const split = nodes();
    split['n'] = { ...lifN(2, { tau: [0.01, 0.02], r: [0.01, 0.02] }), metadata: { snn_v0: '[0.25, 0.5]' } };
    const parts = nirToDescription(graph(split, [['i', 'n']], { snn_format: 'snn-nir/1', time_unit: 's' }), { splitMax: 2 }).description.populations;
    expect(parts.map((p) => [p.name, (p as { v0?: unknown }).v0])).toEqual([['i', undefined], ['n#0', [0.25]], ['n#1', [0.5]]]);
    for (const v0 of [[0.25, 0.5, 0.75], [0.25]]) {
      n['n']!.metadata = { snn_v0: JSON.stringify(v0) };
      expect(nirToDescription(graph(n, [['i', 'n']], { snn_format: 'snn-nir/1', time_unit: 's' })).description.populations[1], JSON.stringify(v0)).toMatchObject({ v0 });
    }
  });

  it('LI filter channels: ours by snn_channel, others by time constant; CubaLIF channels from the Linear', () => {
    const filtered = (meta: NirGraph['metadata'], channels: [string, string]) =>
      graph(
        {
          i: input(1),
          l1: { type: 'Linear', params: { weight: f([1], [1, 1]) } },
          l2: { type: 'Linear', params: { weight: f([1], [1, 1]) } },
          a: { type: 'LI', params: { tau: f([0.002]), r: f([0.002]), v_leak: f([0]) }, metadata: { snn_channel: channels[0] } },
          b: { type: 'LI', params: { tau: f([0.004]), r: f([0.004]), v_leak: f([0]) }, metadata: { snn_channel: channels[1] } },
          n: lifN(1),
        },
        [['i', 'l1'], ['l1', 'a'], ['a', 'n'], ['i', 'l2'], ['l2', 'b'], ['b', 'n']],
        meta,
      );
    const chans = (g: NirGraph) => {
      const d = nirToDescription(g).description;
      return [d.projections!.map((p) => p.channel), (d.populations[1] as { params: { tauExc: number; tauInh: number } }).params];
    };
    expect(chans(filtered({ snn_format: 'snn-nir/1', time_unit: 's' }, ['inh', 'exc']))).toEqual([['inh', 'exc'], expect.objectContaining({ tauExc: 4, tauInh: 2 })]);
    expect(chans(filtered({ time_unit: 's' }, ['inh', 'exc']))).toEqual([['exc', 'inh'], expect.objectContaining({ tauExc: 2, tauInh: 4 })]);
    const cuba = (meta: NirGraph['metadata']) =>
      nirToDescription(graph({ i: input(1), l: { type: 'Linear', params: { weight: f([1], [1, 1]) }, metadata: { snn_channel: 'inh' } }, c: cubaN(1) }, [['i', 'l'], ['l', 'c']], meta)).description.projections![0]!.channel;
    expect(cuba({ snn_format: 'snn-nir/1', time_unit: 's' })).toBe('inh');
    expect(cuba({ time_unit: 's' })).toBe('exc');
  });

  it('LI filter channels: a missing or invalid snn_channel falls back to the time-constant rule; equal τ share a channel', () => {
    const OURS = { snn_format: 'snn-nir/1', time_unit: 's' };
    /** One LI filter per entry, each behind a Linear of its own: [τ in s, snn_channel]. */
    const chans = (filters: Array<[number, unknown]>, meta: NirGraph['metadata'] = OURS) => {
      const nodes: Record<string, NirNode> = { i: input(1), n: lifN(1) };
      const edges: [string, string][] = [];
      filters.forEach(([tau, ch], k) => {
        nodes[`l${k}`] = { type: 'Linear', params: { weight: f([1], [1, 1]) } };
        nodes[`f${k}`] = { type: 'LI', params: { tau: f([tau]), r: f([tau]), v_leak: f([0]) }, metadata: ch === undefined ? {} : { snn_channel: ch as string } };
        edges.push(['i', `l${k}`], [`l${k}`, `f${k}`], [`f${k}`, 'n']);
      });
      const d = nirToDescription(graph(nodes, edges, meta)).description;
      const { tauExc, tauInh } = (d.populations[1] as { params: { tauExc: number; tauInh: number } }).params;
      return [d.projections!.map((p) => p.channel), tauExc, tauInh];
    };
    // an inh filter declared first and an exc one of the same τ: each keeps its declared channel
    expect(chans([[0.002, 'inh'], [0.002, 'exc']])).toEqual([['inh', 'exc'], 2, 2]);
    expect(chans([[0.002, 'exc'], [0.004, 'inh']])).toEqual([['exc', 'inh'], 2, 4]);
    // absent or not a channel name: the first new τ is exc, the second inh, a known τ its channel
    for (const bad of [undefined, 'v', 5, 'EXC']) {
      expect(chans([[0.004, 'inh'], [0.002, bad]]), String(bad)).toEqual([['inh', 'exc'], 2, 4]);
      expect(chans([[0.002, bad], [0.004, bad], [0.002, bad]]), String(bad)).toEqual([['exc', 'inh', 'exc'], 2, 4]);
    }
    // two filters of one τ in a foreign file: both exc, and the inh current takes the same τ
    expect(chans([[0.003, undefined], [0.003, undefined]], { time_unit: 's' })).toEqual([['exc', 'exc'], 3, 3]);
    expect(chans([[0.003, 'inh']], { time_unit: 's' })).toEqual([['exc'], 3, 3]);
    expect(chans([[0.003, 'inh']])).toEqual([['inh'], 3, 3]);
    // CubaLIF: ours with an snn_channel that is no channel name takes exc
    const cuba = (ch: string) =>
      nirToDescription(graph({ i: input(1), l: { type: 'Linear', params: { weight: f([1], [1, 1]) }, metadata: { snn_channel: ch } }, c: cubaN(1) }, [['i', 'l'], ['l', 'c']], OURS)).description.projections![0]!.channel;
    expect(['v', 'exc', 'inh', ''].map(cuba)).toEqual(['exc', 'exc', 'inh', 'exc']);
  });

  it('connectivity: a 1 × 1 matrix is dense; a square matrix is one-to-one or all-but-self only when every column is', () => {
    // W is [post × pre]; gain r/τ = 1, so the weights are W's entries
    const conn = (w: number[], n: number) =>
      nirToDescription(graph({ i: input(n), w: { type: 'Linear', params: { weight: f(w, [n, n]) } }, n: lifN(n) }, [['i', 'w'], ['w', 'n']])).description.projections![0]!;
    expect(conn([4], 1)).toMatchObject({ connectivity: 'dense', weights: [[4]] });
    // pre 0 looks one-to-one (its only synapse is onto post 0), pre 1 does not: as many non-zeros as neurons
    expect(conn([1, 2, 0, 0], 2)).toMatchObject({ connectivity: { pairs: [[0, 0], [1, 0]] }, weights: [1, 2] });
    // pre 0 looks all-but-self (0 onto itself, w0 = 3 onto post 1), pre 1 reaches itself
    expect(conn([0, 3, 3, 5], 2)).toMatchObject({ connectivity: { pairs: [[0, 1], [1, 0], [1, 1]] }, weights: [3, 3, 5] });
    // the same in 3 × 3, where the first two pre neurons fit and the last does not
    expect(conn([1, 0, 0, 0, 2, 0, 0, 5, 0], 3)).toMatchObject({ connectivity: { pairs: [[0, 0], [1, 1], [1, 2]] }, weights: [1, 2, 5] });
    expect(conn([0, 3, 3, 3, 0, 3, 3, 3, 7], 3).connectivity).toEqual({ pairs: [[0, 1], [0, 2], [1, 0], [1, 2], [2, 0], [2, 1], [2, 2]] });
    expect(conn([0, 3, 3, 3, 0, 3, 3, 3, 0], 3)).toMatchObject({ connectivity: 'all-but-self', weights: 3 });
    expect(conn([1, 0, 0, 0, 2, 0, 0, 0, 5], 3)).toMatchObject({ connectivity: 'one-to-one', weights: [1, 2, 5] });
    // all zeros is no all-but-self of weight 0, but a projection without synapses
    expect(conn([0, 0, 0, 0], 2)).toMatchObject({ connectivity: { pairs: [] }, weights: [] });
    // a 3 × 2 matrix with only its leading diagonal is not one-to-one (pre ≠ post)
    const rect = nirToDescription(graph({ i: input(2), w: { type: 'Linear', params: { weight: f([1, 0, 0, 2, 0, 0], [3, 2]) } }, n: lifN(3) }, [['i', 'w'], ['w', 'n']])).description.projections![0]!;
    expect(rect).toMatchObject({ connectivity: { pairs: [[0, 0], [1, 1]] }, weights: [1, 2] });
  });

  it('an Affine bias through a later Linear drives each neuron by W·b; one value of a parameter serves every neuron', () => {
    // bias b = (1, 1) through W2 = [[1, 2], [3, 0]]: both neurons get W2·b = 3, times r = 0.01
    const g = graph(
      { i: input(2), a: { type: 'Affine', params: { weight: f([1, 0, 0, 1], [2, 2]), bias: f([1, 1]) } }, l: { type: 'Linear', params: { weight: f([1, 2, 3, 0], [2, 2]) } }, n: lifN(2, { v_threshold: [1.5] }) },
      [['i', 'a'], ['a', 'l'], ['l', 'n']],
    );
    const n = nirToDescription(g).description.populations[1] as { size: number; params: { vRest: number; vThresh: number } };
    expect(n.size).toBe(2);
    expect(n.params.vRest).toBeCloseTo(0.03, 15);
    expect(n.params.vThresh).toBe(1.5);
  });

  it('a drive that differs but is nowhere zero splits the node too; a bias reaching a LIF through an LI filter is refused', () => {
    const biased = (bias: number[]) =>
      message(graph({ i: input(2), a: { type: 'Affine', params: { weight: f([1, 0, 0, 1], [2, 2]), bias: f(bias) } }, n: lifN(2) }, [['i', 'a'], ['a', 'n']]));
    expect(biased([1, 2])).toMatch(/^NIR node 'n' has different Affine bias values across its neurons \(2 groups\)/);
    const filtered = graph({ i: input(1), a: { type: 'Affine', params: { weight: f([1], [1, 1]), bias: f([1]) } }, l: li(0.01), n: lifN(1) }, [['i', 'a'], ['a', 'l'], ['l', 'n']]);
    expect(message(filtered)).toBe("NIR node 'n' receives an Affine bias");
  });

  it('v_reset splits only neurons that reset: an LI read out ignores it', () => {
    const readOut = { type: 'LI', params: { tau: f([0.01, 0.01]), r: f([1, 1]), v_leak: f([0, 0]), v_reset: f([0, 0.5]) } } as NirNode;
    const d = nirToDescription(graph({ i: input(2), l: readOut, o: { type: 'Output', params: { shape: f([2]) } } }, [['i', 'l'], ['l', 'o']])).description;
    expect(d.populations.map((p) => [p.name, p.size])).toEqual([['i', 2], ['l', 2]]);
  });

  it('which parameters split a node, per neuron kind', () => {
    const differs = (node: NirNode) => message(graph({ i: input(2), n: node }, [['i', 'n']]));
    const cubaLI = (p: Partial<Record<string, number[]>>): NirNode => ({
      type: 'CubaLI',
      params: Object.fromEntries(Object.entries({ tau_mem: [0.01, 0.01], tau_syn: [0.005, 0.005], r: [1, 1], v_leak: [0, 0], ...p }).map(([k, v]) => [k, f(v!)])),
    });
    expect(differs(cubaLI({ tau_syn: [0.005, 0.006] }))).toMatch(/^NIR node 'n' has different tau_syn values across its neurons/);
    expect(differs(cubaN(2, { v_threshold: [1, 2] }))).toMatch(/^NIR node 'n' has different v_threshold values/);
    expect(differs({ type: 'IF', params: { r: f([1, 1]), v_threshold: f([1, 1]), v_reset: f([0, 0.5]) } })).toMatch(/^NIR node 'n' has different v_reset values/);
    // the key joins values with a separator: (τ 1, v_leak 12) and (τ 11, v_leak 2) are different neurons
    expect(differs(lifN(2, { tau: [1, 11], r: [1, 11], v_leak: [12, 2] }))).toMatch(/^NIR node 'n' has different (tau|v_leak) values across its neurons \(2 groups\)/);
  });

  it('a CubaLI read out by an Output imports; an unknown node type is named in the refusal', () => {
    const c: NirNode = { type: 'CubaLI', params: { tau_mem: f([0.01]), tau_syn: f([0.01]), r: f([1]), v_leak: f([0]) } };
    const d = nirToDescription(graph({ i: input(1), c, o: { type: 'Output', params: { shape: f([1]) } } }, [['i', 'c'], ['c', 'o']])).description;
    expect(d.populations.map((p) => p.name)).toEqual(['i', 'c']);
    expect(refusal({ i: I, x: { type: 'Conv2d', params: {} } }, [['i', 'x']])).toEqual(['io.format', "NIR node 'x' has type 'Conv2d', which snn cannot import", expect.stringMatching(/^supported: /) as never]);
  });

  it('projection names: odd characters become _, a repeated name gets #2, #3', () => {
    const d = nirToDescription(
      graph(
        { i: input(1), 'w 1': { type: 'Linear', params: { weight: f([1], [1, 1]) } }, a: lifN(1), b: lifN(1), c: lifN(1) },
        [['i', 'w 1'], ['w 1', 'a'], ['w 1', 'b'], ['w 1', 'c']],
      ),
    ).description;
    expect(d.projections!.map((p) => [p.name, p.to])).toEqual([['w_1', 'a'], ['w_1#2', 'b'], ['w_1#3', 'c']]);
  });

  it("a description the import cannot parse is refused under the label 'NIR import'", () => {
    const meta = JSON.stringify({ name: 'i', model: 'spike-source-array', size: 1, spikes: [], bogus: 1 });
    const e = message(graph({ i: { ...input(1), metadata: { snn_population: meta } }, n: lifN(1) }, [['i', 'n']], { snn_format: 'snn-nir/1', time_unit: 's' }));
    expect(e).toMatch(/^NIR import: unknown field 'bogus'/);
  });

  it('a split node gets no projection from a group none of whose weights reach it', () => {
    const g = graph({ i: input(2), w: { type: 'Linear', params: { weight: f([1, 0, 0, 0], [2, 2]) } }, n: lifN(2, { tau: [0.01, 0.02], r: [0.01, 0.02] }) }, [['i', 'w'], ['w', 'n']]);
    const d = nirToDescription(g, { splitMax: 2 }).description;
    expect(d.projections!.map((p) => [p.name, p.to])).toEqual([['w:i>n#0', 'n#0']]);
  });
});

describe('nirToDescription: metadata that is absent, mistyped or malformed', () => {
  const OURS = { snn_format: 'snn-nir/1', time_unit: 's' } as const;
  const base = (nodeMeta: NirGraph['metadata'], meta: NirGraph['metadata'] = OURS): NirGraph =>
    graph({ i: input(2), n: { ...lifN(2), metadata: nodeMeta } }, [['i', 'n']], meta);
  const read = (g: NirGraph) => nirToDescription(g);

  it('ignores our keys of the wrong type, as if absent', () => {
    const plain = read(base({}));
    expect(read(base({ snn_refractory_ms: '2', snn_method: 'rk4', snn_v_min: '-3', snn_v0: 5 as never, snn_theta: 7 as never }))).toEqual(plain);
    const top = { ...OURS, snn_name: 5, snn_dt_ms: '0.5', snn_duration_ms: 'long', snn_seed: 'x', snn_mode: 'fast', snn_precision: 'f16' } as NirGraph['metadata'];
    expect(read(base({}, top))).toEqual(plain);
    const good = read(base({}, { ...OURS, snn_name: 'net', snn_dt_ms: 0.5, snn_duration_ms: 30, snn_seed: 4, snn_mode: 'exact', snn_precision: 'f32' })).description;
    expect([good.name, good.dt, good.duration, good.seed, good.mode, good.precision]).toEqual(['net', 0.5, 30, 4, 'exact', 'f32']);
    expect(read(base({}, { ...OURS, snn_precision: 'f64', snn_mode: 'clock' })).description).toMatchObject({ precision: 'f64', mode: 'clock' });
  });

  it('a foreign dt is taken only when it is a positive number', () => {
    const dtOf = (dt: unknown) => read(base({}, { time_unit: 's', dt: dt as never }));
    expect(dtOf(0.0005).description.dt).toBe(0.5);
    expect(dtOf(0.0005).notes).toContain("dt = 0.5 ms from the file's metadata");
    for (const dt of [0, -0.001, '0.001']) {
      expect(dtOf(dt).notes.some((n) => n.startsWith('dt ='))).toBe(false);
      expect(dtOf(dt).description.dt).toBe(read(base({}, { time_unit: 's' })).description.dt);
    }
  });

  it('malformed snn_theta is ignored with a note, the threshold stays frozen', () => {
    const ok = { thetaPlus: 0.5, tauTheta: null, thetaInit: 1, thetaOffset: 0.25, thetaJump: 'additive' };
    const withTheta = (theta: string) => read(base({ snn_theta: theta }));
    const good = withTheta(JSON.stringify(ok));
    expect(good.description.populations[1]).toMatchObject({ params: { vThresh: 1 - 1 + 0.25, thetaPlus: 0.5, tauTheta: null, thetaInit: 1, thetaOffset: 0.25, thetaJump: 'additive' } });
    expect(withTheta(JSON.stringify({ ...ok, tauTheta: 50, thetaJump: 'hao2020' })).description.populations[1]).toMatchObject({ params: { tauTheta: 50, thetaJump: 'hao2020' } });
    expect(withTheta('{').notes).toContain("node 'n': unreadable snn_theta metadata ignored (threshold stays frozen)");
    for (const bad of [{ thetaPlus: '0.5' }, { thetaInit: null }, { thetaOffset: undefined }, { tauTheta: 'x' }, { thetaJump: 'other' }, { thetaPlus: 1e999 }]) {
      const r = withTheta(JSON.stringify({ ...ok, ...bad }));
      expect(r.notes, JSON.stringify(bad)).toContain("node 'n': malformed snn_theta metadata ignored (threshold stays frozen)");
      expect(r.description.populations[1], JSON.stringify(bad)).toMatchObject({ params: { vThresh: 1 } });
      expect((r.description.populations[1] as { params: object }).params, JSON.stringify(bad)).not.toHaveProperty('thetaPlus');
    }
  });
});

describe('readNir', () => {
  it('reads a file and maps it as nirToDescription does, with the default options', async () => {
    await h5Ready();
    const tmp = tempDir();
    try {
      const g = graph({ i: input(2), w: { type: 'Linear', params: { weight: f([1, 2, 3, 4], [2, 2]) } }, n: lifN(2) }, [['i', 'w'], ['w', 'n']], { time_unit: 's' });
      const path = join(tmp.dir, 'g.nir');
      await writeNirGraph(g, path);
      const back = await readNir(path);
      expect(back).toEqual(nirToDescription(g));
      expect(back.description.projections![0]).toMatchObject({ connectivity: 'dense', weights: [[1, 3], [2, 4]] });
    } finally {
      tmp.cleanup();
    }
  });
});

