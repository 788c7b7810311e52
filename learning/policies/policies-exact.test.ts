/**
 * The batch policies' remaining cases, each against its closed form: learning rate vs batch size
 * with given or first-update references, AdAdaGrad's norm test at its edges (no spread, no mean,
 * one sample, the cap, the test interval), defaults, diagnostics, saved states and refusals.
 */
import { describe, expect, it } from 'vitest';
import type { PerSampleStats } from '../plugin-contract.js';
import { AdAdaGrad, normTestStatistics } from './adadagrad.js';
import { LrBatchScaling } from './lr-batch-scaling.js';
import { refusal } from '../../test/helpers/refusal.js';

/** Statistics of explicit per-sample updates (one tensor). */
function statsOf(us: number[][]): PerSampleStats {
  const sum = new Float64Array(us[0]!.length);
  let sumSqNorms = 0;
  for (const u of us) u.forEach((v, j) => {
    sum[j] += v;
    sumSqNorms += v * v;
  });
  return { sum: [sum], sumSqNorms, count: us.length };
}

describe('learning rate vs batch size', () => {
  it('η = η₀·(B/B₀)^κ; B₀ and η₀ from the first update unless given; the batch passes through', () => {
    const p = new LrBatchScaling({ kappa: 0.5 });
    expect(p.kappa).toBe(0.5);
    expect(p.next({ update: 0, batchSize: 8, learningRate: 0.2 })).toEqual({ batchSize: 8, learningRate: 0.2 });
    // later learning rates asked for are ignored: η₀ stays the first one
    expect(p.next({ update: 1, batchSize: 72, learningRate: 5 })).toEqual({ batchSize: 72, learningRate: 0.2 * 3 });
    expect(p.diagnostics()).toEqual({ learningRate: 0.2 * 3, batchSize: 72 });
    expect(p.next({ update: 2, batchSize: 2, learningRate: 5 }).learningRate).toBeCloseTo(0.1, 15);
    // given B₀ only: η₀ from the first update
    const q = new LrBatchScaling({ baseBatch: 4 });
    expect(q.kappa).toBe(1);
    expect(q.next({ update: 0, batchSize: 12, learningRate: 0.01 }).learningRate).toBeCloseTo(0.03, 15);
    // given η₀ only: B₀ from the first update
    const r = new LrBatchScaling({ baseLr: 0.5, kappa: 2 });
    expect(r.next({ update: 0, batchSize: 10, learningRate: 9 }).learningRate).toBe(0.5);
    expect(r.next({ update: 1, batchSize: 20, learningRate: 9 }).learningRate).toBe(2);
    // κ = 0: a constant rate
    expect(new LrBatchScaling({ kappa: 0, baseLr: 0.3, baseBatch: 1 }).next({ update: 0, batchSize: 64, learningRate: 1 }).learningRate).toBe(0.3);
    expect(new LrBatchScaling().diagnostics()).toEqual({ learningRate: NaN, batchSize: NaN });
    expect(new LrBatchScaling().kind).toBe('lr-batch-scaling');
  });

  it('resumes from its saved state', () => {
    const p = new LrBatchScaling({ kappa: 1 });
    p.next({ update: 0, batchSize: 16, learningRate: 0.04 });
    p.next({ update: 1, batchSize: 32, learningRate: 0.04 });
    const s = p.saveState();
    expect(s).toEqual({ baseBatch: 16, baseLr: 0.04, lastBatch: 32, lastLr: 0.08 });
    const q = new LrBatchScaling({ kappa: 1 });
    q.loadState(s);
    expect(q.diagnostics()).toEqual({ learningRate: 0.08, batchSize: 32 });
    expect(q.next({ update: 2, batchSize: 64, learningRate: 1 }).learningRate).toBe(0.16);
  });

  it('refuses a negative or infinite κ and non-positive references', () => {
    const cases: [ConstructorParameters<typeof LrBatchScaling>[0], string, string][] = [
      [{ kappa: -1 }, 'lr-batch-scaling: kappa must be ≥ 0, got -1', 'use 1 for SGD-like rules, 0.5 for Adam-like'],
      [{ kappa: Infinity }, 'lr-batch-scaling: kappa must be ≥ 0, got Infinity', 'use 1 for SGD-like rules, 0.5 for Adam-like'],
      [{ kappa: NaN }, 'lr-batch-scaling: kappa must be ≥ 0, got NaN', 'use 1 for SGD-like rules, 0.5 for Adam-like'],
      [{ baseBatch: 0 }, 'lr-batch-scaling: baseBatch must be > 0, got 0', 'e.g. baseBatch=16'],
      [{ baseLr: -0.1 }, 'lr-batch-scaling: baseLr must be > 0, got -0.1', 'e.g. baseLr=0.01'],
      [{ baseLr: 0 }, 'lr-batch-scaling: baseLr must be > 0, got 0', 'e.g. baseLr=0.01'],
    ];
    for (const [opts, message, hint] of cases) {
      const e = refusal(() => new LrBatchScaling(opts));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', message, hint]);
    }
    expect(new LrBatchScaling({ baseBatch: null, baseLr: null }).next({ update: 0, batchSize: 3, learningRate: 0.7 }).learningRate).toBe(0.7);
  });
});

