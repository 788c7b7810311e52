/**
 * Recipes and `--rule`: bad recipes and rule strings are refused with one line naming what is known;
 * a swapped rule trains; the run directory and model file keep the resolved recipe, which
 * `--resume` and `snn eval` use.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTrainedModelNir } from '../io/formats/nir.js';
import { rules } from '../learning/rules.js';
import { hao2020Config } from '../models/zoo/hao2020.js';
import { trainableModels } from './models.js';
import { recipeFor, buildTrainingSystem } from './recipe-system.js';
import { evaluateRun, resolveRunConfig, train, type TrainRequest } from './run-training.js';
import { refusal } from '../test/helpers/refusal.js';

const base: TrainRequest = { model: 'hao2020', dataset: 'mnist', neurons: 10, trainSamples: 4, testSamples: 4, seed: 1, evalWorkers: 1, out: '' };

/** Resolves the recipe and builds the graph, as `snn train` does before it writes anything. */
function build(req: Partial<TrainRequest>): void {
  const cfg = resolveRunConfig({ ...base, ...req });
  buildTrainingSystem(cfg.model, cfg.modelConfig, cfg.seed, cfg.recipe);
}

function tmpRecipe(text: string, ext = 'yaml'): string {
  const p = join(mkdtempSync(join(tmpdir(), 'snn-recipe-')), `r.${ext}`);
  writeFileSync(p, text);
  return p;
}

const goodYaml = `model: hao2020
stages: [{ name: all, teacher: true }]
rules:
  - { rule: synaptic-scaling, on: input->exc, options: { target: $scaleInput } }
  - { rule: triplet-stdp, on: input->exc }
  - { rule: intrinsic-plasticity, on: exc }
protocol: { inputEncoding: hao, teacherRate: $teacherRate }
readouts: { hidden: exc, supervised: sl }
`;

