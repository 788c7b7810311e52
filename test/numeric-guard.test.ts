/**
 * The numerical guard end to end: a NaN or Infinity in the state stops `simulate` and `snn train`
 * with SnnError('numeric.nonfinite') naming population, variable, neuron and time; training never
 * checkpoints a bad state and keeps the last good checkpoint.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Trainer } from '../training/trainer.js';
import { buildTrainingSystem, type RecipeSystem } from '../training/recipe-system.js';
import { main } from '../cli/main.js';
import { loadDataset, subset } from '../datasets/dataset.js';
import { SnnError } from '../engine/errors.js';
import { readTrace } from '../io/trace-reader.js';
import { parseDescription } from '../models/description.js';
import { simulate } from '../models/simulate.js';
import { hao2020Config } from '../models/zoo/hao2020.js';
import { refusal as caught } from './helpers/refusal.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'snn-finite-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lif = { tauM: 10, vRest: -65, vReset: -65, vThresh: -50, refractory: 2 };
const base = {
  dt: 0.1,
  duration: 300,
  seed: 2,
  populations: [
    { name: 'in', model: 'poisson', size: 20, rates: 20 },
    { name: 'exc', model: 'lif', size: 5, params: lif },
  ],
  projections: [{ from: 'in', to: 'exc', channel: 'v', connectivity: 'dense', weights: 1 }],
};

/** Conductance synapses with a weight so large that ge overflows to Infinity, and v to NaN. */
const overflow = {
  ...base,
  populations: [base.populations[0], { name: 'exc', model: 'lif', size: 5, params: { ...lif, synapse: 'conductance', tauExc: 5, tauInh: 10, eExc: 0, eInh: -80 } }],
  projections: [{ from: 'in', to: 'exc', channel: 'exc', connectivity: 'dense', weights: 1e308 }],
};

describe('numerical guard in simulate', () => {
  it('a state value set to NaN stops the run at that step with population, variable, neuron and time', () => {
    const desc = parseDescription(base);
    const setNaN = (net: { at: (t: number, f: () => void) => void; population: (n: string) => { stateVariables: () => Record<string, Float64Array | Float32Array> } }) =>
      net.at(5, () => {
        net.population('exc').stateVariables().v![3] = NaN;
      });
    const every = caught(() => simulate(desc, { checkFiniteEverySteps: 1, prepare: setNaN }));
    expect(every.code).toBe('numeric.nonfinite');
    expect(every.message).toBe('non-finite state: exc.v[3] = NaN at t = 5.1 ms');
    // The default, cheap check (every 1000 steps) finds it at the next check and says since when.
    const cheap = caught(() => simulate(desc, { prepare: setNaN }));
    expect(cheap.message).toBe('non-finite state: exc.v[3] = NaN at t = 100 ms (finite at t = 0 ms)');
    expect(cheap.hint).toMatch(/--check-finite/);
    // Off: the run completes (NaN neurons just never fire).
    expect(simulate(desc, { checkFiniteEverySteps: 0, prepare: setNaN }).populations[1]!.name).toBe('exc');
  });

  it('a huge weight that overflows the conductance is caught, and the finite run is untouched', () => {
    const e = caught(() => simulate(parseDescription(overflow), { checkFiniteEverySteps: 1 }));
    expect(e.code).toBe('numeric.nonfinite');
    expect(e.message).toMatch(/^non-finite state: exc\.(ge|v)\[\d\] = (Infinity|NaN|-Infinity) at t = [\d.]+ ms$/);
    // A sane network passes the per-step check with the same spikes as without it.
    const a = simulate(parseDescription(base), { checkFiniteEverySteps: 1 });
    const b = simulate(parseDescription(base), { checkFiniteEverySteps: 0 });
    expect(a.populations).toEqual(b.populations);
  });

  describe('snn simulate --check-finite', () => {
    let stderr: string;
    beforeEach(() => {
      stderr = '';
      vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    });
    afterEach(() => vi.restoreAllMocks());

    it('exits 2 with one line, and keeps the partial trace recorded up to the failure', async () => {
      const file = join(dir, 'overflow.json');
      writeFileSync(file, JSON.stringify(overflow));
      const out = join(dir, 'overflow.snntrace');
      expect(await main(['simulate', file, '--check-finite', '--out', out, '--no-progress'])).toBe(2);
      const lines = stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: non-finite state: exc\.(ge|v)\[\d\] = \S+ at t = [\d.]+ ms \(check the parameters/);
      expect(existsSync(out)).toBe(false);
      expect(readTrace(`${out}.partial`, { allowPartial: true }).complete).toBe(false);
    });
  });
});

describe('numerical guard in training', () => {
  const cfg = hao2020Config('mnist', 20, { rest: 'reset' });
  const load = () => ({
    train: subset(loadDataset('mnist', 'train', { rescaleMeanTo: cfg.rescaleMeanTo ?? undefined }), 30),
    test: subset(loadDataset('mnist', 'test', { rescaleMeanTo: cfg.rescaleMeanTo ?? undefined }), 10),
  });

  function trainWithInjection(at: number, inject: (sys: RecipeSystem) => void): { error: SnnError; runDir: string; ckptBefore: Buffer } {
    const runDir = mkdtempSync(join(dir, 'run-'));
    const sys = buildTrainingSystem('hao2020', cfg, 3);
    const { train, test } = load();
    let ckptBefore = Buffer.alloc(0);
    const trainer = new Trainer(sys, train, test, {
      epochs: 1,
      seed: 3,
      evalEvery: 30,
      checkpointEvery: 5,
      runDir,
      modelInfo: {},
      evalWorkers: 1,
      onProgress: (p) => {
        if (p.phase === 'train' && p.trained === at) {
          ckptBefore = readFileSync(join(runDir, 'checkpoint.snnckpt'));
          inject(sys);
        }
      },
    });
    const error = caught(() => trainer.run());
    return { error, runDir, ckptBefore };
  }

  it('a NaN weight stops training at the next presentation; the last good checkpoint is kept unchanged', () => {
    const { error, runDir, ckptBefore } = trainWithInjection(12, (sys) => sys.modelArrays()['input->exc']!.fill(NaN));
    expect(error.code).toBe('numeric.nonfinite');
    expect(error.message).toMatch(/^non-finite state: exc\.(ge|v)\[\d+\] = NaN at t = [\d.]+ ms$/);
    expect(error.hint).toContain(`the last good checkpoint is kept: ${join(runDir, 'checkpoint.snnckpt')}`);
    expect(readFileSync(join(runDir, 'checkpoint.snnckpt')).equals(ckptBefore)).toBe(true);
    expect(existsSync(join(runDir, 'model.snnmodel'))).toBe(false);
  });

  it('a NaN in a weight that never carries a spike is caught before the checkpoint is written', () => {
    // Pixel 0 is black in every MNIST image: its weights never reach the state, only the checkpoint.
    const { error, runDir, ckptBefore } = trainWithInjection(13, (sys) => (sys.modelArrays()['input->exc']![0] = NaN));
    expect(error.code).toBe('numeric.nonfinite');
    expect(error.message).toMatch(/^non-finite model value: input->exc\.weights\[0\] = NaN at t = [\d.]+ ms$/);
    expect(readFileSync(join(runDir, 'checkpoint.snnckpt')).equals(ckptBefore)).toBe(true);
  });
});