describe('AdAdaGrad edges', () => {
  it('normTestStatistics: ‖ū‖² and the unbiased V summed over coordinates and tensors; one sample has V = 0', () => {
    // two samples, two tensors: u1 = ([1, 2], [3]), u2 = ([3, 0], [1]) → ū = ([2, 1], [2]), V = Σ (d²·2)/(2 − 1)
    const stats: PerSampleStats = { sum: [Float64Array.from([4, 2]), Float64Array.from([4])], sumSqNorms: 1 + 4 + 9 + 9 + 0 + 1, count: 2 };
    expect(normTestStatistics(stats)).toEqual({ meanSq: 4 + 1 + 4, variance: (1 + 1 + 1) * 2, count: 2 });
    expect(normTestStatistics(statsOf([[1, 2], [1, 2], [1, 2]]))).toEqual({ meanSq: 5, variance: 0, count: 3 });
    expect(normTestStatistics(statsOf([[3, 4]]))).toEqual({ meanSq: 25, variance: 0, count: 1 });
    // rounding that would make V negative is clamped at 0
    expect(normTestStatistics({ sum: [Float64Array.from([2])], sumSqNorms: 1.9999, count: 2 }).variance).toBe(0);
  });

  it('no spread keeps the batch (SNR ∞); no mean asks for the cap; nothing at all leaves SNR undefined', () => {
    const same = new AdAdaGrad({ maxBatch: 50 });
    expect(same.next({ update: 0, batchSize: 4, learningRate: 0.3, stats: statsOf([[1, 1], [1, 1], [1, 1], [1, 1]]) })).toEqual({ batchSize: 4, learningRate: 0.3 });
    expect(same.diagnostics()).toEqual({ snr: Infinity, batchSize: 4, requestedBatch: 4 });
    const noMean = new AdAdaGrad({ maxBatch: 50 });
    expect(noMean.next({ update: 0, batchSize: 2, learningRate: 1, stats: statsOf([[1, -1], [-1, 1]]) }).batchSize).toBe(50);
    expect(noMean.diagnostics()).toEqual({ snr: 0, batchSize: 50, requestedBatch: Infinity });
    const zero = new AdAdaGrad();
    zero.next({ update: 0, batchSize: 3, learningRate: 1, stats: statsOf([[0], [0], [0]]) });
    expect(zero.diagnostics()).toEqual({ snr: NaN, batchSize: 3, requestedBatch: 3 });
  });

  it('asks ⌈V/(θ²‖ū‖²)⌉ with the default θ = 0.1; one sample keeps the last test; the cap bounds even the batch given', () => {
    // u = (1 ± 1): ū = 1, V = 2·1/(2 − 1) = 2 → ⌈2/(0.01·1)⌉ = 200
    const p = new AdAdaGrad();
    expect([p.theta, p.maxBatch, p.testInterval]).toEqual([0.1, 60000, 1]);
    expect(p.next({ update: 0, batchSize: 2, learningRate: 1, stats: statsOf([[0], [2]]) }).batchSize).toBe(200);
    expect(p.diagnostics()).toEqual({ snr: (1 * 2) / 2, batchSize: 200, requestedBatch: 200 });
    // a one-sample step (cut short) is not tested: the last test's answer stays
    expect(p.next({ update: 1, batchSize: 1, learningRate: 1, stats: statsOf([[5]]) }).batchSize).toBe(200);
    expect(p.diagnostics().snr).toBe(1);
    // a smaller request never shrinks the batch
    expect(p.next({ update: 2, batchSize: 200, learningRate: 1, stats: statsOf([[1], [1.0001]]) }).batchSize).toBe(200);
    const capped = new AdAdaGrad({ maxBatch: 16, theta: 0.5 });
    expect(capped.next({ update: 0, batchSize: 40, learningRate: 1, stats: statsOf([[1], [1], [1]]) }).batchSize).toBe(16);
  });

  it('tests every testInterval updates only (the first at update 0); resumes from its saved state', () => {
    const p = new AdAdaGrad({ testInterval: 2, theta: 1 });
    const noisy = statsOf([[0], [2]]); // ⌈2/(1·1)⌉ = 2
    const louder = statsOf([[-4], [6]]); // ū = 1, V = 50 → 50
    expect(p.next({ update: 0, batchSize: 2, learningRate: 1, stats: noisy }).batchSize).toBe(2);
    expect(p.next({ update: 1, batchSize: 2, learningRate: 1, stats: louder }).batchSize).toBe(2);
    expect(p.next({ update: 2, batchSize: 2, learningRate: 1, stats: louder }).batchSize).toBe(50);
    const s = p.saveState();
    expect(s).toEqual({ batch: 50, snr: 2 / 50, requested: 50 });
    const q = new AdAdaGrad({ testInterval: 2, theta: 1 });
    q.loadState(s);
    expect(q.diagnostics()).toEqual({ snr: 2 / 50, batchSize: 50, requestedBatch: 50 });
    expect(q.next({ update: 3, batchSize: 2, learningRate: 1 }).batchSize).toBe(50);
    expect(new AdAdaGrad().diagnostics()).toEqual({ snr: NaN, batchSize: 0, requestedBatch: NaN });
  });

  it('refuses bad options, and a rule without statistics with what to do', () => {
    const cases: [ConstructorParameters<typeof AdAdaGrad>[0], string, string][] = [
      [{ theta: 0 }, 'adadagrad: theta must be > 0, got 0', 'e.g. adadagrad:theta=0.1'],
      [{ theta: NaN }, 'adadagrad: theta must be > 0, got NaN', 'e.g. adadagrad:theta=0.1'],
      [{ maxBatch: 0 }, 'adadagrad: maxBatch must be a positive integer, got 0', 'e.g. the training set size'],
      [{ maxBatch: 2.5 }, 'adadagrad: maxBatch must be a positive integer, got 2.5', 'e.g. the training set size'],
      [{ testInterval: 0 }, 'adadagrad: testInterval must be a positive integer, got 0', 'e.g. 1'],
      [{ testInterval: 1.5 }, 'adadagrad: testInterval must be a positive integer, got 1.5', 'e.g. 1'],
    ];
    for (const [opts, message, hint] of cases) {
      const e = refusal(() => new AdAdaGrad(opts));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', message, hint]);
    }
    expect(() => new AdAdaGrad({ maxBatch: 1, testInterval: 1, theta: 1e-9 })).not.toThrow();
    const e = refusal(() => new AdAdaGrad().next({ update: 0, batchSize: 4, learningRate: 1 }));
    expect([e.code, e.message, e.hint]).toEqual(['config.invalid', 'adadagrad: the rule gives no per-sample statistics', 'AdAdaGrad needs a rule with perSampleStats; drop --policy adadagrad for this rule']);
    const p = new AdAdaGrad();
    expect(p.kind).toBe('adadagrad');
    expect(p.needsStats).toBe(true);
  });
});