describe('bad recipes and --rule strings: one line, naming what is known', () => {
  const cases: [string, Partial<TrainRequest>, RegExp, RegExp?][] = [
    ['unknown rule', { rules: ['input->exc=pair-stpd'] }, /unknown plasticity rule 'pair-stpd'/, /did you mean 'pair-stdp'/],
    ['unknown option', { rules: ['input->exc=pair-stdp:nuPst=0.02'] }, /has no option 'nuPst'/, /did you mean 'nuPost'/],
    ['unknown target', { rules: ['input->exk=pair-stdp'] }, /no projection of that name/, /did you mean 'input->exc'/],
    ['population rule on a projection', { rules: ['input->exc=intrinsic-plasticity'] }, /attaches to a population, but 'input->exc' is a projection/],
    ['projection rule on a population', { rules: ['exc=pair-stdp'] }, /attaches to a projection, but 'exc' is a population/],
    ['not a number', { rules: ['input->exc=pair-stdp:nuPost=fast'] }, /option 'nuPost' must be a finite number/],
    ['out of range', { rules: ['input->exc=triplet-stdp:tauY=0'] }, /option 'tauY' must be > 0 \(ms\)/],
    ['no target', { rules: ['pair-stdp'] }, /expected TARGET=RULE/],
    ['option without value', { rules: ['input->exc=pair-stdp:nuPost='] }, /bad option 'nuPost='/],
    ['rule on a sparse projection', { rules: ['exc->inh=sym-stdp'] }, /needs a dense projection/],
    ['recipe with an unknown key', { recipe: tmpRecipe(goodYaml.replace('readouts:', 'readout: x\nreadouts:')) }, /top level: Unrecognized key.*readout/],
    ['recipe rule without a target', { recipe: tmpRecipe(goodYaml.replace('on: exc', 'at: exc')) }, /rules\[2\]/],
    ['recipe referring to a missing field', { recipe: tmpRecipe(goodYaml.replace('$scaleInput', '$scaleInpt')) }, /refers to '\$scaleInpt'/, /did you mean 'scaleInput'/],
    ['recipe learning in a stage it lacks', { recipe: tmpRecipe(goodYaml.replace('on: exc }', 'on: exc, stages: [hiden] }')) }, /stage 'hiden'/, /known stages: all/],
    ['recipe for another model', { recipe: tmpRecipe(goodYaml.replace('model: hao2020', 'model: diehl-cook-2015')) }, /is for model 'diehl-cook-2015'/],
    ['recipe that is not YAML', { recipe: tmpRecipe('model: [hao2020') }, /is not valid YAML/],
    ['missing recipe file', { recipe: '/nonexistent/recipe.yaml' }, /is missing or unreadable/],
    ['a batch-only transform on a local rule', { transforms: ['tract'] }, /tract transform needs a batch rule's first-layer inputs/, /sgd, adam, lamb or spectra/],
    ['a transform on a projection without a weight rule', { transforms: ['lamb'], transformOn: 'exc->inh' }, /no weight rule learns there/, /input->exc/],
    ['recipe with transforms on a threshold rule', { recipe: tmpRecipe(goodYaml.replace('on: exc', "on: exc, transforms: [lamb]")) }, /only a weight rule .* makes a presentation update/],
    ['a transformed rule without eta and no rate', { rules: ['input->exc=pair-stdp'], transforms: ['lamb'] }, /needs a learning rate η > 0, got none/, /--transform-rate/],
    ['a batch policy on a local-rule model', { policy: 'lr-batch-scaling' }, /--policy: hao2020 learns with local rules/],
  ];
  it.each(cases)('%s', (_name, req, message, hint) => {
    const e = refusal(() => build(req));
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
    if (hint) expect(e.hint).toMatch(hint);
  });
});

describe('recipes', () => {
  it('the built-in recipes resolve, with every option of every rule filled in', () => {
    for (const model of trainableModels.names().filter((n) => trainableModels.get(n).kind !== 'batch')) {
      const cfg = resolveRunConfig({ ...base, model });
      for (const r of cfg.recipe.rules) expect(Object.keys(r.options).sort()).toEqual(Object.keys(rules.entry(r.rule).options).sort());
    }
  });

  it("--rule keeps the recipe's stages, and the same rule keeps its other options", () => {
    const c = hao2020Config('mnist', 10, { schedule: 'layerwise' });
    const r = recipeFor('hao2020', c as never, { rules: ['input->exc=sym-stdp:eta=0.5', 'exc->sl=pair-stdp'] });
    const input = r.rules.find((x) => x.on === 'input->exc' && x.rule === 'sym-stdp')!;
    expect(input.options.eta).toBe(0.5);
    expect(input.options.wMax).toBe(c.wMaxInput);
    expect(input.stages).toEqual(['hidden']);
    const out = r.rules.find((x) => x.on === 'exc->sl' && x.rule !== 'synaptic-scaling')!;
    expect(out.rule).toBe('pair-stdp');
    expect(out.options.nuPost).toBe(rules.entry('pair-stdp').options.nuPost!.default);
    expect(out.stages).toEqual(['output']);
    // Scaling on the same projection is another slot: it stays.
    expect(r.rules.filter((x) => x.on === 'exc->sl').map((x) => x.rule)).toEqual(['synaptic-scaling', 'pair-stdp']);
  });

  it('a recipe file trains; the run keeps the resolved recipe; resume, eval and NIR export use it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-recipe-run-'));
    const req: TrainRequest = { ...base, neurons: 20, trainSamples: 30, testSamples: 20, evalEvery: 30, checkpointEvery: 10, recipe: tmpRecipe(goodYaml), out: dir };
    const stopped = (() => {
      try {
        return train(req, undefined, 20);
      } catch (e) {
        return e;
      }
    })();
    expect(stopped).toBeDefined();
    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { recipe: { rules: { rule: string; options: Record<string, unknown> }[] } };
    expect(saved.recipe.rules.map((r) => r.rule)).toEqual(['synaptic-scaling', 'triplet-stdp', 'intrinsic-plasticity']);
    expect(saved.recipe.rules[1]!.options.tauY).toBe(125);
    const resumed = train({ resume: dir, evalWorkers: 1 });
    expect(resumed.resumed).toBe(true);
    const fresh = train({ ...req, out: mkdtempSync(join(tmpdir(), 'snn-recipe-run-')) });
    expect(resumed.uslAccuracy).toBe(fresh.uslAccuracy);
    const model = (d: string) => readFileSync(join(d, 'model.snnmodel'));
    expect(Buffer.compare(model(dir), model(fresh.runDir))).toBe(0);
    const ev = evaluateRun(dir, { evalWorkers: 1, testSamples: 20 });
    expect(ev.uslAccuracy).toBe(fresh.uslAccuracy);
    const nir = await exportTrainedModelNir(dir, join(dir, 'model.nir'));
    expect(nir.nodes).toBeGreaterThan(3);
  });
});

describe('--rule on hao2020', () => {
  it("pair STDP in place of sym-STDP on the input projection trains and beats chance (10 %) widely", () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-rule-run-'));
    const s = train({ ...base, neurons: 40, trainSamples: 200, testSamples: 100, evalEvery: 200, rules: ['input->exc=pair-stdp'], out: dir });
    const saved = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { recipe: { rules: { rule: string; on: string }[] } };
    expect(saved.recipe.rules.filter((r) => r.on === 'input->exc').map((r) => r.rule)).toEqual(['synaptic-scaling', 'pair-stdp']);
    expect(s.uslAccuracy).toBeGreaterThan(0.3);
  });
});
