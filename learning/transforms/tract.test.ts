import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { RngStream } from '../../engine/rng.js';
import type { WeightTensor } from '../plugin-contract.js';
import { matmul, matmulTransA, norm2 } from './dense-linalg.js';
import { Tract, tractSolve } from './tract.js';

function gaussian(n: number, seed: number, scale = 1): Float64Array {
  const rng = RngStream.derive(seed, 'tract-test');
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(d) / norm2(b);
}

describe('TrAct', () => {
  for (const [b, n, k] of [[30, 784, 10], [300, 120, 7]] as const) {
    it(`the Cholesky and Woodbury forms agree to 1e-5 (b = ${b}, n = ${n})`, () => {
      const x = gaussian(b * n, b + n);
      const u = gaussian(n * k, 7);
      const chol = tractSolve(x, b, n, u, k, 0.1, 'cholesky');
      const wood = tractSolve(x, b, n, u, k, 0.1, 'woodbury');
      expect(relDiff(wood.out, chol.out)).toBeLessThan(1e-5);
      expect(Math.abs(wood.condition - chol.condition) / chol.condition).toBeLessThan(1e-4);
    });
  }

  it('λ → ∞: λ·U\' is the plain gradient', () => {
    const [b, n, k] = [20, 50, 4];
    const x = gaussian(b * n, 1);
    const u = gaussian(n * k, 2);
    for (const method of ['cholesky', 'woodbury'] as const) {
      const { out } = tractSolve(x, b, n, u, k, 1e9, method);
      expect(relDiff(out.map((v) => v * 1e9), u)).toBeLessThan(1e-7);
    }
  });

  it('λ → 0, b ≤ n: each sample\'s pre-activation moves by exactly −η·b·G_i (embedding dynamics)', () => {
    const [b, n, k] = [12, 40, 3];
    const eta = 0.3;
    const x = gaussian(b * n, 3);
    const g = gaussian(b * k, 4);
    const u = matmulTransA(x, g, b, n, k); // U = XᵀG
    for (const method of ['cholesky', 'woodbury'] as const) {
      const { out } = tractSolve(x, b, n, u, k, 1e-8, method); // small enough that the λ bias (~λ/0.6) is below 1e-7, large enough that the Woodbury difference keeps its digits
      const dz = matmul(x, out.map((v) => -eta * v), b, n, k); // ΔZ = X·ΔW
      expect(relDiff(dz, g.map((v) => -eta * b * v))).toBeLessThan(1e-6);
    }
    // the plain update moves a sample's Z by −η Σ_j (x_i·x_j) G_j instead: far from −η·b·G
    const plain = matmul(x, u.map((v) => -eta * v), b, n, k);
    expect(relDiff(plain, g.map((v) => -eta * b * v))).toBeGreaterThan(0.5);
  });

  it('λ → 0, b > n: the move is −η·b·G projected onto the column space of X', () => {
    const [b, n, k] = [40, 10, 3];
    const eta = 0.3;
    const x = gaussian(b * n, 5);
    const g = gaussian(b * k, 6);
    const u = matmulTransA(x, g, b, n, k);
    const { out } = tractSolve(x, b, n, u, k, 1e-12, 'cholesky');
    const dz = matmul(x, out.map((v) => -eta * v), b, n, k);
    // residual ΔZ + η·b·G is orthogonal to every column of X
    const resid = dz.map((v, i) => v + eta * b * g[i]!);
    const xr = matmulTransA(x, resid, b, n, k);
    expect(norm2(xr) / (norm2(x) * norm2(resid))).toBeLessThan(1e-9);
  });

  it('reports the condition number of XᵀX/b + λI (diagonal case in closed form)', () => {
    const [b, n] = [8, 4];
    const s = [1, 2, 3, 5];
    const x = new Float32Array(b * n);
    s.forEach((v, i) => (x[i * n + i] = v));
    const w: WeightTensor = { name: 'in', shape: [n, 2], values: new Float32Array(n * 2) };
    const lambda = 0.1;
    const want = (25 / 8 + lambda) / (1 / 8 + lambda);
    for (const method of ['cholesky', 'woodbury'] as const) {
      const t = new Tract({ lambda, scale: 'absolute', method });
      t.transform(0, new Float32Array(n * 2).fill(1), w, { batchSize: b, firstLayer: { x, rows: b } });
      expect(t.diagnostics()['tractCondition/in']).toBeCloseTo(want, 6);
    }
    // b < n: the bottom eigenvalue is λ
    const t = new Tract({ lambda, scale: 'absolute' });
    t.transform(0, new Float32Array(n * 2).fill(1), w, { batchSize: 2, firstLayer: { x: x.slice(0, 2 * n), rows: 2 } });
    expect(t.diagnostics()['tractCondition/in']).toBeCloseTo((4 / 2 + lambda) / lambda, 6);
  });

  it('transforms only its layer, scales λ by the mean squared input, and refuses a rule without inputs', () => {
    const [b, n, k] = [6, 9, 2];
    const x = Float32Array.from(gaussian(b * n, 8, 3));
    const u = Float32Array.from(gaussian(n * k, 9));
    const w: WeightTensor = { name: 'in', shape: [n, k], values: new Float32Array(n * k) };
    const t = new Tract({ lambda: 0.5 });
    expect(t.transform(1, u, w, { batchSize: b })).toBe(u);
    const meanSq = x.reduce((s, v) => s + v * v, 0) / (b * n);
    const rel = t.transform(0, u, w, { batchSize: b, firstLayer: { x, rows: b } });
    const abs = new Tract({ lambda: 0.5 * meanSq, scale: 'absolute' }).transform(0, u, w, { batchSize: b, firstLayer: { x, rows: b } });
    expect(relDiff(rel, abs)).toBeLessThan(1e-6);
    expect(() => t.transform(0, u, w, { batchSize: b })).toThrow(SnnError);
  });
});
