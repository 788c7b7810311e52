/**
 * Learning-curve prediction: from the evaluations of a run so far, the accuracy it will have at
 * its end (the horizon), with an interval — refitted each time an evaluation arrives, so that a
 * run can stop once the prediction has settled and a comparison can prune hopeless contenders.
 *
 * Fit (per family of curve-families.ts, A(t) = a − b·φ(t; θ)):
 *   1. θ on a log-spaced grid; for each θ, (a, b) by weighted linear least squares with b ≥ 0
 *      (b < 0, a falling curve, is fitted as the constant a = weighted mean);
 *   2. the best grid point refined in log θ — golden-section search over the neighbouring grid
 *      cells for one θ, Nelder–Mead for two (variable projection: a, b re-solved at every trial θ).
 *   Weights are the inverse binomial variance of an accuracy, 1/max(A(1−A), 10⁻⁴): an accuracy
 *   near 1 is measured more precisely than one near 0.5.
 * Choice: by AICc, in the order of CURVE_FAMILIES (power law first): a later family replaces the
 *   choice so far only when its AICc is lower by more than 2 (nearly tied families extrapolate
 *   differently; the simpler, classic one is kept). A family needs n ≥ k + 2 points (k = its
 *   parameters + the noise variance), and any other than the power law at least 8 points; below
 *   that only the power law is fitted.
 * Interval: a residual bootstrap of the chosen family — 100 refits on fitted values plus
 *   resampled (centred, dof-inflated) residuals, drawn from a stream seeded by the number of
 *   points, so a prediction is a pure function of its input — and the 2.5 / 97.5 % percentiles of
 *   their predictions at the horizon. With fewer than 2 residual degrees of freedom the interval
 *   is the whole range [0, 1]: the data cannot bound it.
 * Settled: after at least `minPoints` points, the last `window` consecutive refits each moved the
 *   predicted final accuracy by less than `delta`.
 *
 * Accuracies are fractions in [0, 1]; predictions are clamped to that range.
 */
import { SnnError } from '../engine/errors.js';
import { RngStream } from '../engine/rng.js';
import { CURVE_FAMILIES, familyByName, type CurveFamily } from './curve-families.js';

export interface CurvePoint {
  /** Training samples seen at this evaluation (> 0). */
  samples: number;
  /** Test accuracy, a fraction in [0, 1]. */
  accuracy: number;
}

export interface Prediction {
  /** Predicted accuracy at the horizon. */
  final: number;
  /** 95 % interval of `final` (residual bootstrap). */
  lo: number;
  hi: number;
  /** Curve family chosen by AICc. */
  family: string;
}

export interface CurveFit {
  family: string;
  /** Asymptote a (t → ∞), b and the nonlinear parameters θ. */
  a: number;
  b: number;
  theta: number[];
  /** Weighted residual sum of squares (weights normalised to mean 1) and AICc. */
  rss: number;
  aicc: number;
  /** The fitted curve at `samples`. */
  at(samples: number): number;
}

export interface PredictOptions {
  /** Bootstrap refits for the interval (default 100; 0: no interval, lo = hi = final). */
  bootstrap?: number;
  /** Restrict the fit to these families (default: all). */
  families?: readonly string[];
}

const BOOTSTRAP = 100;
/** A family with more freedom (later in CURVE_FAMILIES) replaces the choice so far only when its AICc is lower by more than this. */
const AICC_MARGIN = 2;
/**
 * Points needed before a family other than the power law may be chosen. With fewer, the shapes are
 * hard to tell apart and a flatter one that fits slightly better extrapolates far too low (seen on a
 * hao2020 run: the exponential chosen at 6 points predicted 12 points below the final accuracy).
 */
