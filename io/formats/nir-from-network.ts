/**
 * snn network → NIR graph. Both exports (a network description, a trained model) first describe the
 * network as a `NirNetworkSpec` (populations with their LIF parameters, projections as dense
 * [post × pre] weight matrices), which this file turns into NIR nodes and edges.
 *
 * Mapping (times in SECONDS, voltages in mV, spikes are Dirac impulses of unit area):
 *
 *   spike source (poisson, spike-source-array)  → Input {shape [N]}
 *   LIF, synapse 'delta'                        → LIF {tau = τm, r = τm, v_leak = vRest + iBias, v_threshold, v_reset}
 *        (τ dv/dt = v_leak − v + r·Σ w δ(t − t_k): a spike of weight w moves v by r·w/τ = w, as snn's v += w)
 *   LIF, synapse 'current', one time constant   → CubaLIF {tau_mem = τm, tau_syn = τs, r = 1, w_in = τs, ...}
 *        (τs dI/dt = −I + w_in·Σ w δ: I jumps by w_in·w/τs = w mV, and τm dv/dt = v_leak − v + 1·I)
 *   the same, integrating only (a readout)      → CubaLI {tau_mem, tau_syn, r = 1, v_leak, w_in = τs}
 *   LIF, synapse 'current', τexc ≠ τinh, both used
 *                                               → LI '<pop>_syn_exc' {tau = τe, r = τe, v_leak = 0} and
 *                                                 LI '<pop>_syn_inh' {tau = τi, r = τi, v_leak = 0} → LIF {r = 1}
 *   projection                                  → Linear {weight [post × pre]} (+ Delay {delay [post]} when > 0);
 *                                                 per-synapse delays: one Linear (+ Delay) per distinct delay
 *   recorded population                         → Output '<pop>_out' {shape [N]}
 *
 * v_threshold = vThresh + θ − thetaOffset per neuron (θ frozen: NIR has no adaptive threshold).
 * snn-only properties travel in node metadata (`snn_*`), which other tools ignore and our reader uses.
 */
import { SnnError } from '../../engine/errors.js';
import type { LifParams } from '../../models/lif.js';
import { checkNodeId, filled, tensor, type NirGraph, type NirMetadata, type NirNode } from './nir-graph.js';
import { msToS } from './nir-units.js';

/** Marks files written by snn (the reader trusts our `snn_*` metadata only with it). */
export const SNN_NIR_MARK = 'snn-nir/1';

export interface NirSourceSpec {
  kind: 'source';
  name: string;
  size: number;
  metadata?: NirMetadata;
}

export interface NirLifSpec {
  kind: 'lif';
  name: string;
  size: number;
  /** synapse must be 'delta' or 'current' here (conductances are converted by the caller). */
  params: LifParams;
  /** Per-neuron threshold (mV) overriding vThresh + thetaInit − thetaOffset (frozen θ). */
  vThreshold?: Float64Array;
  /** A leaky integrator that never fires (a membrane readout): CubaLI instead of CubaLIF (current synapses, one τ). */
  integrateOnly?: boolean;
  record: boolean;
  metadata?: NirMetadata;
}

export interface NirProjectionSpec {
  name: string;
  from: string;
  to: string;
  channel: 'v' | 'exc' | 'inh';
  /** Dense weights, row-major [post × pre] (NIR's (out, in)). */
  weight: Float64Array;
  delayMs: number;
  /**
   * Per-synapse delays (ms), [post × pre] like `weight`, overriding `delayMs`: the projection is
   * written as one Linear (+ Delay) per distinct delay, each holding the synapses of that delay.
   */
  delaysMs?: Float64Array;
  metadata?: NirMetadata;
}

/** Most distinct delays one projection may be split into (one Linear + Delay each). */
export const MAX_DELAY_GROUPS = 256;

export interface NirNetworkSpec {
  populations: (NirSourceSpec | NirLifSpec)[];
  projections: NirProjectionSpec[];
  metadata: NirMetadata;
}

