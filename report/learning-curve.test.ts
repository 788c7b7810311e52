import { describe, expect, it } from 'vitest';
import type { MetricsLine } from '../training/trainer.js';
import { learningCurveFigure } from './learning-curve.js';

const line = (trained: number, sl: number, predicted?: MetricsLine['predicted']): MetricsLine =>
  ({ trained, testSamples: 100, slAccuracy: sl, uslAccuracy: sl, trainRunningAccuracy: null, ...(predicted ? { predicted } : {}) }) as unknown as MetricsLine;

describe('learning-curve figure', () => {
  it('draws the prediction of the last evaluation as a dashed line over its interval band', () => {
    const f = learningCurveFigure([line(100, 0.3), line(200, 0.5), line(300, 0.6, { final: 0.7, lo: 0.65, hi: 0.74, family: 'power' })]);
    const layers = (f.spec as unknown as { layer: { mark: { type: string }; data: { values: Record<string, number>[] } }[] }).layer;
    expect(layers.map((l) => l.mark.type)).toEqual(['rect', 'rule', 'line']);
    expect(layers[0]!.data.values[0]).toEqual({ from: 100, to: 300, lo: 0.65, hi: 0.74 });
    expect(layers[1]!.data.values[0]).toEqual({ final: 0.7 });
    expect(f.notes.join(' ')).toMatch(/predicted final accuracy 70\.00 % \(95 % interval 65\.00 % – 74\.00 %, power fit/);
  });
  it('has no prediction layers when the run recorded none', () => {
    const f = learningCurveFigure([line(100, 0.3), line(200, 0.5)]);
    const layers = (f.spec as unknown as { layer: { mark: { type: string } }[] }).layer;
    expect(layers.map((l) => l.mark.type)).toEqual(['line']);
    expect(f.notes.join(' ')).not.toMatch(/predicted/);
  });
});
