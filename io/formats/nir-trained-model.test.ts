/**
 * trainedModelToNirSpec in memory, on model files built by hand (the training runs that write real
 * ones are test/nir-trained-model.test.ts): conductance weights scaled by (E_c − v_rest) per channel,
 * θ frozen per neuron, the fixed exc→inh / inh→exc wiring, hao2020's SL layer, D&C's input delays
 * regenerated from the seed (or dropped with a note past the size limit), the stated losses and
 * metadata, each refusal; and where a model file is looked for.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDiehlCook2015, diehlCook2015Config, type DiehlCook2015Config } from '../../models/zoo/diehl-cook-2015.js';
import { hao2020Config, type Hao2020Config } from '../../models/zoo/hao2020.js';
import { MODEL_MAGIC, writeFramed } from '../checkpoint.js';
import type { NirLifSpec } from './nir-from-network.js';
import { lifMlpToNirSpec, type LifMlpModelFile } from './nir-lif-mlp.js';
import { loadTrainedModel, trainedModelPath, trainedModelToNirSpec, type TrainedModelFile } from './nir-trained-model.js';
import { tempDir } from './test-fixtures.js';
import { refusal as err } from '../../test/helpers/refusal.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Distinct values so that a transposition or a misplaced index shows. */
const ramp = (n: number, scale: number) => Float64Array.from({ length: n }, (_, k) => (k + 1) * scale);

function haoModel(n: number, extra: Partial<TrainedModelFile> = {}): TrainedModelFile {
  const config = { ...hao2020Config('mnist', Math.max(n, 2)), neurons: n, dt: 0.5 } as Hao2020Config;
  return {
    model: 'hao2020',
    dataset: 'mnist',
    config,
    seed: 3,
    arrays: { 'exc.theta': Float64Array.of(1, 2.5, -0.5).subarray(0, n), 'input->exc': ramp(784 * n, 1e-4), 'exc->sl': ramp(10 * n, 1e-2) },
    assignments: Int8Array.of(4, -1, 9).subarray(0, n),
    ...extra,
  };
}

function dcModel(n: number, over: Partial<DiehlCook2015Config> = {}): TrainedModelFile {
  const config = diehlCook2015Config('mnist', n, { dt: 0.5, ...over });
  return { model: 'diehl-cook-2015', dataset: 'mnist', config, seed: 12, arrays: { 'exc.theta': ramp(n, 0.1), 'input->exc': ramp(784 * n, 1e-4) }, assignments: new Int8Array(0) };
}

const lif = (spec: ReturnType<typeof trainedModelToNirSpec>['spec'], name: string) => spec.populations.find((p) => p.name === name) as NirLifSpec;
const proj = (spec: ReturnType<typeof trainedModelToNirSpec>['spec'], name: string) => spec.projections.find((p) => p.name === name)!;

