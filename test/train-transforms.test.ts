/**
 * Update transforms over a local rule in `snn train` (hao2020, sym-STDP), end to end on real MNIST
 * with tiny networks: the identity transform changes nothing, 'instead-of-scaling' switches the
 * scaling off, killed-and-resumed runs with LAMB or SPECTRA equal unbroken ones byte for byte, the
 * transforms' diagnostics reach metrics.jsonl, and combinations that make no sense are refused.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_MAGIC, readFramed } from '../io/checkpoint.js';
import { train, type TrainRequest } from '../training/run-training.js';
import { hao2020Recipe } from '../training/recipes/hao2020.js';
import type { MetricsLine } from '../training/trainer.js';

const base = { model: 'hao2020', dataset: 'mnist', neurons: 20, testSamples: 20, seed: 3, evalWorkers: 1 } as const;
const dir = (name: string) => mkdtempSync(join(tmpdir(), `snn-xf-${name}-`));
const metrics = (d: string): MetricsLine[] => readFileSync(join(d, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsLine);
const same = (a: string, b: string, f: string) => readFileSync(join(a, f)).equals(readFileSync(join(b, f)));

/** The trained arrays of a run (weights of every projection, θ), as raw bytes per name. */
function arrays(runDir: string): Record<string, Buffer> {
  const m = readFramed<{ arrays: Record<string, Float64Array | Float32Array> }>(join(runDir, 'model.snnmodel'), MODEL_MAGIC, 'model');
  return Object.fromEntries(Object.entries(m.arrays).map(([k, a]) => [k, Buffer.from(a.buffer, a.byteOffset, a.byteLength)]));
}
const sameArrays = (a: Record<string, Buffer>, b: Record<string, Buffer>) => Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((k) => b[k] !== undefined && a[k]!.equals(b[k]!));

const run = (req: Partial<TrainRequest>, name: string, stopAfter?: number) => {
  const out = dir(name);
  const s = train({ ...base, ...req, out } as TrainRequest, undefined, stopAfter);
  return { out, s };
};

