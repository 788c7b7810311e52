import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { canonicalJson, jobId, validateJob, type JobSpec } from './job.js';

const spec: JobSpec = {
  kind: 'train',
  snnVersion: '0.1.0',
  model: 'hao2020',
  dataset: 'mnist',
  neurons: 100,
  rules: ['input->exc=pair-stdp:nuPost=0.02'],
  recipe: null,
  set: { etaInput: '0.01' },
  sampler: null,
  transforms: [],
  policy: null,
  seed: 1,
  budgetSamples: 5000,
  testSamples: 2000,
  evalAt: [1000, 2000, 3000, 4000, 5000],
};

describe('job ids', () => {
  it('are 16 hex digits that do not depend on key order', () => {
    const reordered = Object.fromEntries(Object.entries(spec).reverse()) as unknown as JobSpec;
    expect(jobId(spec)).toMatch(/^[0-9a-f]{16}$/);
    expect(jobId(reordered)).toBe(jobId(spec));
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it('differ whenever the content differs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }), (s1, s2) => {
        expect(jobId({ ...spec, seed: s1 }) === jobId({ ...spec, seed: s2 })).toBe(s1 === s2);
      }),
    );
    expect(jobId({ ...spec, set: { etaInput: '0.010' } })).not.toBe(jobId(spec));
    // A long-tailed job is another job; a balanced one keeps the id it had before longTail existed.
    expect(jobId({ ...spec, longTail: { ratio: 100, trainSamples: 60000 } })).not.toBe(jobId(spec));
    expect(jobId({ ...spec, longTail: { ratio: 100, trainSamples: 60000 } })).not.toBe(jobId({ ...spec, longTail: { ratio: 10, trainSamples: 60000 } }));
    expect(jobId({ ...spec, longTail: undefined })).toBe(jobId(spec));
  });
});

describe('validateJob', () => {
  it('returns a valid spec unchanged', () => {
    expect(validateJob(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    const longTailed = { ...spec, longTail: { ratio: 100, trainSamples: 60000 } };
    expect(validateJob(JSON.parse(JSON.stringify(longTailed)))).toEqual(longTailed);
  });

  it('refuses bad fields with one line naming the field', () => {
    const bad: [unknown, string][] = [
      [{ ...spec, kind: 'eval' }, 'kind'],
      [{ ...spec, neurons: 0 }, 'neurons'],
      [{ ...spec, seed: -1 }, 'seed'],
      [{ ...spec, evalAt: [2000, 1000, 5000] }, 'evalAt.1'],
      [{ ...spec, evalAt: [1000, 2000] }, 'evalAt'],
      [{ ...spec, rules: 'sym-stdp' }, 'rules'],
      [{ ...spec, extra: 1 }, 'job'],
      [{ ...spec, longTail: { ratio: 0.5, trainSamples: 60000 } }, 'longTail.ratio'],
      [{ ...spec, longTail: { ratio: 10, trainSamples: 0 } }, 'longTail.trainSamples'],
      [42, 'job'],
    ];
    for (const [data, field] of bad) {
      let err: unknown;
      try {
        validateJob(data);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SnnError);
      expect((err as SnnError).message).toContain(`'${field}'`);
      expect((err as SnnError).oneLine()).not.toContain('\n');
    }
  });
});