describe('trainedModelToNirSpec (hao2020)', () => {
  const n = 3;
  // built inside each test (not at collection time), so that the export runs under the test
  const haoExport = () => {
    const m = haoModel(n);
    return { m, cfg: m.config as Hao2020Config, ...trainedModelToNirSpec(m) };
  };

  it('writes current-based populations with θ frozen per neuron and the conductance constants in metadata', () => {
    const { spec, cfg } = haoExport();
    expect(spec.populations.map((p) => [p.kind, p.name, p.size])).toEqual([
      ['source', 'input', 784],
      ['lif', 'exc', n],
      ['lif', 'inh', n],
      ['lif', 'sl', 10],
    ]);
    expect(spec.populations[0]!.metadata).toEqual({ snn_note: 'Poisson spike trains of the image pixels (datasets/ Poisson encoder)' });
    const exc = lif(spec, 'exc');
    expect(exc.params).toMatchObject({ synapse: 'current', thetaPlus: 0, tauTheta: null, thetaInit: 0, thetaOffset: 0, vMin: null, tauM: 100, vRest: -65, tauExc: 1, tauInh: 2 });
    // vThresh + θ − thetaOffset (20 mV)
    expect(Array.from(exc.vThreshold!)).toEqual([cfg.vThreshExc + 1 - 20, cfg.vThreshExc + 2.5 - 20, cfg.vThreshExc - 0.5 - 20]);
    expect(exc.record).toBe(true);
    expect(exc.metadata).toEqual({ snn_refractory_ms: 2, snn_method: 'euler', snn_conductance: JSON.stringify({ eExc: 0, eInh: -100 }), snn_v_min: -100 });
    const inh = lif(spec, 'inh');
    expect(inh.params).toMatchObject({ synapse: 'current', tauM: 10, vRest: -60, vThresh: -40 });
    expect(inh.vThreshold).toBeUndefined();
    expect(inh.record).toBe(false);
    expect(inh.metadata).toEqual({ snn_refractory_ms: 2, snn_method: 'euler', snn_conductance: JSON.stringify({ eExc: 0, eInh: -100 }) });
    const sl = lif(spec, 'sl');
    expect(sl.params).toMatchObject({ synapse: 'current', refractory: 0 });
    expect(sl.record).toBe(true);
    expect(sl.metadata).toEqual({ snn_refractory_ms: 0, snn_method: 'euler', snn_conductance: JSON.stringify({ eExc: 0, eInh: -100 }) });
  });

  it('scales each weight by (E_c − v_rest) of its target and writes it [post × pre]', () => {
    const { spec, m, cfg } = haoExport();
    const w = m.arrays['input->exc']!;
    const inExc = proj(spec, 'input->exc');
    expect(inExc).toMatchObject({ from: 'input', to: 'exc', channel: 'exc', delayMs: 0 });
    expect(inExc.delaysMs).toBeUndefined();
    // exc: E_exc − v_rest = 0 − (−65) = 65 mV
    for (const [i, j] of [[0, 0], [0, 2], [783, 1], [400, 2]] as const) expect(inExc.weight[j * 784 + i]).toBe(w[i * n + j]! * 65);
    // inh population: E_exc − v_rest = 60 mV, one-to-one
    const ei = proj(spec, 'exc->inh');
    expect(ei).toMatchObject({ from: 'exc', to: 'inh', channel: 'exc', delayMs: 0 });
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = cfg.weightExcInh * 60;
    expect(ei.weight).toEqual(eye);
    // back to exc on its inh channel: E_inh − v_rest = −100 − (−65) = −35 mV, all but self
    const ie = proj(spec, 'inh->exc');
    expect(ie).toMatchObject({ from: 'inh', to: 'exc', channel: 'inh', delayMs: 0 });
    const abs = new Float64Array(n * n).fill(cfg.weightInhExc * -35);
    for (let i = 0; i < n; i++) abs[i * n + i] = 0;
    expect(ie.weight).toEqual(abs);
    const sl = proj(spec, 'exc->sl');
    expect(sl).toMatchObject({ from: 'exc', to: 'sl', channel: 'exc', delayMs: 0 });
    const ws = m.arrays['exc->sl']!;
    for (let i = 0; i < n; i++) for (let j = 0; j < 10; j++) expect(sl.weight[j * n + i]).toBe(ws[i * 10 + j]! * 60);
    expect(spec.projections.map((p) => p.name)).toEqual(['input->exc', 'exc->inh', 'inh->exc', 'exc->sl']);
  });

  it('states what is lost and keeps the run in metadata', () => {
    const { spec, lossy, cfg } = haoExport();
    expect(lossy).toEqual([
      'conductance synapses → current-based (see snn_approximation)',
      'adaptive threshold frozen at the trained θ (no θ jumps or decay)',
      'refractory periods (exc 2 ms, inh 2 ms) and the vMin clamp (-100 mV) are kept only in snn metadata',
      "Euler integration (dt 0.5 ms) vs NIR's continuous dynamics",
      'the SL teacher input (training only) is not part of the graph',
    ]);
    expect(spec.metadata).toEqual({
      dt: 0.0005,
      snn_dt_ms: 0.5,
      snn_seed: 3,
      snn_model: 'hao2020',
      snn_dataset: 'mnist',
      snn_approximation: spec.metadata['snn_approximation'],
      snn_lossy: lossy.join('; '),
      snn_assignments: Int32Array.of(4, -1, 9),
    });
    expect(spec.metadata['snn_approximation']).toBe(
      'conductance synapses approximated as current-based: a conductance g on channel c contributes g*(E_c - v) to tau_m*dv/dt; ' +
        "v is held at the population's resting potential, I_c = g*(E_c - v_rest), so weights are multiplied by (E_c - v_rest) " +
        '[exc: 65 mV (E_exc 0, v_rest -65) on exc channel, -35 mV on inh channel; inh: 60 mV; sl: 60 mV]; synaptic time constants kept (tau_exc 1 ms, tau_inh 2 ms); ' +
        `the shunting term -g*(v - v_rest) is dropped. Adaptive threshold frozen: v_threshold[i] = vThresh + theta[i] - thetaOffset = ${cfg.vThreshExc} + theta[i] - 20 mV.`,
    );
    const trained = trainedModelToNirSpec(haoModel(n, { trained: 60, assignments: new Int8Array(0) })).spec.metadata;
    expect(trained['snn_trained_samples']).toBe(60);
    expect(trained['snn_assignments']).toBeUndefined();
    const old = trainedModelToNirSpec(haoModel(n, { assignments: undefined as unknown as Int8Array })).spec.metadata;
    expect(old).not.toHaveProperty('snn_assignments');
    expect(old).not.toHaveProperty('snn_trained_samples');
  });
});

