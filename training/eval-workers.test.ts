/**
 * Evaluation split over worker threads gives exactly the in-process result, and evaluating does
 * not change what training does next. Worker threads run JavaScript: the compiled worker comes from
 * dist/ when it is up to date, else from a build into .test-dist/ (test/helpers/cli-bin.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledFile } from '../test/helpers/cli-bin.js';
import { loadDataset, subset } from '../datasets/dataset.js';
import { hao2020Config } from '../models/zoo/hao2020.js';
import { buildTrainingSystem } from './recipe-system.js';
import { probeHiddenLayer, responsesInProcess, responsesInWorkers } from './hidden-probe.js';
import { Trainer } from './trainer.js';

let script = '';
beforeAll(() => {
  script = compiledFile('training/eval-worker.ts');
}, 300_000);
const runDirs: string[] = [];
afterAll(() => {
  for (const d of runDirs) rmSync(d, { recursive: true, force: true });
});
const cfg = hao2020Config('mnist', 40);
const trainSet = subset(loadDataset('mnist', 'train'), 60);
const testSet = subset(loadDataset('mnist', 'test'), 40);
const spec = { model: 'hao2020', config: cfg, seed: 5, dataset: { name: 'mnist', dataDir: null, rescaleMeanTo: null } };

function trained(workers: number) {
  const sys = buildTrainingSystem('hao2020', cfg, 5);
  const runDir = mkdtempSync(join(tmpdir(), 'snn-ew-'));
  runDirs.push(runDir);
  const trainer = new Trainer(sys, trainSet, testSet, {
    epochs: 1, seed: 5, evalEvery: 30, checkpointEvery: 1000, runDir, modelInfo: {},
    evalWorkers: workers, evalSpec: spec, workerScript: workers > 1 ? script : null,
  });
  trainer.run();
  return { sys, trainer };
}

describe('evaluation on worker threads', () => {
  it('gives the in-process predictions and leaves training unchanged', () => {
    const one = trained(1);
    const two = trained(2);
    expect(two.trainer.metrics).toEqual(one.trainer.metrics);
    const a = one.trainer.evaluate();
    const b = two.trainer.evaluate();
    expect(Array.from(b.usl.matrix)).toEqual(Array.from(a.usl.matrix));
    expect(Array.from(b.sl!.matrix)).toEqual(Array.from(a.sl!.matrix));
    const twoArrays: Record<string, ArrayLike<number>> = two.sys.modelArrays();
    for (const [k, w] of Object.entries(one.sys.modelArrays())) expect(Array.from(twoArrays[k]!)).toEqual(Array.from(w));
  });

  it('gives the in-process linear probe (the same hidden counts, so the same fit)', () => {
    const { sys, trainer } = trained(1);
    const opts = { trainSamples: 50, seed: 5 };
    const inProcess = probeHiddenLayer(responsesInProcess(sys, trainer.presenter, trainSet, testSet), trainSet, testSet, opts);
    const inWorkers = probeHiddenLayer(responsesInWorkers(spec, sys, { train: trainSet.count, test: testSet.count }, 2, script), trainSet, testSet, opts);
    expect(inWorkers).toEqual(inProcess);
    expect(inProcess.testSamples).toBe(40);
  });

  it('scores the test counts the evaluation kept, without presenting the test set again', () => {
    const opts = { trainSamples: 50, seed: 5 };
    const one = trained(1);
    const presented = probeHiddenLayer(responsesInProcess(one.sys, one.trainer.presenter, trainSet, testSet), trainSet, testSet, opts);
    for (const t of [one, trained(2)]) {
      const r = t.trainer.evaluateWithAssignments(t.trainer.evaluate().assignments, true);
      expect(r.hiddenCounts!.rows).toBe(testSet.count);
      const totals: number[] = [];
      const reused = probeHiddenLayer(responsesInProcess(t.sys, t.trainer.presenter, trainSet, testSet), trainSet, testSet, {
        ...opts,
        testCounts: r.hiddenCounts,
        onProgress: (_done, total) => totals.push(total),
      });
      expect(reused).toEqual(presented);
      expect(new Set(totals)).toEqual(new Set([opts.trainSamples]));
    }
    expect(one.trainer.evaluate().hiddenCounts).toBeNull();
  });
});
