/**
 * SSO, TrAct and SPECTRA: the options each changes, in closed forms (SSO's fixed inner steps,
 * TrAct's λ scaling and layer choice, SPECTRA's iteration count and rectangular scale), the
 * diagnostics they report, and every refusal with its code, message and hint.
 */
import { describe, expect, it } from 'vitest';
import { RngStream } from '../../engine/rng.js';
import type { WeightTensor } from '../plugin-contract.js';
import { matmul, matmulTransA, norm2 } from './dense-linalg.js';
import { autoIterations, Spectra, SPECTRA_DEFAULTS, spectralNorm } from './spectra.js';
import { Sso, SSO_DEFAULTS } from './sso.js';
import { Tract, TRACT_DEFAULTS, tractSolve } from './tract.js';
import { refusal } from '../../test/helpers/refusal.js';

function gaussian(n: number, seed: number, scale = 1): Float32Array {
  const rng = RngStream.derive(seed, 'test/solvers-exact');
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

const tensor = (name: string, rows: number, cols: number, values = new Float32Array(rows * cols)): WeightTensor => ({ name, shape: [rows, cols], values });

describe('SSO options', () => {
  const [b, n, k] = [7, 5, 3];
  const x = gaussian(b * n, 1);
  const g = gaussian(b * k, 2, 0.1);
  const u = Float32Array.from(matmulTransA(x, g, b, n, k));

  it('without line search takes m fixed steps Δ ← Δ − s·(U + Xᵀ·X·Δ/(ηb)) from Δ = 0, and returns −Δ/η', () => {
    expect(SSO_DEFAULTS).toEqual({ eta: 1, inner: 10, innerStep: 10, lineSearch: true, layer: -1 });
    const [eta, s] = [0.5, 0.05];
    const delta = new Float64Array(n * k);
    for (let it = 0; it < 3; it++) {
      const xtx = matmulTransA(x, matmul(x, delta, b, n, k), b, n, k);
      const grad = Array.from(u, (ui, i) => ui + xtx[i]! / (eta * b));
      for (let i = 0; i < delta.length; i++) delta[i] = delta[i]! - s * grad[i]!;
    }
    const sso = new Sso({ eta, inner: 3, innerStep: s, lineSearch: false, layer: 0 });
    const out = sso.transform(0, u, tensor('r', n, k), { batchSize: b, readout: { x, g, rows: b } });
    expect(out).toBeInstanceOf(Float32Array);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(-delta[i]! / eta, 6);
    expect(sso.lastQ).toHaveLength(4);
    expect(sso.lastQ[0]).toBe(0);
    expect(sso.diagnostics()).toEqual({ 'ssoDecrease/r': sso.lastQ[0]! - sso.lastQ[3]!, 'ssoInnerStep/r': s });
  });

  it('halves a step too long for Armijo\'s condition; the step taken is reported', () => {
    const sso = new Sso({ inner: 1, innerStep: 1e6, layer: 0 });
    sso.transform(0, u, tensor('r', n, k), { batchSize: b, readout: { x, g, rows: b } });
    const step = sso.diagnostics()['ssoInnerStep/r']!;
    expect(step).toBeLessThan(1e6);
    expect(Math.log2(1e6 / step) % 1).toBe(0);
    // the accepted step satisfies q(Δ) ≤ q(0) − 10⁻⁴·s·‖U‖² (Δ = −sU), the doubled one does not
    const q = (s: number): number => {
      const d = Array.from(u, (v) => -s * v);
      const xd = matmul(x, d, b, n, k);
      return u.reduce((a, v, i) => a + v * d[i]!, 0) + (0.5 / b) * xd.reduce((a, v) => a + v * v, 0);
    };
    const uu = u.reduce((a, v) => a + v * v, 0);
    expect(q(step)).toBeLessThanOrEqual(-1e-4 * step * uu);
    expect(q(2 * step)).toBeGreaterThan(-1e-4 * 2 * step * uu);
    expect(sso.lastQ[1]).toBeCloseTo(q(step), 9);
  });

  it('a zero update stays zero; layers count from the start or the end', () => {
    const zero = new Sso({ layer: 0 });
    const out = zero.transform(0, new Float32Array(n * k), tensor('r', n, k), { batchSize: b, readout: { x, g, rows: b } });
    expect(out.every((v) => v === 0)).toBe(true);
    expect(zero.lastQ).toEqual([0]);
    expect(zero.diagnostics()).toEqual({ 'ssoDecrease/r': 0, 'ssoInnerStep/r': 10 });
    const ctx = { batchSize: b, tensorCount: 3, readout: { x, g, rows: b } };
    const fromEnd = new Sso({ layer: -2 });
    expect(fromEnd.transform(0, u, tensor('r', n, k), ctx)).toBe(u);
    expect(fromEnd.transform(2, u, tensor('r', n, k), ctx)).toBe(u);
    expect(fromEnd.transform(1, u, tensor('r', n, k), ctx)).not.toBe(u);
    const fromStart = new Sso({ layer: 1 });
    expect(fromStart.transform(0, u, tensor('r', n, k), { batchSize: b })).toBe(u);
    expect(fromStart.transform(1, u, tensor('r', n, k), { batchSize: b, readout: { x, g, rows: b } })).not.toBe(u);
  });

  it('Armijo at its threshold: the step where q returns to q(0)(1 − 5·10⁻⁵) is halved; a step no halving saves is not taken', () => {
    // q(−sU) = −s‖U‖² + s²‖XU‖²/(2ηb) is below q(0) − 10⁻⁴·s‖U‖² only for s ≤ (1 − 10⁻⁴)·s*, s* = 2‖U‖²·ηb/‖XU‖²
    const big = Float32Array.from(u, (v) => 40 * v);
    const uu = big.reduce((a, v) => a + v * v, 0);
    const xu = matmul(x, big, b, n, k);
    const eta = 4;
    const sStar = (2 * uu * eta * b) / xu.reduce((a, v) => a + v * v, 0);
    expect(uu).toBeGreaterThan(2);
    expect(sStar).toBeGreaterThan(2);
    const sso = new Sso({ eta, inner: 1, innerStep: sStar * (1 - 5e-5), layer: 0 });
    sso.transform(0, big, tensor('r', n, k), { batchSize: b, readout: { x, g, rows: b } });
    expect(sso.diagnostics()['ssoInnerStep/r']).toBe((sStar * (1 - 5e-5)) / 2);
    // 1e30 halved 60 times is still ~10¹² s₀: no trial decreases q, so Δ stays 0
    const hopeless = new Sso({ eta, inner: 1, innerStep: 1e30, layer: 0 });
    const out = hopeless.transform(0, big, tensor('r', n, k), { batchSize: b, readout: { x, g, rows: b } });
    expect(out.every((v) => v === 0)).toBe(true);
    expect(hopeless.lastQ).toEqual([0]);
    // the 61st trial (60 halvings) is the first acceptable one: it is taken
    const last = new Sso({ eta, inner: 1, innerStep: 0.75 * sStar * 2 ** 60, layer: 0 });
    last.transform(0, big, tensor('r', n, k), { batchSize: b, readout: { x, g, rows: b } });
    expect(last.diagnostics()['ssoInnerStep/r']).toBe(0.75 * sStar);
    expect(last.lastQ).toHaveLength(2);
  });

  it('is stateless and named', () => {
    const sso = new Sso();
    expect([sso.kind, sso.lastQ, sso.saveState()]).toEqual(['sso', [], {}]);
    const t = new Tract();
    expect([t.kind, t.saveState()]).toEqual(['tract', {}]);
    const sp = new Spectra();
    expect([sp.kind, sp.saveState()]).toEqual(['spectra', {}]);
  });

  it('refuses bad options and missing or mismatched factors', () => {
    const opts: [ConstructorParameters<typeof Sso>[0], string, string][] = [
      [{ eta: 0 }, 'sso: eta must be > 0, got 0', 'e.g. sso:eta=1 (≤ 2 keeps the surrogate an upper bound of cross-entropy)'],
      [{ inner: 0 }, 'sso: inner must be a positive integer, got 0', 'e.g. sso:inner=10'],
      [{ inner: 2.5 }, 'sso: inner must be a positive integer, got 2.5', 'e.g. sso:inner=10'],
      [{ innerStep: 0 }, 'sso: innerStep must be > 0, got 0', 'e.g. sso:innerStep=10'],
    ];
    for (const [o, message, hint] of opts) {
      const e = refusal(() => new Sso(o));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', message, hint]);
    }
    const hint = 'SSO needs a rule that offers readoutFactors (inputs X and ∂L/∂z of its readout); drop --transform sso for this rule';
    for (const readout of [undefined, { x, rows: b }]) {
      const e = refusal(() => new Sso({ layer: 0 }).transform(0, u, tensor('r', n, k), { batchSize: b, readout }));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', "sso: no readout inputs and output gradients for 'r'", hint]);
    }
    for (const readout of [{ x: x.subarray(1), g, rows: b }, { x, g: g.subarray(1), rows: b }]) {
      const e = refusal(() => new Sso({ layer: 0 }).transform(0, u, tensor('r', n, k), { batchSize: b, readout }));
      expect([e.code, e.message]).toEqual(['internal', `sso: readout factors of 'r' do not match its shape ${n} × ${k} for ${b} rows`]);
    }
    const e = refusal(() => new Sso().transform(0, u, tensor('r', n, k), { batchSize: b }));
    expect([e.code, e.message]).toEqual(['internal', 'sso: layer counted from the end needs TransformContext.tensorCount']);
  });
});

describe('TrAct options', () => {
  const [b, n, k] = [5, 8, 2];
  const x = gaussian(b * n, 3, 2);
  const u = gaussian(n * k, 4);

  it('scale: λ times the mean squared input (unchanged when every input is 0), or absolute; reported per tensor', () => {
    expect(TRACT_DEFAULTS).toEqual({ lambda: 0.1, scale: 'mean-diag', method: 'auto', layer: 0 });
    const meanSq = x.reduce((a, v) => a + v * v, 0) / (b * n);
    const t = new Tract();
    const rel = t.transform(0, u, tensor('in', n, k), { batchSize: b, firstLayer: { x, rows: b } });
    expect(rel).toBeInstanceOf(Float32Array);
    expect(t.diagnostics()['tractLambda/in']).toBeCloseTo(0.1 * meanSq, 12);
    const want = tractSolve(x, b, n, u, k, 0.1 * meanSq, 'woodbury').out;
    for (let i = 0; i < want.length; i++) expect(rel[i]).toBeCloseTo(want[i]!, 5);
    // all-zero inputs: XᵀX = 0, λ stays as given, U' = U/λ
    const silent = new Tract({ lambda: 0.25 });
    const out = silent.transform(0, u, tensor('in', n, k), { batchSize: b, firstLayer: { x: new Float32Array(b * n), rows: b } });
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(u[i]! / 0.25, 5);
    expect(silent.diagnostics()).toEqual({ 'tractCondition/in': 1, 'tractLambda/in': 0.25 });
    const abs = new Tract({ lambda: 0.3, scale: 'absolute' });
    abs.transform(0, u, tensor('in', n, k), { batchSize: b, firstLayer: { x, rows: b } });
    expect(abs.diagnostics()['tractLambda/in']).toBe(0.3);
  });

  it('layer picks the tensor; every method gives the same preconditioned update', () => {
    const ctx = { batchSize: b, firstLayer: { x, rows: b } };
    const second = new Tract({ layer: 1, scale: 'absolute' });
    expect(second.transform(0, u, tensor('in', n, k), ctx)).toBe(u);
    const got = second.transform(1, u, tensor('hid', n, k), ctx);
    expect(Object.keys(second.diagnostics())).toEqual(['tractCondition/hid', 'tractLambda/hid']);
    for (const method of ['cholesky', 'woodbury', 'auto'] as const) {
      const other = new Tract({ method, scale: 'absolute' }).transform(0, u, tensor('in', n, k), ctx);
      const d = Array.from(other, (v, i) => v - got[i]!);
      expect(norm2(d) / norm2(got)).toBeLessThan(1e-5);
    }
  });

  it('method: auto is Woodbury for b < n and Cholesky for b ≥ n, bit for bit; a forced method is used as given', () => {
    const wide = { x, b, n };
    const tall = { x: gaussian(12 * n, 8, 2), b: 12, n };
    const square = { x: gaussian(n * n, 9, 2), b: n, n };
    for (const [data, auto] of [[wide, 'woodbury'], [tall, 'cholesky'], [square, 'cholesky']] as const) {
      for (const method of ['auto', 'cholesky', 'woodbury'] as const) {
        const tr = new Tract({ method, lambda: 0.2, scale: 'absolute' });
        const got = tr.transform(0, u, tensor('in', n, k), { batchSize: data.b, firstLayer: { x: data.x, rows: data.b } });
        const want = tractSolve(data.x, data.b, n, u, k, 0.2, method === 'auto' ? auto : method);
        expect(got).toEqual(Float32Array.from(want.out));
        expect(tr.diagnostics()['tractCondition/in']).toBe(want.condition);
      }
    }
    // the two forms round differently, so the comparison above can tell them apart
    const c = tractSolve(wide.x, b, n, u, k, 0.2, 'cholesky').condition;
    expect(c).not.toBe(tractSolve(wide.x, b, n, u, k, 0.2, 'woodbury').condition);
  });

  it('condition numbers in closed form for b = n and for an input that never fires; no rows at all: U/λ', () => {
    // diagonal X (b = n = 4): XᵀX/b = diag(s²)/4, condition (25/4 + λ)/(1/4 + λ)
    const d = new Float32Array(16);
    [1, 2, 3, 5].forEach((v, i) => (d[i * 4 + i] = v));
    const w = tensor('in', 4, 2);
    const one = new Float32Array(8).fill(1);
    for (const method of ['cholesky', 'woodbury'] as const) {
      const tr = new Tract({ lambda: 0.1, scale: 'absolute', method });
      tr.transform(0, one, w, { batchSize: 4, firstLayer: { x: d, rows: 4 } });
      expect(tr.diagnostics()['tractCondition/in']).toBeCloseTo((25 / 4 + 0.1) / (1 / 4 + 0.1), 6);
    }
    // b ≥ n with input 3 silent: XᵀX is singular, the bottom eigenvalue is λ itself
    const silent = new Float32Array(6 * 4);
    // (entries above 1, so the diagonal shift that keeps the factorization alive must be taken positive)
    [[0, 0, 6], [1, 1, 3], [2, 2, 9], [3, 0, 3], [4, 1, 6], [5, 2, 3]].forEach(([r, c, v]) => (silent[r! * 4 + c!] = v!));
    const ws = new Tract({ lambda: 0.1, scale: 'absolute', method: 'woodbury' });
    ws.transform(0, one, w, { batchSize: 6, firstLayer: { x: silent, rows: 6 } });
    const cs = new Tract({ lambda: 0.1, scale: 'absolute', method: 'cholesky' });
    cs.transform(0, one, w, { batchSize: 6, firstLayer: { x: silent, rows: 6 } });
    expect(ws.diagnostics()['tractCondition/in']).toBeCloseTo(cs.diagnostics()['tractCondition/in']!, 6);
    expect(ws.diagnostics()['tractCondition/in']).toBeGreaterThan(10);
    // no rows: XᵀX = 0
    const empty = tractSolve(new Float32Array(0), 0, 4, one, 2, 0.5, 'woodbury');
    expect(Array.from(empty.out)).toEqual(new Array(8).fill(2));
    expect(empty.condition).toBe(1);
  });

  it('refuses a bad λ, missing inputs and inputs of the wrong size', () => {
    for (const lambda of [0, -1, NaN, Infinity]) {
      const e = refusal(() => new Tract({ lambda }));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', `tract: lambda must be a positive number, got ${lambda}`, 'e.g. tract:lambda=0.1']);
    }
    for (const method of ['cholesky', 'woodbury'] as const) {
      const e = refusal(() => tractSolve(x, b, n, u, k, 0, method));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', 'tract: λ must be > 0, got 0', 'e.g. tract:lambda=0.1']);
    }
    const e = refusal(() => new Tract().transform(0, u, tensor('in', n, k), { batchSize: b }));
    expect([e.code, e.message, e.hint]).toEqual(['config.invalid', "tract: no first-layer inputs for 'in'", 'TrAct needs a rule that offers firstLayerFactors (e.g. surrogate-bptt); drop --transform tract for this rule']);
    const m = refusal(() => new Tract().transform(0, u, tensor('in', n, k), { batchSize: b, firstLayer: { x, rows: b + 1 } }));
    expect([m.code, m.message]).toEqual(['internal', `tract: ${b * n} input values for ${b + 1} rows × ${n} inputs of 'in'`]);
  });
});

describe('SPECTRA options', () => {
  it('automatic iterations ⌈ln α_A / ln 2.25⌉ + 6, at most 80; a fixed count is used as given', () => {
    expect(SPECTRA_DEFAULTS).toEqual({ c: 1, iterations: null, weightDecay: 0, rectScale: true });
    expect(autoIterations(1)).toBe(6);
    expect(autoIterations(10)).toBe(9);
    expect(autoIterations(2.25 ** 20 * 1.5)).toBe(27);
    expect(autoIterations(1e100)).toBe(80);
    const u = gaussian(12, 5, 4);
    const sp = new Spectra({ iterations: 3 });
    sp.transform(0, u, tensor('w', 3, 4), { batchSize: 1 });
    expect(sp.diagnostics()['nsIterations/w']).toBe(3);
  });

  it('rectScale: √max(1, cols/rows), 1 for a tall tensor or when switched off', () => {
    const wide = gaussian(2 * 8, 6, 1e-4); // far below c: the clip is the identity to 1e-8
    const on = new Spectra().transform(0, wide, tensor('w', 2, 8), { batchSize: 1 });
    const off = new Spectra({ rectScale: false }).transform(0, wide, tensor('w', 2, 8), { batchSize: 1 });
    for (let i = 0; i < wide.length; i++) {
      expect(on[i]).toBeCloseTo(2 * wide[i]!, 9);
      expect(off[i]).toBeCloseTo(wide[i]!, 9);
    }
    const tall = new Spectra().transform(0, wide, tensor('w', 8, 2), { batchSize: 1 });
    for (let i = 0; i < wide.length; i++) expect(tall[i]).toBeCloseTo(wide[i]!, 9);
    const sp = new Spectra({ c: 0.5 });
    sp.transform(0, wide, tensor('w', 2, 8), { batchSize: 1 });
    expect(sp.c).toBe(0.5);
    const d = sp.diagnostics();
    expect(d['spectralNorm/w/before']).toBeCloseTo(spectralNorm(wide, 2, 8), 12);
    expect(d['spectralNorm/w/after']! / d['spectralNorm/w/before']!).toBeCloseTo(2, 5);
  });

  it('refuses a bad clipping level or iteration count, and an update of the wrong size', () => {
    for (const c of [0, -1, NaN, Infinity]) {
      const e = refusal(() => new Spectra({ c }));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', `spectra: c must be a positive number, got ${c}`, 'e.g. spectra:c=1']);
    }
    for (const iterations of [0, 1.5]) {
      const e = refusal(() => new Spectra({ iterations }));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', `spectra: iterations must be a positive integer, got ${iterations}`, 'e.g. spectra:iterations=20, or leave it unset for the automatic count']);
    }
    expect(() => new Spectra({ iterations: 1 })).not.toThrow();
    const e = refusal(() => new Spectra().transform(0, new Float32Array(5), tensor('w', 2, 3), { batchSize: 1 }));
    expect([e.code, e.message]).toEqual(['internal', "spectra: update of 'w' has 5 values, shape 2 × 3"]);
  });
});