describe('trainedModelToNirSpec (diehl-cook-2015)', () => {
  it('regenerates the input delays from the run seed: [post × pre] in ms; no SL layer', () => {
    const n = 2;
    const m = dcModel(n);
    const { spec, lossy } = trainedModelToNirSpec(m);
    expect(spec.populations.map((p) => p.name)).toEqual(['input', 'exc', 'inh']);
    expect(spec.projections.map((p) => p.name)).toEqual(['input->exc', 'exc->inh', 'inh->exc']);
    const d = buildDiehlCook2015(m.config as DiehlCook2015Config, 12).p2e.delays!;
    const got = proj(spec, 'input->exc').delaysMs!;
    expect(got.length).toBe(784 * n);
    expect(new Set(got).size).toBeGreaterThan(3);
    for (let i = 0; i < 784; i++) for (let j = 0; j < n; j++) if (got[j * 784 + i] !== d[i * n + j]! * 0.5) expect.fail(`delay [${i}][${j}]`);
    // D&C's inhibitory population reverses at −85 mV; its exc channel still gives E_exc − v_rest = 60
    expect(lif(spec, 'inh').metadata).toEqual({ snn_refractory_ms: 2, snn_method: 'euler', snn_conductance: JSON.stringify({ eExc: 0, eInh: -85 }) });
    expect(lossy).toHaveLength(4);
    expect(lossy.join('; ')).not.toMatch(/teacher|delays/);
    expect(spec.metadata['snn_approximation']).toMatch(/inh: 60 mV\]/);
    expect(spec.metadata['snn_assignments']).toBeUndefined();
  });

  it('without delays (maxDelayMs 0) and without the vMin clamp: no Delay values, no clamp in the note', () => {
    const { spec, lossy } = trainedModelToNirSpec(dcModel(2, { maxDelayMs: 0, vMinExc: null }));
    expect(proj(spec, 'input->exc').delaysMs).toBeUndefined();
    expect(lossy[2]).toBe('refractory periods (exc 5 ms, inh 2 ms) and the vMin clamp are kept only in snn metadata');
    expect(lif(spec, 'exc').metadata).not.toHaveProperty('snn_v_min');
  });

  it('past the size limit (784 · N · distinct delays > 2^25) drops the delays with a note', () => {
    // 0.5 ms grid up to 11 000 ms: 22 001 distinct delays, 784 · 2 · 22 001 > 2^25
    const { spec, lossy } = trainedModelToNirSpec(dcModel(2, { maxDelayMs: 11000 }));
    expect(proj(spec, 'input->exc').delaysMs).toBeUndefined();
    expect(lossy[4]).toBe('per-synapse input delays U[0, 11000] ms are dropped (2 neurons × 22001 delay values exceed the size limit)');
    // just below: 784 · 2 · 21 400 = 33 555 200 > 2^25 = 33 554 432; 784 · 2 · 21 399 = 33 553 632 fits
    expect(proj(trainedModelToNirSpec(dcModel(2, { maxDelayMs: 10699 })).spec, 'input->exc').delaysMs).toBeDefined();
    expect(proj(trainedModelToNirSpec(dcModel(2, { maxDelayMs: 10699.5 })).spec, 'input->exc').delaysMs).toBeUndefined();
  });
});

