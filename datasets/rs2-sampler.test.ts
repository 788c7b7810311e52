import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import { parsePluginSpec } from '../engine/registry.js';
import { RngStream } from '../engine/rng.js';
import { Rs2Sampler } from './rs2-sampler.js';
import { createSampler, samplers, type Sampler } from './sampler.js';

/** Labels 0..4 in a fixed scattered pattern, for the stratified variant. */
const labelsFor = (count: number) => Uint8Array.from({ length: count }, (_, i) => (i * 7 + (i >> 2)) % 5);
const make = (count: number, seed: number, raw: Record<string, unknown> = {}): Rs2Sampler =>
  createSampler('rs2', { count, labels: labelsFor(count), rng: RngStream.derive(seed, 'sampler/rs2') }, raw) as Rs2Sampler;
const draw = (s: Sampler, n: number): number[] => Array.from({ length: n }, () => s.next());
const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('rs2 sampler', () => {
  it('coverage: with ratio 0.1 and N divisible by 10, rounds 1–10 (and 11–20) hold every index exactly once', () => {
    for (const count of [10, 50, 1000]) {
      const s = make(count, 3, { ratio: 0.1 });
      expect(s.roundSize).toBe(count / 10);
      const first = draw(s, count);
      expect(sorted(first)).toEqual(range(count));
      expect(s.round).toBe(10);
      const second = draw(s, count);
      expect(sorted(second)).toEqual(range(count));
      expect(second).not.toEqual(first); // a fresh permutation per cycle
    }
  });

  it('every round is a set of distinct indices, also when the round size does not divide N', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.boolean(), fc.integer({ min: 0, max: 1000 }), (count, ratio, replacement, seed) => {
        const s = make(count, seed, { ratio, replacement });
        const size = Math.max(1, Math.floor(ratio * count));
        expect(s.roundSize).toBe(size);
        for (let r = 0; r < 5; r++) {
          const round = draw(s, size);
          expect(new Set(round).size).toBe(size);
          for (const i of round) expect(i >= 0 && i < count).toBe(true);
        }
        if (!replacement) {
          // Without replacement no index repeats within one cycle of ⌊N/size⌋ rounds.
          const t = make(count, seed, { ratio });
          const cycle = draw(t, Math.floor(count / size) * size);
          expect(new Set(cycle).size).toBe(cycle.length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('stratified: every round holds ⌊ratio·n_k⌋ of each class; without replacement rounds 1–10 cover every index once', () => {
    const sizes = [50, 30, 20, 100];
    const labels = Uint8Array.from(sizes.flatMap((n, k) => new Array<number>(n).fill(k))).reverse();
    const count = labels.length;
    for (const replacement of [false, true]) {
      const s = createSampler('rs2', { count, labels, rng: RngStream.derive(5, 'sampler/rs2') }, { ratio: 0.1, stratified: true, replacement }) as Rs2Sampler;
      expect(s.roundSize).toBe(20);
      const all: number[] = [];
      for (let r = 0; r < 10; r++) {
        const round = draw(s, 20);
        const perClass = [0, 0, 0, 0];
        for (const i of round) perClass[labels[i]!]!++;
        expect(perClass).toEqual([5, 3, 2, 10]);
        expect(new Set(round).size).toBe(20);
        all.push(...round);
      }
      if (!replacement) expect(sorted(all)).toEqual(range(count));
      else expect(new Set(all).size).toBeLessThan(count);
    }
    expect(() => createSampler('rs2', { count, rng: RngStream.derive(5, 'x') }, { stratified: true })).toThrow(/needs the class label/);
  });

  it('with replacement, rounds are independent subsets: indices recur before a full pass', () => {
    const s = make(100, 1, { ratio: 0.1, replacement: true });
    const seen = draw(s, 100);
    expect(new Set(seen).size).toBeLessThan(100);
  });

  it('determinism: same seed ⇒ same stream; another seed ⇒ another', () => {
    expect(draw(make(60, 7), 200)).toEqual(draw(make(60, 7), 200));
    expect(draw(make(60, 7), 60)).not.toEqual(draw(make(60, 8), 60));
  });

  it('property: saving the state (through JSON) and resuming equals never stopping', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.constantFrom(0.05, 0.1, 0.25, 0.3, 1),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        (count, ratio, replacement, stratified, seed, before, after) => {
          const opts = { ratio, replacement, stratified };
          const expected = draw(make(count, seed, opts), before + after);
          const first = make(count, seed, opts);
          const head = draw(first, before);
          const saved = JSON.parse(JSON.stringify(first.getState()));
          const resumed = make(count, (seed ^ 0x5a5a) >>> 0, opts);
          resumed.setState(saved);
          expect(resumed.round).toBe(first.round);
          expect([...head, ...draw(resumed, after)]).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a state saved with other options', () => {
    const s = make(50, 1, { ratio: 0.2 });
    expect(() => make(50, 1, { ratio: 0.1 }).setState(s.getState())).toThrow(/ratio 0.2/);
  });

  it('planned rounds and iterations follow the real number of draws', () => {
    const s = make(60000, 1, { ratio: 0.1 });
    expect(s.plannedRounds(60000)).toBe(10);
    expect(s.plannedRounds(60001)).toBe(11);
    // 6000 per round in batches of 128: ⌈6000/128⌉ = 47 per round; 5 × N draws = 50 rounds.
    expect(s.plannedIterations(5 * 60000, 128)).toBe(50 * 47);
    expect(s.plannedIterations(6000 + 100, 128)).toBe(47 + 1);
  });

  it('is registered with its options, parsed from a command-line spec; bad options are one-line errors', () => {
    expect(samplers.entry('rs2').options.ratio!.default).toBe(0.1);
    const spec = parsePluginSpec('rs2:ratio=0.25', 'sampler');
    const s = createSampler(spec.name, { count: 40, rng: RngStream.derive(1, 'x') }, spec.options) as Rs2Sampler;
    expect(s.roundSize).toBe(10);
    expect(() => createSampler('rs2', { count: 40, rng: RngStream.derive(1, 'x') }, { ratio: '0' })).toThrow(/ratio' must be > 0/);
    let err: unknown;
    try {
      createSampler('rs2', { count: 40, rng: RngStream.derive(1, 'x') }, { ratoi: '0.1' });
    } catch (e) {
      err = e;
    }
    expect((err as SnnError).hint).toMatch(/did you mean 'ratio'/);
    expect(() => createSampler('rs2', { count: 40 })).toThrow(/needs a random stream/);
  });
});