export const UNIT_METADATA: NirMetadata = {
  snn_format: SNN_NIR_MARK,
  time_unit: 's',
  voltage_unit: 'mV',
  spike_convention:
    'continuous time; an input spike is a Dirac impulse of unit area, so a Linear weight w into LIF(tau, r) moves v by r*w/tau, into CubaLIF(tau_syn, w_in, r) moves r*I by r*w_in*w/tau_syn; time-stepped consumers that treat a spike as 1 for one step of dt should use r/dt instead of r',
};

function thresholds(p: NirLifSpec): Float64Array {
  if (p.vThreshold) {
    if (p.vThreshold.length !== p.size) throw new SnnError('internal', `population '${p.name}': ${p.vThreshold.length} thresholds for ${p.size} neurons`, 'fix the exporter');
    return p.vThreshold;
  }
  return new Float64Array(p.size).fill(p.params.vThresh + p.params.thetaInit - p.params.thetaOffset);
}

/** Builds the NIR graph of `spec`; node ids are population and projection names. */
export function networkSpecToNir(spec: NirNetworkSpec): NirGraph {
  const nodes: Record<string, NirNode> = {};
  const edges: [string, string][] = [];
  const add = (id: string, node: NirNode): void => {
    checkNodeId(id);
    if (id in nodes) throw new SnnError('usage', `two NIR nodes would be named '${id}'`, 'rename the population or projection so that names (and <pop>_out, <pop>_syn_exc, <proj>_delay) are unique');
    nodes[id] = node;
  };
  const pops = new Map(spec.populations.map((p) => [p.name, p]));
  /** Where a projection into (population, channel) ends. */
  const target = new Map<string, string>();

  for (const p of spec.populations) {
    if (p.kind === 'source') {
      add(p.name, { type: 'Input', params: { shape: tensor([p.size]) }, ...(p.metadata ? { metadata: p.metadata } : {}) });
      continue;
    }
    const q = p.params;
    const n = p.size;
    if (p.integrateOnly && q.synapse !== 'current') throw new SnnError('internal', `population '${p.name}': an integrate-only population needs current synapses`, 'fix the exporter');
    const meta: NirMetadata = { snn_synapse: q.synapse, ...(p.metadata ?? {}) };
    const common = { v_leak: filled(n, q.vRest + q.iBias), v_reset: filled(n, q.vReset), v_threshold: tensor(thresholds(p)) };
    if (q.synapse === 'delta') {
      const tau = msToS(q.tauM);
      add(p.name, { type: 'LIF', params: { tau: filled(n, tau), r: filled(n, tau), ...common }, metadata: meta });
      target.set(`${p.name}|v`, p.name);
    } else if (q.synapse === 'current') {
      const used = new Set(spec.projections.filter((pr) => pr.to === p.name).map((pr) => pr.channel));
      const tauOf = (c: string) => (c === 'inh' ? q.tauInh : q.tauExc);
      const taus = new Set([...used].map(tauOf));
      if (taus.size <= 1 && p.integrateOnly) {
        const tauSyn = msToS(taus.size === 1 ? [...taus][0]! : q.tauExc);
        add(p.name, { type: 'CubaLI', params: { tau_mem: filled(n, msToS(q.tauM)), tau_syn: filled(n, tauSyn), r: filled(n, 1), v_leak: common.v_leak, w_in: filled(n, tauSyn) }, metadata: meta });
        target.set(`${p.name}|exc`, p.name);
        target.set(`${p.name}|inh`, p.name);
      } else if (taus.size <= 1) {
        const tauSyn = msToS(taus.size === 1 ? [...taus][0]! : q.tauExc);
        add(p.name, {
          type: 'CubaLIF',
          params: { tau_mem: filled(n, msToS(q.tauM)), tau_syn: filled(n, tauSyn), r: filled(n, 1), ...common, w_in: filled(n, tauSyn) },
          metadata: meta,
        });
        target.set(`${p.name}|exc`, p.name);
        target.set(`${p.name}|inh`, p.name);
      } else {
        add(p.name, { type: 'LIF', params: { tau: filled(n, msToS(q.tauM)), r: filled(n, 1), ...common }, metadata: meta });
        for (const c of ['exc', 'inh'] as const) {
          const id = `${p.name}_syn_${c}`;
          const tau = msToS(tauOf(c));
          add(id, { type: 'LI', params: { tau: filled(n, tau), r: filled(n, tau), v_leak: filled(n, 0) }, metadata: { snn_channel: c, snn_synaptic_current_of: p.name } });
          edges.push([id, p.name]);
          target.set(`${p.name}|${c}`, id);
        }
      }
    } else {
      throw new SnnError('usage', `population '${p.name}' is conductance-based; NIR has no conductance primitive`, 'use synapse "current", or export a trained model (snn export RUN_DIR --format nir) for the documented approximation');
    }
  }

  for (const pr of spec.projections) {
    const pre = pops.get(pr.from);
    const post = pops.get(pr.to);
    if (!pre || !post) throw new SnnError('internal', `projection '${pr.name}' names an unknown population`, 'fix the exporter');
    if (post.kind !== 'lif') throw new SnnError('usage', `projection '${pr.name}' targets '${post.name}', a spike source`, 'sources take no input');
    if (pr.weight.length !== pre.size * post.size) throw new SnnError('internal', `projection '${pr.name}': ${pr.weight.length} weights for ${post.size} × ${pre.size}`, 'fix the exporter');
    const to = target.get(`${post.name}|${pr.channel}`);
    if (to === undefined) throw new SnnError('usage', `projection '${pr.name}' feeds channel '${pr.channel}' of '${post.name}', which has no such channel`, 'fix the projection channel');
    const parts: { id: string; weight: Float64Array; delayMs: number }[] = [];
    if (pr.delaysMs) {
      if (pr.delaysMs.length !== pr.weight.length) throw new SnnError('internal', `projection '${pr.name}': ${pr.delaysMs.length} delays for ${pr.weight.length} weights`, 'fix the exporter');
      const values = [...new Set(Array.from(pr.delaysMs).filter((_, k) => pr.weight[k] !== 0))].sort((a, b) => a - b);
      if (values.length > MAX_DELAY_GROUPS) {
        throw new SnnError('usage', `projection '${pr.name}' has ${values.length} different delays; NIR needs one Linear + Delay per delay value (at most ${MAX_DELAY_GROUPS})`, 'round the delays to fewer values (e.g. a coarser dt)');
      }
      values.forEach((d, k) => {
        const w = pr.weight.map((x, i) => (pr.delaysMs![i] === d ? x : 0));
        parts.push({ id: values.length === 1 ? pr.name : `${pr.name}_d${k}`, weight: w, delayMs: d });
      });
      if (values.length === 0) parts.push({ id: pr.name, weight: pr.weight, delayMs: 0 });
    } else parts.push({ id: pr.name, weight: pr.weight, delayMs: pr.delayMs });
    for (const part of parts) {
      add(part.id, { type: 'Linear', params: { weight: tensor(part.weight, [post.size, pre.size]) }, metadata: { snn_channel: pr.channel, ...(parts.length > 1 ? { snn_projection: pr.name } : {}), ...(pr.metadata ?? {}) } });
      edges.push([pr.from, part.id]);
      if (part.delayMs > 0) {
        const id = `${part.id}_delay`;
        add(id, { type: 'Delay', params: { delay: filled(post.size, msToS(part.delayMs)) } });
        edges.push([part.id, id], [id, to]);
      } else edges.push([part.id, to]);
    }
  }

  for (const p of spec.populations) {
    if (p.kind === 'lif' && p.record) {
      const id = `${p.name}_out`;
      add(id, { type: 'Output', params: { shape: tensor([p.size]) } });
      edges.push([p.name, id]);
    }
  }
  return { nodes, edges, metadata: { ...UNIT_METADATA, ...spec.metadata } };
}
