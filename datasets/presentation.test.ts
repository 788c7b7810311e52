import { describe, expect, it } from 'vitest';
import { nextIntensity, PRESENTATION_DEFAULTS, REPRESENTATION_DEFAULTS } from './presentation.js';

describe('presentation protocol', () => {
  it('has Hao et al.’s constants', () => {
    expect(PRESENTATION_DEFAULTS).toEqual({ presentMs: 350, restMs: 150, intensityStart: 2 });
    expect(REPRESENTATION_DEFAULTS).toEqual({ minSpikes: 5, step: 1, max: 32 });
  });

  it('a silent network sees intensities 2, 3, …, 32, then the sample is accepted', () => {
    const seen: number[] = [];
    let intensity: number | null = PRESENTATION_DEFAULTS.intensityStart;
    while (intensity !== null) {
      seen.push(intensity);
      intensity = nextIntensity(intensity, 0);
    }
    expect(seen).toEqual(Array.from({ length: 31 }, (_, i) => i + 2));
  });

  it('accepts as soon as the hidden layer emits at least minSpikes spikes', () => {
    expect(nextIntensity(2, 5)).toBeNull();
    expect(nextIntensity(2, 4)).toBe(3);
    expect(nextIntensity(17, 100)).toBeNull();
    expect(nextIntensity(31, 4)).toBe(32);
    expect(nextIntensity(32, 4)).toBeNull();
  });

  it('a step that does not divide the range still stops at the cap', () => {
    const rule = { minSpikes: 1, step: 4, max: 11 };
    expect(nextIntensity(2, 0, rule)).toBe(6);
    expect(nextIntensity(10, 0, rule)).toBe(11);
    expect(nextIntensity(11, 0, rule)).toBeNull();
  });

  it('rejects a rule that could loop forever', () => {
    expect(() => nextIntensity(2, 0, { minSpikes: 5, step: 0, max: 32 })).toThrow(/step > 0/);
  });
});
