/**
 * Network description → NIR spec (then nir-from-network.ts → NIR graph).
 *
 * The network is built once (models/build-network.ts) so that random connectivity and weights are
 * realised exactly as `snn simulate` realises them with the description's seed; every projection is
 * then written as its dense [post × pre] matrix. Exact for current-based and delta LIF networks with
 * any delays (per-synapse delays: one Linear + Delay per distinct value). What NIR cannot say (refractory period, initial potentials, source spike
 * trains / rates, integration method, dt, seed, duration) goes into `snn_*` metadata. Lossy, with a
 * note: adaptive thresholds (frozen at θ = thetaInit for other tools; snn's import restores them
 * from `snn_theta`) and the vMin clamp. Refused: conductance
 * synapses, per-synapse delays in exact mode.
 */
import { SnnError } from '../../engine/errors.js';
import { buildNetwork, lifParamsOf, resolveSettings } from '../../models/build-network.js';
import type { NetworkDescription } from '../../models/description.js';
import type { Projection } from '../../models/projection.js';
import type { NirMetadata } from './nir-graph.js';
import type { NirLifSpec, NirNetworkSpec, NirProjectionSpec, NirSourceSpec } from './nir-from-network.js';
import { msToS } from './nir-units.js';

export interface DescriptionExport {
  spec: NirNetworkSpec;
  /** What did not survive (also written to metadata `snn_lossy`). */
  lossy: string[];
}

/** Dense [post × pre] weights of a built projection. */
export function denseWeights(p: Projection): Float64Array {
  const pre = p.pre.size;
  const post = p.post.size;
  const W = new Float64Array(pre * post);
  const w = p.weights;
  switch (p.kind) {
    case 'dense':
      for (let i = 0; i < pre; i++) for (let j = 0; j < post; j++) W[j * pre + i] = w[i * post + j]!;
      break;
    case 'one-to-one':
      for (let i = 0; i < pre; i++) W[i * pre + i] = w[i]!;
      break;
    case 'all-but-self':
      for (let i = 0; i < pre; i++) for (let j = 0; j < post; j++) if (i !== j) W[j * pre + i] = w[0]!;
      break;
    case 'sparse': {
      const sp = p as unknown as { rowPtr: Int32Array; cols: Int32Array };
      for (let i = 0; i < pre; i++) for (let s = sp.rowPtr[i]!; s < sp.rowPtr[i + 1]!; s++) W[sp.cols[s]! * pre + i]! += w[s]!;
      break;
    }
  }
  return W;
}

/** The one delay (ms) of projection k in exact mode (real-valued, from the description). */
function declaredDelayMs(desc: NetworkDescription, k: number, name: string): number {
  const d = desc.projections?.[k]?.delay;
  const refuse = (): never => {
    throw new SnnError('usage', `projection '${name}' has per-synapse delays in exact mode; snn exports those to NIR only from clock mode`, 'use one delay per projection, or --mode clock');
  };
  if (d === undefined) return 0;
  if (typeof d === 'number') return d;
  if (!Array.isArray(d)) return d.uniform[0] === d.uniform[1] ? d.uniform[0] : refuse();
  const flat = d.flat();
  return flat.every((x) => x === flat[0]) ? (flat[0] ?? 0) : refuse();
}

/** Per-synapse delays (ms) of a built projection, [post × pre] like denseWeights. */
export function denseDelays(p: Projection, dt: number): Float64Array {
  const pre = p.pre.size;
  const post = p.post.size;
  const D = new Float64Array(pre * post);
  const d = p.delays!;
  if (p.kind === 'dense') for (let i = 0; i < pre; i++) for (let j = 0; j < post; j++) D[j * pre + i] = d[i * post + j]! * dt;
  else if (p.kind === 'one-to-one') for (let i = 0; i < pre; i++) D[i * pre + i] = d[i]! * dt;
  else if (p.kind === 'sparse') {
    const sp = p as unknown as { rowPtr: Int32Array; cols: Int32Array };
    for (let i = 0; i < pre; i++) for (let s = sp.rowPtr[i]!; s < sp.rowPtr[i + 1]!; s++) D[sp.cols[s]! * pre + i] = d[s]! * dt;
  }
  return D;
}

