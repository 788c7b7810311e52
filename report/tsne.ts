/**
 * t-SNE embedding with @keckelt/tsne (exact t-SNE after van der Maaten & Hinton 2008: perplexity
 * calibration by bisection, early exaggeration ×4 for 100 iterations, gains and momentum). Two
 * things are adapted on the instance, without changing what is computed:
 *  - randomness: the initial solution's normal draws come from a seeded RngStream instead of
 *    Math.random, so an embedding is reproducible;
 *  - speed: its cost-and-gradient step is replaced by the same gradient computed on typed arrays,
 *    once per pair, the attraction only over pairs with a non-negligible P (the package allocates
 *    two N² arrays per iteration and evaluates the KL cost, which the optimiser never reads).
 *    tsne.test.ts checks it against the package's gradient.
 * Pairwise input distances are computed here from the feature rows and handed to `initDataDist`.
 */
import { TSNE } from '@keckelt/tsne';
import { RngStream } from '../engine/rng.js';

/** 100 iterations of early exaggeration, then 200 at full momentum: enough for class clusters to settle. */
export const TSNE_DEFAULT_ITERATIONS = 300;

export interface TsneOptions {
  perplexity?: number;
  iterations?: number;
  /** Learning rate (the package's epsilon). */
  epsilon?: number;
  seed: number;
}

interface TsneInternals {
  gaussRandom: () => number;
  costGrad: (Y: number[][]) => { cost: number; grad: number[][] };
  P: Float64Array;
  N: number;
  iter: number;
  step(): number;
  getSolution(): number[][];
}

/** The package's instance with its random source replaced by `rng` (normal draws). */
export function seededTsne(opts: { perplexity: number; epsilon: number }, rng: RngStream): TsneInternals {
  const t = new TSNE({ perplexity: opts.perplexity, dim: 2, epsilon: opts.epsilon }) as unknown as TsneInternals;
  t.gaussRandom = () => rng.normal();
  return t;
}

/**
 * The gradient of the package's cost (2-D). With q = 1/(1+|yi−yj|²), Z = Σ q and m = 4 before
 * iteration 100 (early exaggeration), the package computes ∂/∂yi = Σj 4·(m·Pij − q/Z)·q·(yi − yj).
 * Here the repulsive sum Σ q²·(yi − yj) is accumulated over every pair, once per pair, and the
 * attractive sum Σ Pij·q·(yi − yj) only over the pairs whose Pij is at least 1e-12 of the largest
 * (listed once: P does not change), so the n² matrix P is not streamed through memory every
 * iteration. The dropped pairs change the gradient by less than 1e-12 of its attractive part.
 * When more than a quarter of the pairs matter, one fused pass reading P for every pair is faster.
 * (The package floors q/Z at 1e-100; q/Z is never that small for an embedding of finite extent.)
 */
export function fastCostGrad(t: TsneInternals): (Y: number[][]) => { cost: number; grad: number[][] } {
  let pairs: { start: Int32Array; cols: Int32Array; p: Float64Array } | null = null;
  return (Y) => {
    const n = t.N;
    pairs ??= significantPairs(t.P, n, 1e-12);
    const y = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      y[2 * i] = Y[i]![0]!;
      y[2 * i + 1] = Y[i]![1]!;
    }
    const attract = new Float64Array(2 * n);
    const repulse = new Float64Array(2 * n);
    if (pairs.cols.length > (n * (n - 1)) / 8) return denseGrad(t, y, attract, repulse);
    let z = 0;
    for (let i = 0; i < n; i++) {
      const xi = y[2 * i]!;
      const yi = y[2 * i + 1]!;
      let rx = 0;
      let ry = 0;
      for (let j = i + 1; j < n; j++) {
        const dx = xi - y[2 * j]!;
        const dy = yi - y[2 * j + 1]!;
        const q = 1 / (1 + dx * dx + dy * dy);
        z += 2 * q;
        const gx = q * q * dx;
        const gy = q * q * dy;
        rx += gx;
        ry += gy;
        repulse[2 * j] -= gx;
        repulse[2 * j + 1] -= gy;
      }
      repulse[2 * i] += rx;
      repulse[2 * i + 1] += ry;
      // P is symmetric: pair (i, j) pulls both points with the same weight, in opposite directions.
      for (let k = pairs.start[i]!; k < pairs.start[i + 1]!; k++) {
        const j = pairs.cols[k]!;
        const dx = xi - y[2 * j]!;
        const dy = yi - y[2 * j + 1]!;
        const pq = pairs.p[k]! / (1 + dx * dx + dy * dy);
        attract[2 * i] += pq * dx;
        attract[2 * i + 1] += pq * dy;
        attract[2 * j] -= pq * dx;
        attract[2 * j + 1] -= pq * dy;
      }
    }
    return finish(t, attract, repulse, z);
  };
}

