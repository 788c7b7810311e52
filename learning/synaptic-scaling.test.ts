/**
 * Synaptic scaling: w_ji ← w_ji·S/Σ_j w_ji per post neuron i, applied before a presentation
 * according to `when` and the frozen flag.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplaySource } from '../models/replay-source.js';
import { DenseProjection, SparseProjection } from '../models/projection.js';
import { SynapticScaling, type SynapticScalingOptions } from './synaptic-scaling.js';
import { refusal } from '../test/helpers/refusal.js';

/** A dense m×n projection (row-major: weights[j·n + i], pre j → post i). */
function dense(m: number, n: number, weights: number[]) {
  const pre = new ReplaySource('pre', m);
  const post = new ReplaySource('post', n);
  return new DenseProjection('pre->post', pre, post, 'exc', Float64Array.from(weights), 0, null);
}

const ctx = (training: boolean) => ({ training, sample: 0, repeat: 0, step: 0 });

describe('synaptic scaling', () => {
  it('scales every column to the target, keeping the ratios within it', () => {
    // 2 pre × 3 post; columns: (1, 3) sum 4, (2, 2) sum 4, (0.5, 0) sum 0.5
    const p = dense(2, 3, [1, 2, 0.5, 3, 2, 0]);
    new SynapticScaling(p, { target: 10 }).apply();
    expect(Array.from(p.weights)).toEqual([2.5, 5, 10, 7.5, 5, 0]);
  });

  it('leaves a post neuron without incoming weight (or a non-positive sum) alone', () => {
    const p = dense(2, 3, [0, 1, -1, 0, 1, 0.5]);
    new SynapticScaling(p, { target: 4 }).apply();
    expect(Array.from(p.weights)).toEqual([0, 2, -1, 0, 2, 0.5]);
  });

  it('any weights: every positive column sums to the target afterwards, and applying twice changes nothing (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 5, noNaN: true })), { minLength: 12, maxLength: 12 }), fc.double({ min: 0.1, max: 100, noNaN: true }), (w, target) => {
        const p = dense(4, 3, w);
        const rule = new SynapticScaling(p, { target });
        rule.apply();
        for (let i = 0; i < 3; i++) {
          const before = w[i]! + w[3 + i]! + w[6 + i]! + w[9 + i]!;
          const after = p.weights[i]! + p.weights[3 + i]! + p.weights[6 + i]! + p.weights[9 + i]!;
          expect(after).toBeCloseTo(before > 0 ? target : 0, 9);
          for (let j = 0; j < 4; j++) expect(p.weights[j * 3 + i]).toBeCloseTo(before > 0 ? (w[j * 3 + i]! * target) / before : 0, 9);
        }
        const once = Array.from(p.weights);
        rule.apply();
        for (let k = 0; k < 12; k++) expect(p.weights[k]).toBeCloseTo(once[k]!, 9);
      }),
    );
  });

  const scaledWhen = (opts: SynapticScalingOptions, training: boolean, plastic = true): boolean => {
    const p = dense(1, 1, [2]);
    const rule = new SynapticScaling(p, opts);
    rule.setPlastic(plastic);
    rule.beforePresentation(ctx(training));
    return p.weights[0] === opts.target;
  };

  it("when 'every' (the default): training and evaluation presentations are scaled", () => {
    expect(scaledWhen({ target: 3, when: 'every' }, true)).toBe(true);
    expect(scaledWhen({ target: 3, when: 'every' }, false)).toBe(true);
    expect(scaledWhen({ target: 3 }, false)).toBe(true);
    expect(new SynapticScaling(dense(1, 1, [1]), { target: 3 }).when).toBe('every');
  });

  it("when 'training': only training presentations are scaled", () => {
    expect(scaledWhen({ target: 3, when: 'training' }, true)).toBe(true);
    expect(scaledWhen({ target: 3, when: 'training' }, false)).toBe(false);
  });

  it('frozen: never scaled, whatever `when` says', () => {
    expect(scaledWhen({ target: 3, when: 'every' }, true, false)).toBe(false);
    expect(scaledWhen({ target: 3, when: 'training' }, true, false)).toBe(false);
  });

  it('a kernel, when given, does the scaling (with the target) instead of the JS loop', () => {
    const p = dense(1, 2, [1, 1]);
    const calls: number[] = [];
    const rule = new SynapticScaling(p, { target: 5 }, { scaleColumns: (t) => void calls.push(t) });
    rule.beforePresentation(ctx(true));
    expect(calls).toEqual([5]);
    expect(Array.from(p.weights)).toEqual([1, 1]);
  });

  it('saves and restores the frozen flag', () => {
    const rule = new SynapticScaling(dense(1, 1, [1]), { target: 1 });
    expect(rule.saveState()).toEqual({ plastic: true });
    rule.setPlastic(false);
    const saved = rule.saveState();
    expect(saved).toEqual({ plastic: false });
    const other = new SynapticScaling(dense(1, 1, [1]), { target: 1 });
    other.loadState(saved);
    expect(other.plastic).toBe(false);
    other.loadState({ plastic: true });
    expect(other.plastic).toBe(true);
  });

  it('is named after its projection, of kind synaptic-scaling', () => {
    const rule = new SynapticScaling(dense(1, 1, [1]), { target: 1 });
    expect(rule.name).toBe('synaptic-scaling:pre->post');
    expect(rule.kind).toBe('synaptic-scaling');
  });

  it('refuses a non-dense projection and a target that is not a positive finite number', () => {
    const pre = new ReplaySource('pre', 2);
    const post = new ReplaySource('post', 2);
    const sparse = new SparseProjection('s', pre, post, 'exc', Int32Array.from([0, 1, 2]), Int32Array.from([0, 1]), Float64Array.from([1, 1]), 0, null);
    const e = refusal(() => new SynapticScaling(sparse, { target: 1 }));
    expect([e.code, e.message, e.hint]).toEqual(['config.invalid', "synaptic scaling needs a dense projection, 's' is sparse", 'use dense connectivity']);
    for (const target of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const t = refusal(() => new SynapticScaling(dense(1, 1, [1]), { target }));
      expect([t.code, t.message, t.hint]).toEqual(['config.invalid', `synaptic scaling target must be > 0, got ${target}`, 'fix the rule options']);
    }
  });
});
