/**
 * Adam (Kingma & Ba 2015) as an `UpdateTransform`: it rewrites any rule's pseudo-gradient U into
 * Adam's step direction m̂ / (√v̂ + ε), so the caller still applies W ← W − η·U'. Moments are kept
 * per tensor in float64 (they are small: one pair per weight).
 *
 * | option | default | meaning                       |
 * |--------|---------|-------------------------------|
 * | beta1  | 0.9     | decay of the first moment     |
 * | beta2  | 0.999   | decay of the second moment    |
 * | eps    | 1e-8    | added to √v̂                   |
 */
import type { FloatArray } from '../../engine/float-array.js';
import type { RuleState, UpdateTransform, WeightTensor } from '../plugin-contract.js';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class Adam implements UpdateTransform {
  readonly kind = 'adam';
  private readonly m: Float64Array[] = [];
  private readonly v: Float64Array[] = [];
  /** Steps taken per tensor (bias correction). */
  private readonly t: number[] = [];
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;

  constructor(opts: AdamOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
  }

  transform(index: number, update: FloatArray, _tensor: WeightTensor): FloatArray {
    const n = update.length;
    if (this.m[index] === undefined || this.m[index]!.length !== n) {
      this.m[index] = new Float64Array(n);
      this.v[index] = new Float64Array(n);
      this.t[index] = 0;
    }
    const m = this.m[index]!;
    const v = this.v[index]!;
    const t = (this.t[index] = this.t[index]! + 1);
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 / (1 - b1 ** t);
    const c2 = 1 / (1 - b2 ** t);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const g = update[i]!;
      const mi = (m[i] = b1 * m[i]! + (1 - b1) * g);
      const vi = (v[i] = b2 * v[i]! + (1 - b2) * g * g);
      out[i] = (mi * c1) / (Math.sqrt(vi * c2) + eps);
    }
    return out;
  }

  saveState(): RuleState {
    const s: RuleState = { tensors: this.m.length };
    this.m.forEach((m, k) => {
      s[`m${k}`] = m.slice();
      s[`v${k}`] = this.v[k]!.slice();
      s[`t${k}`] = this.t[k]!;
    });
    return s;
  }

  loadState(s: RuleState): void {
    const n = s.tensors as number;
    for (let k = 0; k < n; k++) {
      this.m[k] = (s[`m${k}`] as Float64Array).slice();
      this.v[k] = (s[`v${k}`] as Float64Array).slice();
      this.t[k] = s[`t${k}`] as number;
    }
  }
}
