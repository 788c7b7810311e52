/** Errors that name what the user wrote: misspelt fields, values with the wrong type or unit, slips of unit. */
import { describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import { descriptionWarnings, parseDescription } from './description.js';
import { referenceCaseToDescription, isReferenceCase } from './reference-case.js';

function oneLine(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SnnError);
    return (e as SnnError).oneLine();
  }
  throw new Error('did not throw');
}

const lif = { name: 'b', model: 'lif', size: 2 };

describe('description errors', () => {
  it('a misspelt top-level field gets a did-you-mean even when other fields are wrong too', () => {
    const msg = oneLine(() => parseDescription({ duraton: 100, populations: [{ name: 'a', model: 'poisson', size: 3, rates: '20Hz' }] }));
    expect(msg).toMatch(/unknown field 'duraton'.*did you mean 'duration'/);
  });
  it('a rate written with its unit says a number in Hz is expected', () => {
    expect(oneLine(() => parseDescription({ populations: [{ name: 'a', model: 'poisson', size: 3, rates: '20Hz' }] }))).toMatch(/populations\[0\]\.rates must be a number in Hz.*got "20Hz"/);
  });
  it('a time constant written as a string says a number in ms is expected', () => {
    expect(oneLine(() => parseDescription({ populations: [{ ...lif, params: { tauM: '10ms' } }] }))).toMatch(/params\.tauM must be a finite number in ms/);
    expect(oneLine(() => parseDescription({ populations: [{ ...lif, params: { vThresh: '-50mV' } }] }))).toMatch(/params\.vThresh must be a finite number in mV/);
  });
  it('a missing field is named as missing', () => {
    expect(oneLine(() => parseDescription({ populations: [{ name: 'a', model: 'lif' }] }))).toMatch(/populations\[0\]\.size is missing/);
  });
  it('a time constant below dt is a warning naming the likely seconds-for-milliseconds slip', () => {
    const d = parseDescription({ dt: 0.1, populations: [{ ...lif, params: { tauM: 0.02, tauTheta: 1e7 } }] });
    const w = descriptionWarnings(d);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/tauM = 0\.02 ms is below dt = 0\.1 ms.*20 ms/);
    expect(descriptionWarnings(parseDescription({ dt: 0.1, populations: [{ ...lif, params: { tauM: 20 } }] }))).toEqual([]);
  });
  it('a reference case that lacks a field is named as a Brian2 reference case with the field missing', () => {
    const c = { n_in: 1, n_out: 1, input_spikes: [], params: { dt: 0.1, duration: 1 } };
    expect(isReferenceCase(c)).toBe(true);
    expect(oneLine(() => referenceCaseToDescription(c))).toMatch(/^Brian2 reference case: weights is missing/);
  });
});