const ALTERNATIVES_FROM = 8;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** (a, b) of y ≈ a − b·φ by weighted least squares with b ≥ 0; returns the weighted RSS too. */
function linearFit(phi: Float64Array, y: Float64Array, w: Float64Array): { a: number; b: number; rss: number } {
  let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w[i]!, xi = phi[i]!, yi = y[i]!;
    sw += wi;
    sx += wi * xi;
    sy += wi * yi;
    sxx += wi * xi * xi;
    sxy += wi * xi * yi;
  }
  const den = sw * sxx - sx * sx;
  let a = sy / sw;
  let b = 0;
  if (den > 1e-12 * sw * sxx && Number.isFinite(den)) {
    const slope = (sw * sxy - sx * sy) / den;
    if (slope < 0) {
      b = -slope;
      a = (sy + b * sx) / sw;
    }
  }
  let rss = 0;
  for (let i = 0; i < y.length; i++) {
    const r = y[i]! - a + b * phi[i]!;
    rss += w[i]! * r * r;
  }
  return { a, b, rss };
}

interface Data {
  u: Float64Array;
  y: Float64Array;
  w: Float64Array;
  U: number;
}

/** Best θ of one family for the data: grid, then golden-section refinement per coordinate. */
function fitFamily(f: CurveFamily, d: Data): { theta: number[]; a: number; b: number; rss: number } {
  const phi = new Float64Array(d.u.length);
  const evalAt = (theta: number[]) => {
    for (let i = 0; i < phi.length; i++) phi[i] = f.shape(d.u[i]!, theta, d.U);
    const r = linearFit(phi, d.y, d.w);
    return Number.isFinite(r.rss) ? r : { a: NaN, b: NaN, rss: Infinity };
  };
  const logs = f.ranges.map(([lo, hi]) => Array.from({ length: f.gridSize }, (_, i) => Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / (f.gridSize - 1)));
  const dims = f.ranges.length;
  let bestIdx: number[] = new Array<number>(dims).fill(0);
  let best = Infinity;
  const idx = new Array<number>(dims).fill(0);
  for (;;) {
    const rss = evalAt(idx.map((k, j) => Math.exp(logs[j]![k]!))).rss;
    if (rss < best) {
      best = rss;
      bestIdx = [...idx];
    }
    let j = 0;
    while (j < dims && ++idx[j]! === f.gridSize) idx[j++] = 0;
    if (j === dims) break;
  }
  let logTheta = bestIdx.map((k, j) => logs[j]![k]!);
  const step = logs.map((g) => g[1]! - g[0]!);
  if (dims === 1) {
    const at = (x: number) => evalAt([Math.exp(x)]).rss;
    let lo = logTheta[0]! - step[0]!;
    let hi = logTheta[0]! + step[0]!;
    let x1 = hi - GOLDEN * (hi - lo), x2 = lo + GOLDEN * (hi - lo);
    let f1 = at(x1), f2 = at(x2);
    for (let it = 0; it < 40; it++) {
      if (f1 <= f2) {
        hi = x2; x2 = x1; f2 = f1;
        x1 = hi - GOLDEN * (hi - lo); f1 = at(x1);
      } else {
        lo = x1; x1 = x2; f1 = f2;
        x2 = lo + GOLDEN * (hi - lo); f2 = at(x2);
      }
    }
    const x = (lo + hi) / 2;
    if (at(x) < best) logTheta = [x];
  } else {
    logTheta = nelderMead((x) => evalAt(x.map(Math.exp)).rss, logTheta, step, 300);
  }
  const theta = logTheta.map(Math.exp);
  return { theta, ...evalAt(theta) };
}

