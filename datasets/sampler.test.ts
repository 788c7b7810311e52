import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import { RngStream } from '../engine/rng.js';
import { createSampler, registerSampler, samplerNames, type Sampler } from './sampler.js';
import { SequentialSampler } from './sequential-sampler.js';

const make = (kind: string, count: number, seed: number): Sampler =>
  createSampler(kind, { count, rng: RngStream.derive(seed, 'sampler/train') });

const draw = (s: Sampler, n: number): number[] => Array.from({ length: n }, () => s.next());

describe('samplers', () => {
  it('sequential walks the set in order and wraps (Hao: images[k % count])', () => {
    const s = createSampler('sequential', { count: 3 });
    expect(draw(s, 7)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(s.epoch).toBe(2);
  });

  it('shuffled gives a fresh permutation every epoch, reproducible from the seed', () => {
    const s = make('shuffled', 50, 1);
    const e0 = draw(s, 50);
    expect(s.epoch).toBe(1);
    const e1 = draw(s, 50);
    const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
    const all = Array.from({ length: 50 }, (_, i) => i);
    expect(sorted(e0)).toEqual(all);
    expect(sorted(e1)).toEqual(all);
    expect(e1).not.toEqual(e0);
    expect(draw(make('shuffled', 50, 1), 100)).toEqual([...e0, ...e1]);
    expect(draw(make('shuffled', 50, 2), 50)).not.toEqual(e0);
  });

  it('property: stopping, saving the state (through JSON) and resuming equals never stopping', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sequential', 'shuffled'),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 150 }),
        fc.integer({ min: 1, max: 150 }),
        (kind, count, seed, before, after) => {
          const straight = make(kind, count, seed);
          const expected = draw(straight, before + after);

          const first = make(kind, count, seed);
          const head = draw(first, before);
          const saved = JSON.parse(JSON.stringify(first.getState()));
          // The resumed sampler is built with an unrelated stream: the state alone must suffice.
          const resumed = make(kind, count, (seed ^ 0x5a5a) >>> 0);
          resumed.setState(saved);
          expect(resumed.epoch).toBe(first.epoch);
          expect([...head, ...draw(resumed, after)]).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a state from another kind or data set size', () => {
    const seq = createSampler('sequential', { count: 10 });
    expect(() => seq.setState(make('shuffled', 10, 1).getState())).toThrow(/cannot resume a sequential/);
    expect(() => seq.setState(createSampler('sequential', { count: 11 }).getState())).toThrow(/over 11 samples/);
  });

  it('one registry: unknown names list the known ones, duplicates are rejected', () => {
    let err: unknown;
    try {
      createSampler('no-such-sampler', { count: 10 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SnnError);
    expect((err as SnnError).message).toBe('unknown sampler "no-such-sampler"');
    expect((err as SnnError).hint).toBe(`known samplers: ${samplerNames().join(', ')}`);
    expect(samplerNames()).toEqual(expect.arrayContaining(['sequential', 'shuffled']));
    expect(() => registerSampler('sequential', (o) => new SequentialSampler(o))).toThrow(/already registered/);
    registerSampler('test-reverse', (o) => {
      const inner = new SequentialSampler(o);
      return Object.assign(Object.create(inner) as Sampler, { next: () => o.count - 1 - inner.next() });
    });
    expect(draw(createSampler('test-reverse', { count: 3 }), 4)).toEqual([2, 1, 0, 2]);
  });

  it('shuffled without a random stream is a clear error', () => {
    expect(() => createSampler('shuffled', { count: 10 })).toThrow(/needs a random stream/);
    expect(() => createSampler('sequential', { count: 0 })).toThrow(/positive whole number/);
  });
});
