/**
 * SPECTRA post-clipping (Jiang, Semenov & Stich 2026): soft spectral clipping of each tensor's
 * update, computed by coupled Newton–Schulz iterations (no SVD).
 *
 *   U' = α · H_c(U) + λ·W,   H_c(X) = (I + X·Xᵀ/c²)^{-1/2} · X
 *
 * H_c maps every singular value σ of U to σ/√(1 + σ²/c²) and keeps the singular vectors: small
 * directions pass unchanged, large ones are squashed below c, so ‖H_c(U)‖₂ < c. The decoupled decay λ
 * is added after the clip (W ← (1 − ηλ)W − η·α·H_c(U)). α = √max(1, post/pre) is the Muon-style
 * rectangular scale (for a [pre × post] tensor: √max(1, cols/rows)); `rectScale=false` sets α = 1.
 *
 * Computing A^{-1/2} for A = I + X·Xᵀ/c² (X in its wide orientation, m = min(rows, cols), so A is
 * m × m): bound A's top eigenvalue by α_A = 1 + s/c² with s = min(Gershgorin bound, ‖X·Xᵀ‖_F) of
 * X·Xᵀ, scale Â = A/α_A (eigenvalues in [1/α_A, 1]), then iterate
 *   Y₀ = Â, Z₀ = I;  T = ½(3I − Z·Y);  Y ← Y·T;  Z ← T·Z
 * and take A^{-1/2} ≈ Z/√α_A. For an eigenvalue a of Â the product p = z·y starts at a and follows
 * p ← p(3 − p)²/4: it grows ×2.25 per iteration while small and converges quadratically near 1. So
 * the iterations needed grow with log(α_A) ≈ 2·log(σ_max/c): too few iterations leave the small
 * singular values over-shrunk (never the large ones above c: the error is on the safe side). The
 * default (`iterations` unset) therefore picks n = ⌈ln α_A / ln 2.25⌉ + 6 per update (at most 80),
 * enough for σ_max up to 10⁶·c; a fixed count (the paper's 10) is accurate only while σ_max ≲ 10c.
 * Everything is computed in float64.
 *
 * Sparse updates. A local rule's presentation ΔW (sym-STDP) is non-zero only on the rows of inputs
 * that spiked and the columns of neurons with a non-zero post trace. The clip works on that support
 * alone, exactly: with P, Q selecting the support rows and columns, U = P·S·Qᵀ, and
 * H_c(U) = P·H_c(S)·Qᵀ (the zero rows and columns carry singular value 0, which H_c keeps at 0).
 * The Newton–Schulz iterations see the same thing: in the full matrix's orientation the Gram matrix
 * of U is that of S padded with zero rows and columns, so the spectrum bound α_A (Gershgorin row sums
 * and Frobenius norm), hence the automatic iteration count, are the same, and the iterations act on
 * the support block independently of the rest (Â there is I/α_A, whose block never mixes in, and it
 * multiplies zero rows of U). The compact S keeps the full matrix's orientation for that reason. A
 * 784 × 400 presentation update of hao2020 costs milliseconds this way instead of seconds
 * (bench/spectra-cost.ts).
 *
 * | option     | default | meaning |
 * |------------|---------|---------|
 * | c          | 1       | clipping level (units of U) |
 * | iterations | auto    | Newton–Schulz iterations |
 * | weightDecay| 0       | decoupled decay λ added after the clip |
 * | rectScale  | true    | multiply by √max(1, cols/rows) |
 */
import { SnnError } from '../../engine/errors.js';
import type { FloatArray } from '../../engine/float-array.js';
import type { RuleState, TransformContext, UpdateTransform, WeightTensor } from '../plugin-contract.js';
import { gramRows, matmul, topEigenvalue } from './dense-linalg.js';

export interface SpectraOptions {
  c?: number;
  /** Newton–Schulz iterations; null or undefined: chosen per update from the spectrum bound. */
  iterations?: number | null;
  weightDecay?: number;
  rectScale?: boolean;
}