describe('update transforms over sym-STDP in snn train', () => {
  const req = { trainSamples: 100, evalEvery: 50 };

  it('sgd, before or after the scaling, trains weights byte-identical to the plain recipe; instead of it, identical to the recipe without scaling', () => {
    const plain = run(req, 'plain');
    for (const order of ['after-scaling', 'before-scaling'] as const) {
      const sgd = run({ ...req, transforms: ['sgd'], transformOrder: order }, `sgd-${order}`);
      expect(sameArrays(arrays(sgd.out), arrays(plain.out))).toBe(true);
      expect(sgd.s.slAccuracy).toBe(plain.s.slAccuracy);
      // every evaluation saw the same weights (the curve is the same)
      expect(metrics(sgd.out).map((m) => m.perClassUsl)).toEqual(metrics(plain.out).map((m) => m.perClassUsl));
    }
    // 'instead-of-scaling': no scaling on input->exc at all, i.e. the recipe without that rule
    const noScaling = { ...hao2020Recipe, rules: hao2020Recipe.rules.filter((r) => !(r.rule === 'synaptic-scaling' && r.on === 'input->exc')) };
    const unscaled = run({ ...req, recipe: noScaling }, 'unscaled');
    const instead = run({ ...req, transforms: ['sgd'], transformOrder: 'instead-of-scaling' }, 'sgd-instead');
    expect(sameArrays(arrays(instead.out), arrays(unscaled.out))).toBe(true);
    // and the scaling did matter: the plain run's weights differ (the checks above are not vacuous)
    expect(sameArrays(arrays(unscaled.out), arrays(plain.out))).toBe(false);
  });

  it('the transforms are in the recipe the run keeps; the diagnostics are per-interval means in metrics.jsonl', () => {
    const { out } = run({ ...req, transforms: ['spectra:c=1,iterations=20'], transformOrder: 'instead-of-scaling' }, 'spectra-diag');
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    const stdp = cfg.recipe.rules.find((r: { rule: string; on: string }) => r.rule === 'sym-stdp' && r.on === 'input->exc');
    expect(stdp).toMatchObject({ transforms: ['spectra:c=1,iterations=20'], transformOrder: 'instead-of-scaling', transformRate: cfg.modelConfig.etaInput });
    const lines = metrics(out);
    expect(lines.length).toBe(2);
    let updates = 0;
    for (const m of lines) {
      const d = m.transforms!['input->exc']!;
      // one update per training presentation (re-presentations included) since the last evaluation
      expect(d.updates).toBeGreaterThanOrEqual(50);
      updates += d.updates!;
      expect(d['nsIterations/input->exc']).toBe(20);
      // the soft clip never exceeds c (rectScale is 1 for 784 → 20), and it only shrinks
      expect(d['spectralNorm/input->exc/after']).toBeLessThanOrEqual(1 + 1e-6);
      expect(d['spectralNorm/input->exc/after']).toBeLessThan(d['spectralNorm/input->exc/before']!);
    }
    // exc->sl is not transformed
    expect(Object.keys(lines[0]!.transforms!)).toEqual(['input->exc']);
    expect(updates).toBeGreaterThanOrEqual(100);
  });

  const resumeCases: [string, Partial<TrainRequest>][] = [
    ['LAMB', { transforms: ['lamb'], transformRate: 0.001 }],
    ['SPECTRA', { transforms: ['spectra:c=1'], transformOrder: 'instead-of-scaling' }],
    ['Adam then SPECTRA, after scaling', { transforms: ['adam', 'spectra:c=5'], transformOrder: 'after-scaling', transformRate: 0.0005 }],
  ];
  for (const [name, extra] of resumeCases) {
    it(`${name}: killed mid-run and resumed equals never stopping (model and metrics byte for byte)`, () => {
      const r: Partial<TrainRequest> = { ...req, trainSamples: 60, evalEvery: 20, checkpointEvery: 7, ...extra };
      const a = run(r, 'a');
      const b = run(r, 'b', 33);
      train({ resume: b.out, evalWorkers: 1 });
      expect(same(a.out, b.out, 'model.snnmodel')).toBe(true);
      expect(same(a.out, b.out, 'metrics.jsonl')).toBe(true);
      // the transform changed the learning (not a no-op)
      const plain = run({ ...req, trainSamples: 60, evalEvery: 20 }, 'p');
      expect(sameArrays(arrays(a.out), arrays(plain.out))).toBe(false);
    });
  }

  it('combinations that make no sense are one-line usage errors before anything runs', () => {
    const bad = (extra: Partial<TrainRequest>) => () => run({ ...req, ...extra }, 'bad');
    expect(bad({ transforms: ['tract'] })).toThrow(/tract transform needs a batch rule's first-layer inputs/);
    expect(bad({ transforms: ['sso'] })).toThrow(/sso transform needs a batch rule's readout factors/);
    expect(bad({ transforms: ['lamm'] })).toThrow(/unknown update transform 'lamm'/);
    expect(bad({ transforms: ['spectra:c=0'] })).toThrow(/'c' must be > 0/);
    expect(bad({ transforms: ['lamb'], transformOn: 'exc' })).toThrow(/--transform-on 'exc': no weight rule learns there/);
    expect(bad({ transformOrder: 'after-scaling' })).toThrow(/sets transformOrder but has no transforms/);
    expect(bad({ policy: 'adadagrad' })).toThrow(/--policy: hao2020 learns with local rules, one update per presentation/);
    expect(bad({ policy: 'adadagrd' })).toThrow(/unknown batch policy/);
    const noScaling = { ...hao2020Recipe, rules: hao2020Recipe.rules.filter((r) => r.rule !== 'synaptic-scaling') };
    expect(bad({ recipe: noScaling, transforms: ['lamb'], transformOrder: 'before-scaling' })).toThrow(/puts its transforms before scaling, but 'input->exc' has no synaptic scaling/);
    expect(bad({ set: { etaInput: '0' }, transforms: ['lamb'] })).toThrow(/needs a learning rate η > 0, got 0/);
  });
});
