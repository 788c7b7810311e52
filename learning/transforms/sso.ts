/**
 * SSO, target-based surrogates for stochastic optimization (Lavington et al., ICML 2023), for a
 * linear readout z = x·W (tensor layout [pre × post]). Each update works in the target space of
 * the readout's outputs z rather than in weight space:
 *
 *   d_i = ∂ℓ_i/∂z_i at the current z_t,i                               (the one "expensive" gradient)
 *   q(W') = mean_i [ ⟨d_i, x_i·W'⟩ + ‖x_i·W' − z_t,i‖² / (2η) ]
 *   W* ≈ argmin q  by m cheap inner gradient steps with Armijo backtracking
 *
 * i.e. propose z⁺ = z_t − η·d (a gradient step on the outputs), then regress the readout onto it.
 * With the batch-mean loss the rule's factors are G = d/b and U = Xᵀ·G (TransformContext.readout),
 * and in Δ = W' − W the surrogate is q(Δ) = ⟨U, Δ⟩ + ‖X·Δ‖²/(2ηb) (+ const), ∇q = U + Xᵀ·X·Δ/(ηb).
 * The transform returns U' = −Δ/η, so the caller's W ← W − η·U' lands on W* when its learning rate
 * is the same η (a different one scales the step by lr/η).
 *
 * Why it helps: for softmax cross-entropy the loss Hessian in z is at most ½, so for η ≤ 2 the
 * surrogate lies above the loss everywhere; full-batch SSO is then majorization–minimization and
 * never increases the loss, however many inner steps are taken. With m = 1 and a tiny inner step
 * the update is the plain gradient direction.
 *
 * Diagnostic: `ssoDecrease/<tensor>`, q's decrease over the inner loop (≥ 0), and
 * `ssoInnerStep/<tensor>`, the last accepted inner step.
 */
import { SnnError } from '../../engine/errors.js';
import type { FloatArray } from '../../engine/float-array.js';
import type { RuleState, TransformContext, UpdateTransform, WeightTensor } from '../plugin-contract.js';
import { matmul, matmulTransA } from './dense-linalg.js';

export interface SsoOptions {
  /** Target-space step η. */
  eta?: number;
  /** Inner regression steps m. */
  inner?: number;
  /** First inner step tried (halved until Armijo holds), or the fixed step without line search. */
  innerStep?: number;
  lineSearch?: boolean;
  /** Tensor to transform; negative counts from the end (−1: the readout, the last tensor). */
  layer?: number;
}

export const SSO_DEFAULTS = { eta: 1, inner: 10, innerStep: 10, lineSearch: true, layer: -1 };

/** Armijo's sufficient-decrease constant. */
const ARMIJO = 1e-4;

/** Softmax cross-entropy of logits z (length k) for `label`, with its gradient in z. */
export function crossEntropyWithGrad(z: ArrayLike<number>, label: number): { loss: number; grad: Float64Array } {
  let max = -Infinity;
  for (let j = 0; j < z.length; j++) max = Math.max(max, z[j]!);
  let sum = 0;
  for (let j = 0; j < z.length; j++) sum += Math.exp(z[j]! - max);
  const grad = new Float64Array(z.length);
  for (let j = 0; j < z.length; j++) grad[j] = Math.exp(z[j]! - max) / sum - (j === label ? 1 : 0);
  return { loss: Math.log(sum) + max - z[label]!, grad };
}

/** The per-sample surrogate ℓ(z_t) + ⟨d, z − z_t⟩ + ‖z − z_t‖²/(2η): an upper bound of ℓ(z) for η ≤ 1/L. */
export function targetSurrogate(lossAtTarget: number, d: ArrayLike<number>, z: ArrayLike<number>, zt: ArrayLike<number>, eta: number): number {
  let lin = 0;
  let sq = 0;
  for (let j = 0; j < z.length; j++) {
    const dz = z[j]! - zt[j]!;
    lin += d[j]! * dz;
    sq += dz * dz;
  }
  return lossAtTarget + lin + sq / (2 * eta);
}

export class Sso implements UpdateTransform {
  readonly kind = 'sso';
  private readonly o: Required<SsoOptions>;
  /** q(Δ) after each inner step of the last update (index 0: Δ = 0), for inspection. */
  lastQ: number[] = [];
  private readonly last = new Map<string, { decrease: number; step: number }>();

