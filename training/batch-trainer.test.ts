/**
 * `snn train --model lif-mlp`: batch rules through the run directory — resume ≡ never stopping
 * (weights, rule, transform, policy and sampler state in the checkpoint), `snn eval` ≡ the run's
 * last evaluation, bad rules refused in one line, and a tiny run that learns.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import { CHECKPOINT_MAGIC, readFramed } from '../io/checkpoint.js';
import { batchRules } from '../learning/batch-rules.js';
import { evaluateBatchRun, readBatchRunConfig, resolveBatchRunConfig, trainBatch, type BatchMetricsLine, type BatchTrainRequest } from './batch-trainer.js';
import { parseContenders } from './compare/contenders.js';
import { isBatchModel, localModel, trainableModels } from './models.js';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'snn-batch-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const base = (out: string, over: Partial<BatchTrainRequest> = {}): BatchTrainRequest => ({
  model: 'lif-mlp',
  dataset: 'mnist',
  neurons: 16,
  trainSamples: 96,
  testSamples: 40,
  evalEvery: 48,
  checkpointEvery: 32,
  seed: 3,
  set: { steps: '8' },
  out,
  ...over,
});

const metrics = (dir: string): BatchMetricsLine[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as BatchMetricsLine);

function oneLineError(fn: () => unknown): SnnError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SnnError);
    expect((e as SnnError).oneLine()).not.toMatch(/\n/);
    return e as SnnError;
  }
  throw new Error('expected an SnnError');
}

describe('lif-mlp in the trainable-model registry', () => {
  it('is a batch model; the local-model accessor refuses it by name', () => {
    expect(trainableModels.names()).toContain('lif-mlp');
    expect(isBatchModel('lif-mlp')).toBe(true);
    expect(isBatchModel('hao2020')).toBe(false);
    expect(oneLineError(() => localModel('lif-mlp')).message).toMatch(/lif-mlp trains with a batch rule/);
  });
});

describe('resume of a batch-rule run', () => {
  // Stops in the middle of an evaluation interval (20 → the batch boundary at 32) and at an evaluation point.
  const cases: [string, Partial<BatchTrainRequest>, number][] = [
    ['surrogate-bptt + adam, shuffled order', { rules: ['surrogate-bptt'], transforms: ['adam'], sampler: 'shuffled', epochs: 2 }, 20],
    ['spsa + lamb, RS2 order, lr–batch policy', { rules: ['spsa:n=2,layers=all'], transforms: ['lamb:weightDecay=0.01'], sampler: 'rs2:ratio=0.5', policies: ['lr-batch-scaling:kappa=0.5'], epochs: 2 }, 48],
    ['surrogate-bptt + adam, AdAdaGrad growing the batch', { rules: ['surrogate-bptt'], transforms: ['adam'], policy: 'adadagrad:theta=0.5,maxBatch=40', sampler: 'shuffled', epochs: 2, set: { steps: '8', batch: '4' } }, 20],
  ];
  for (const [label, over, stopAt] of cases) {
    it(`is byte-identical to never stopping: ${label}`, async () => {
      const ref = join(tmp(), 'ref');
      await trainBatch(base(ref, over));
      const run = join(tmp(), 'run');
      const first = await trainBatch(base(run, over), undefined, stopAt);
      expect(first.stopReason).toMatch(/stopped after/);
      expect(first.trainSamples).toBeGreaterThanOrEqual(stopAt);
      expect(first.trainSamples).toBeLessThan(base('').trainSamples! * 2);
      const second = await trainBatch({ resume: run });
      expect(second.resumed).toBe(true);
      expect(second.stopReason).toBeNull();
      expect(readFileSync(join(run, 'model.snnmodel')).equals(readFileSync(join(ref, 'model.snnmodel')))).toBe(true);
      expect(readFileSync(join(run, 'metrics.jsonl')).equals(readFileSync(join(ref, 'metrics.jsonl')))).toBe(true);
      // The weights byte for byte, and the run trained: they moved away from their initial draw.
      const a = readFramed<{ arrays: Record<string, Float32Array> }>(join(run, 'checkpoint.snnckpt'), CHECKPOINT_MAGIC, 'checkpoint').arrays;
      const b = readFramed<{ arrays: Record<string, Float32Array> }>(join(ref, 'checkpoint.snnckpt'), CHECKPOINT_MAGIC, 'checkpoint').arrays;
      expect(Object.keys(a).sort()).toEqual(['hidden->output', 'input->hidden']);
      for (const k of Object.keys(a)) expect(Buffer.from(a[k]!.buffer, a[k]!.byteOffset, a[k]!.byteLength).equals(Buffer.from(b[k]!.buffer, b[k]!.byteOffset, b[k]!.byteLength))).toBe(true);
    }, 120_000);
  }

  it('AdAdaGrad over surrogate BPTT and SPSA: the batch grows when the norm test asks, never shrinks, stays when it does not; SNR and batch in metrics.jsonl', async () => {
    for (const rule of ['surrogate-bptt', 'spsa:layers=all']) {
      const grow = join(tmp(), 'grow');
      await trainBatch(base(grow, { rules: [rule], policy: 'adadagrad:theta=0.5,maxBatch=40', trainSamples: 192, evalEvery: 24, set: { steps: '8', batch: '2' } }));
      const lines = metrics(grow);
      let prev = 2;
      for (const m of lines) {
        const d = m.diagnostics;
        expect(d.batchSize).toBe(m.batchSize);
        expect(m.batchSize).toBeGreaterThanOrEqual(prev); // never shrinks
        // the last test's request is granted up to the cap
        expect(m.batchSize).toBeGreaterThanOrEqual(Math.min(40, d.requestedBatch!));
        // null (JSON of NaN): every per-sample update of the last step was 0 (SPSA: L⁺ = L⁻ for each sample)
        if (d.snr !== null) expect(d.snr).toBeGreaterThan(0);
        prev = m.batchSize;
      }
      expect(lines.filter((m) => Number.isFinite(m.diagnostics.snr)).length).toBeGreaterThan(lines.length / 2);
      expect(lines.at(-1)!.batchSize).toBeGreaterThan(2);
      // A loose test (θ = 1000) asks for less than the batch: it stays at 2 on every update.
      const stay = join(tmp(), 'stay');
      await trainBatch(base(stay, { rules: [rule], policy: 'adadagrad:theta=1000', trainSamples: 48, evalEvery: 24, set: { steps: '8', batch: '2' } }));
      for (const m of metrics(stay)) {
        expect(m.batchSize).toBe(2);
        expect(m.diagnostics.requestedBatch).toBeLessThanOrEqual(2);
        expect(m.updates).toBe(m.trained / 2);
      }
    }
  }, 120_000);

  it('stores the resolved rule, transforms, policies and network options in config.json, and reads them back', async () => {
    const run = join(tmp(), 'cfg');
    await trainBatch(base(run, { rules: ['spsa:n=2'], transforms: ['sgd'], policies: ['lr-batch-scaling'], trainSamples: 32, evalEvery: 32, set: { steps: '8', batch: '8', learningRate: '0.05' } }));
    const cfg = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
    expect(cfg.rule).toEqual({ name: 'spsa', options: { epsilon: 0.001, n: 2, weightDecay: 0, layers: 'readout', scale: 'init' } });
    expect(cfg.transforms).toEqual([{ name: 'sgd', options: {} }]);
    expect(cfg.policies[0].name).toBe('lr-batch-scaling');
    expect(cfg.modelConfig).toMatchObject({ neurons: 16, steps: 8, batch: 8, learningRate: 0.05, readout: 'membrane' });
    expect(readBatchRunConfig(run)).toEqual(cfg);
    const manifest = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8'));
    expect(manifest.backend).toMatch(/^tfjs (node|wasm|cpu) /);
    // 32 samples in batches of 8: 4 updates.
    expect(metrics(run).at(-1)).toMatchObject({ trained: 32, updates: 4, batchSize: 8 });
  }, 60_000);
});

describe('snn eval of a batch-rule run', () => {
  it("equals the run's last evaluation", async () => {
    const run = join(tmp(), 'eval');
    const s = await trainBatch(base(run, { trainSamples: 64, evalEvery: 32 }));
    const last = metrics(run).at(-1)!;
    const e = await evaluateBatchRun(run);
    expect(e.testSamples).toBe(40);
    expect(e.accuracy).toBe(last.accuracy);
    expect(e.loss).toBe(last.testLoss);
    expect(e.accuracy).toBe(s.accuracy);
    expect(e.backend).toBe(s.backend);
  }, 60_000);
});

describe('bad --rule for lif-mlp', () => {
  const known = batchRules.names();
  it('a local rule is refused in one line naming the batch rules', () => {
    const e = oneLineError(() => resolveBatchRunConfig(base('', { rules: ['pair-stdp'] })));
    expect(e.oneLine()).toMatch(/'pair-stdp' is a local rule/);
    for (const k of known) expect(e.oneLine()).toContain(k);
  });
  it('a target is refused: the batch rule trains the whole network', () => {
    expect(oneLineError(() => resolveBatchRunConfig(base('', { rules: ['input->exc=surrogate-bptt'] }))).oneLine()).toMatch(/takes no target.*--rule surrogate-bptt/);
  });
  it('an unknown name, an unknown option, two rules, a recipe are refused', () => {
    expect(oneLineError(() => resolveBatchRunConfig(base('', { rules: ['spsaa'] }))).oneLine()).toMatch(/unknown batch rule 'spsaa'.*spsa/);
    expect(oneLineError(() => resolveBatchRunConfig(base('', { rules: ['spsa:eps=1'] }))).oneLine()).toMatch(/no option 'eps'/);
    expect(oneLineError(() => resolveBatchRunConfig(base('', { rules: ['spsa', 'surrogate-bptt'] }))).oneLine()).toMatch(/one batch rule/);
    expect(oneLineError(() => resolveBatchRunConfig(base('', { recipe: 'x.yaml' }))).oneLine()).toMatch(/--recipe does not apply/);
    expect(oneLineError(() => resolveBatchRunConfig(base('', { set: { stpes: '3' } }))).oneLine()).toMatch(/did you mean 'steps'/);
  });
  it('snn compare: --rules without --on names batch rules for lif-mlp; --on and local rules are refused', () => {
    const c = parseContenders({ model: 'lif-mlp', rules: 'surrogate-bptt;spsa:n=2' });
    expect(c.map((x) => [x.name, x.rules])).toEqual([['surrogate-bptt', ['surrogate-bptt']], ['spsa:n=2', ['spsa:n=2']]]);
    expect(oneLineError(() => parseContenders({ model: 'lif-mlp', rules: 'surrogate-bptt', on: 'input->exc' })).oneLine()).toMatch(/--on does not apply/);
    expect(oneLineError(() => parseContenders({ model: 'lif-mlp', rules: 'surrogate-bptt;sym-stdp' })).oneLine()).toMatch(/'sym-stdp' is a local rule/);
    expect(oneLineError(() => parseContenders({ model: 'hao2020', rules: 'sym-stdp' })).oneLine()).toMatch(/--rules needs --on/);
  });
});

describe('a tiny lif-mlp run', () => {
  it('784-32-10 on 500 samples beats chance widely (> 50 % on 200 test images)', async () => {
    const run = join(tmp(), 'tiny');
    const s = await trainBatch({ model: 'lif-mlp', dataset: 'mnist', neurons: 32, trainSamples: 500, testSamples: 200, seed: 1, rules: ['surrogate-bptt'], transforms: ['adam'], out: run });
    expect(s.accuracy).toBeGreaterThan(0.5);
    expect(metrics(run)).toHaveLength(1);
  }, 120_000);
});