/** Nelder–Mead minimisation from `x0` with initial simplex steps `step` (for the 2-parameter families). */
function nelderMead(f: (x: number[]) => number, x0: number[], step: number[], iterations: number): number[] {
  const n = x0.length;
  const simplex = [x0, ...x0.map((_, j) => x0.map((v, i) => (i === j ? v + step[j]! : v)))];
  const values = simplex.map(f);
  const combine = (a: number[], b: number[], t: number) => a.map((v, i) => v + t * (b[i]! - v));
  for (let it = 0; it < iterations; it++) {
    const order = values.map((_, i) => i).sort((p, q) => values[p]! - values[q]!);
    const sortedS = order.map((i) => simplex[i]!);
    const sortedV = order.map((i) => values[i]!);
    simplex.splice(0, n + 1, ...sortedS);
    values.splice(0, n + 1, ...sortedV);
    if (Math.abs(values[n]! - values[0]!) <= 1e-15 * (Math.abs(values[0]!) + 1e-300)) break;
    const centroid = x0.map((_, i) => simplex.slice(0, n).reduce((a, p) => a + p[i]!, 0) / n);
    const worst = simplex[n]!;
    const reflected = combine(centroid, worst, -1);
    const fr = f(reflected);
    if (fr < values[0]!) {
      const expanded = combine(centroid, worst, -2);
      const fe = f(expanded);
      [simplex[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[n - 1]!) {
      [simplex[n], values[n]] = [reflected, fr];
    } else {
      const contracted = combine(centroid, worst, 0.5);
      const fc = f(contracted);
      if (fc < values[n]!) [simplex[n], values[n]] = [contracted, fc];
      else {
        for (let k = 1; k <= n; k++) {
          simplex[k] = combine(simplex[0]!, simplex[k]!, 0.5);
          values[k] = f(simplex[k]!);
        }
      }
    }
  }
  let bestK = 0;
  for (let k = 1; k <= n; k++) if (values[k]! < values[bestK]!) bestK = k;
  return simplex[bestK]!;
}

function prepare(points: readonly CurvePoint[]): { d: Data; t1: number } | null {
  for (const p of points) {
    if (!Number.isFinite(p.samples) || p.samples <= 0 || !Number.isFinite(p.accuracy)) {
      throw new SnnError('usage', `learning-curve point ${JSON.stringify(p)} is not a positive sample count with a finite accuracy`, 'pass {samples > 0, accuracy in [0, 1]} per evaluation');
    }
  }
  const sorted = [...points].sort((p, q) => p.samples - q.samples);
  if (sorted.length < 3 || sorted[0]!.samples === sorted.at(-1)!.samples) return null;
  const t1 = sorted[0]!.samples;
  const n = sorted.length;
  const u = Float64Array.from(sorted, (p) => p.samples / t1);
  const y = Float64Array.from(sorted, (p) => p.accuracy);
  const w = Float64Array.from(sorted, (p) => 1 / Math.max(p.accuracy * (1 - p.accuracy), 1e-4));
  const mean = w.reduce((a, b) => a + b, 0) / n;
  for (let i = 0; i < n; i++) w[i]! /= mean;
  return { d: { u, y, w, U: u[n - 1]! }, t1 };
}

function aicc(rss: number, n: number, k: number): number {
  return n * Math.log(Math.max(rss, 1e-14 * n) / n) + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
}

/** Fits every eligible family and returns the one with the smallest AICc, or null below 3 points. */
export function fitCurve(points: readonly CurvePoint[], opts: PredictOptions = {}): CurveFit | null {
  const prep = prepare(points);
  if (prep === null) return null;
  return fitPrepared(prep.d, prep.t1, opts.families);
}

function fitPrepared(d: Data, t1: number, families?: readonly string[]): CurveFit {
  const n = d.y.length;
  const pool = families ? families.map((name) => familyByName(name) ?? unknownFamily(name)) : CURVE_FAMILIES;
  let eligible = pool.filter((f) => n >= f.thetaNames.length + 3 + 2 && (f === CURVE_FAMILIES[0] || n >= ALTERNATIVES_FROM));
  if (eligible.length === 0) eligible = [pool[0]!];
  let best: CurveFit | null = null;
  for (const f of eligible) {
    const r = fitFamily(f, d);
    const k = f.thetaNames.length + 3;
    const score = n - k - 1 > 0 ? aicc(r.rss, n, k) : 0;
    if (best === null || score < best.aicc - AICC_MARGIN) {
      const { a, b, theta } = r;
      best = { family: f.name, a, b, theta, rss: r.rss, aicc: score, at: (s: number) => a - b * f.shape(s / t1, theta, d.U) };
    }
  }
  return best!;
}

function unknownFamily(name: string): never {
  throw new SnnError('usage', `unknown learning-curve family '${name}'`, `known: ${CURVE_FAMILIES.map((f) => f.name).join(', ')}`);
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Predicted accuracy at `horizon` samples from the evaluations so far, with a 95 % interval and
 * the family used; null with fewer than 3 points (or all at the same sample count).
 */
export function predictFinal(points: readonly CurvePoint[], horizon: number, opts: PredictOptions = {}): Prediction | null {
  if (!Number.isFinite(horizon) || horizon <= 0) throw new SnnError('usage', `learning-curve horizon must be a positive sample count, got ${horizon}`, 'pass the planned number of training samples');
  const prep = prepare(points);
  if (prep === null) return null;
  const { d, t1 } = prep;
  const fit = fitPrepared(d, t1, opts.families);
  const final = fit.at(horizon);
  const n = d.y.length;
  const family = familyByName(fit.family)!;
  const dof = n - (family.thetaNames.length + 2);
  const B = opts.bootstrap ?? BOOTSTRAP;
  if (B === 0) return { final: clamp01(final), lo: clamp01(final), hi: clamp01(final), family: fit.family };
  if (dof < 2) return { final: clamp01(final), lo: 0, hi: 1, family: fit.family };
  // Standardised residuals, centred and inflated for the fitted parameters.
  const fitted = Float64Array.from(d.u, (u) => fit.at(u * t1));
  const e = Float64Array.from(d.y, (y, i) => (y - fitted[i]!) * Math.sqrt(d.w[i]!));
  const mean = e.reduce((a, b) => a + b, 0) / n;
  const inflate = Math.sqrt(n / dof);
  for (let i = 0; i < n; i++) e[i] = (e[i]! - mean) * inflate;
  const rng = RngStream.derive(0, `learning-curve/bootstrap/n${n}`);
  const finals = new Float64Array(B);
  const y = new Float64Array(n);
  for (let r = 0; r < B; r++) {
    for (let i = 0; i < n; i++) y[i] = fitted[i]! + e[rng.int(n)]! / Math.sqrt(d.w[i]!);
    const bf = fitFamily(family, { ...d, y });
    finals[r] = bf.a - bf.b * family.shape(horizon / t1, bf.theta, d.U);
  }
  finals.sort();
  const q = (p: number) => finals[Math.min(B - 1, Math.max(0, Math.round(p * (B - 1))))]!;
  return { final: clamp01(final), lo: clamp01(Math.min(q(0.025), final)), hi: clamp01(Math.max(q(0.975), final)), family: fit.family };
}

export interface SettleOptions {
  /** Largest change of the predicted final accuracy that counts as settled (default 0.001 = 0.1 points). */
  delta?: number;
  /** Consecutive small changes required (default 3). */
  window?: number;
  /** Points needed before a prediction may count as settled (default 5). */
  minPoints?: number;
}

/**
 * Whether a sequence of refits has settled: `finals[i]` is the prediction made with the first
 * i + 1 points (null when there was none). True when there are ≥ minPoints refits and each of the
 * last `window` refits moved the prediction by less than `delta`.
 */
export function predictionSettled(finals: readonly (number | null)[], opts: SettleOptions = {}): boolean {
  const delta = opts.delta ?? 0.001;
  const window = opts.window ?? 3;
  const minPoints = opts.minPoints ?? 5;
  const n = finals.length;
  if (n < minPoints || n < window + 1) return false;
  for (let j = n - window; j < n; j++) {
    const cur = finals[j], prev = finals[j - 1];
    if (cur === null || cur === undefined || prev === null || prev === undefined || !(Math.abs(cur - prev) < delta)) return false;
  }
  return true;
}

/** Refits as evaluations arrive and tracks whether the prediction has settled. */
export class LearningCurvePredictor {
  private readonly points: CurvePoint[] = [];
  private readonly finals: (number | null)[] = [];
  private last: Prediction | null = null;

  constructor(
    readonly horizon: number,
    private readonly opts: PredictOptions & SettleOptions = {},
  ) {}

  /** Adds an evaluation and returns the refitted prediction (null while there are too few points). */
  add(point: CurvePoint): Prediction | null {
    this.points.push(point);
    this.last = predictFinal(this.points, this.horizon, this.opts);
    this.finals.push(this.last?.final ?? null);
    return this.last;
  }

  get prediction(): Prediction | null {
    return this.last;
  }

  get settled(): boolean {
    return predictionSettled(this.finals, this.opts);
  }
}
