/**
 * lifMlpToNirSpec in memory, on model files built by hand (the training runs that write real ones
 * are test/nir-lif-mlp.test.ts): the trained weights as they are, [post × pre]; the normalised LIF
 * for both layers; the readout deciding whether the output integrates only; the stated losses and
 * metadata; each refusal.
 */
import { describe, expect, it } from 'vitest';
import { UNIT_LIF } from '../../models/unit-lif.js';
import { lifMlpToNirSpec, type LifMlpModelFile } from './nir-lif-mlp.js';
import { refusal as err } from '../../test/helpers/refusal.js';

const ramp = (n: number, scale: number) => Float32Array.from({ length: n }, (_, k) => (k + 1) * scale);
const H = 3;
const model = (over: Partial<LifMlpModelFile['config']> = {}, extra: Partial<LifMlpModelFile> = {}): LifMlpModelFile => ({
  model: 'lif-mlp',
  dataset: 'fashion-mnist',
  seed: 9,
  config: { neurons: H, steps: 6, readout: 'membrane', maxRateHz: 80, ...over },
  arrays: { 'input->hidden': ramp(784 * H, 1e-3), 'hidden->output': ramp(10 * H, 0.125) },
  ...extra,
});

describe('lifMlpToNirSpec', () => {
  it('writes input → hidden → output with the trained weights [post × pre] and the normalised LIF', () => {
    const m = model();
    const { spec } = lifMlpToNirSpec(m);
    expect(spec.populations).toEqual([
      { kind: 'source', name: 'input', size: 784, metadata: { snn_note: 'Poisson spike trains of the image pixels: pixel p fires at p/255 * 80 Hz' } },
      { kind: 'lif', name: 'hidden', size: H, params: UNIT_LIF, record: false },
      { kind: 'lif', name: 'output', size: 10, params: UNIT_LIF, record: true, integrateOnly: true, metadata: { snn_readout: 'membrane' } },
    ]);
    const [ih, ho] = spec.projections;
    expect(ih).toMatchObject({ name: 'input->hidden', from: 'input', to: 'hidden', channel: 'exc', delayMs: 0 });
    expect(ho).toMatchObject({ name: 'hidden->output', from: 'hidden', to: 'output', channel: 'exc', delayMs: 0 });
    const w1 = m.arrays['input->hidden']!;
    const w2 = m.arrays['hidden->output']!;
    expect(ih!.weight.length).toBe(784 * H);
    for (let i = 0; i < 784; i++) for (let j = 0; j < H; j++) if (ih!.weight[j * 784 + i] !== w1[i * H + j]) expect.fail(`W1[${i}][${j}]`);
    expect(ho!.weight.length).toBe(10 * H);
    for (let i = 0; i < H; i++) for (let j = 0; j < 10; j++) expect(ho!.weight[j * H + i]).toBe(w2[i * 10 + j]);
  });

  it('membrane readout: the output integrates only; spike-count: it fires; losses and metadata say which', () => {
    const mem = lifMlpToNirSpec(model());
    expect(mem.lossy).toEqual([
      'the input encoding: Poisson spike trains, pixel p at p/255 * 80 Hz, 6 steps of 1 ms per image',
      'the readout: logits = the output membrane (CubaLI) averaged over the 6 steps',
      "time stepping (exact propagators at dt 1 ms) vs NIR's continuous dynamics",
    ]);
    expect(mem.spec.metadata).toStrictEqual({ dt: 0.001, snn_dt_ms: 1, snn_seed: 9, snn_model: 'lif-mlp', snn_dataset: 'fashion-mnist', snn_readout: 'membrane', snn_steps: 6, snn_lossy: mem.lossy.join('; ') });
    const count = lifMlpToNirSpec(model({ readout: 'spike-count' }, { rule: { name: 'bptt', options: {} } }));
    expect(count.spec.populations[2]).toMatchObject({ integrateOnly: false, metadata: { snn_readout: 'spike-count' } });
    expect(count.lossy[1]).toBe('the readout: logits = output spike counts over the 6 steps');
    expect(count.spec.metadata['snn_readout']).toBe('spike-count');
    expect(count.spec.metadata['snn_rule']).toBe('bptt');
  });

  it('refuses a bad neuron count, an unknown readout and missing or short weights', () => {
    for (const neurons of [0, 1.5]) {
      const e = err(() => lifMlpToNirSpec(model({ neurons })));
      expect([e.code, e.message, e.hint]).toEqual(['io.corrupt', `model config has ${neurons} hidden neurons`, 'the model file is damaged']);
    }
    const one = lifMlpToNirSpec({ ...model({ neurons: 1 }), arrays: { 'input->hidden': ramp(784, 1), 'hidden->output': ramp(10, 1) } });
    expect(one.spec.populations[1]!.size).toBe(1);
    const r = err(() => lifMlpToNirSpec(model({ readout: 'argmax' })));
    expect([r.code, r.message, r.hint]).toEqual(['io.corrupt', "unknown lif-mlp readout 'argmax'", "the model file is damaged (readouts: 'membrane', 'spike-count')"]);
    const short = err(() => lifMlpToNirSpec(model({}, { arrays: { 'input->hidden': ramp(784 * H - 1, 1), 'hidden->output': ramp(10 * H, 1) } })));
    expect([short.code, short.message, short.hint]).toEqual(['io.corrupt', `model array 'input->hidden' is missing or has ${784 * H - 1} values instead of ${784 * H}`, 'the model file is damaged or from another version']);
    const missing = err(() => lifMlpToNirSpec(model({}, { arrays: { 'input->hidden': ramp(784 * H, 1) } })));
    expect(missing.message).toBe(`model array 'hidden->output' is missing or has 0 values instead of ${10 * H}`);
  });
});
