/**
 * Adam's and LAMB's options and bookkeeping, each against a closed form or the textbook loop:
 * the default constants (visible with gradients near ε), per-tensor step counts and moments
 * (a resized tensor starts over), the saved state's layout, LAMB's clamps of φ(‖W‖), its
 * fall-back ratio, its diagnostics per tensor and its nested Adam state.
 */
import { describe, expect, it } from 'vitest';
import { RngStream } from '../../engine/rng.js';
import type { WeightTensor } from '../plugin-contract.js';
import { Adam } from './adam.js';
import { norm2 } from './dense-linalg.js';
import { Lamb, LAMB_DEFAULTS } from './lamb.js';
import { textbookAdam as textbook } from '../../test/helpers/textbook-adam.js';

function gaussian(n: number, seed: number, scale = 1): Float32Array {
  const rng = RngStream.derive(seed, 'test/adam-lamb-exact');
  return Float32Array.from({ length: n }, () => scale * rng.normal());
}

const tensor = (name: string, values: Float32Array, rows = 1): WeightTensor => ({ name, shape: [rows, values.length / rows], values });

describe('Adam bookkeeping', () => {
  it('defaults β1 = 0.9, β2 = 0.999, ε = 1e-8 (gradients near ε show each)', () => {
    const adam = new Adam();
    const ref = textbook(0.9, 0.999, 1e-8);
    for (let s = 0; s < 4; s++) {
      const g = gaussian(9, s, 10 ** (-8 + s));
      expect(adam.transform(0, g, tensor('w', new Float32Array(9)))).toEqual(ref.step(g));
    }
    const partial = new Adam({ beta2: 0.99 });
    const r2 = textbook(0.9, 0.99, 1e-8);
    for (let s = 0; s < 3; s++) {
      const g = gaussian(5, 10 + s, 1e-8);
      expect(partial.transform(0, g, tensor('w', new Float32Array(5)))).toEqual(r2.step(g));
    }
  });

  it('counts steps and keeps moments per tensor; a tensor of another size starts over', () => {
    const adam = new Adam({ beta1: 0.5, beta2: 0.9, eps: 1e-3 });
    const a = textbook(0.5, 0.9, 1e-3);
    const b = textbook(0.5, 0.9, 1e-3);
    for (let s = 0; s < 3; s++) {
      const g = gaussian(6, 20 + s);
      expect(adam.transform(0, g, tensor('a', new Float32Array(6)))).toEqual(a.step(g));
    }
    // tensor 1's first step is a first step (bias corrections of t = 1), whatever tensor 0 did
    const g1 = gaussian(4, 30);
    expect(adam.transform(1, g1, tensor('b', new Float32Array(4)))).toEqual(b.step(g1));
    const s = adam.saveState();
    expect(Object.keys(s).sort()).toEqual(['m0', 'm1', 't0', 't1', 'tensors', 'v0', 'v1']);
    expect(s.tensors).toBe(2);
    expect([s.t0, s.t1]).toEqual([3, 1]);
    expect(s.m0).toEqual(a.moments().m);
    expect(s.v0).toEqual(a.moments().v);
    expect(s.m1).toEqual(b.moments().m);
    // resized: new moments, t from 1
    const fresh = textbook(0.5, 0.9, 1e-3);
    const g2 = gaussian(8, 31);
    expect(adam.transform(0, g2, tensor('a', new Float32Array(8)))).toEqual(fresh.step(g2));
    expect(adam.saveState().t0).toBe(1);
  });

  it('a saved state is a copy: later steps do not change it; a fresh Adam saves no tensors', () => {
    expect(new Adam().saveState()).toEqual({ tensors: 0 });
    expect(new Adam().kind).toBe('adam');
    const adam = new Adam();
    adam.transform(0, gaussian(5, 95), tensor('a', new Float32Array(5)));
    const s = adam.saveState();
    const m = Float64Array.from(s.m0 as Float64Array);
    const v = Float64Array.from(s.v0 as Float64Array);
    adam.transform(0, gaussian(5, 96), tensor('a', new Float32Array(5)));
    expect(s.m0).toEqual(m);
    expect(s.v0).toEqual(v);
  });

  it('a loaded state continues both tensors exactly', () => {
    const a = new Adam();
    const grads = [0, 1, 2, 3].map((s) => [gaussian(7, 40 + s), gaussian(3, 50 + s)]);
    const want = grads.map((gs) => gs.map((g, k) => a.transform(k, g, tensor(`t${k}`, new Float32Array(g.length)))));
    const b = new Adam();
    grads.slice(0, 2).forEach((gs) => gs.forEach((g, k) => b.transform(k, g, tensor(`t${k}`, new Float32Array(g.length)))));
    const c = new Adam();
    c.loadState(b.saveState());
    grads.slice(2).forEach((gs, s) => gs.forEach((g, k) => expect(c.transform(k, g, tensor(`t${k}`, new Float32Array(g.length)))).toEqual(want[2 + s]![k])));
  });
});

