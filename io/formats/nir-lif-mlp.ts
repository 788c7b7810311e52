/**
 * A trained lif-mlp (`snn train --model lif-mlp`, RUN_DIR/model.snnmodel) → NIR spec.
 *
 * The network is what NIR describes directly: input (Input 784) → input->hidden (Linear [H × 784],
 * the trained W1 transposed) → hidden (CubaLIF: the normalised LIF of models/unit-lif.ts, current
 * synapses) → hidden->output (Linear [10 × H]) → output (CubaLIF with the spike-count readout; with
 * the membrane readout a CubaLI, which integrates and never fires) → output_out. Weights are in the
 * unit the engine uses for current synapses (a spike of weight w makes the synaptic current jump by
 * w), so they are written as trained; the mapping to NIR's parameters is nir-from-network.ts's.
 *
 * Not in the graph, stated in `snn_lossy`: the Poisson input encoding (pixel p fires at
 * p/255 · maxRateHz), the readout (logits = output spike counts, or the output membrane averaged
 * over the T steps of a presentation) and the time stepping (exact propagators at dt = 1 ms).
 */
import { SnnError } from '../../engine/errors.js';
import { UNIT_LIF } from '../../models/unit-lif.js';
import type { NirMetadata } from './nir-graph.js';
import type { NirNetworkSpec } from './nir-from-network.js';
import type { TrainedExport } from './nir-trained-model.js';
import { msToS } from './nir-units.js';

/** The fields of a lif-mlp model file the export reads (training/batch-trainer.ts writes them). */
export interface LifMlpModelFile {
  model: string;
  dataset: string;
  seed: number;
  config: { neurons: number; steps: number; readout: string; maxRateHz: number; dt?: number };
  rule?: { name: string; options: Record<string, unknown> };
  arrays: Record<string, Float32Array | Float64Array>;
}

const INPUTS = 784;
const CLASSES = 10;
/** The tensor-mode step of lif-mlp (ms). */
const DT_MS = 1;

/** Row-major [pre × post] → [post × pre] (NIR's (out, in)). */
function transposed(w: ArrayLike<number>, pre: number, post: number): Float64Array {
  const out = new Float64Array(pre * post);
  for (let i = 0; i < pre; i++) for (let j = 0; j < post; j++) out[j * pre + i] = w[i * post + j]!;
  return out;
}

function weights(m: LifMlpModelFile, name: string, length: number): Float32Array | Float64Array {
  const a = m.arrays[name];
  if (!a || a.length !== length) throw new SnnError('io.corrupt', `model array '${name}' is missing or has ${a?.length ?? 0} values instead of ${length}`, 'the model file is damaged or from another version');
  return a;
}

export function lifMlpToNirSpec(m: LifMlpModelFile): TrainedExport {
  const h = m.config.neurons;
  if (!Number.isInteger(h) || h < 1) throw new SnnError('io.corrupt', `model config has ${h} hidden neurons`, 'the model file is damaged');
  const membrane = m.config.readout === 'membrane';
  if (!membrane && m.config.readout !== 'spike-count') throw new SnnError('io.corrupt', `unknown lif-mlp readout '${m.config.readout}'`, "the model file is damaged (readouts: 'membrane', 'spike-count')");
  const w1 = weights(m, 'input->hidden', INPUTS * h);
  const w2 = weights(m, 'hidden->output', h * CLASSES);
  const spec: NirNetworkSpec = {
    populations: [
      { kind: 'source', name: 'input', size: INPUTS, metadata: { snn_note: `Poisson spike trains of the image pixels: pixel p fires at p/255 * ${m.config.maxRateHz} Hz` } },
      { kind: 'lif', name: 'hidden', size: h, params: UNIT_LIF, record: false },
      { kind: 'lif', name: 'output', size: CLASSES, params: UNIT_LIF, record: true, integrateOnly: membrane, metadata: { snn_readout: m.config.readout } },
    ],
    projections: [
      { name: 'input->hidden', from: 'input', to: 'hidden', channel: 'exc', weight: transposed(w1, INPUTS, h), delayMs: 0 },
      { name: 'hidden->output', from: 'hidden', to: 'output', channel: 'exc', weight: transposed(w2, h, CLASSES), delayMs: 0 },
    ],
    metadata: {},
  };
  const lossy = [
    `the input encoding: Poisson spike trains, pixel p at p/255 * ${m.config.maxRateHz} Hz, ${m.config.steps} steps of ${DT_MS} ms per image`,
    membrane ? `the readout: logits = the output membrane (CubaLI) averaged over the ${m.config.steps} steps` : `the readout: logits = output spike counts over the ${m.config.steps} steps`,
    `time stepping (exact propagators at dt ${DT_MS} ms) vs NIR's continuous dynamics`,
  ];
  const metadata: NirMetadata = {
    dt: msToS(DT_MS),
    snn_dt_ms: DT_MS,
    snn_seed: m.seed,
    snn_model: m.model,
    snn_dataset: m.dataset,
    snn_readout: m.config.readout,
    snn_steps: m.config.steps,
    snn_lossy: lossy.join('; '),
  };
  if (m.rule) metadata['snn_rule'] = m.rule.name;
  spec.metadata = metadata;
  return { spec, lossy };
}
