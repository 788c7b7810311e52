import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, subset, type Dataset } from '../datasets/dataset.js';
import type { SnnError } from '../engine/errors.js';
import { RngStream } from '../engine/rng.js';
import { batchRules } from './batch-rules.js';
import { batchStep } from './batch-step.js';
import type { WeightTensor } from './plugin-contract.js';
import { perturbation, projectedGradient, Spsa, spsaUpdate, type SpsaScalar } from './spsa.js';
import { SurrogateBptt } from './surrogate-bptt.js';
import { loadTensorBackend, type TensorBackend } from './tensor/backend.js';
import { Adam } from './transforms/adam.js';

let backend: TensorBackend;
let train: Dataset;
beforeAll(async () => {
  backend = await loadTensorBackend();
  train = subset(loadDataset('mnist', 'train'), 128);
});

const range = (n: number, from = 0): Int32Array => Int32Array.from({ length: n }, (_, i) => from + i);
const small = { hidden: 20, steps: 10, seed: 3 };

describe('SPSA estimator on a quadratic L(θ) = ½θᵀAθ, d = 50', () => {
  const d = 50;
  const rng = RngStream.derive(11, 'test/quadratic');
  // A = QᵀQ/d + I: symmetric positive definite, not diagonal.
  const Q = Array.from({ length: d * d }, () => rng.normal());
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let r = 0; r < d; r++) s += Q[r * d + i]! * Q[r * d + j]!;
      A[i * d + j] = s / d + (i === j ? 1 : 0);
    }
  }
  const theta = Float32Array.from({ length: d }, () => rng.normal());
  const loss = (x: ArrayLike<number>): number => {
    let s = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s += x[i]! * A[i * d + j]! * x[j]!;
    return s / 2;
  };
  const grad = Array.from({ length: d }, (_, i) => theta.reduce((s, t, j) => s + A[i * d + j]! * t, 0));
  const tensor: WeightTensor = { name: 'theta', shape: [1, d], values: theta };
  const eps = 1e-3;
  const scalarsFor = (count: number, update: number): SpsaScalar[] => {
    const z = new Float32Array(d);
    return Array.from({ length: count }, (_, k) => {
      perturbation(5, update, 0, k, 'theta', z);
      return { replica: 0, k, g: projectedGradient(loss(Array.from(theta, (t, i) => t + eps * z[i]!)), loss(Array.from(theta, (t, i) => t - eps * z[i]!)), eps) };
    });
  };

  it('the central difference of a quadratic is exactly the directional derivative zᵀ∇L (up to rounding)', () => {
    const z = new Float32Array(d);
    for (const [k, s] of scalarsFor(20, 0).entries()) {
      perturbation(5, 0, 0, k, 'theta', z);
      const exact = z.reduce((a, zi, i) => a + zi * grad[i]!, 0);
      expect(Math.abs(s.g - exact)).toBeLessThan(1e-8 * Math.max(1, Math.abs(exact)));
    }
  });

  it('the mean of 10⁴ estimates ĝ·z points along the true gradient: cosine > 0.99, norm within 5 %', () => {
    const [u] = spsaUpdate(5, 1, [tensor], [1], scalarsFor(10_000, 1));
    let dot = 0;
    let nu = 0;
    let ng = 0;
    for (let i = 0; i < d; i++) {
      dot += u![i]! * grad[i]!;
      nu += u![i]! ** 2;
      ng += grad[i]! ** 2;
    }
    expect(dot / Math.sqrt(nu * ng)).toBeGreaterThan(0.99);
    expect(Math.abs(Math.sqrt(nu / ng) - 1)).toBeLessThan(0.05);
  });

  it('a single estimate is noisy (cosine well below 1): the test above is not trivially satisfied', () => {
    const [u] = spsaUpdate(5, 2, [tensor], [1], scalarsFor(1, 2));
    const dot = u!.reduce((a, x, i) => a + x * grad[i]!, 0);
    const cos = dot / Math.sqrt(u!.reduce((a, x) => a + x * x, 0) * grad.reduce((a, x) => a + x * x, 0));
    expect(Math.abs(cos)).toBeLessThan(0.9);
  });
});

