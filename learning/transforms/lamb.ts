/**
 * LAMB (You et al. 2019, "Large batch optimization for deep learning"): Adam's direction with a
 * layer-wise trust ratio. Per tensor l, with r = m̂/(√v̂ + ε) + λ·W (Adam moments with bias
 * correction, decoupled weight decay folded in):
 *
 *   U' = φ(‖W‖) / ‖r‖ · r,     φ(z) = min(max(z, γ_lo), γ_hi)
 *
 * so the caller's step W ← W − η·U' has norm η·φ(‖W‖) on every step, whatever the scale of the
 * rule's update: a rule that is merely mis-scaled per layer learns the same under LAMB. The ratio
 * falls back to 1 when ‖W‖ = 0 or ‖r‖ = 0 (a zero layer still moves by Adam's step).
 *
 * Norms are Frobenius norms over the whole tensor (a projection is one layer). The Adam part is the
 * Adam transform itself (learning/transforms/adam.ts), so the moments are written once.
 */
import type { FloatArray } from '../../engine/float-array.js';
import type { RuleState, TransformContext, UpdateTransform, WeightTensor } from '../plugin-contract.js';
import { Adam } from './adam.js';
import { norm2 } from './dense-linalg.js';
import { prefixState, unprefixState } from './nested-state.js';

export interface LambOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay λ. */
  weightDecay?: number;
  /** φ's lower clamp γ_lo on ‖W‖. */
  normMin?: number;
  /** φ's upper clamp γ_hi on ‖W‖ (null: none). */
  normMax?: number | null;
}

export const LAMB_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0, normMin: 0, normMax: null as number | null };

export class Lamb implements UpdateTransform {
  readonly kind = 'lamb';
  private readonly adam: Adam;
  private readonly weightDecay: number;
  private readonly normMin: number;
  private readonly normMax: number;
  /** Trust ratio of the last step, per tensor name. */
  private readonly ratios = new Map<string, number>();

  constructor(opts: LambOptions = {}) {
    const o = { ...LAMB_DEFAULTS, ...opts };
    this.adam = new Adam({ beta1: o.beta1, beta2: o.beta2, eps: o.eps });
    this.weightDecay = o.weightDecay;
    this.normMin = o.normMin;
    this.normMax = o.normMax ?? Infinity;
  }

  transform(index: number, update: FloatArray, tensor: WeightTensor, _context?: TransformContext): FloatArray {
    const r = this.adam.transform(index, update, tensor) as Float32Array;
    const w = tensor.values;
    if (this.weightDecay !== 0) for (let i = 0; i < r.length; i++) r[i] = r[i]! + this.weightDecay * w[i]!;
    const wNorm = norm2(w);
    const rNorm = norm2(r);
    const phi = Math.min(Math.max(wNorm, this.normMin), this.normMax);
    const ratio = wNorm > 0 && rNorm > 0 ? phi / rNorm : 1;
    for (let i = 0; i < r.length; i++) r[i] = ratio * r[i]!;
    this.ratios.set(tensor.name, ratio);
    return r;
  }

  /** `trustRatio/<tensor>`: φ(‖W‖)/‖r‖ of the last step of each tensor. */
  diagnostics(): Record<string, number> {
    const d: Record<string, number> = {};
    for (const [name, ratio] of this.ratios) d[`trustRatio/${name}`] = ratio;
    return d;
  }

  saveState(): RuleState {
    return prefixState('adam.', this.adam.saveState());
  }

  loadState(state: RuleState): void {
    this.adam.loadState(unprefixState('adam.', state));
  }
}
