/**
 * SPSA's parts one at a time: the perturbation streams by name, the update formula with several
 * scalars, replicas, frozen tensors and decay, the per-layer scales, the batched forward of the
 * 2n variants against surrogate BPTT's own forward (statistics of the unperturbed network, the
 * spike-count readout), and every refusal with its code, message and hint.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, subset, type Dataset } from '../datasets/dataset.js';
import { RngStream } from '../engine/rng.js';
import type { RuleState, WeightTensor } from './plugin-contract.js';
import { perturbation, perturbationStream, projectedGradient, Spsa, spsaUpdate, type SpsaScalar } from './spsa.js';
import { SurrogateBptt } from './surrogate-bptt.js';
import { loadTensorBackend, type TensorBackend } from './tensor/backend.js';
import { refusal } from '../test/helpers/refusal.js';

let backend: TensorBackend;
let train: Dataset;
beforeAll(async () => {
  backend = await loadTensorBackend();
  train = subset(loadDataset('mnist', 'train'), 64);
});

const range = (n: number, from = 0): Int32Array => Int32Array.from({ length: n }, (_, i) => from + i);
const small = { hidden: 12, steps: 8, seed: 4 };

describe('SPSA pieces', () => {
  it('perturbation k of replica r at update t is N(0, 1) from the stream spsa/z/u<t>/r<r>/k<k>/<tensor>', () => {
    expect(perturbationStream(3, 1, 2, 'hidden->output')).toBe('spsa/z/u3/r1/k2/hidden->output');
    const z = perturbation(7, 3, 1, 2, 'hidden->output', new Float32Array(40));
    const rng = RngStream.derive(7, 'spsa/z/u3/r1/k2/hidden->output');
    expect(z).toEqual(Float32Array.from({ length: 40 }, () => rng.normal()));
    expect(projectedGradient(3, 1, 0.5)).toBe(2);
    expect(projectedGradient(1, 3, 0.25)).toBe(-4);
  });

  it('U_l = (1/N) Σ g·σ_l·z + λ·W_l over every scalar (several replicas and k); σ_l = 0 freezes the tensor', () => {
    const tensors: WeightTensor[] = [
      { name: 'a', shape: [3, 4], values: Float32Array.from({ length: 12 }, (_, i) => 0.1 * i - 0.5) },
      { name: 'b', shape: [2, 5], values: Float32Array.from({ length: 10 }, (_, i) => 1 - 0.3 * i) },
      { name: 'c', shape: [1, 3], values: Float32Array.from([1, 2, 3]) },
    ];
    const scales = [0.5, 2, 0];
    const scalars: SpsaScalar[] = [
      { replica: 0, k: 0, g: 1.5 },
      { replica: 0, k: 1, g: -0.25 },
      { replica: 1, k: 0, g: 3 },
    ];
    const lambda = 0.2;
    const u = spsaUpdate(9, 4, tensors, scales, scalars, lambda);
    tensors.forEach((t, l) => {
      const want = new Float64Array(t.values.length);
      if (scales[l] !== 0) {
        for (const s of scalars) {
          const z = perturbation(9, 4, s.replica, s.k, t.name, new Float32Array(t.values.length));
          for (let i = 0; i < want.length; i++) want[i] += (s.g * scales[l]! * z[i]!) / scalars.length;
        }
        for (let i = 0; i < want.length; i++) want[i] += lambda * t.values[i]!;
      }
      expect(u[l]).toBeInstanceOf(Float32Array);
      expect(u[l]!.length).toBe(want.length);
      for (let i = 0; i < want.length; i++) expect(Math.abs(u[l]![i]! - want[i]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(want[i]!)));
    });
    expect(u[2]!.every((v) => v === 0)).toBe(true);
    // without the decay argument: no λ·W term
    const plain = spsaUpdate(9, 4, tensors, scales, scalars);
    plain[0]!.forEach((v, i) => expect(v).toBeCloseTo(u[0]![i]! - lambda * tensors[0]!.values[i]!, 6));
  });
});

describe('SPSA rule', () => {
  it('per-layer scales: init = initGain/√fanIn, unit = 1, a readout-only rule freezes the first layer', () => {
    const cases = [
      { layers: 'all', scale: 'init', want: [2 / Math.sqrt(784), 2 / Math.sqrt(12)] },
      { layers: 'readout', scale: 'init', want: [0, 2 / Math.sqrt(12)] },
      { layers: 'all', scale: 'unit', want: [1, 1] },
      { layers: 'readout', scale: 'unit', want: [0, 1] },
    ] as const;
    for (const { layers, scale, want } of cases) {
      const rule = new Spsa(backend, train, { ...small, initGain: 2, layers, scale });
      expect(rule.scales).toEqual(want);
      expect(rule.options).toEqual({ epsilon: 1e-3, n: 1, weightDecay: 0, layers, scale });
      expect(rule.config).toBe(rule.net.config);
      expect(rule.config.hidden).toBe(12);
      expect(rule.kind).toBe('spsa');
    }
  });

  it('with a vanishing ε the variants are the network itself: loss, accuracy and hidden rate equal surrogate BPTT\'s', () => {
    for (const readout of ['membrane', 'spike-count'] as const) {
      for (const layers of ['readout', 'all'] as const) {
        const cfg = { ...small, readout, initGain: 8 };
        // ε·σ·z ≈ 1e-30 vanishes next to float32 weights: every variant has W's values exactly
        const rule = new Spsa(backend, train, { ...cfg, layers, epsilon: 1e-30, n: 2 });
        const bptt = new SurrogateBptt(backend, train, cfg);
        const batch = { indices: range(10, 5), update: 2 };
        const scalars = rule.scalars(batch);
        bptt.step(batch);
        expect(rule.last.correct).toBe(bptt.last.correct);
        expect(rule.last.hiddenRate).toBeCloseTo(bptt.last.hiddenRate, 12);
        expect(bptt.last.hiddenRate).toBeGreaterThan(0);
        expect(Math.abs(rule.last.loss - bptt.last.loss)).toBeLessThan(2e-5 * bptt.last.loss);
        // identical variants: every loss difference is exactly zero
        expect(scalars.map((s) => [s.replica, s.k, s.g])).toEqual([[0, 0, 0], [0, 1, 0]]);
        expect(rule.last.zeroDiffs).toBe(2);
        expect(rule.last.scalars).toBe(scalars);
      }
    }
  });

  it('spike-count readout: each scalar is the central difference of cross-entropy on output spike counts', () => {
    const eps = 0.5;
    const cfg = { ...small, readout: 'spike-count' as const, initGain: 8 };
    const rule = new Spsa(backend, train, { ...cfg, layers: 'all', n: 3, epsilon: eps }, undefined, 2);
    expect(rule.replica).toBe(2);
    const batch = { indices: range(10), update: 5 };
    const scalars = rule.scalars(batch);
    const bptt = new SurrogateBptt(backend, train, cfg);
    const lossAt = (k: number, sign: number): number => {
      rule.tensors.forEach((t, l) => {
        const z = perturbation(small.seed, 5, 2, k, t.name, new Float32Array(t.values.length));
        const w = bptt.tensors[l]!.values;
        for (let i = 0; i < w.length; i++) w[i] = t.values[i]! + sign * eps * rule.scales[l]! * z[i]!;
      });
      bptt.step(batch);
      return bptt.last.loss;
    };
    let zeros = 0;
    for (let k = 0; k < 3; k++) {
      const g = projectedGradient(lossAt(k, 1), lossAt(k, -1), eps);
      expect(scalars[k]!.replica).toBe(2);
      expect(scalars[k]!.k).toBe(k);
      expect(Math.abs(scalars[k]!.g - g)).toBeLessThan(1e-4 * Math.abs(g) + 1e-4);
      if (scalars[k]!.g === 0) zeros++;
    }
    expect(rule.last.zeroDiffs).toBe(zeros);
    expect(scalars.some((s) => s.g !== 0)).toBe(true);
    // the reported loss is the k = 0, +ε pass's, in float64 from its logits
    expect(rule.last.loss).toBeCloseTo(lossAt(0, 1), 4);
  });

  it('refuses bad options and foreign states with what is wrong and how to fix it', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ epsilon: 0 }, 'spsa: epsilon must be a positive number, got 0', 'use e.g. epsilon=1e-3'],
      [{ epsilon: Infinity }, 'spsa: epsilon must be a positive number, got Infinity', 'use e.g. epsilon=1e-3'],
      [{ epsilon: NaN }, 'spsa: epsilon must be a positive number, got NaN', 'use e.g. epsilon=1e-3'],
      [{ n: 0 }, 'spsa: n must be a positive integer, got 0', 'use e.g. n=1'],
      [{ n: 1.5 }, 'spsa: n must be a positive integer, got 1.5', 'use e.g. n=1'],
      [{ weightDecay: -0.1 }, 'spsa: weightDecay must be ≥ 0, got -0.1', 'use e.g. weightDecay=0'],
      [{ weightDecay: NaN }, 'spsa: weightDecay must be ≥ 0, got NaN', 'use e.g. weightDecay=0'],
      [{ layers: 'hidden' }, "spsa: unknown layers 'hidden'", 'use readout or all'],
      [{ scale: 'xavier' }, "spsa: unknown scale 'xavier'", 'use init or unit'],
    ];
    for (const [opts, message, hint] of cases) {
      const e = refusal(() => new Spsa(backend, train, { ...small, ...opts } as never));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', message, hint]);
    }
    // the boundary values are accepted
    expect(() => new Spsa(backend, train, { ...small, weightDecay: 0, n: 1, epsilon: 1e-12 })).not.toThrow();

    const opts = { ...small, layers: 'all' as const, n: 2, epsilon: 0.01, weightDecay: 0.1, scale: 'unit' as const };
    const rule = new Spsa(backend, train, opts, undefined, 3);
    rule.steps = 7;
    const state = rule.saveState();
    expect(state).toEqual({ kind: 'spsa', steps: 7, epsilon: 0.01, n: 2, weightDecay: 0.1, layers: 'all', scale: 'unit', replica: 3 });
    const fresh = new Spsa(backend, train, opts);
    fresh.loadState(state);
    expect(fresh.steps).toBe(7);
    const other: RuleState[] = [{ kind: 'sgd' }, { epsilon: 0.02 }, { n: 3 }, { weightDecay: 0 }, { layers: 'readout' }, { scale: 'init' }];
    for (const change of other) {
      const e = refusal(() => new Spsa(backend, train, opts).loadState({ ...state, ...change }));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', 'spsa: the saved state was made with other SPSA options', 'resume with the options of the saved run']);
    }
    for (const steps of [-1, 2.5, '4']) {
      const e = refusal(() => new Spsa(backend, train, opts).loadState({ ...state, steps }));
      expect([e.code, e.message, e.hint]).toEqual(['io.corrupt', `spsa: saved step count ${String(steps)} is not a whole number`, 'the checkpoint is damaged']);
    }
    const zero = new Spsa(backend, train, opts);
    zero.loadState({ ...state, steps: 0 });
    expect(zero.steps).toBe(0);
  });

  it('per-sample statistics only for the step they were collected in; switching them off forgets them', () => {
    const rule = new Spsa(backend, train, { ...small, n: 2 });
    expect(rule.last).toEqual({ loss: NaN, correct: 0, hiddenRate: 0, scalars: [], zeroDiffs: 0 });
    const batch = { indices: range(4), update: 1 };
    const e = refusal(() => rule.perSampleStats(batch));
    expect([e.code, e.message, e.hint]).toEqual(['internal', 'spsa: no per-sample statistics of update 1', 'call collectPerSampleStats(true) before step(batch)']);
    rule.step(batch);
    expect(() => rule.perSampleStats(batch)).toThrow(/no per-sample statistics of update 1/);
    rule.collectPerSampleStats(true);
    const u = rule.step(batch) as Float32Array[];
    rule.collectPerSampleStats(true); // asking again keeps the statistics of the step just taken
    const stats = rule.perSampleStats(batch);
    expect(stats.count).toBe(4);
    stats.sum.forEach((s, l) => s.forEach((v, i) => expect(v).toBeCloseTo(4 * u[l]![i]!, 6)));
    expect(() => rule.perSampleStats({ indices: range(4), update: 2 })).toThrow(/no per-sample statistics of update 2/);
    expect(rule.steps).toBe(2);
    rule.collectPerSampleStats(false);
    expect(() => rule.perSampleStats(batch)).toThrow(/no per-sample statistics of update 1/);
    rule.step(batch);
    expect(() => rule.perSampleStats(batch)).toThrow(/no per-sample statistics of update 1/);
  });

  it('evaluates with the network it trains (the same as surrogate BPTT on those weights)', () => {
    const rule = new Spsa(backend, train, { ...small, initGain: 6 });
    const bptt = new SurrogateBptt(backend, train, { ...small, initGain: 6 }, rule.tensors);
    const idx = range(12, 20);
    expect(rule.evaluate(idx)).toEqual(bptt.evaluate(idx));
    expect(rule.evaluate(idx, train, 5)).toEqual(bptt.evaluate(idx, train, 5));
  });
});