/** The same gradient reading P for every pair: faster when most pairs matter (e.g. many identical points). */
function denseGrad(t: TsneInternals, y: Float64Array, attract: Float64Array, repulse: Float64Array): { cost: number; grad: number[][] } {
  const n = t.N;
  const P = t.P;
  let z = 0;
  for (let i = 0; i < n; i++) {
    const xi = y[2 * i]!;
    const yi = y[2 * i + 1]!;
    const row = i * n;
    let ax = 0;
    let ay = 0;
    let rx = 0;
    let ry = 0;
    for (let j = i + 1; j < n; j++) {
      const dx = xi - y[2 * j]!;
      const dy = yi - y[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy);
      z += 2 * q;
      const pq = P[row + j]! * q;
      const qq = q * q;
      ax += pq * dx;
      ay += pq * dy;
      rx += qq * dx;
      ry += qq * dy;
      attract[2 * j] -= pq * dx;
      attract[2 * j + 1] -= pq * dy;
      repulse[2 * j] -= qq * dx;
      repulse[2 * j + 1] -= qq * dy;
    }
    attract[2 * i] += ax;
    attract[2 * i + 1] += ay;
    repulse[2 * i] += rx;
    repulse[2 * i + 1] += ry;
  }
  return finish(t, attract, repulse, z);
}

function finish(t: TsneInternals, attract: Float64Array, repulse: Float64Array, z: number): { cost: number; grad: number[][] } {
  const n = t.N;
  const m = t.iter < 100 ? 4 : 1;
  const grad: number[][] = new Array(n);
  for (let i = 0; i < n; i++) grad[i] = [4 * (m * attract[2 * i]! - repulse[2 * i]! / z), 4 * (m * attract[2 * i + 1]! - repulse[2 * i + 1]! / z)];
  return { cost: NaN, grad };
}

/** The pairs i < j with Pij ≥ `relative` × max P, row by row (CSR). */
function significantPairs(P: Float64Array, n: number, relative: number): { start: Int32Array; cols: Int32Array; p: Float64Array } {
  let max = 0;
  for (let k = 0; k < P.length; k++) if (P[k]! > max) max = P[k]!;
  const floor = max * relative;
  const start = new Int32Array(n + 1);
  const cols: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = P[i * n + j]!;
      if (v >= floor) {
        cols.push(j);
        p.push(v);
      }
    }
    start[i + 1] = cols.length;
  }
  return { start, cols: Int32Array.from(cols), p: Float64Array.from(p) };
}

/**
 * Squared Euclidean distances between the rows of `x` (n × dim, row-major), as rows for
 * `initDataDist`: |a|² + |b|² − 2·a·b with the dot product over the non-zero entries of a (spike
 * counts are mostly zeros), clamped at 0 against rounding.
 */
export function squaredDistances(x: Float64Array, n: number, dim: number): Float64Array[] {
  const norms = new Float64Array(n);
  const nzStart = new Int32Array(n + 1);
  const nz: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const v = x[i * dim + k]!;
      if (v !== 0) {
        nz.push(k);
        s += v * v;
      }
    }
    norms[i] = s;
    nzStart[i + 1] = nz.length;
  }
  const rows = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const a = nzStart[i]!;
    const b = nzStart[i + 1]!;
    const base = i * dim;
    for (let j = i + 1; j < n; j++) {
      let dot = 0;
      const other = j * dim;
      for (let p = a; p < b; p++) {
        const k = nz[p]!;
        dot += x[base + k]! * x[other + k]!;
      }
      const d2 = Math.max(0, norms[i]! + norms[j]! - 2 * dot);
      rows[i]![j] = d2;
      rows[j]![i] = d2;
    }
  }
  return rows;
}

/** 2-D embedding of n rows of `x` (n × dim); returns n × 2 coordinates, row-major. */
export function tsneEmbed(x: Float64Array, n: number, dim: number, opts: TsneOptions): Float64Array {
  const perplexity = Math.min(opts.perplexity ?? 30, Math.max(2, (n - 1) / 3));
  const t = seededTsne({ perplexity, epsilon: opts.epsilon ?? 10 }, RngStream.derive(opts.seed, 'report/tsne/init'));
  (t as unknown as { initDataDist(d: ArrayLike<number>[]): void }).initDataDist(squaredDistances(x, n, dim));
  t.costGrad = fastCostGrad(t);
  const iterations = opts.iterations ?? TSNE_DEFAULT_ITERATIONS;
  for (let k = 0; k < iterations; k++) t.step();
  const Y = t.getSolution();
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = Y[i]![0]!;
    out[2 * i + 1] = Y[i]![1]!;
  }
  return out;
}