describe('SPSA rule on the 784-20-10 LIF network', () => {
  it('is registered with an option schema; bad options are one-line errors', () => {
    expect(batchRules.names()).toContain('spsa');
    expect(batchRules.options('spsa', {})).toEqual({ epsilon: 1e-3, n: 1, weightDecay: 0, layers: 'readout', scale: 'init' });
    expect(batchRules.options('spsa', { n: '4', layers: 'all' })).toMatchObject({ n: 4, layers: 'all' });
    expect(() => batchRules.options('spsa', { epsilon: '0' })).toThrow(/epsilon/);
    const oneLine = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        return (e as SnnError).oneLine();
      }
      return '';
    };
    expect(oneLine(() => batchRules.options('spsa', { layer: 'all' }))).toMatch(/no option 'layer'.*did you mean 'layers'/);
    expect(oneLine(() => batchRules.options('spsa', { layers: 'hidden' }))).toMatch(/readout, all/);
    const rule = batchRules.get('spsa')(backend, train, { ...batchRules.options('spsa', { n: '2' }), ...small });
    expect(rule.kind).toBe('spsa');
  });

  it('fewer than 10 % of the loss differences are exactly zero (continuous membrane loss), for readout and all layers', () => {
    for (const layers of ['readout', 'all'] as const) {
      const rule = new Spsa(backend, train, { ...small, layers, n: 4 });
      let zeros = 0;
      let total = 0;
      for (let u = 0; u < 5; u++) {
        rule.step({ indices: range(8, 8 * u), update: u });
        zeros += rule.last.zeroDiffs;
        total += rule.last.scalars.length;
      }
      expect(total).toBe(20);
      expect(zeros / total).toBeLessThan(0.1);
    }
  });

  it('each scalar is the central difference of the unperturbed network at W ± ε·σ·z (same input spikes)', () => {
    const eps = 0.05;
    const rule = new Spsa(backend, train, { ...small, layers: 'all', n: 2, epsilon: eps });
    const batch = { indices: range(8, 16), update: 7 };
    const scalars = rule.scalars(batch);
    const bptt = new SurrogateBptt(backend, train, small);
    const lossAt = (k: number, sign: number): number => {
      rule.tensors.forEach((t, l) => {
        const z = perturbation(small.seed, 7, 0, k, t.name, new Float32Array(t.values.length));
        const w = bptt.tensors[l]!.values;
        for (let i = 0; i < w.length; i++) w[i] = t.values[i]! + sign * eps * rule.scales[l]! * z[i]!;
      });
      bptt.step(batch);
      return bptt.last.loss;
    };
    for (let k = 0; k < 2; k++) {
      const g = projectedGradient(lossAt(k, 1), lossAt(k, -1), eps);
      expect(Math.abs(scalars[k]!.g - g)).toBeLessThan(1e-2 * Math.abs(g) + 1e-3);
    }
    expect(scalars[0]!.g).not.toBe(scalars[1]!.g);
  });

  it('the update regenerated from the seeds equals the one the step returned: U = ĝ·σ·z; a frozen tensor gets 0', () => {
    const rule = new Spsa(backend, train, { ...small, layers: 'readout', n: 1, weightDecay: 0 });
    const w1 = Float32Array.from(rule.tensors[0]!.values);
    const u = rule.step({ indices: range(8), update: 3 }) as Float32Array[];
    const g = rule.last.scalars[0]!.g;
    expect(g).not.toBe(0);
    expect(u[0]!.every((x) => x === 0)).toBe(true);
    const z = perturbation(small.seed, 3, 0, 0, rule.tensors[1]!.name, new Float32Array(20 * 10));
    const sigma = 3 / Math.sqrt(20);
    expect(rule.scales).toEqual([0, sigma]);
    expect(u[1]).toEqual(Float32Array.from(z, (zi) => g * sigma * zi));
    expect(rule.tensors[0]!.values).toEqual(w1); // a rule never writes weights
    // Same (seed, batch, update) → the same scalar and update, bit for bit; another update → another z.
    expect(rule.step({ indices: range(8), update: 3 })).toEqual(u);
    expect(rule.step({ indices: range(8), update: 4 })[1]).not.toEqual(u[1]);
  });

  it('weight decay adds λ·W to the trained tensors only', () => {
    const a = new Spsa(backend, train, { ...small, weightDecay: 0 });
    const b = new Spsa(backend, train, { ...small, weightDecay: 0.1 });
    const ua = a.step({ indices: range(8), update: 0 }) as Float32Array[];
    const ub = b.step({ indices: range(8), update: 0 }) as Float32Array[];
    expect(ub[0]!.every((x) => x === 0)).toBe(true);
    ub[1]!.forEach((x, i) => expect(x).toBeCloseTo(ua[1]![i]! + 0.1 * a.tensors[1]!.values[i]!, 6));
  });

  it("per-sample statistics: Σ u_b and Σ ‖u_b‖² equal those of each sample's own step (same perturbations), with weight decay", () => {
    for (const layers of ['readout', 'all'] as const) {
      const opts = { ...small, layers, n: 3, weightDecay: 0.05 };
      const rule = new Spsa(backend, train, opts);
      const one = new Spsa(backend, train, opts);
      rule.collectPerSampleStats(true);
      const B = 5;
      const batch = { indices: range(B, 10), update: 7 };
      const u = rule.step(batch) as Float32Array[];
      const stats = rule.perSampleStats(batch);
      const sum = u.map((x) => new Float64Array(x.length));
      let sumSqNorms = 0;
      for (let b = 0; b < B; b++) {
        (one.step({ indices: range(1, 10 + b), update: 7 }) as Float32Array[]).forEach((x, k) => x.forEach((v, i) => {
          sum[k]![i] += v;
          sumSqNorms += v * v;
        }));
      }
      expect(Math.abs(stats.sumSqNorms - sumSqNorms) / sumSqNorms).toBeLessThan(1e-5);
      let err = 0;
      let norm = 0;
      sum.forEach((x, k) => x.forEach((v, i) => {
        err += (stats.sum[k]![i]! - v) ** 2;
        norm += v * v;
      }));
      expect(Math.sqrt(err / norm)).toBeLessThan(1e-5);
      // the samples disagree: Σ‖u_b‖² − ‖Σ u_b‖²/B, (B − 1) times the spread the norm test sees, is > 0
      expect(stats.sumSqNorms - norm / B).toBeGreaterThan(1e-6 * stats.sumSqNorms);
    }
  });

  it('save/load: stopping after 3 steps and resuming from the saved weights and state ≡ 6 steps in one go', async () => {
    const opts = { ...small, layers: 'all' as const, n: 2 };
    const run = async (rule: Spsa, adam: Adam, from: number, to: number): Promise<void> => {
      for (let u = from; u < to; u++) await batchStep(rule, { indices: range(8, 8 * u), update: u }, { learningRate: 0.01, transforms: [adam] });
    };
    const full = new Spsa(backend, train, opts);
    await run(full, new Adam(), 0, 6);
    const first = new Spsa(backend, train, opts);
    const adam1 = new Adam();
    await run(first, adam1, 0, 3);
    const state = JSON.parse(JSON.stringify(first.saveState())) as ReturnType<Spsa['saveState']>;
    const weights = first.tensors.map((t) => ({ ...t, values: Float32Array.from(t.values) }));
    const resumed = new Spsa(backend, train, opts, weights);
    resumed.loadState(state);
    const adam2 = new Adam();
    adam2.loadState(adam1.saveState());
    await run(resumed, adam2, 3, 6);
    expect(resumed.steps).toBe(6);
    resumed.tensors.forEach((t, l) => expect(t.values).toEqual(full.tensors[l]!.values));
    expect(full.tensors[0]!.values).not.toEqual(new Spsa(backend, train, opts).tensors[0]!.values);
    expect(() => new Spsa(backend, train, { ...opts, n: 3 }).loadState(state)).toThrow(/other SPSA options/);
  });
});
