/**
 * Trained model (`snn train` → RUN_DIR/model.snnmodel of hao2020 or diehl-cook-2015) → NIR spec
 * (a lif-mlp model: nir-lif-mlp.ts).
 *
 * NIR has no conductance synapse and no adaptive threshold, so the export is an approximation,
 * stated in the graph's metadata (`snn_approximation`, `snn_lossy`):
 *
 * - Conductance → current: a synapse on channel c adds g·(E_c − v) to τm·dv/dt; we hold v at the
 *   population's resting potential, I_c = g·(E_c − v_rest), so a weight w becomes the current weight
 *   w·(E_c − v_rest) mV (exc: E_exc = 0 mV; inh: E_inh = −100 mV for hao2020, −85 mV for D&C) with the
 *   synaptic time constant kept (τexc = 1 ms, τinh = 2 ms). Dropped: the shunting part −g·(v − v_rest).
 * - θ frozen at its trained value: v_threshold[i] = vThresh + θ[i] − thetaOffset (per neuron).
 * - Not representable: refractory periods, the vMin clamp, Euler integration (kept in snn metadata),
 *   the teacher input of the SL layer (training only). D&C's per-synapse input delays (regenerated
 *   from the run's seed) are kept as one Linear + Delay per delay value, up to a size limit.
 *
 * Graph: input (Input 784) → input->exc (Linear [N × 784]) → exc (LIF with LI synaptic currents
 * exc_syn_exc / exc_syn_inh, since τexc ≠ τinh) → exc->inh (Linear, diagonal) → inh (CubaLIF) →
 * inh->exc (Linear, all-but-self) → exc_syn_inh; hao2020 adds exc → exc->sl (Linear [10 × N]) → sl
 * (CubaLIF) → sl_out. Outputs: exc_out (the USL readout uses exc spikes) and sl_out.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SnnError } from '../../engine/errors.js';
import type { LifParams } from '../../models/lif.js';
import { buildDiehlCook2015, dcExcParams, dcInhParams, type DiehlCook2015Config } from '../../models/zoo/diehl-cook-2015.js';
import { excParams, inhParams, slParams, type Hao2020Config } from '../../models/zoo/hao2020.js';
import { MODEL_MAGIC, readFramed } from '../checkpoint.js';
import type { NirMetadata } from './nir-graph.js';
import { lifMlpToNirSpec, type LifMlpModelFile } from './nir-lif-mlp.js';
import type { NirLifSpec, NirNetworkSpec, NirProjectionSpec } from './nir-from-network.js';
import { msToS } from './nir-units.js';

/** Dense values written for D&C's delay-split input projection at most (784·N per distinct delay). */
const MAX_DELAY_VALUES = 2 ** 25;

export interface TrainedModelFile {
  format?: string;
  version?: number;
  model: string;
  dataset: string;
  config: (Hao2020Config | DiehlCook2015Config) & { neurons: number; dt: number };
  seed: number;
  trained?: number;
  arrays: Record<string, Float32Array | Float64Array>;
  assignments: Int8Array;
}

/** RUN_DIR (holding model.snnmodel) or a .snnmodel file. */
export function trainedModelPath(pathOrDir: string): string {
  try {
    if (statSync(pathOrDir).isDirectory()) {
      const p = join(pathOrDir, 'model.snnmodel');
      if (!existsSync(p)) throw new SnnError('io.missing', `${pathOrDir} holds no model.snnmodel`, 'give the run directory of a finished snn train, or the .snnmodel file');
      return p;
    }
  } catch (err) {
    if (err instanceof SnnError) throw err;
  }
  return pathOrDir;
}

export function loadTrainedModel(pathOrDir: string): TrainedModelFile {
  const path = trainedModelPath(pathOrDir);
  const m = readFramed<TrainedModelFile>(path, MODEL_MAGIC, 'model');
  if (typeof m !== 'object' || m === null || typeof m.model !== 'string' || typeof m.arrays !== 'object' || typeof m.config !== 'object') {
    throw new SnnError('io.corrupt', `${path}: the model file lacks its model name, config or arrays`, 'use a model.snnmodel written by snn train');
  }
  return m;
}

