/**
 * The few dense float64 kernels the update transforms share (SPECTRA, TrAct, SSO): products of
 * row-major matrices, a Cholesky factorization with its solve, and power iteration for a top
 * eigenvalue. Matrices are small (at most a few hundred rows on a side for MNIST-sized layers), so
 * plain loops in i-k-j order are enough; nothing here allocates per element.
 */
import { SnnError } from '../../engine/errors.js';

type Mat = ArrayLike<number>;

/** C (r × c) = A (r × n) · B (n × c), all row-major. */
export function matmul(a: Mat, b: Mat, r: number, n: number, c: number, out: Float64Array = new Float64Array(r * c)): Float64Array {
  out.fill(0);
  for (let i = 0; i < r; i++) {
    const oi = i * c;
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      const bk = k * c;
      for (let j = 0; j < c; j++) out[oi + j] += aik * b[bk + j]!;
    }
  }
  return out;
}

/** C (n × c) = Aᵀ · B with A (r × n) and B (r × c) row-major. */
export function matmulTransA(a: Mat, b: Mat, r: number, n: number, c: number, out: Float64Array = new Float64Array(n * c)): Float64Array {
  out.fill(0);
  for (let s = 0; s < r; s++) {
    const as = s * n;
    const bs = s * c;
    for (let i = 0; i < n; i++) {
      const asi = a[as + i]!;
      if (asi === 0) continue;
      const oi = i * c;
      for (let j = 0; j < c; j++) out[oi + j] += asi * b[bs + j]!;
    }
  }
  return out;
}

/** The Gram matrix A·Aᵀ (r × r) of A (r × n), row-major, symmetric. */
export function gramRows(a: Mat, r: number, n: number, scale = 1): Float64Array {
  const g = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * a[j * n + k]!;
      g[i * r + j] = g[j * r + i] = s * scale;
    }
  }
  return g;
}

/** The Gram matrix Aᵀ·A (n × n) of A (r × n), row-major, symmetric. */
export function gramCols(a: Mat, r: number, n: number, scale = 1): Float64Array {
  const g = matmulTransA(a, a, r, n, n);
  if (scale !== 1) for (let i = 0; i < g.length; i++) g[i] *= scale;
  return g;
}

/** Transpose of A (r × c) into a new c × r array. */
export function transpose(a: Mat, r: number, c: number): Float64Array {
  const t = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = a[i * c + j]!;
  return t;
}

/**
 * In-place Cholesky factorization of a symmetric positive definite A (n × n): on return the lower
 * triangle holds L with A = L·Lᵀ (the upper triangle is left as it was). Throws when A is not
 * positive definite (a pivot ≤ 0), which for the regularized matrices here means λ ≤ 0.
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > 0)) throw new SnnError('numeric.nonfinite', `Cholesky factorization failed at pivot ${j} (${d})`, 'the matrix is not positive definite: use a larger regularization λ');
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s / ljj;
    }
  }
  return a;
}

/** Solves (L·Lᵀ)·Y = B in place for B (n × c, row-major), L from `cholesky`. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, c: number): Float64Array {
  // forward: L·Z = B
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const bi = i * c;
    for (let k = 0; k < i; k++) {
      const lik = l[ri + k]!;
      if (lik === 0) continue;
      const bk = k * c;
      for (let j = 0; j < c; j++) b[bi + j] -= lik * b[bk + j]!;
    }
    const inv = 1 / l[ri + i]!;
    for (let j = 0; j < c; j++) b[bi + j] *= inv;
  }
  // backward: Lᵀ·Y = Z
  for (let i = n - 1; i >= 0; i--) {
    const bi = i * c;
    for (let k = i + 1; k < n; k++) {
      const lki = l[k * n + i]!;
      if (lki === 0) continue;
      const bk = k * c;
      for (let j = 0; j < c; j++) b[bi + j] -= lki * b[bk + j]!;
    }
    const inv = 1 / l[i * n + i]!;
    for (let j = 0; j < c; j++) b[bi + j] *= inv;
  }
  return b;
}

/**
 * Largest eigenvalue of a symmetric positive semi-definite operator given by `apply(v, out)` on
 * vectors of length n, by power iteration from a fixed, deterministic start (no random draws: the
 * value is a diagnostic and must not consume any stream). Stops when the Rayleigh quotient
 * changes by less than `tol` relative.
 */
export function topEigenvalue(apply: (v: Float64Array, out: Float64Array) => void, n: number, iterations = 100, tol = 1e-10): number {
  if (n === 0) return 0;
  let v = new Float64Array(n);
  let w = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = 1 + ((i * 7919) % 13) / 13;
  normalize(v);
  let lambda = 0;
  for (let it = 0; it < iterations; it++) {
    apply(v, w);
    let rq = 0;
    for (let i = 0; i < n; i++) rq += v[i]! * w[i]!;
    const norm = normalize(w);
    if (norm === 0) return 0;
    [v, w] = [w, v];
    if (it > 2 && Math.abs(rq - lambda) <= tol * Math.abs(rq)) return rq;
    lambda = rq;
  }
  return lambda;
}

function normalize(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const norm = Math.sqrt(s);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return norm;
}

/** y = A·x for a symmetric A (n × n) row-major: the `apply` of `topEigenvalue` for an explicit matrix. */
export function symmetricApply(a: Float64Array, n: number): (v: Float64Array, out: Float64Array) => void {
  return (v, out) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      const ri = i * n;
      for (let j = 0; j < n; j++) s += a[ri + j]! * v[j]!;
      out[i] = s;
    }
  };
}

/** Euclidean (Frobenius) norm of any array. */
export function norm2(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
