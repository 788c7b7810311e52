/**
 * hao2020 training on the wasm backend (conductance LIF kernel, input weights and sym-STDP traces in
 * the exc population's WebAssembly memory, SIMD fan-out + potentiation and synaptic scaling) against
 * the plain-JS loops: weights, θ and SL weights bit-identical after training, and the same test-time
 * predictions. N odd so every kernel runs its scalar tail. With input delays (inputDelayMs) the
 * arrivals run in the delayed-arrival kernel instead of the SIMD fan-out.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SymStdp } from '../learning/sym-stdp.js';
import { buildTrainingSystem } from '../training/recipe-system.js';
import { Trainer } from '../training/trainer.js';
import { loadDataset, subset } from '../datasets/dataset.js';
import { kernelBackend, setKernelBackend, type KernelBackend } from '../engine/backend.js';
import { hao2020Config } from '../models/zoo/hao2020.js';
import type { DenseProjection } from '../models/projection.js';
import { needAll, WASM_SIMD } from './helpers/requirement.js';

const initial = kernelBackend();
afterAll(() => setKernelBackend(initial));

function trainOn(backend: KernelBackend, inputDelayMs = 0) {
  setKernelBackend(backend);
  const sys = buildTrainingSystem('hao2020', hao2020Config('mnist', 33, { inputDelayMs }), 6);
  const trainSet = subset(loadDataset('mnist', 'train'), 25);
  const testSet = subset(loadDataset('mnist', 'test'), 10);
  const dir = mkdtempSync(join(tmpdir(), `snn-hao-kernels-${backend}-`));
  const trainer = new Trainer(sys, trainSet, testSet, { epochs: 1, seed: 6, evalEvery: 1000, checkpointEvery: 1000, runDir: dir, modelInfo: {} });
  trainer.run();
  const arrays = Object.fromEntries(Object.entries(sys.modelArrays()).map(([k, a]) => [k, Float64Array.from(a)]));
  const spikes = sys.net.spikeCounts.slice();
  const evaluation = trainer.evaluate(); // frozen weights: the wasm row-add kernel on the wasm backend
  return { sys, arrays, spikes, evaluation };
}

describe('hao2020: wasm kernels = JS loops (float64)', () => {
  needAll(WASM_SIMD);
  it.each([0, 3])('trains to bit-identical weights and θ, and evaluates to the same predictions (inputDelayMs %s)', (delayMs) => {
    const js = trainOn('js', delayMs);
    const wasm = trainOn('wasm', delayMs);
    expect((js.sys.projection('input->exc') as DenseProjection).kernelBackend).toBe('js');
    expect((wasm.sys.projection('input->exc') as DenseProjection).kernelBackend).toBe('wasm');
    expect((js.sys.rule('sym-stdp', 'input->exc') as SymStdp).backend).toBe('js');
    expect((wasm.sys.rule('sym-stdp', 'input->exc') as SymStdp).backend).toBe('wasm');
    expect(wasm.sys.hidden.wasmKernels).not.toBeNull();
    expect(Array.from(wasm.spikes)).toEqual(Array.from(js.spikes));
    expect(js.spikes[1]!).toBeGreaterThan(25 * 5);
    for (const k of Object.keys(js.arrays)) {
      expect(Buffer.from(wasm.arrays[k]!.buffer).equals(Buffer.from(js.arrays[k]!.buffer)), k).toBe(true);
    }
    expect(wasm.evaluation).toEqual(js.evaluation);
  });

  it('the delayed-arrival kernel changes no weight at test time, not even one above wMax', () => {
    const { sys } = trainOn('wasm', 3);
    const w = sys.projection('input->exc').weights;
    for (let k = 0; k < w.length; k += 7) w[k] = 1.5 * (sys.config.wMaxInput as number); // as scaling may leave them
    const before = Float64Array.from(w);
    const trainer = new Trainer(sys, subset(loadDataset('mnist', 'train'), 1), subset(loadDataset('mnist', 'test'), 5), {
      epochs: 0, seed: 6, evalEvery: 1000, checkpointEvery: 1000, runDir: mkdtempSync(join(tmpdir(), 'snn-hao-frozen-')), modelInfo: {},
    });
    const r = trainer.evaluate();
    expect(r.meanPresentations).toBeGreaterThan(0);
    expect(Buffer.from(Float64Array.from(w).buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });
});