function array(m: TrainedModelFile, key: string, length: number): Float32Array | Float64Array {
  const a = m.arrays[key];
  if (!a || a.length !== length) throw new SnnError('io.corrupt', `model array '${key}' is missing or has ${a?.length ?? 0} values instead of ${length}`, 'the model file is damaged or from another version');
  return a;
}

/** Conductance params → current params with frozen θ; the weight factors per channel. */
function asCurrent(p: LifParams): { params: LifParams; exc: number; inh: number } {
  return {
    params: { ...p, synapse: 'current', thetaPlus: 0, tauTheta: null, thetaInit: 0, thetaOffset: 0, vMin: null },
    exc: p.eExc - p.vRest,
    inh: p.eInh - p.vRest,
  };
}

function transposeScaled(w: ArrayLike<number>, pre: number, post: number, scale: number): Float64Array {
  const W = new Float64Array(pre * post);
  for (let i = 0; i < pre; i++) for (let j = 0; j < post; j++) W[j * pre + i] = w[i * post + j]! * scale;
  return W;
}

function lifMeta(p: LifParams): NirMetadata {
  const m: NirMetadata = { snn_refractory_ms: p.refractory, snn_method: p.method, snn_conductance: JSON.stringify({ eExc: p.eExc, eInh: p.eInh }) };
  if (p.vMin !== null) m['snn_v_min'] = p.vMin;
  return m;
}

export interface TrainedExport {
  spec: NirNetworkSpec;
  lossy: string[];
}