export const SPECTRA_DEFAULTS = { c: 1, iterations: null as number | null, weightDecay: 0, rectScale: true };

/** Newton–Schulz iterations that the automatic choice needs for a scaled spectrum bound α_A. */
export function autoIterations(alphaA: number): number {
  return Math.min(80, Math.ceil(Math.log(alphaA) / Math.log(2.25)) + 6);
}

/**
 * H_c(X) for X (m × n, row-major, m ≤ n expected: the wide orientation), in float64.
 * Returns the clipped matrix and the iterations used.
 */
export function softSpectralClip(x: ArrayLike<number>, m: number, n: number, c: number, iterations: number | null): { out: Float64Array; iterations: number } {
  const inv = 1 / (c * c);
  const xxt = gramRows(x, m, m === 0 ? 0 : n);
  // spectrum bound of X·Xᵀ: min(max absolute row sum, Frobenius norm)
  let gersh = 0;
  let frob = 0;
  for (let i = 0; i < m; i++) {
    let rs = 0;
    for (let j = 0; j < m; j++) {
      const v = xxt[i * m + j]!;
      rs += Math.abs(v);
      frob += v * v;
    }
    gersh = Math.max(gersh, rs);
  }
  const s = Math.min(gersh, Math.sqrt(frob));
  const alphaA = 1 + s * inv;
  const iters = iterations ?? autoIterations(alphaA);
  // Y = Â = (I + XXᵀ/c²)/α_A, Z = I
  let y = new Float64Array(m * m);
  for (let i = 0; i < m * m; i++) y[i] = (xxt[i]! * inv) / alphaA;
  for (let i = 0; i < m; i++) y[i * m + i] = y[i * m + i]! + 1 / alphaA;
  let z = new Float64Array(m * m);
  for (let i = 0; i < m; i++) z[i * m + i] = 1;
  let t = new Float64Array(m * m);
  let y2 = new Float64Array(m * m);
  let z2 = new Float64Array(m * m);
  for (let k = 0; k < iters; k++) {
    matmul(z, y, m, m, m, t);
    for (let i = 0; i < m * m; i++) t[i] = -0.5 * t[i]!;
    for (let i = 0; i < m; i++) t[i * m + i] = t[i * m + i]! + 1.5;
    matmul(y, t, m, m, m, y2);
    matmul(t, z, m, m, m, z2);
    [y, y2] = [y2, y];
    [z, z2] = [z2, z];
  }
  const scale = 1 / Math.sqrt(alphaA);
  for (let i = 0; i < m * m; i++) z[i] = z[i]! * scale;
  return { out: matmul(z, x, m, m, n), iterations: iters };
}

/** Spectral norm ‖X‖₂ of X (m × n) by power iteration on X·Xᵀ (m ≤ n preferred). */
export function spectralNorm(x: ArrayLike<number>, m: number, n: number): number {
  const tmp = new Float64Array(n);
  const lambda = topEigenvalue((v, out) => {
    tmp.fill(0);
    for (let i = 0; i < m; i++) {
      const vi = v[i]!;
      if (vi === 0) continue;
      for (let j = 0; j < n; j++) tmp[j] = tmp[j]! + vi * x[i * n + j]!;
    }
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += x[i * n + j]! * tmp[j]!;
      out[i] = s;
    }
  }, m, 300, 1e-12);
  return Math.sqrt(Math.max(0, lambda));
}

/** Indices of the rows and of the columns of a rows × cols matrix that hold a non-zero value. */
export function support(u: ArrayLike<number>, rows: number, cols: number): { rowIndex: Int32Array; colIndex: Int32Array } {
  const colUsed = new Uint8Array(cols);
  const rowIndex: number[] = [];
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let used = false;
    for (let j = 0; j < cols; j++) {
      if (u[base + j] !== 0) {
        used = true;
        colUsed[j] = 1;
      }
    }
    if (used) rowIndex.push(i);
  }
  const colIndex: number[] = [];
  for (let j = 0; j < cols; j++) if (colUsed[j]) colIndex.push(j);
  return { rowIndex: Int32Array.from(rowIndex), colIndex: Int32Array.from(colIndex) };
}