describe('trainedModelToNirSpec refusals and lif-mlp', () => {
  it('refuses other model kinds, a bad neuron count and missing or short arrays', () => {
    const kind = err(() => trainedModelToNirSpec({ ...haoModel(3), model: 'ann' }));
    expect([kind.code, kind.message, kind.hint]).toEqual(['usage', "cannot export model kind 'ann' to NIR", 'NIR export knows hao2020, diehl-cook-2015 and lif-mlp models']);
    for (const neurons of [0, 2.5, NaN]) {
      const e = err(() => trainedModelToNirSpec({ ...haoModel(3), config: { ...haoModel(3).config, neurons } }));
      expect([e.code, e.message, e.hint]).toEqual(['io.corrupt', `model config has ${neurons} neurons`, 'the model file is damaged']);
    }
    expect(trainedModelToNirSpec(haoModel(1)).spec.populations[1]!.size).toBe(1);
    const short = err(() => trainedModelToNirSpec(haoModel(3, { arrays: { ...haoModel(3).arrays, 'exc.theta': Float64Array.of(1, 2) } })));
    expect([short.code, short.message, short.hint]).toEqual(['io.corrupt', "model array 'exc.theta' is missing or has 2 values instead of 3", 'the model file is damaged or from another version']);
    const missing = err(() => trainedModelToNirSpec(haoModel(3, { arrays: { 'exc.theta': Float64Array.of(1, 2, 3), 'input->exc': ramp(784 * 3, 1) } })));
    expect(missing.message).toBe("model array 'exc->sl' is missing or has 0 values instead of 30");
  });

  it('hands a lif-mlp model to the lif-mlp export', () => {
    const m: LifMlpModelFile = { model: 'lif-mlp', dataset: 'mnist', seed: 1, config: { neurons: 2, steps: 4, readout: 'membrane', maxRateHz: 100 }, arrays: { 'input->hidden': ramp(784 * 2, 1e-3), 'hidden->output': ramp(20, 1e-2) } };
    expect(trainedModelToNirSpec(m as unknown as TrainedModelFile)).toEqual(lifMlpToNirSpec(m));
  });
});

describe('model files', () => {
  it('a run directory means its model.snnmodel; anything else is taken as the file', () => {
    const run = join(tmp.dir, 'run');
    mkdirSync(run);
    const e = err(() => trainedModelPath(run));
    expect([e.code, e.message, e.hint]).toEqual(['io.missing', `${run} holds no model.snnmodel`, 'give the run directory of a finished snn train, or the .snnmodel file']);
    writeFramed(join(run, 'model.snnmodel'), MODEL_MAGIC, { model: 'hao2020', dataset: 'mnist', config: { neurons: 1 }, seed: 1, arrays: {} });
    expect(trainedModelPath(run)).toBe(join(run, 'model.snnmodel'));
    expect(trainedModelPath(join(run, 'model.snnmodel'))).toBe(join(run, 'model.snnmodel'));
    expect(trainedModelPath(join(run, 'absent'))).toBe(join(run, 'absent'));
    expect(loadTrainedModel(run)).toMatchObject({ model: 'hao2020', config: { neurons: 1 } });
  });

  it('refuses a model file without its model name, config or arrays', () => {
    const cases: unknown[] = [null, 7, { config: {}, arrays: {} }, { model: 'x', config: {} }, { model: 'x', arrays: {} }];
    cases.forEach((value, k) => {
      const path = join(tmp.dir, `bad${k}.snnmodel`);
      writeFramed(path, MODEL_MAGIC, value);
      const e = err(() => loadTrainedModel(path));
      expect([e.code, e.message, e.hint]).toEqual(['io.corrupt', `${path}: the model file lacks its model name, config or arrays`, 'use a model.snnmodel written by snn train']);
    });
    const junk = join(tmp.dir, 'junk.snnmodel');
    writeFileSync(junk, 'junk');
    const j = err(() => loadTrainedModel(junk));
    expect([j.code, j.message, j.hint]).toEqual(['io.format', `${junk} is not an snn model (bad magic)`, 'give the model file snn wrote']);
  });
});
