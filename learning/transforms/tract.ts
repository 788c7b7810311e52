/**
 * TrAct (Petersen, Borgelt & Ermon 2024, "making first-layer pre-activations trainable"): the
 * first layer's update is preconditioned by the inverse second-moment matrix of its inputs,
 *
 *   U' = (XᵀX/b + λI)⁻¹ · U          (tensor layout [pre × post]: U = Xᵀ·G)
 *
 * with X (b × n) the layer's input rows of the batch. Why: a first-layer gradient is proportional
 * to the input's intensity, so bright, high-contrast samples — for rate-coded spikes, samples with
 * many input spikes — dominate the step. TrAct takes the gradient step on the pre-activations
 * Z = X·W instead and picks the weights whose Z comes closest (ridge-regularized) to it: as λ → 0
 * with b ≤ n, every sample's pre-activation moves by exactly −η·b·G_i, its own loss gradient,
 * however bright it was. As λ → ∞, λ·U' → U (the plain gradient).
 *
 * Two closed forms, the same matrix: for b ≥ n a Cholesky solve of the n × n system; for b < n the
 * Woodbury identity (XᵀX/b + λI)⁻¹ = (1/λ)·(I − Xᵀ(bλI + XXᵀ)⁻¹X), a b × b solve. Float64.
 * Only the tensor at `layer` (default 0, the first) is transformed; the others pass through.
 *
 * λ's meaning depends on the input scale; with `scale=mean-diag` (default) the λ used is
 * λ·mean(diag(XᵀX/b)) — the mean squared input — so that λ = 0.1 means the same for 0/1 spikes at
 * any rate as for standardized pixels. `scale=absolute` uses λ as given.
 *
 * Diagnostic: `tractCondition/<tensor>`, the condition number of XᵀX/b + λI (power iteration for
 * the top eigenvalue; the bottom one is λ when b < n, else found by inverse iteration).
 */
import { SnnError } from '../../engine/errors.js';
import type { FloatArray } from '../../engine/float-array.js';
import type { LayerFactors, RuleState, TransformContext, UpdateTransform, WeightTensor } from '../plugin-contract.js';
import { cholesky, choleskySolve, gramCols, gramRows, matmul, matmulTransA, symmetricApply, topEigenvalue } from './dense-linalg.js';

export interface TractOptions {
  lambda?: number;
  scale?: 'mean-diag' | 'absolute';
  /** 'auto': Woodbury when b < n, else Cholesky. */
  method?: 'auto' | 'cholesky' | 'woodbury';
  /** Index of the tensor to precondition. */
  layer?: number;
}

export const TRACT_DEFAULTS = { lambda: 0.1, scale: 'mean-diag' as const, method: 'auto' as const, layer: 0 };

/**
 * (XᵀX/b + λI)⁻¹·U for X (b × n) and U (n × k), by the chosen closed form. Returns the result and
 * the condition number of the matrix.
 */
export function tractSolve(x: ArrayLike<number>, b: number, n: number, u: ArrayLike<number>, k: number, lambda: number, method: 'cholesky' | 'woodbury'): { out: Float64Array; condition: number } {
  if (!(lambda > 0)) throw new SnnError('config.invalid', `tract: λ must be > 0, got ${lambda}`, 'e.g. tract:lambda=0.1');
  if (method === 'cholesky') {
    const m = gramCols(x, b, n, 1 / b);
    const top = topEigenvalue(symmetricApply(m, n), n, 200, 1e-9);
    for (let i = 0; i < n; i++) m[i * n + i] = m[i * n + i]! + lambda;
    cholesky(m, n);
    const out = choleskySolve(m, n, Float64Array.from(u), k);
    const inv = topEigenvalue((v, o) => {
      o.set(v);
      choleskySolve(m, n, o, 1);
    }, n, 200, 1e-9);
    return { out, condition: (top + lambda) * inv };
  }
  // Woodbury: U' = (U − Xᵀ·(bλI + XXᵀ)⁻¹·(X·U)) / λ
  const kk = gramRows(x, b, n);
  const top = b > 0 ? topEigenvalue(symmetricApply(kk, b), b, 200, 1e-9) / b : 0;
  for (let i = 0; i < b; i++) kk[i * b + i] = kk[i * b + i]! + b * lambda;
  cholesky(kk, b);
  const xu = matmul(x, u, b, n, k);
  choleskySolve(kk, b, xu, k);
  const corr = matmulTransA(x, xu, b, n, k);
  const out = new Float64Array(n * k);
  for (let i = 0; i < out.length; i++) out[i] = (u[i]! - corr[i]!) / lambda;
  // b < n: XᵀX has a null space, so the bottom eigenvalue is λ itself
  const bottom = b < n ? lambda : lambda + smallestGramEigen(x, b, n);
  return { out, condition: (top + lambda) / bottom };
}