describe('LAMB options', () => {
  it('is Adam(β1, β2, ε = 1e-6) scaled to ‖W‖ by default', () => {
    expect(LAMB_DEFAULTS).toEqual({ beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0, normMin: 0, normMax: null });
    const lamb = new Lamb();
    const adam = new Adam({ beta1: 0.9, beta2: 0.999, eps: 1e-6 });
    const w = tensor('w', gaussian(12, 60), 3);
    for (let s = 0; s < 3; s++) {
      const g = gaussian(12, 61 + s, 1e-6);
      const r = adam.transform(0, g, w) as Float32Array;
      const ratio = norm2(w.values) / norm2(r);
      const out = lamb.transform(0, g, w, { batchSize: 1 });
      for (let i = 0; i < 12; i++) expect(out[i]).toBeCloseTo(ratio * r[i]!, 6);
      expect(lamb.diagnostics()['trustRatio/w']).toBeCloseTo(ratio, 9);
    }
  });

  it('clamps φ(‖W‖) from below at normMin and from above at normMax', () => {
    const u = gaussian(16, 70);
    const w = tensor('w', gaussian(16, 71, 0.01), 4);
    const wNorm = norm2(w.values);
    expect(norm2(new Lamb({ normMin: 3 }).transform(0, u, w, { batchSize: 1 }))).toBeCloseTo(3, 5);
    expect(norm2(new Lamb({ normMin: 3, normMax: 2 }).transform(0, u, w, { batchSize: 1 }))).toBeCloseTo(2, 5);
    expect(norm2(new Lamb({ normMax: 1e-3 }).transform(0, u, w, { batchSize: 1 }))).toBeCloseTo(1e-3, 8);
    expect(norm2(new Lamb({ normMax: null }).transform(0, u, w, { batchSize: 1 }))).toBeCloseTo(wNorm, 7);
    expect(norm2(new Lamb({ normMin: 0.5 * wNorm, normMax: 2 * wNorm }).transform(0, u, w, { batchSize: 1 }))).toBeCloseTo(wNorm, 7);
  });

  it('a zero update without decay stays zero (ratio 1); the decay alone is scaled to ‖W‖', () => {
    const w = tensor('w', gaussian(9, 80), 3);
    const lamb = new Lamb();
    expect(Array.from(lamb.transform(0, new Float32Array(9), w, { batchSize: 1 }))).toEqual(new Array(9).fill(0));
    expect(lamb.diagnostics()).toEqual({ 'trustRatio/w': 1 });
    // r = Adam(0) + λW = λW: scaled to ‖W‖ it is W itself, for any λ
    const out = new Lamb({ weightDecay: 3 }).transform(0, new Float32Array(9), w, { batchSize: 1 });
    for (let i = 0; i < 9; i++) expect(out[i]).toBeCloseTo(w.values[i]!, 6);
  });

  it('reports one trust ratio per tensor name, and keeps its Adam state under adam.', () => {
    const lamb = new Lamb();
    const a = tensor('a', gaussian(6, 90), 2);
    const b = tensor('b', gaussian(4, 91, 5), 2);
    lamb.transform(0, gaussian(6, 92), a, { batchSize: 1 });
    lamb.transform(1, gaussian(4, 93), b, { batchSize: 1 });
    const d = lamb.diagnostics();
    expect(Object.keys(d).sort()).toEqual(['trustRatio/a', 'trustRatio/b']);
    expect(d['trustRatio/a']).not.toBe(d['trustRatio/b']);
    const s = lamb.saveState();
    expect(Object.keys(s).sort()).toEqual(['adam.m0', 'adam.m1', 'adam.t0', 'adam.t1', 'adam.tensors', 'adam.v0', 'adam.v1']);
    const again = new Lamb();
    again.loadState(s);
    const g = gaussian(6, 94);
    expect(again.transform(0, g, a, { batchSize: 1 })).toEqual(lamb.transform(0, g, a, { batchSize: 1 }));
    expect(lamb.kind).toBe('lamb');
  });
});