export function trainedModelToNirSpec(m: TrainedModelFile): TrainedExport {
  if (m.model === 'lif-mlp') return lifMlpToNirSpec(m as unknown as LifMlpModelFile);
  if (m.model !== 'hao2020' && m.model !== 'diehl-cook-2015') {
    throw new SnnError('usage', `cannot export model kind '${m.model}' to NIR`, 'NIR export knows hao2020, diehl-cook-2015 and lif-mlp models');
  }
  const n = m.config.neurons;
  if (!Number.isInteger(n) || n < 1) throw new SnnError('io.corrupt', `model config has ${n} neurons`, 'the model file is damaged');
  const hao = m.model === 'hao2020';
  const excP = hao ? excParams(m.config as Hao2020Config) : dcExcParams(m.config as DiehlCook2015Config);
  const inhP = hao ? inhParams() : dcInhParams();
  const exc = asCurrent(excP);
  const inh = asCurrent(inhP);
  const theta = array(m, 'exc.theta', n);
  const vThreshold = new Float64Array(n);
  for (let i = 0; i < n; i++) vThreshold[i] = excP.vThresh + theta[i]! - excP.thetaOffset;
  const wIn = array(m, 'input->exc', 784 * n);
  const cfg = m.config as { weightExcInh: number; weightInhExc: number };

  const populations: NirNetworkSpec['populations'] = [
    { kind: 'source', name: 'input', size: 784, metadata: { snn_note: 'Poisson spike trains of the image pixels (datasets/ Poisson encoder)' } },
    { kind: 'lif', name: 'exc', size: n, params: exc.params, vThreshold, record: true, metadata: lifMeta(excP) },
    { kind: 'lif', name: 'inh', size: n, params: inh.params, record: false, metadata: lifMeta(inhP) },
  ];
  const eye = (w: number, scale: number) => {
    const W = new Float64Array(n * n);
    for (let i = 0; i < n; i++) W[i * n + i] = w * scale;
    return W;
  };
  const allButSelf = (w: number, scale: number) => {
    const W = new Float64Array(n * n).fill(w * scale);
    for (let i = 0; i < n; i++) W[i * n + i] = 0;
    return W;
  };
  const projections: NirProjectionSpec[] = [
    { name: 'input->exc', from: 'input', to: 'exc', channel: 'exc', weight: transposeScaled(wIn, 784, n, exc.exc), delayMs: 0 },
    { name: 'exc->inh', from: 'exc', to: 'inh', channel: 'exc', weight: eye(cfg.weightExcInh, inh.exc), delayMs: 0 },
    { name: 'inh->exc', from: 'inh', to: 'exc', channel: 'inh', weight: allButSelf(cfg.weightInhExc, exc.inh), delayMs: 0 },
  ];
  let delayNote: string | null = null;
  if (!hao) {
    // D&C's input delays are not in the model file: they are drawn from the run's seed when the
    // graph is built, so rebuild it. One Linear + Delay per distinct delay (≤ 21 on the 0.5 ms grid).
    const dc = m.config as DiehlCook2015Config;
    const distinct = Math.round(dc.maxDelayMs / dc.dt) + 1;
    if (784 * n * distinct <= MAX_DELAY_VALUES) {
      const d = buildDiehlCook2015(dc, m.seed).p2e.delays;
      if (d) projections[0]!.delaysMs = transposeScaled(d, 784, n, dc.dt);
    } else delayNote = `per-synapse input delays U[0, ${dc.maxDelayMs}] ms are dropped (${n} neurons × ${distinct} delay values exceed the size limit)`;
  }
  if (hao) {
    const sl = asCurrent(slParams());
    populations.push({ kind: 'lif', name: 'sl', size: 10, params: sl.params, record: true, metadata: lifMeta(slParams()) } satisfies NirLifSpec);
    projections.push({ name: 'exc->sl', from: 'exc', to: 'sl', channel: 'exc', weight: transposeScaled(array(m, 'exc->sl', n * 10), n, 10, sl.exc), delayMs: 0 });
  }

  const approximation =
    `conductance synapses approximated as current-based: a conductance g on channel c contributes g*(E_c - v) to tau_m*dv/dt; ` +
    `v is held at the population's resting potential, I_c = g*(E_c - v_rest), so weights are multiplied by (E_c - v_rest) ` +
    `[exc: ${exc.exc} mV (E_exc ${excP.eExc}, v_rest ${excP.vRest}) on exc channel, ${exc.inh} mV on inh channel; inh: ${inh.exc} mV` +
    `${hao ? `; sl: ${asCurrent(slParams()).exc} mV` : ''}]; synaptic time constants kept (tau_exc ${excP.tauExc} ms, tau_inh ${excP.tauInh} ms); ` +
    `the shunting term -g*(v - v_rest) is dropped. Adaptive threshold frozen: v_threshold[i] = vThresh + theta[i] - thetaOffset = ${excP.vThresh} + theta[i] - ${excP.thetaOffset} mV.`;
  const lossy = [
    'conductance synapses → current-based (see snn_approximation)',
    'adaptive threshold frozen at the trained θ (no θ jumps or decay)',
    `refractory periods (exc ${excP.refractory} ms, inh ${inhP.refractory} ms) and the vMin clamp${excP.vMin !== null ? ` (${excP.vMin} mV)` : ''} are kept only in snn metadata`,
    `Euler integration (dt ${m.config.dt} ms) vs NIR's continuous dynamics`,
  ];
  if (delayNote) lossy.push(delayNote);
  if (hao) lossy.push('the SL teacher input (training only) is not part of the graph');
  const assignments = Int32Array.from(m.assignments ?? []);
  const metadata: NirMetadata = {
    dt: msToS(m.config.dt),
    snn_dt_ms: m.config.dt,
    snn_seed: m.seed,
    snn_model: m.model,
    snn_dataset: m.dataset,
    snn_approximation: approximation,
    snn_lossy: lossy.join('; '),
  };
  if (typeof m.trained === 'number') metadata['snn_trained_samples'] = m.trained;
  if (assignments.length) metadata['snn_assignments'] = assignments;
  return { spec: { populations, projections, metadata }, lossy };
}
