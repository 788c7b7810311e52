import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { LrBatchScaling } from './lr-batch-scaling.js';

describe('learning rate vs batch size', () => {
  it('scales η₀ by (B/B₀)^κ from the first update\'s batch and learning rate', () => {
    const lin = new LrBatchScaling();
    expect(lin.next({ update: 0, batchSize: 16, learningRate: 0.01 }).learningRate).toBe(0.01);
    expect(lin.next({ update: 1, batchSize: 64, learningRate: 0.01 }).learningRate).toBeCloseTo(0.04, 15);
    const sqrt = new LrBatchScaling({ kappa: 0.5, baseBatch: 32, baseLr: 0.001 });
    const r = sqrt.next({ update: 0, batchSize: 128, learningRate: 99 });
    expect(r).toEqual({ batchSize: 128, learningRate: 0.002 });
    expect(() => new LrBatchScaling({ kappa: -1 })).toThrow(SnnError);
  });
});