/** Smallest eigenvalue of XᵀX/b (n ≤ b) by inverse iteration on XᵀX/b + tiny shift. */
function smallestGramEigen(x: ArrayLike<number>, b: number, n: number): number {
  const m = gramCols(x, b, n, 1 / b);
  const shift = 1e-12 * (1 + Math.abs(m[0]!));
  for (let i = 0; i < n; i++) m[i * n + i] = m[i * n + i]! + shift;
  cholesky(m, n);
  const inv = topEigenvalue((v, o) => {
    o.set(v);
    choleskySolve(m, n, o, 1);
  }, n, 200, 1e-9);
  return Math.max(0, 1 / inv - shift);
}

export class Tract implements UpdateTransform {
  readonly kind = 'tract';
  private readonly lambda: number;
  private readonly scale: 'mean-diag' | 'absolute';
  private readonly method: 'auto' | 'cholesky' | 'woodbury';
  private readonly layer: number;
  private readonly last = new Map<string, { condition: number; lambda: number }>();

  constructor(opts: TractOptions = {}) {
    const o = { ...TRACT_DEFAULTS, ...opts };
    if (!(o.lambda > 0) || !Number.isFinite(o.lambda)) throw new SnnError('config.invalid', `tract: lambda must be a positive number, got ${o.lambda}`, 'e.g. tract:lambda=0.1');
    this.lambda = o.lambda;
    this.scale = o.scale;
    this.method = o.method;
    this.layer = o.layer;
  }

  transform(index: number, update: FloatArray, tensor: WeightTensor, context: TransformContext): FloatArray {
    if (index !== this.layer) return update;
    const f: LayerFactors | undefined = context.firstLayer;
    if (f === undefined) {
      throw new SnnError('config.invalid', `tract: no first-layer inputs for '${tensor.name}'`, 'TrAct needs a rule that offers firstLayerFactors (e.g. surrogate-bptt); drop --transform tract for this rule');
    }
    const [n, k] = tensor.shape;
    const b = f.rows;
    if (f.x.length !== b * n) throw new SnnError('internal', `tract: ${f.x.length} input values for ${b} rows × ${n} inputs of '${tensor.name}'`);
    let lambda = this.lambda;
    if (this.scale === 'mean-diag') {
      let s = 0;
      for (let i = 0; i < f.x.length; i++) s += f.x[i]! * f.x[i]!;
      const meanDiag = s / (b * n);
      if (meanDiag > 0) lambda *= meanDiag;
    }
    const method = this.method === 'auto' ? (b < n ? 'woodbury' : 'cholesky') : this.method;
    const { out, condition } = tractSolve(f.x, b, n, update, k, lambda, method);
    this.last.set(tensor.name, { condition, lambda });
    return Float32Array.from(out);
  }

  /** `tractCondition/<tensor>`: condition number of XᵀX/b + λI; `tractLambda/<tensor>`: the λ used. */
  diagnostics(): Record<string, number> {
    const d: Record<string, number> = {};
    for (const [name, s] of this.last) {
      d[`tractCondition/${name}`] = s.condition;
      d[`tractLambda/${name}`] = s.lambda;
    }
    return d;
  }

  /** Stateless between updates. */
  saveState(): RuleState {
    return {};
  }

  loadState(_state: RuleState): void {}
}
