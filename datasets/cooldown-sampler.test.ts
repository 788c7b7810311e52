import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { CooldownSampler, temperatureProbabilities } from './cooldown-sampler.js';
import { createSampler, samplers, type Sampler } from './sampler.js';

/** Labels with the given class sizes, interleaved so that classes are not contiguous. */
function labelsOf(sizes: number[]): Uint8Array {
  const out: number[] = [];
  const left = [...sizes];
  while (left.some((n) => n > 0)) for (let k = 0; k < left.length; k++) if (left[k]! > 0) { out.push(k); left[k]!--; }
  return Uint8Array.from(out);
}

const SIZES = [1000, 600, 360, 216, 130, 78, 47, 28, 17, 10];
const LABELS = labelsOf(SIZES);

const make = (kind: string, raw: Record<string, unknown>, seed = 1, plannedDraws = 100_000, labels: Uint8Array = LABELS): CooldownSampler =>
  createSampler(kind, { count: labels.length, labels, plannedDraws, rng: RngStream.derive(seed, `sampler/${kind}`) }, raw) as CooldownSampler;

function frequencies(s: Sampler, labels: Uint8Array, draws: number): number[] {
  const f = new Array<number>(10).fill(0);
  for (let i = 0; i < draws; i++) f[labels[s.next()]!]!++;
  return f.map((x) => x / draws);
}

describe('temperature and cooldown samplers', () => {
  it('p_k(τ) has its closed forms: τ = 1 is n_k/N, τ = 10⁶ uniform, τ = 1/2 ∝ n_k²', () => {
    const N = SIZES.reduce((a, b) => a + b, 0);
    const p1 = temperatureProbabilities(SIZES, 1);
    SIZES.forEach((n, k) => expect(p1[k]).toBeCloseTo(n / N, 12));
    temperatureProbabilities(SIZES, 1e6).forEach((p) => expect(p).toBeCloseTo(0.1, 4));
    const sq = SIZES.reduce((a, n) => a + n * n, 0);
    temperatureProbabilities(SIZES, 0.5).forEach((p, k) => expect(p).toBeCloseTo((SIZES[k]! * SIZES[k]!) / sq, 12));
    expect(temperatureProbabilities([5, 0, 5], 2)).toEqual(Float64Array.from([0.5, 0, 0.5]));
  });

  it('empirical class frequencies over 10⁵ draws are within ±1 % (absolute) of p_k(τ)', () => {
    for (const tau of [0.5, 1, 2, 5, 1e6]) {
      const f = frequencies(make('temperature', { tau }), LABELS, 100_000);
      const p = temperatureProbabilities(SIZES, tau);
      f.forEach((x, k) => expect(Math.abs(x - p[k]!)).toBeLessThan(0.01));
    }
    // τ = 1 reproduces the data set's own class shares, τ = 10⁶ samples classes uniformly.
    const N = LABELS.length;
    frequencies(make('temperature', { tau: 1 }, 2), LABELS, 100_000).forEach((x, k) => expect(Math.abs(x - SIZES[k]! / N)).toBeLessThan(0.01));
    frequencies(make('temperature', { tau: 1e6 }, 3), LABELS, 100_000).forEach((x) => expect(Math.abs(x - 0.1)).toBeLessThan(0.01));
  });

  it('within a class, samples come without replacement: each pass over a class visits each member once', () => {
    const s = make('temperature', { tau: 1e6 });
    const byClass: number[][] = SIZES.map(() => []);
    for (let i = 0; i < 2000; i++) {
      const idx = s.next();
      byClass[LABELS[idx]!]!.push(idx);
    }
    byClass.forEach((seq, k) => {
      const n = SIZES[k]!;
      for (let start = 0; start + n <= seq.length; start += n) expect(new Set(seq.slice(start, start + n)).size).toBe(n);
    });
  });

  it('cooldown: τ = tau before switchAt, tauEnd after (step); linear moves 1/τ linearly', () => {
    const step = make('cooldown', { tau: 10, tauEnd: 1, switchAt: 0.5 }, 1, 1000);
    expect(step.tauAt(0)).toBe(10);
    expect(step.tauAt(499)).toBe(10);
    expect(step.tauAt(500)).toBe(1);
    const lin = make('cooldown', { tau: 10, tauEnd: 1, switchAt: 0.5, shape: 'linear' }, 1, 1000);
    expect(1 / lin.tauAt(250)).toBeCloseTo(0.5 * (1 / 10) + 0.5 * 1, 12);
    expect(lin.tauAt(600)).toBe(1);
    // The frequencies follow the schedule: uniform-ish in the first half, proportional after it.
    const s = make('cooldown', { tau: 1e6, tauEnd: 1, switchAt: 0.5 }, 4, 200_000);
    frequencies(s, LABELS, 100_000).forEach((x) => expect(Math.abs(x - 0.1)).toBeLessThan(0.01));
    const N = LABELS.length;
    frequencies(s, LABELS, 100_000).forEach((x, k) => expect(Math.abs(x - SIZES[k]! / N)).toBeLessThan(0.01));
  });

  it('property: resuming from a JSON state equals never stopping; same seed ⇒ same stream', () => {
    fc.assert(
      fc.property(fc.constantFrom('temperature', 'cooldown'), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 400 }), (kind, seed, before, after) => {
        const raw = kind === 'cooldown' ? { tau: 4, switchAt: 0.3, shape: 'linear' } : { tau: 2 };
        const straight = make(kind, raw, seed, 800);
        const expected = Array.from({ length: before + after }, () => straight.next());
        const first = make(kind, raw, seed, 800);
        const head = Array.from({ length: before }, () => first.next());
        const resumed = make(kind, raw, (seed ^ 0x1234) >>> 0, 800);
        resumed.setState(JSON.parse(JSON.stringify(first.getState())));
        expect([...head, ...Array.from({ length: after }, () => resumed.next())]).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('registered with option schemas; missing labels or planned draws are one-line errors', () => {
    expect(Object.keys(samplers.entry('cooldown').options).sort()).toEqual(['shape', 'switchAt', 'tau', 'tauEnd']);
    expect(samplers.entry('temperature').options.tau!.default).toBe(1);
    const rng = RngStream.derive(1, 'x');
    expect(() => createSampler('temperature', { count: 3, rng })).toThrow(/needs the class label/);
    expect(() => createSampler('cooldown', { count: 3, rng, labels: [0, 1, 1] })).toThrow(/planned number of draws/);
    expect(() => createSampler('cooldown', { count: 3, rng, labels: [0, 1, 1], plannedDraws: 10 }, { tau: '-1' })).toThrow(/tau' must be > 0/);
  });
});