  constructor(opts: SsoOptions = {}) {
    this.o = { ...SSO_DEFAULTS, ...opts };
    const { eta, inner, innerStep } = this.o;
    if (!(eta > 0)) throw new SnnError('config.invalid', `sso: eta must be > 0, got ${eta}`, 'e.g. sso:eta=1 (≤ 2 keeps the surrogate an upper bound of cross-entropy)');
    if (!Number.isInteger(inner) || inner < 1) throw new SnnError('config.invalid', `sso: inner must be a positive integer, got ${inner}`, 'e.g. sso:inner=10');
    if (!(innerStep > 0)) throw new SnnError('config.invalid', `sso: innerStep must be > 0, got ${innerStep}`, 'e.g. sso:innerStep=10');
  }

  transform(index: number, update: FloatArray, tensor: WeightTensor, context: TransformContext): FloatArray {
    if (!this.applies(index, context)) return update;
    const f = context.readout;
    if (f === undefined || f.g === undefined) {
      throw new SnnError('config.invalid', `sso: no readout inputs and output gradients for '${tensor.name}'`, 'SSO needs a rule that offers readoutFactors (inputs X and ∂L/∂z of its readout); drop --transform sso for this rule');
    }
    const [n, k] = tensor.shape;
    const b = f.rows;
    if (f.x.length !== b * n || f.g.length !== b * k) throw new SnnError('internal', `sso: readout factors of '${tensor.name}' do not match its shape ${n} × ${k} for ${b} rows`);
    const { eta, inner, innerStep, lineSearch } = this.o;
    const x = f.x;
    const curv = 1 / (eta * b);
    const delta = new Float64Array(n * k);
    const xd = new Float64Array(b * k);
    const q = (dl: Float64Array, xdl: Float64Array): number => {
      matmul(x, dl, b, n, k, xdl);
      let lin = 0;
      for (let i = 0; i < dl.length; i++) lin += update[i]! * dl[i]!;
      let sq = 0;
      for (let i = 0; i < xdl.length; i++) sq += xdl[i]! * xdl[i]!;
      return lin + 0.5 * curv * sq;
    };
    let qCur = q(delta, xd);
    this.lastQ = [qCur];
    const grad = new Float64Array(n * k);
    const trial = new Float64Array(n * k);
    const xTrial = new Float64Array(b * k);
    let step = innerStep;
    for (let it = 0; it < inner; it++) {
      // ∇q = U + curv·Xᵀ(XΔ)
      matmulTransA(x, xd, b, n, k, grad);
      let gg = 0;
      for (let i = 0; i < grad.length; i++) {
        grad[i] = update[i]! + curv * grad[i]!;
        gg += grad[i]! * grad[i]!;
      }
      if (gg === 0) break;
      step = innerStep;
      let qTrial = NaN;
      for (let halvings = 0; halvings <= 60; halvings++) {
        for (let i = 0; i < delta.length; i++) trial[i] = delta[i]! - step * grad[i]!;
        qTrial = q(trial, xTrial);
        if (!lineSearch || qTrial <= qCur - ARMIJO * step * gg) break;
        step /= 2;
      }
      if (lineSearch && !(qTrial <= qCur)) break; // no decrease found even at the smallest step
      delta.set(trial);
      xd.set(xTrial);
      qCur = qTrial;
      this.lastQ.push(qCur);
    }
    this.last.set(tensor.name, { decrease: this.lastQ[0]! - qCur, step });
    const out = new Float32Array(n * k);
    for (let i = 0; i < out.length; i++) out[i] = -delta[i]! / eta;
    return out;
  }

  private applies(index: number, context: TransformContext): boolean {
    const layer = this.o.layer;
    if (layer >= 0) return index === layer;
    // negative: counted from the end, which only the caller's tensor count fixes
    const count = context.tensorCount;
    if (count === undefined) throw new SnnError('internal', 'sso: layer counted from the end needs TransformContext.tensorCount');
    return index === count + layer;
  }

  diagnostics(): Record<string, number> {
    const d: Record<string, number> = {};
    for (const [name, s] of this.last) {
      d[`ssoDecrease/${name}`] = s.decrease;
      d[`ssoInnerStep/${name}`] = s.step;
    }
    return d;
  }

  /** Stateless between updates (each surrogate is built from the current batch). */
  saveState(): RuleState {
    return {};
  }

  loadState(_state: RuleState): void {}
}
