/**
 * nirToDescription's refusals with their code and hint (the messages alone are checked in
 * nir-mapping.test.ts): a user reads the hint to fix the file, so each one is part of the behaviour.
 */
import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import type { NirGraph, NirNode } from './nir-graph.js';
import { nirToDescription } from './nir-to-description.js';

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
    ['an empty delay', { i: I, d: { type: 'Delay', params: { delay: f([]) } }, n: lif([0.01], [0.01]) }, [['i', 'd'], ['d', 'n']], "NIR node 'd' (Delay) has no parameter 'delay'", PRIMITIVES],
  ];
  it.each(cases)('%s', (_what, nodes, edges, message, hint) => {
    expect(refusal(nodes, edges)).toEqual(['io.format', message, hint]);
  });
});
