/**
 * Per-sample gradient norms of a dense layer unrolled in time, without forming any per-sample
 * gradient (the "Gram trick" for linear layers, as in Goodfellow 2015, extended over time steps).
 *
 * A layer z_t = a_t·W (a_t: its input at step t, [nA]; W: [nA × nG]) contributes to sample b's
 * gradient u_b = Σ_t a_{t,b}ᵀ·g_{t,b}, with g_{t,b} = ∂ℓ_b/∂z_{t,b}. Its squared Frobenius norm is
 *
 *   ‖u_b‖² = Σ_{t,s} (a_{t,b}·a_{s,b}) (g_{t,b}·g_{s,b})
 *
 * two T × T Gram matrices per sample: O(T²·(nA + nG)) instead of the O(T·nA·nG) of forming u_b, and
 * far less when a is sparse (input spikes: the Gram of a runs over the active inputs only).
 * Everything is accumulated in float64.
 */
import { SnnError } from '../engine/errors.js';

/**
 * ‖u_b‖² for every sample b of a layer unrolled over T steps: `a` is [T, B, nA] and `g` is [T, B, nG],
 * row-major (row t·B + b), as tfjs returns them. `gScale` multiplies g (e.g. B, when g is the
 * gradient of the batch-mean loss and u_b should be the gradient of sample b's own loss).
 */
export function unrolledGradientNorms(a: ArrayLike<number>, g: ArrayLike<number>, T: number, B: number, nA: number, nG: number, gScale = 1): Float64Array {
  if (a.length !== T * B * nA || g.length !== T * B * nG) {
    throw new SnnError('internal', `per-sample norms: a has ${a.length} values and g ${g.length}, expected ${T * B * nA} and ${T * B * nG}`);
  }
  const out = new Float64Array(B);
  const gramA = new Float64Array(T * T);
  const active = new Int32Array(T * nA);
  const activeCount = new Int32Array(T);
  for (let b = 0; b < B; b++) {
    // The nonzero inputs of each step: the Gram of a then costs (active inputs) × T.
    for (let t = 0; t < T; t++) {
      const row = (t * B + b) * nA;
      let n = 0;
      for (let i = 0; i < nA; i++) if (a[row + i] !== 0) active[t * nA + n++] = i;
      activeCount[t] = n;
    }
    for (let t = 0; t < T; t++) {
      const rowT = (t * B + b) * nA;
      for (let s = t; s < T; s++) {
        const rowS = (s * B + b) * nA;
        let d = 0;
        for (let k = 0; k < activeCount[t]!; k++) {
          const i = active[t * nA + k]!;
          d += a[rowT + i]! * a[rowS + i]!;
        }
        gramA[t * T + s] = d;
      }
    }
    let norm = 0;
    for (let t = 0; t < T; t++) {
      const gT = (t * B + b) * nG;
      for (let s = t; s < T; s++) {
        const ga = gramA[t * T + s]!;
        if (ga === 0) continue;
        const gS = (s * B + b) * nG;
        let d = 0;
        for (let j = 0; j < nG; j++) d += g[gT + j]! * g[gS + j]!;
        norm += (s === t ? 1 : 2) * ga * d;
      }
    }
    out[b] = norm * gScale * gScale;
  }
  return out;
}
