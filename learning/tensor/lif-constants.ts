/**
 * The per-step constants of one tensor-mode LIF layer, relative to vRest (u = v − vRest, mV), shared
 * by the op-by-op path (lif-tensor.ts) and the fused kernels (engine/tensor-ops.ts) so both run the same numbers.
 */
import type { LifStepConstants } from '../../engine/tensor-ops.js';
import type { LifTensorLayer } from './lif-tensor.js';

export type { LifStepConstants };

export function lifStepConstants(layer: LifTensorLayer): LifStepConstants {
  const p = layer.params;
  const q = layer.prop;
  const inh = layer.channel === 'inh';
  // A float64 rounding residue of the shift (|x| < 1e-9 mV) is snapped to 0 so the add can be skipped.
  const uConstRaw = q.vConst + p.vRest * q.eM - p.vRest;
  return {
    eM: q.eM,
    k: inh ? q.kI : q.kE,
    eS: inh ? q.eI : q.eE,
    uConst: Math.abs(uConstRaw) < 1e-9 ? 0 : uConstRaw,
    uThresh: p.vThresh + p.thetaInit - p.thetaOffset - p.vRest,
    uReset: p.vReset - p.vRest,
    uMin: p.vMin === null ? null : p.vMin - p.vRest,
    refractorySteps: q.refractorySteps,
    delta: p.synapse === 'delta',
  };
}

/** Initial u = v0 − vRest of one sample's neurons (float32, as tfjs stores it). */
export function initialURow(layer: LifTensorLayer): Float32Array {
  const vRest = layer.params.vRest;
  if (typeof layer.v0 === 'number') return new Float32Array(layer.size).fill(layer.v0 - vRest);
  return Float32Array.from(layer.v0, (v) => v - vRest);
}
