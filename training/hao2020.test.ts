/**
 * The hao2020 system end to end on real MNIST, plus the model pieces it relies on.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, subset } from '../datasets/dataset.js';
import { RngStream } from '../engine/rng.js';
import { LifPopulation } from '../models/lif-population.js';
import { Network } from '../models/network.js';
import { TeacherLifPopulation } from '../models/teacher-lif-population.js';
import { excParams, hao2020Config, slParams } from '../models/zoo/hao2020.js';
import { MODEL_MAGIC, readFramed, writeFramed } from '../io/checkpoint.js';
import { evaluateRun, train } from './run-training.js';
import { Trainer } from './trainer.js';
import { buildTrainingSystem } from './recipe-system.js';

describe('hao2020 model pieces', () => {
  it('raises θ by θ₊·10/|θ − 10| per spike (self-limiting jump)', () => {
    const cfg = hao2020Config('mnist', 100);
    const net = new Network(0.5, 'f64');
    const pop = net.addPopulation(new LifPopulation('exc', 2, { ...excParams(cfg), tauTheta: null }, 0.5, 'f64', -65));
    net.finalize();
    pop.theta[0] = 20;
    pop.theta[1] = 35;
    pop.spikes.ids[0] = 0;
    pop.spikes.ids[1] = 1;
    pop.spikes.count = 2;
    pop.reset(0);
    expect(pop.theta[0]).toBeCloseTo(20 + (0.07 * 10) / 10, 14);
    expect(pop.theta[1]).toBeCloseTo(35 + (0.07 * 10) / 25, 14);
    pop.thetaPlastic = false;
    pop.reset(1);
    expect(pop.theta[1]).toBeCloseTo(35 + (0.07 * 10) / 25, 14);
  });

  it('drives the supervision layer at the set teacher rate, and only the labelled neuron', () => {
    const dt = 0.5;
    const net = new Network(dt, 'f64');
    const sl = net.addPopulation(new TeacherLifPopulation('sl', 10, slParams(), dt, 'f64', -60));
    net.finalize();
    const counts = new Float64Array(10);
    net.addHooks({ onSpike: (_k, ids, n) => { for (let c = 0; c < n; c++) counts[ids[c]!]!++; } });
    const rates = new Float64Array(10);
    rates[3] = 200;
    sl.setTeacher(rates, RngStream.derive(1, 'teacher'));
    const seconds = 50;
    net.run(seconds * 1000);
    const rate = counts[3]! / seconds;
    // Poisson-like count: 10 000 expected, sd ≈ 100; 5 sd.
    expect(Math.abs(rate - 200)).toBeLessThan(10);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(counts[3]);
  });
});

describe('hao2020 training', () => {
  const train2000 = () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-hao-'));
    return train({ model: 'hao2020', dataset: 'mnist', neurons: 100, trainSamples: 2000, testSamples: 500, seed: 1, out: dir });
  };

  it('beats chance by a wide margin after 2000 MNIST samples (N = 100, fixed seed)', () => {
    const r = train2000();
    expect(r.trainSamples).toBe(2000);
    expect(r.slAccuracy!).toBeGreaterThan(0.5);
    expect(r.uslAccuracy).toBeGreaterThan(0.5);
  });

  it('changes no weight and no θ at test time', () => {
    const cfg = hao2020Config('mnist', 30);
    const sys = buildTrainingSystem('hao2020', cfg, 4);
    const trainSet = subset(loadDataset('mnist', 'train'), 30);
    const testSet = subset(loadDataset('mnist', 'test'), 20);
    const dir = mkdtempSync(join(tmpdir(), 'snn-frozen-'));
    const trainer = new Trainer(sys, trainSet, testSet, { epochs: 1, seed: 4, evalEvery: 1000, checkpointEvery: 1000, runDir: dir, modelInfo: {} });
    trainer.run();
    const before = Object.fromEntries(Object.entries(sys.modelArrays()).map(([k, a]) => [k, a.slice()]));
    trainer.evaluate();
    for (const [k, a] of Object.entries(sys.modelArrays())) expect(Array.from(a)).toEqual(Array.from(before[k]!));
  });

  it('resumed from a checkpoint equals never stopping (model and metrics byte for byte)', () => {
    const req = { model: 'hao2020', dataset: 'mnist', neurons: 20, trainSamples: 40, testSamples: 20, evalEvery: 15, checkpointEvery: 5, seed: 9, epochs: 2 } as const;
    const whole = mkdtempSync(join(tmpdir(), 'snn-whole-'));
    train({ ...req, out: whole });
    const cut = mkdtempSync(join(tmpdir(), 'snn-cut-'));
    train({ ...req, out: cut }, undefined, 33); // "killed" after 33 samples; last checkpoint at 30
    train({ resume: cut });
    for (const f of ['model.snnmodel', 'metrics.jsonl']) {
      expect(readFileSync(join(cut, f)).equals(readFileSync(join(whole, f)))).toBe(true);
    }
  });
});

describe('hao2020 with input delays (inputDelayMs)', () => {
  const model = (dir: string) => readFileSync(join(dir, 'model.snnmodel'));
  it.each([0, 2])('learns the same weights whether or not test-set evaluations run in between (inputDelayMs %s)', (delayMs) => {
    const req = { model: 'hao2020', dataset: 'mnist', neurons: 20, trainSamples: 30, testSamples: 10, checkpointEvery: 10, seed: 5, evalWorkers: 1, set: { inputDelayMs: String(delayMs) } } as const;
    const quiet = mkdtempSync(join(tmpdir(), 'snn-noeval-'));
    train({ ...req, evalEvery: 1000, out: quiet });
    const busy = mkdtempSync(join(tmpdir(), 'snn-eval-'));
    train({ ...req, evalEvery: 10, out: busy });
    const cfg = JSON.parse(readFileSync(join(quiet, 'config.json'), 'utf8')) as { modelConfig: { inputDelayMs: number } };
    expect(cfg.modelConfig.inputDelayMs).toBe(delayMs);
    // An evaluation runs on the training network and rewinds its clock afterwards; what the
    // rules keep across it (trace clocks, the spikes in flight) must not notice.
    expect(model(busy).equals(model(quiet))).toBe(true);
  });

  it('resumed from a checkpoint equals never stopping (model and metrics byte for byte)', () => {
    const req = { model: 'hao2020', dataset: 'mnist', neurons: 20, trainSamples: 30, testSamples: 10, evalEvery: 12, checkpointEvery: 5, seed: 9, evalWorkers: 1, set: { inputDelayMs: '3' } } as const;
    const whole = mkdtempSync(join(tmpdir(), 'snn-whole-'));
    train({ ...req, out: whole });
    const cut = mkdtempSync(join(tmpdir(), 'snn-cut-'));
    train({ ...req, out: cut }, undefined, 23);
    train({ resume: cut });
    for (const f of ['model.snnmodel', 'metrics.jsonl']) expect(readFileSync(join(cut, f)).equals(readFileSync(join(whole, f)))).toBe(true);
  });
});

describe('runs written before inputDelayMs existed', () => {
  it('resume and evaluate as if it were 0 (the behaviour they were trained with)', () => {
    const req = { model: 'hao2020', dataset: 'mnist', neurons: 20, trainSamples: 24, testSamples: 10, evalEvery: 12, checkpointEvery: 6, seed: 3, evalWorkers: 1 } as const;
    const whole = mkdtempSync(join(tmpdir(), 'snn-whole-'));
    train({ ...req, out: whole });
    const old = mkdtempSync(join(tmpdir(), 'snn-old-'));
    train({ ...req, out: old }, undefined, 15);
    const cfgPath = join(old, 'config.json');
    const cfg = JSON.parse(readFileSync(cfgPath, 'utf8')) as { modelConfig: Record<string, unknown> };
    delete cfg.modelConfig.inputDelayMs;
    writeFileSync(cfgPath, JSON.stringify(cfg));
    train({ resume: old });
    expect(readFileSync(join(old, 'metrics.jsonl')).equals(readFileSync(join(whole, 'metrics.jsonl')))).toBe(true);
    const modelPath = join(old, 'model.snnmodel');
    const model = readFramed<{ config: Record<string, unknown> }>(modelPath, MODEL_MAGIC, 'model');
    delete model.config.inputDelayMs;
    writeFramed(modelPath, MODEL_MAGIC, model);
    expect(evaluateRun(old, { testSamples: 10, evalWorkers: 1 }).slAccuracy).toBe(evaluateRun(whole, { testSamples: 10, evalWorkers: 1 }).slAccuracy);
  });
});

describe('extending a finished hao2020 run with --resume --epochs', () => {
  const req = { model: 'hao2020', dataset: 'mnist', neurons: 20, trainSamples: 30, testSamples: 20, evalEvery: 15, checkpointEvery: 5, seed: 9, sampler: 'shuffled' } as const;

  it('equals a run started with the larger epoch count (model and metrics byte for byte)', () => {
    const whole = mkdtempSync(join(tmpdir(), 'snn-ext-whole-'));
    train({ ...req, epochs: 3, out: whole });
    const grown = mkdtempSync(join(tmpdir(), 'snn-ext-grown-'));
    train({ ...req, epochs: 1, out: grown });
    train({ resume: grown, epochs: 2 });
    const r = train({ resume: grown, epochs: 3 });
    expect(r.epochs).toBe(3);
    for (const f of ['model.snnmodel', 'metrics.jsonl']) {
      expect(readFileSync(join(grown, f)).equals(readFileSync(join(whole, f)))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(grown, 'config.json'), 'utf8')).epochs).toBe(3);
  });

  it('refuses fewer epochs, and a layerwise run, with a usage error', () => {
    const one = mkdtempSync(join(tmpdir(), 'snn-ext-one-'));
    train({ ...req, trainSamples: 10, evalEvery: 10, epochs: 2, out: one });
    expect(() => train({ resume: one, epochs: 1 })).toThrow(/fewer than the 2/);
    const lw = mkdtempSync(join(tmpdir(), 'snn-ext-lw-'));
    train({ ...req, trainSamples: 10, evalEvery: 10, epochs: 1, schedule: 'layerwise', out: lw });
    expect(() => train({ resume: lw, epochs: 2 })).toThrow(/cannot be extended/);
  });
});

describe('hao2020 training with a shuffled order', () => {
  it('is reproducible, differs from the file order, and resumes bit-identically', () => {
    const req = { model: 'hao2020', dataset: 'mnist', neurons: 20, trainSamples: 30, testSamples: 20, evalEvery: 15, checkpointEvery: 5, seed: 9, epochs: 2, sampler: 'shuffled' } as const;
    const a = mkdtempSync(join(tmpdir(), 'snn-sh-a-'));
    const b = mkdtempSync(join(tmpdir(), 'snn-sh-b-'));
    const seq = mkdtempSync(join(tmpdir(), 'snn-sh-seq-'));
    train({ ...req, out: a });
    train({ ...req, out: b }, undefined, 22);
    train({ resume: b });
    train({ ...req, sampler: 'sequential', out: seq });
    const model = (d: string) => readFileSync(join(d, 'model.snnmodel'));
    expect(model(b).equals(model(a))).toBe(true);
    expect(model(seq).equals(model(a))).toBe(false);
  });
});
