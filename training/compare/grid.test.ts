import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { parseContenders } from './contenders.js';
import { buildGrid, evaluationPoints, parseSeeds } from './grid.js';

const usage = (f: () => unknown, text: RegExp) => {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SnnError);
  expect((err as SnnError).oneLine()).toMatch(text);
  expect((err as SnnError).oneLine()).not.toContain('\n');
};

describe('contenders', () => {
  it("--rules 'a;b' --on PROJ gives one contender per rule, placed on that projection", () => {
    const c = parseContenders({ model: 'hao2020', rules: 'sym-stdp; pair-stdp:nuPost=0.02', on: 'input->exc', set: { tauTheta: '1e7' } });
    expect(c.map((x) => x.name)).toEqual(['sym-stdp', 'pair-stdp:nuPost=0.02']);
    expect(c.map((x) => x.rules)).toEqual([['input->exc=sym-stdp'], ['input->exc=pair-stdp:nuPost=0.02']]);
    for (const x of c) expect(x).toMatchObject({ model: 'hao2020', recipe: null, set: { tauTheta: '1e7' } });
  });

  it('free contenders override the shared options', () => {
    const [a, b] = parseContenders({ model: 'hao2020', set: { etaInput: '0.01' }, contenders: ['base=', 'dc=--model diehl-cook-2015 --set etaInput=0.02 --rule input->exc=pair-stdp'] });
    expect(a).toMatchObject({ name: 'base', model: 'hao2020', set: { etaInput: '0.01' }, rules: [] });
    expect(b).toMatchObject({ name: 'dc', model: 'diehl-cook-2015', set: { etaInput: '0.02' }, rules: ['input->exc=pair-stdp'] });
  });

  it('reads recipes, named by their file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snn-recipes-'));
    writeFileSync(join(dir, 'fast.yaml'), 'rules:\n  input->exc: pair-stdp\n');
    const [r] = parseContenders({ model: 'hao2020', recipes: join(dir, 'fast.yaml') });
    expect(r).toMatchObject({ name: 'fast', recipe: { rules: { 'input->exc': 'pair-stdp' } } });
  });

  it('refuses bad input in one line', () => {
    usage(() => parseContenders({ model: 'hao2020', rules: 'sym-stdp;;pair-stdp', on: 'input->exc' }), /empty rule/);
    usage(() => parseContenders({ model: 'hao2020', rules: 'sym-stpd', on: 'input->exc' }), /unknown plasticity rule 'sym-stpd'.*sym-stdp/);
    usage(() => parseContenders({ model: 'hao2020', rules: 'sym-stdp' }), /needs --on/);
    usage(() => parseContenders({ model: 'hao2020', rules: 'sym-stdp', on: 'input' }), /bad --on/);
    usage(() => parseContenders({ model: 'hao2020' }), /nothing to compare/);
    usage(() => parseContenders({ model: 'hao2020', contenders: ['a=', 'a=--set x=1'] }), /two contenders are named 'a'/);
    usage(() => parseContenders({ model: 'hao2020', contenders: ['a=--frobnicate 1'] }), /unknown option '--frobnicate'/);
    usage(() => parseContenders({ model: 'hao2020', recipes: '/nonexistent/r.yaml' }), /cannot read recipe/);
  });
});

describe('grid', () => {
  const opts = { dataset: 'mnist', neurons: 20, seeds: [1, 2], budgetSamples: 100, testSamples: 50, evalPoints: 3 };

  it('is contenders × seeds with common evaluation points; specs differ only in what contenders name', () => {
    const contenders = parseContenders({ model: 'hao2020', contenders: ['a=--set etaInput=0.01', 'b=--set etaInput=0.02'] });
    const jobs = buildGrid(contenders, opts);
    expect(jobs.map((j) => [j.contender, j.seed])).toEqual([['a', 1], ['b', 1], ['a', 2], ['b', 2]]);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(4);
    for (const j of jobs) expect(j.spec.evalAt).toEqual([33, 67, 100]);
    const { set: _a, ...restA } = jobs[0]!.spec;
    const { set: _b, ...restB } = jobs[1]!.spec;
    expect(restA).toEqual(restB);
  });

  it('evaluation points, seeds and budgets', () => {
    expect(evaluationPoints(5000, 5)).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(evaluationPoints(7, 7)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    usage(() => evaluationPoints(4, 5), /below one training sample per evaluation/);
    expect(parseSeeds('3')).toEqual([1, 2, 3]);
    expect(parseSeeds('4, 8')).toEqual([4, 8]);
    usage(() => parseSeeds('0'), /at least one seed/);
    usage(() => parseSeeds('1,1'), /repeats/);
    usage(() => parseSeeds('x'), /bad --seeds/);
  });

  it('refuses what the trainer would refuse before any job starts', () => {
    usage(() => buildGrid(parseContenders({ model: 'nope', contenders: ['a='] }), opts), /unknown trainable model 'nope'/);
    usage(() => buildGrid(parseContenders({ model: 'hao2020', contenders: ['a=', 'b=--set etaInptu=1'] }), opts), /contender 'b'.*did you mean 'etaInput'/);
    usage(() => buildGrid(parseContenders({ model: 'hao2020', contenders: ['a='] }), { ...opts, budgetSamples: 60001 }), /not 2 equal passes/);
  });
});
