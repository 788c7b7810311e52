import { describe, expect, it } from 'vitest';
import { SnnError } from './errors.js';
import { Registry, parsePluginSpec, resolveOptions, type OptionSchema } from './registry.js';

const schema: OptionSchema = {
  eta: { type: 'number', default: 0.01, unit: '1', doc: 'learning rate', min: 0 },
  tau: { type: 'number', default: 20, unit: 'ms', doc: 'trace time constant', min: 0, exclusiveMin: true },
  steps: { type: 'integer', default: 10, doc: 'iterations', min: 1 },
  when: { type: 'enum', default: 'every', values: ['every', 'training'], doc: 'when it acts' },
  on: { type: 'boolean', default: true, doc: 'switch' },
};

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SnnError);
    return (e as SnnError).oneLine();
  }
  throw new Error('did not throw');
}

describe('resolveOptions', () => {
  it('fills defaults and parses command-line strings by type', () => {
    expect(resolveOptions('r', schema, { eta: '0.5', steps: '3', when: 'training', on: 'false' })).toEqual({ eta: 0.5, tau: 20, steps: 3, when: 'training', on: false });
  });
  it('refuses unknown keys with the nearest name', () => {
    expect(message(() => resolveOptions('rule x', schema, { eat: 1 }))).toMatch(/rule x has no option 'eat'.*did you mean 'eta'/);
  });
  it('refuses wrong types, bounds and enum values', () => {
    expect(message(() => resolveOptions('r', schema, { eta: 'fast' }))).toMatch(/'eta' must be a finite number/);
    expect(message(() => resolveOptions('r', schema, { eta: -1 }))).toMatch(/≥ 0/);
    expect(message(() => resolveOptions('r', schema, { tau: 0 }))).toMatch(/> 0 \(ms\)/);
    expect(message(() => resolveOptions('r', schema, { steps: 1.5 }))).toMatch(/an integer/);
    expect(message(() => resolveOptions('r', schema, { when: 'evry' }))).toMatch(/one of every, training.*did you mean 'every'/);
    expect(message(() => resolveOptions('r', schema, { on: 'yes' }))).toMatch(/true or false/);
  });
});

describe('Registry', () => {
  it('lists names sorted, refuses duplicates and unknown names', () => {
    const r = new Registry<() => number>('widget');
    r.register('b', () => 2, { summary: 'B', options: {} });
    r.register('a', () => 1);
    expect(r.names()).toEqual(['a', 'b']);
    expect(r.get('b')()).toBe(2);
    expect(r.entry('b').summary).toBe('B');
    expect(() => r.register('a', () => 3)).toThrow(/registered twice/);
    expect(message(() => r.get('bb'))).toMatch(/unknown widget 'bb'.*did you mean 'b'/);
  });
});

describe('parsePluginSpec', () => {
  it('splits name and options', () => {
    expect(parsePluginSpec('pair-stdp', 'rule')).toEqual({ name: 'pair-stdp', options: {} });
    expect(parsePluginSpec('spectra:c=1,iterations=20', 'transform')).toEqual({ name: 'spectra', options: { c: '1', iterations: '20' } });
  });
  it('refuses malformed specs', () => {
    for (const bad of ['', 'Pair', 'x:', 'x:a', 'x:a=1,a=2', 'x:=1']) expect(() => parsePluginSpec(bad, 'rule')).toThrow(SnnError);
  });
});
