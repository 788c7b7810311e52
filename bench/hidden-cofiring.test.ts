import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureCofiring } from './hidden-cofiring.js';
import { train } from '../training/run-training.js';

describe('bench/hidden-cofiring', () => {
  it('counts the distinct neurons and the largest same-step group of each sample, and leaves the run untouched', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'snn-cofire-')), 'run');
    train({ model: 'hao2020', dataset: 'mnist', neurons: 40, epochs: 1, trainSamples: 30, testSamples: 10, evalEvery: 30, seed: 4, out: dir, evalWorkers: 1 });
    const before = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
    const r = measureCofiring(dir, 12);
    expect(r.neurons).toBe(40);
    expect(r.trained).toBe(30);
    expect(r.samples).toHaveLength(12);
    for (const s of r.samples) {
      expect(s.largestStep).toBeLessThanOrEqual(s.distinct);
      expect(s.distinct).toBeLessThanOrEqual(Math.min(40, s.spikes));
      expect(s.spikes > 0).toBe(s.distinct > 0);
    }
    // The layer answers every sample (the re-presentation rule sees to at least 5 spikes, or intensity 32).
    expect(r.samples.filter((s) => s.spikes >= 5).length).toBeGreaterThan(6);
    const after = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const f of Object.keys(before)) expect(after[f]!.equals(before[f]!)).toBe(true);
    // Deterministic: the same run and sample count give the same counts.
    expect(measureCofiring(dir, 12)).toEqual(r);
  });
});
