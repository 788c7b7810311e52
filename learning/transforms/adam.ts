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
import { adamMoments, type AdamMoments } from '../../engine/tensor-ops.js';
import type { RuleState, UpdateTransform, WeightTensor } from '../plugin-contract.js';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/** One tensor's moments: a slot of the store and its size. */
interface Moments {
  slot: number;
  n: number;
}

export class Adam implements UpdateTransform {
  readonly kind = 'adam';
  private readonly moments: Moments[] = [];
  /** Steps taken per tensor (bias correction). */
  private readonly t: number[] = [];
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  /** This instance's moments and step (a SIMD kernel where it compiles; engine/tensor-ops.ts). */
  private readonly store: AdamMoments = adamMoments();

  constructor(opts: AdamOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
  }

  /** Tensor `index`'s moments (zeroed when new or resized). */
  private momentsOf(index: number, n: number): Moments {
    let mo = this.moments[index];
    if (mo === undefined || mo.n !== n) {
      mo = { slot: this.store.allocate(n), n };
      this.moments[index] = mo;
      this.t[index] = 0;
    }
    return mo;
  }

  transform(index: number, update: FloatArray, _tensor: WeightTensor): FloatArray {
    const mo = this.momentsOf(index, update.length);
    const t = (this.t[index] = this.t[index]! + 1);
    const { beta1: b1, beta2: b2, eps } = this;
    const c1 = 1 / (1 - b1 ** t);
    const c2 = 1 / (1 - b2 ** t);
    return this.store.step(mo.slot, update, b1, b2, c1, c2, eps);
  }

  saveState(): RuleState {
    const s: RuleState = { tensors: this.moments.length };
    this.moments.forEach((mo, k) => {
      s[`m${k}`] = this.store.moment(mo.slot, 0).slice();
      s[`v${k}`] = this.store.moment(mo.slot, 1).slice();
      s[`t${k}`] = this.t[k]!;
    });
    return s;
  }

  loadState(s: RuleState): void {
    const n = s.tensors as number;
    for (let k = 0; k < n; k++) {
      const m = s[`m${k}`] as Float64Array;
      const mo = this.momentsOf(k, m.length);
      this.store.moment(mo.slot, 0).set(m);
      this.store.moment(mo.slot, 1).set(s[`v${k}`] as Float64Array);
      this.t[k] = s[`t${k}`] as number;
    }
  }
}