export class Spectra implements UpdateTransform {
  readonly kind = 'spectra';
  readonly c: number;
  private readonly iterations: number | null;
  private readonly weightDecay: number;
  private readonly rectScale: boolean;
  private readonly last = new Map<string, { before: number; after: number; iterations: number }>();

  constructor(opts: SpectraOptions = {}) {
    const o = { ...SPECTRA_DEFAULTS, ...opts };
    if (!(o.c > 0) || !Number.isFinite(o.c)) throw new SnnError('config.invalid', `spectra: c must be a positive number, got ${o.c}`, 'e.g. spectra:c=1');
    if (o.iterations !== null && (!Number.isInteger(o.iterations) || o.iterations < 1)) {
      throw new SnnError('config.invalid', `spectra: iterations must be a positive integer, got ${o.iterations}`, 'e.g. spectra:iterations=20, or leave it unset for the automatic count');
    }
    this.c = o.c;
    this.iterations = o.iterations;
    this.weightDecay = o.weightDecay;
    this.rectScale = o.rectScale;
  }

  transform(_index: number, update: FloatArray, tensor: WeightTensor, _context: TransformContext): FloatArray {
    const [rows, cols] = tensor.shape;
    if (rows * cols !== update.length) throw new SnnError('internal', `spectra: update of '${tensor.name}' has ${update.length} values, shape ${rows} × ${cols}`);
    const { rowIndex, colIndex } = support(update, rows, cols);
    const r = rowIndex.length;
    const k = colIndex.length;
    // the compact support S (r × k), in the full matrix's orientation (see the header)
    const wide = rows <= cols;
    const m = wide ? r : k;
    const n = wide ? k : r;
    const x = new Float64Array(r * k);
    for (let a = 0; a < r; a++) {
      const base = rowIndex[a]! * cols;
      for (let b = 0; b < k; b++) {
        const v = update[base + colIndex[b]!]!;
        if (wide) x[a * k + b] = v;
        else x[b * r + a] = v;
      }
    }
    const { out, iterations } = m === 0 ? { out: x, iterations: this.iterations ?? autoIterations(1) } : softSpectralClip(x, m, n, this.c, this.iterations);
    const alpha = this.rectScale ? Math.sqrt(Math.max(1, cols / rows)) : 1;
    const before = spectralNorm(x, m, n);
    const after = alpha * spectralNorm(out, m, n);
    const result = new Float32Array(update.length);
    const w = tensor.values;
    if (this.weightDecay !== 0) for (let i = 0; i < result.length; i++) result[i] = this.weightDecay * w[i]!;
    for (let a = 0; a < r; a++) {
      const base = rowIndex[a]! * cols;
      for (let b = 0; b < k; b++) {
        const h = wide ? out[a * k + b]! : out[b * r + a]!;
        const idx = base + colIndex[b]!;
        result[idx] = alpha * h + this.weightDecay * w[idx]!;
      }
    }
    this.last.set(tensor.name, { before, after, iterations });
    return result;
  }

  /** `spectralNorm/<tensor>/before|after` (after includes α, not the decay) and the iterations used. */
  diagnostics(): Record<string, number> {
    const d: Record<string, number> = {};
    for (const [name, s] of this.last) {
      d[`spectralNorm/${name}/before`] = s.before;
      d[`spectralNorm/${name}/after`] = s.after;
      d[`nsIterations/${name}`] = s.iterations;
    }
    return d;
  }

  /** Stateless between updates (the clip depends only on U and W). */
  saveState(): RuleState {
    return {};
  }

  loadState(_state: RuleState): void {}
}
