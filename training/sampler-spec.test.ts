/**
 * `train({ sampler: 'NAME:key=value' })` draws the training order from any registered sampler, with
 * its options checked against its schema, and checkpoints its state: a run stopped and resumed
 * trains the same samples in the same order as one that never stopped. `evalAt` evaluates exactly
 * at the given sample counts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerSampler, type Sampler, type SamplerOptions, type SamplerState } from '../datasets/sampler.js';
import { train, type TrainRequest } from './run-training.js';

/** Visits the samples backwards from `start` (a test sampler with one option and state). */
class Backwards implements Sampler {
  readonly kind = 'backwards-test';
  readonly count: number;
  private position = 0;
  private readonly start: number;
  constructor(o: SamplerOptions) {
    this.count = o.count;
    this.start = o.options!.start as number;
  }
  next(): number {
    const k = this.position++;
    return (((this.start - k) % this.count) + this.count) % this.count;
  }
  get epoch(): number {
    return Math.floor(this.position / this.count);
  }
  getState(): SamplerState {
    return { kind: this.kind, count: this.count, position: this.position };
  }
  setState(s: SamplerState): void {
    this.position = s.position as number;
  }
}
registerSampler('backwards-test', (o) => new Backwards(o), { summary: 'test', options: { start: { type: 'integer', default: 0, min: 0, doc: 'first index' } } });

const req = (out: string): TrainRequest => ({ model: 'diehl-cook-2015', dataset: 'mnist', neurons: 10, trainSamples: 8, testSamples: 6, checkpointEvery: 2, seed: 4, evalWorkers: 1, sampler: 'backwards-test:start=5', evalAt: [3, 6], out });

describe('sampler specs and evalAt', () => {
  it('a registered sampler with options orders training; resume continues its state bit-identically', () => {
    const a = mkdtempSync(join(tmpdir(), 'snn-sampler-'));
    try {
      train(req(a), undefined, 5);
    } catch {
      /* stopped */
    }
    train({ resume: a, evalWorkers: 1 });
    const b = mkdtempSync(join(tmpdir(), 'snn-sampler-'));
    train(req(b));
    expect(Buffer.compare(readFileSync(join(a, 'model.snnmodel')), readFileSync(join(b, 'model.snnmodel')))).toBe(0);
    // Another order trains another model.
    const c = mkdtempSync(join(tmpdir(), 'snn-sampler-'));
    train({ ...req(c), sampler: 'sequential' });
    expect(Buffer.compare(readFileSync(join(c, 'model.snnmodel')), readFileSync(join(b, 'model.snnmodel')))).not.toBe(0);
    const metrics = readFileSync(join(b, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { trained: number });
    expect(metrics.map((m) => m.trained)).toEqual([3, 6, 8]);
    expect((JSON.parse(readFileSync(join(b, 'config.json'), 'utf8')) as { sampler: string }).sampler).toBe('backwards-test:start=5');
  });

  it('refuses an unknown sampler option and an evalAt outside the run', () => {
    expect(() => train({ ...req(mkdtempSync(join(tmpdir(), 'snn-sampler-'))), sampler: 'backwards-test:stat=1' })).toThrow(/has no option 'stat'/);
    expect(() => train({ ...req(mkdtempSync(join(tmpdir(), 'snn-sampler-'))), evalAt: [9] })).toThrow(/evalAt 9 is not a sample count in 1\.\.8/);
  });
});