export function descriptionToNirSpec(desc: NetworkDescription): DescriptionExport {
  const s = resolveSettings(desc);
  const exact = desc.mode === 'exact';
  // Built only to realise connectivity, weights and (clock mode) delays with the run's seed. Exact
  // mode allows delays off the dt grid, which the clock builder refuses: there they come from the
  // description. Spike lists are left out (exact-mode sources may hold spikes closer than dt).
  const net = buildNetwork(
    {
      ...desc,
      populations: desc.populations.map((p) => (p.model === 'spike-source-array' ? { ...p, spikes: [] } : p)),
      projections: exact ? desc.projections?.map(({ delay: _delay, ...pr }) => pr) : desc.projections,
    },
    s,
  );
  const recordSpec = desc.record?.spikes ?? true;
  const recorded = (name: string) => recordSpec === true || (Array.isArray(recordSpec) && recordSpec.includes(name));
  const lossy: string[] = [];
  const populations: (NirSourceSpec | NirLifSpec)[] = desc.populations.map((p) => {
    if (p.model !== 'lif') {
      return { kind: 'source', name: p.name, size: p.size, metadata: { snn_population: JSON.stringify(p) } };
    }
    const params = lifParamsOf(p);
    if (params.synapse === 'conductance') {
      throw new SnnError('usage', `population '${p.name}' is conductance-based; NIR has no conductance primitive`, 'use synapse "current", or export a trained model (snn export RUN_DIR --format nir) for the documented approximation');
    }
    if (params.thetaPlus !== 0 || (params.tauTheta !== null && params.thetaInit !== 0)) {
      lossy.push(`population '${p.name}': adaptive threshold frozen at θ = thetaInit (${params.thetaInit} mV) for NIR tools (snn restores it from snn_theta)`);
    }
    if (params.vMin !== null) lossy.push(`population '${p.name}': the lower clamp vMin = ${params.vMin} mV is dropped`);
    if (params.refractory > 0) lossy.push(`population '${p.name}': refractory period ${params.refractory} ms kept only in snn metadata`);
    const metadata: NirMetadata = {
      snn_refractory_ms: params.refractory,
      snn_method: params.method,
      snn_theta: JSON.stringify({ thetaPlus: params.thetaPlus, tauTheta: params.tauTheta, thetaInit: params.thetaInit, thetaOffset: params.thetaOffset, thetaJump: params.thetaJump }),
    };
    // Without v0, snn starts at vRest, which iBias folding moves into v_leak: always write it.
    metadata['snn_v0'] = JSON.stringify(p.v0 ?? params.vRest);
    if (params.vMin !== null) metadata['snn_v_min'] = params.vMin;
    return { kind: 'lif', name: p.name, size: p.size, params, record: recorded(p.name), metadata };
  });
  const projections: NirProjectionSpec[] = net.projections.map((p, k) => {
    const declared = desc.projections?.[k]?.delay;
    const spec: NirProjectionSpec = {
      name: p.name,
      from: p.pre.name,
      to: p.post.name,
      channel: p.channel as 'v' | 'exc' | 'inh',
      weight: denseWeights(p),
      // clock mode: a projection has one delay only when the description declares one number (a
      // range or a matrix gives per-synapse delays, even of one value)
      delayMs: exact ? declaredDelayMs(desc, k, p.name) : typeof declared === 'number' ? declared : 0,
    };
    if (!exact && p.delays !== null) spec.delaysMs = denseDelays(p, s.dt);
    return spec;
  });
  const metadata: NirMetadata = {
    dt: msToS(s.dt),
    snn_dt_ms: s.dt,
    snn_seed: s.seed,
    snn_precision: s.precision,
    snn_mode: desc.mode ?? 'clock',
  };
  if (desc.duration !== undefined) metadata['snn_duration_ms'] = desc.duration;
  if (desc.name !== undefined) metadata['snn_name'] = desc.name;
  if (lossy.length) metadata['snn_lossy'] = lossy.join('; ');
  return { spec: { populations, projections, metadata }, lossy };
}
