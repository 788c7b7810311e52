/**
 * `snn train` with the registered samplers, long-tailed data and learning-curve prediction, end to
 * end on real MNIST (tiny networks): resume equivalence, what the run directory records, early stop.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, subset } from '../datasets/dataset.js';
import { longTailedCounts } from '../datasets/long-tailed.js';
import { train } from '../training/run-training.js';
import type { MetricsLine } from '../training/trainer.js';

const base = { model: 'hao2020', dataset: 'mnist', neurons: 20, testSamples: 20, seed: 4, evalWorkers: 1 } as const;
const dir = (name: string) => mkdtempSync(join(tmpdir(), `snn-${name}-`));
const metrics = (d: string): MetricsLine[] => readFileSync(join(d, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsLine);
const same = (a: string, b: string, f: string) => readFileSync(join(a, f)).equals(readFileSync(join(b, f)));

describe('snn train with registered samplers', () => {
  it('rs2: an epoch is one round; killed and resumed equals never stopping (model and metrics byte for byte)', () => {
    const req = { ...base, trainSamples: 40, epochs: 3, evalEvery: 10, checkpointEvery: 3, sampler: 'rs2:ratio=0.25' };
    const a = dir('rs2-a');
    const s = train({ ...req, out: a });
    expect(s.trainSamples).toBe(30); // 3 rounds of ⌊0.25·40⌋
    const b = dir('rs2-b');
    train({ ...req, out: b }, undefined, 17);
    train({ resume: b });
    expect(same(a, b, 'model.snnmodel')).toBe(true);
    expect(same(a, b, 'metrics.jsonl')).toBe(true);
    const c = dir('rs2-c');
    train({ ...req, sampler: 'rs2:ratio=0.25,replacement=true', out: c });
    expect(same(a, c, 'model.snnmodel')).toBe(false);
  });

  it('cooldown on a long-tailed subset: class counts, balanced and rare-class accuracy recorded, resume byte-identical', () => {
    const req = { ...base, trainSamples: 300, imbalance: 10, evalEvery: 20, checkpointEvery: 7, sampler: 'cooldown:tau=5,switchAt=0.5' };
    const a = dir('cd-a');
    const s = train({ ...req, out: a });
    // The training set kept n_k = ⌊n_max·10^(−k/9)⌋ of the first 300 images, n_max the smallest class there.
    const first = subset(loadDataset('mnist', 'train'), 300);
    const perClass = new Array<number>(10).fill(0);
    for (const l of first.labels) perClass[l]!++;
    const want = longTailedCounts(Math.min(...perClass), 10);
    const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8'));
    expect(manifest.datasets.train.longTail.classCounts).toEqual(want);
    expect(manifest.datasets.train.count).toBe(want.reduce((x, y) => x + y, 0));
    expect(s.trainSamples).toBe(manifest.datasets.train.count);
    const lines = metrics(a);
    for (const m of lines) {
      const mean = m.perClassUsl!.reduce((x, y) => x + y, 0) / 10;
      expect(m.balancedAccuracy!.usl).toBeCloseTo(mean, 12);
      expect(m.rareClassAccuracy!.classes).toEqual([9, 8, 7]);
    }
    expect(s.balancedAccuracy).toEqual(lines.at(-1)!.balancedAccuracy);
    const b = dir('cd-b');
    train({ ...req, out: b }, undefined, 23);
    train({ resume: b });
    expect(same(a, b, 'model.snnmodel')).toBe(true);
    expect(same(a, b, 'metrics.jsonl')).toBe(true);
  });

  it('bad sampler specs and ratios are one-line usage errors before anything runs', () => {
    expect(() => train({ ...base, trainSamples: 10, sampler: 'rs3', out: dir('bad') })).toThrow(/unknown sampler 'rs3'/);
    expect(() => train({ ...base, trainSamples: 10, sampler: 'rs2:ratio=2', out: dir('bad') })).toThrow(/ratio' must be ≤ 1/);
    expect(() => train({ ...base, trainSamples: 10, imbalance: 0.5, out: dir('bad') })).toThrow(/--imbalance must be a ratio ≥ 1/);
  });
});

describe('learning-curve prediction in snn train', () => {
  // With every learning rate and the threshold adaptation at zero the SL accuracy is the same at
  // every evaluation, so the prediction settles as early as the criterion allows: the 6th evaluation.
  const frozen = { etaInput: '0', etaOutput: '0', thetaPlus: '0' };
  const req = { ...base, trainSamples: 40, evalEvery: 4, checkpointEvery: 4, set: frozen };

  it('every evaluation from the third carries a prediction; --stop-when-predicted ends the run once it settled', () => {
    const plain = dir('pred-plain');
    train({ ...req, out: plain });
    const lines = metrics(plain);
    expect(lines.length).toBe(10);
    expect(lines.slice(0, 2).every((m) => m.predicted === undefined)).toBe(true);
    for (const m of lines.slice(2)) {
      expect(m.predicted!.final).toBeCloseTo(lines[0]!.slAccuracy!, 12);
      expect(m.predicted!.lo).toBeLessThanOrEqual(m.predicted!.final);
      expect(m.predicted!.hi).toBeGreaterThanOrEqual(m.predicted!.final);
    }
    expect(lines.some((m) => m.stopped)).toBe(false);

    const early = dir('pred-stop');
    const s = train({ ...req, stopWhenPredicted: true, out: early });
    expect(s.trainSamples).toBe(24);
    expect(s.stopReason).toMatch(/predicted final accuracy settled/);
    expect(existsSync(join(early, 'model.snnmodel'))).toBe(true);
    expect(metrics(early).at(-1)!.stopped).toBe(s.stopReason);
    // Resuming a run that stopped keeps it stopped; killed before the stop, it stops at the same place.
    expect(train({ resume: early }).trainSamples).toBe(24);
    const killed = dir('pred-killed');
    train({ ...req, stopWhenPredicted: true, out: killed }, undefined, 10);
    train({ resume: killed });
    expect(same(early, killed, 'model.snnmodel')).toBe(true);
    expect(same(early, killed, 'metrics.jsonl')).toBe(true);
  });
});
