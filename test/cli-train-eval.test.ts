/**
 * `snn train` then `snn eval` in-process: the run directory has what the issue names, and eval
 * reproduces the final evaluation of training (same frozen model, same test streams).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('snn train → snn eval', () => {
  it('writes the run directory and eval reproduces the final test accuracy', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'snn-te-')), 'run');
    const code = await main(['train', '--model', 'hao2020', '--dataset', 'mnist', '--neurons', '30', '--train-samples', '60', '--test-samples', '40', '--eval-every', '30', '--seed', '2', '--eval-workers', '1', '--out', dir, '--json', '--no-progress']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const trained = JSON.parse(out) as Record<string, number>;
    for (const key of ['slAccuracy', 'uslAccuracy', 'trainSamples', 'testSamples', 'wallSeconds', 'msPerTrainSample']) expect(trained).toHaveProperty(key);
    for (const f of ['config.json', 'manifest.json', 'metrics.jsonl', 'timing.jsonl', 'checkpoint.snnckpt', 'model.snnmodel']) expect(existsSync(join(dir, f))).toBe(true);
    const curve = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(curve).toHaveLength(2);
    for (const line of curve) {
      const m = JSON.parse(line) as { perClassUsl: number[]; meanPresentations: number; hidden: { neuronsPerClass: number[]; unassigned: number } };
      expect(m.perClassUsl).toHaveLength(10);
      expect(m.meanPresentations).toBeGreaterThanOrEqual(1);
      expect(m.hidden.neuronsPerClass.reduce((a, b) => a + b, m.hidden.unassigned)).toBe(30);
    }
    out = '';
    expect(await main(['eval', dir, '--test-samples', '40', '--eval-workers', '1', '--json', '--no-progress'])).toBe(0);
    const evaluated = JSON.parse(out) as { slAccuracy: number; uslAccuracy: number; confusionUsl: number[][]; perClassUsl: number[]; hidden: { neuronsPerClass: number[]; unassigned: number; theta: { min: number; max: number } } };
    expect(evaluated.slAccuracy).toBe(trained.slAccuracy);
    expect(evaluated.uslAccuracy).toBe(trained.uslAccuracy);
    expect(evaluated.confusionUsl).toHaveLength(10);
    expect(evaluated.perClassUsl).toHaveLength(10);
    expect(evaluated.hidden.neuronsPerClass.reduce((a, b) => a + b, evaluated.hidden.unassigned)).toBe(30);
    // The saved model is the one the last evaluation of training saw.
    expect(evaluated.hidden).toEqual((JSON.parse(curve.at(-1)!) as { hidden: unknown }).hidden);
    // Training raised some thresholds above their initial 20 mV.
    expect(evaluated.hidden.theta.max).toBeGreaterThan(20);

    // The linear probe: reproducible, leaves SL/USL as they were, and reads far more than chance
    // out of even this tiny hidden layer (30 neurons after 60 samples).
    const probe = async () => {
      out = '';
      expect(await main(['eval', dir, '--test-samples', '40', '--eval-workers', '1', '--linear-probe', '--probe-samples', '300', '--json', '--no-progress'])).toBe(0);
      return JSON.parse(out) as { slAccuracy: number; uslAccuracy: number; linearProbe: { accuracy: number; trainSamples: number; testSamples: number; perClass: number[] } };
    };
    const p1 = await probe();
    const p2 = await probe();
    expect(p1.linearProbe).toEqual(p2.linearProbe);
    expect([p1.slAccuracy, p1.uslAccuracy]).toEqual([trained.slAccuracy, trained.uslAccuracy]);
    expect(p1.linearProbe.trainSamples).toBe(300);
    expect(p1.linearProbe.testSamples).toBe(40);
    expect(p1.linearProbe.perClass).toHaveLength(10);
    expect(p1.linearProbe.accuracy).toBeGreaterThan(0.3); // chance: 0.1
    err = '';
    expect(await main(['eval', dir, '--probe-samples', '10', '--no-progress'])).toBe(2);
    expect(err).toMatch(/--probe-samples needs --linear-probe/);
    err = '';
    expect(await main(['eval', dir, '--linear-probe', '--probe-samples', '60001', '--no-progress'])).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/--probe-samples 60001 is more than the 60000 training samples/);
  });

  it('eval preprocesses the test images as training did (an MNIST model trained on rescaled images)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'snn-rescale-')), 'run');
    const code = await main(['train', '--model', 'hao2020', '--dataset', 'mnist', '--neurons', '20', '--train-samples', '40', '--test-samples', '40', '--seed', '3', '--eval-workers', '1', '--set', 'rescaleMeanTo=60', '--out', dir, '--json', '--no-progress']);
    expect(code).toBe(0);
    const trained = JSON.parse(out) as { slAccuracy: number; uslAccuracy: number };
    const curve = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    out = '';
    expect(await main(['eval', dir, '--test-samples', '40', '--eval-workers', '1', '--json', '--no-progress'])).toBe(0);
    const evaluated = JSON.parse(out) as { slAccuracy: number; uslAccuracy: number; hidden: unknown };
    expect([evaluated.slAccuracy, evaluated.uslAccuracy]).toEqual([trained.slAccuracy, trained.uslAccuracy]);
    expect(evaluated.hidden).toEqual((JSON.parse(curve.at(-1)!) as { hidden: unknown }).hidden);
  });

  it('--set overrides a model configuration field, and a misspelt field is refused with the near name', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'snn-set-')), 'run');
    const common = ['train', '--neurons', '20', '--train-samples', '10', '--test-samples', '10', '--seed', '1', '--eval-workers', '1', '--no-progress', '--json'];
    expect(await main([...common, '--set', 'tauThetaa=5', '--out', dir])).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/no field 'tauThetaa'.*did you mean 'tauTheta'/);
    err = '';
    expect(await main([...common, '--set', 'scaleInput=40', '--set', 'rescaleMeanTo=null', '--out', dir])).toBe(0);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { modelConfig: { scaleInput: number; rescaleMeanTo: number | null } };
    expect(cfg.modelConfig.scaleInput).toBe(40);
    expect(cfg.modelConfig.rescaleMeanTo).toBeNull();
  });
});
