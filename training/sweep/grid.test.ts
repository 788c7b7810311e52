/**
 * Grids → jobs: the cross product in a fixed order, content-hash ids (stable, one per distinct job),
 * and one-line errors naming the file and the bad field, model or rule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { jobId, validateJob, type JobSpec } from '../jobs/job.js';
import { expandGrid } from './grid.js';

const where = { file: 'GRID.yaml', snnVersion: '1.2.3' };
const base = { neurons: [20], seeds: [1], budget: 40, testSamples: 40 };

function errorOf(raw: unknown): SnnError {
  try {
    expandGrid(raw, where);
  } catch (err) {
    if (err instanceof SnnError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('expandGrid', () => {
  it('crosses models × data sets × sizes × rule variants × set variants × seeds, ids distinct', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 2, max: 500 }), { minLength: 1, maxLength: 3 }), // every model needs ≥ 2 hidden neurons
        fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 4 }),
        fc.subarray(['mnist', 'fashion-mnist'], { minLength: 1 }),
        (neurons, seeds, datasets) => {
          const g = expandGrid({ ...base, models: ['hao2020', 'diehl-cook-2015'], datasets, neurons, seeds, rules: [[], 'input->exc=pair-stdp:nuPost=0.02'], sets: [{}, { rest: 'reset' }] }, where);
          expect(g.jobs).toHaveLength(2 * datasets.length * neurons.length * 2 * 2 * seeds.length);
          expect(new Set(g.jobs.map(jobId)).size).toBe(g.jobs.length);
          for (const j of g.jobs) expect(validateJob(j)).toEqual(j);
          // Seeds vary fastest: the first jobs are the first size's seeds.
          expect(g.jobs.slice(0, seeds.length).map((j) => j.seed)).toEqual(seeds);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('a duplicated seed is one job; the grid name names the queue', () => {
    const g = expandGrid({ ...base, name: 'my-sweep', seeds: [3, 3, 4] }, where);
    expect(g.jobs.map((j) => j.seed)).toEqual([3, 4]);
    expect(g.queueName).toBe('my-sweep');
    expect(expandGrid(base, where).queueName).toBe('snn');
    expect(expandGrid(base, where).name).toBe('GRID');
  });

  it('fills the defaults: hao2020 on mnist, the model own rules, evalAt at the budget, the submitter version', () => {
    const [j] = expandGrid(base, where).jobs;
    expect(j).toEqual({ kind: 'train', snnVersion: '1.2.3', model: 'hao2020', dataset: 'mnist', neurons: 20, rules: [], recipe: null, set: {}, sampler: null, transforms: [], policy: null, seed: 1, budgetSamples: 40, testSamples: 40, evalAt: [40] });
  });

  it.each([
    [{ ...base, models: ['hao2021'] }, /^GRID\.yaml: unknown trainable model 'hao2021'$/, /did you mean 'hao2020'/],
    [{ ...base, rules: ['input->exc=pair-stpd'] }, /^GRID\.yaml: unknown plasticity rule 'pair-stpd'$/, /did you mean 'pair-stdp'/],
    [{ ...base, rules: ['pair-stdp'] }, /^GRID\.yaml: bad rule 'pair-stdp': expected TARGET=RULE/, /input->exc=/],
    [{ ...base, rules: ['input->exc=pair-stdp:nuPost'] }, /^GRID\.yaml: bad option 'nuPost' in rule/, /key=value/],
    [{ ...base, datasets: ['cifar'] }, /^GRID\.yaml: unknown dataset 'cifar'$/, /mnist/],
    [{ ...base, set: { thetaPlsu: 1 } }, /^GRID\.yaml: --set thetaPlsu/, /thetaPlus/],
    [{ ...base, neurons: [20, -1] }, /^GRID\.yaml: neurons\.1: /, /docs\/sweeps\.md/],
    [{ ...base, seeds: undefined }, /^GRID\.yaml: seeds: /, /docs\/sweeps\.md/],
    [{ ...base, evalAt: [30, 20, 40] }, /^GRID\.yaml: bad job field 'evalAt\.1': evaluation points must be strictly ascending$/, /./],
    [{ ...base, evalAt: [20] }, /^GRID\.yaml: bad job field 'evalAt': the last evaluation point must be budgetSamples \(40\)$/, /./],
    [{ ...base, colour: 'red' }, /^GRID\.yaml: grid: .*colour/, /./],
  ])('refuses %j with one line', (raw, message, hint) => {
    const e = errorOf(raw);
    expect(e.message).toMatch(message);
    expect(e.hint ?? '').toMatch(hint);
    expect(e.oneLine()).not.toContain('\n');
  });
});

describe('jobId', () => {
  const spec: JobSpec = { kind: 'train', snnVersion: '1.2.3', model: 'hao2020', dataset: 'mnist', neurons: 20, rules: [], recipe: { a: 1, b: [1, { c: 2, d: 3 }] }, set: { x: '1', y: '2' }, sampler: null, transforms: [], policy: null, seed: 1, budgetSamples: 40, testSamples: 40, evalAt: [40] };

  it('is 16 hex digits, independent of key order at any depth', () => {
    const reordered = JSON.parse(JSON.stringify({ ...spec, set: { y: '2', x: '1' }, recipe: { b: [1, { d: 3, c: 2 }], a: 1 } })) as JobSpec;
    const keysReversed = Object.fromEntries(Object.entries(reordered).reverse()) as unknown as JobSpec;
    expect(jobId(spec)).toMatch(/^[0-9a-f]{16}$/);
    expect(jobId(keysReversed)).toBe(jobId(spec));
  });

  it('changes with any field that determines the result', () => {
    const variants: Partial<JobSpec>[] = [{ seed: 2 }, { neurons: 21 }, { model: 'diehl-cook-2015' }, { dataset: 'fashion-mnist' }, { rules: ['a=b'] }, { set: { x: '1' } }, { sampler: 'shuffled' }, { snnVersion: '1.2.4' }, { evalAt: [20, 40] }, { recipe: null }];
    const ids = variants.map((v) => jobId({ ...spec, ...v }));
    expect(new Set([jobId(spec), ...ids]).size).toBe(variants.length + 1);
  });
});

describe('validateJob', () => {
  it.each([
    [{ kind: 'shell' }, /^bad job field 'kind': /],
    [{ neurons: 0 }, /^bad job field 'neurons': /],
    [{ seed: -1 }, /^bad job field 'seed': /],
    [{ command: 'rm -rf /' }, /^bad job field 'job': .*command/],
    [{ rules: 'x' }, /^bad job field 'rules': /],
  ])('refuses %j naming the field', (patch, message) => {
    const good = expandGrid(base, where).jobs[0]!;
    expect(() => validateJob({ ...good, ...patch })).toThrow(message);
  });
});
