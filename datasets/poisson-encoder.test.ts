import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { imageOf, loadDataset } from './dataset.js';
import {
  bernoulliReference,
  PoissonEncoder,
  stepSpikesToTrain,
  type PoissonEncoderOptions,
  type StepSpikes,
} from './poisson-encoder.js';

const HAO: PoissonEncoderOptions = { size: 784, dt: 0.5, durationMs: 350 };
const mnist = loadDataset('mnist', 'test', { env: {} });
const image = imageOf(mnist, 0); // a "7"

/** Per-input spike counts of one presentation. */
function counts(s: StepSpikes, size: number, into = new Float64Array(size)): Float64Array {
  for (let k = 0; k < s.count; k++) into[s.ids[k]!]!++;
  return into;
}

function checkLayout(s: StepSpikes): void {
  expect(s.stepStart[0]).toBe(0);
  expect(s.stepStart[s.steps]).toBe(s.count);
  let bad = 0; // counted, not asserted per spike: expect() per element is slow
  for (let n = 0; n < s.steps; n++) {
    const a = s.stepStart[n]!;
    const b = s.stepStart[n + 1]!;
    if (b < a) bad++;
    // strictly ascending within a step ⇒ sorted and at most one spike per input per step
    for (let k = a + 1; k < b; k++) if (s.ids[k]! <= s.ids[k - 1]!) bad++;
  }
  expect(bad).toBe(0);
}

/** Same-content copy (the encoder's output is overwritten by its next call). */
const snapshot = (s: StepSpikes) => ({ start: [...s.stepStart], ids: [...s.ids.subarray(0, s.count)] });

describe('PoissonEncoder', () => {
  it('rate r = pixel/8 × intensity: 63.75 Hz max at intensity 2', () => {
    const enc = new PoissonEncoder(HAO);
    expect(enc.steps).toBe(700);
    expect(enc.rateOf(255, 2)).toBe(63.75);
    expect(enc.rateOf(255, 32)).toBe(1020);
  });

  it('mean count per pixel matches the per-step probability 1 − e^(−r·dt) (≈ r·T/1000) over many presentations', () => {
    const enc = new PoissonEncoder(HAO);
    const rng = RngStream.derive(1, 'test/encoder-mean');
    const M = 400;
    const sum = new Float64Array(784);
    for (let m = 0; m < M; m++) counts(enc.encode(image, 2, rng), 784, sum);
    let zExceed = 0;
    let obsTotal = 0;
    let expTotal = 0;
    let naiveTotal = 0;
    for (let i = 0; i < 784; i++) {
      const r = enc.rateOf(image[i]!, 2);
      const p = -Math.expm1((-r * 0.5) / 1000);
      const mean = M * 700 * p;
      const sd = Math.sqrt(M * 700 * p * (1 - p));
      if (r === 0) expect(sum[i]).toBe(0);
      else if (Math.abs(sum[i]! - mean) > 4.5 * sd) zExceed++;
      obsTotal += sum[i]!;
      expTotal += mean;
      naiveTotal += (M * r * 350) / 1000;
    }
    expect(zExceed).toBe(0);
    // Aggregate over all pixels: tight (≈ 0.1 % standard error here).
    expect(Math.abs(obsTotal - expTotal) / expTotal).toBeLessThan(0.005);
    // The merge makes the rate at most 1.6 % below the nominal r·T at intensity 2.
    expect(obsTotal / naiveTotal).toBeGreaterThan(0.975);
    expect(obsTotal / naiveTotal).toBeLessThan(1);
  });

  it('zero pixels never spike, even at the maximum intensity', () => {
    const enc = new PoissonEncoder(HAO);
    const rng = RngStream.derive(2, 'test/encoder-zero');
    for (let m = 0; m < 20; m++) {
      const s = enc.encode(image, 32, rng);
      expect(s.count).toBeGreaterThan(1000);
      let fromZero = 0;
      for (let k = 0; k < s.count; k++) if (image[s.ids[k]!] === 0) fromZero++;
      expect(fromZero).toBe(0);
    }
  });

  it('same seed ⇒ identical output; different seed ⇒ different output', () => {
    const a = snapshot(new PoissonEncoder(HAO).encode(image, 2, RngStream.derive(5, 'enc')));
    const b = snapshot(new PoissonEncoder(HAO).encode(image, 2, RngStream.derive(5, 'enc')));
    const c = snapshot(new PoissonEncoder(HAO).encode(image, 2, RngStream.derive(6, 'enc')));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('output is CSR by step, ids ascending within each step, and buffers are reused once warm', () => {
    const enc = new PoissonEncoder({ ...HAO, initialCapacity: 16 }); // force growth
    const rng = RngStream.derive(3, 'test/encoder-layout');
    const first = enc.encode(image, 32, rng);
    checkLayout(first);
    const ids = first.ids;
    const start = first.stepStart;
    for (let m = 0; m < 5; m++) {
      const s = enc.encode(image, 2, rng);
      checkLayout(s);
      expect(s).toBe(first); // the same result object...
      expect(s.ids).toBe(ids); // ...and no new arrays once the capacity suffices
      expect(s.stepStart).toBe(start);
    }
  });

  it('merge rule: a second event inside a step is dropped, so P(spike in step) = 1 − e^(−λ)', () => {
    // λ = 2 events per step: unmerged there would be 2 per step; merged, 1 − e^(−2) ≈ 0.8647.
    const dt = 0.5;
    const size = 50;
    const rate = (2 * 1000) / dt;
    const enc = new PoissonEncoder({ size, dt, durationMs: 100 });
    const rates = new Float64Array(size).fill(rate);
    const rng = RngStream.derive(4, 'test/encoder-merge');
    let spikes = 0;
    const M = 40;
    for (let m = 0; m < M; m++) {
      const s = enc.encodeRates(rates, rng);
      checkLayout(s); // at most one spike per input per step
      spikes += s.count;
    }
    const trials = M * size * enc.steps;
    const p = 1 - Math.exp(-2);
    expect(Math.abs(spikes / trials - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / trials));
  });

  it.each<[string, Partial<PoissonEncoderOptions>]>([
    ['exponential, no refractory', {}],
    ['linear p = r·dt (GeNN Poi threshold)', { stepProbability: 'linear' }],
    ['linear with the Poi forced-reset step', { stepProbability: 'linear', deadSteps: 1 }],
  ])('event-driven and Bernoulli-per-step reference agree in distribution: %s', (_name, extra) => {
    const opts: PoissonEncoderOptions = { ...HAO, durationMs: 100, ...extra };
    const enc = new PoissonEncoder(opts);
    // High intensity so the per-step probability, merge and refractory effects are all large.
    const intensity = 24;
    const ev = RngStream.derive(9, 'test/ev');
    const be = RngStream.derive(9, 'test/bern');
    const M = 60;
    const evCount = new Float64Array(784);
    const beCount = new Float64Array(784);
    let evAdjacent = 0;
    for (let m = 0; m < M; m++) {
      const s = enc.encode(image, intensity, ev);
      counts(s, 784, evCount);
      // adjacent-step spikes of the same input (must be 0 with a refractory step)
      const prev = new Set<number>();
      for (let n = 0; n < s.steps; n++) {
        const cur = new Set<number>();
        for (let k = s.stepStart[n]!; k < s.stepStart[n + 1]!; k++) {
          if (prev.has(s.ids[k]!)) evAdjacent++;
          cur.add(s.ids[k]!);
        }
        prev.clear();
        for (const x of cur) prev.add(x);
      }
      const r = bernoulliReference(opts, image, intensity, be);
      checkLayout(r);
      counts(r, 784, beCount);
    }
    // Compare totals over the bright pixels (≥ 200), where every effect is strongest.
    let evSum = 0;
    let beSum = 0;
    let n = 0;
    for (let i = 0; i < 784; i++) {
      if (image[i]! >= 200) {
        evSum += evCount[i]!;
        beSum += beCount[i]!;
        n++;
      }
    }
    const lam = enc.rateOf(255, intensity) * 0.5 / 1000; // ≈ 0.38 per step
    expect(n).toBeGreaterThan(50);
    // Binomial-ish sd of a total ~ sqrt(total); two independent totals ⇒ × √2; 5σ bound.
    expect(Math.abs(evSum - beSum)).toBeLessThan(5 * Math.sqrt(2 * beSum));
    if (extra.deadSteps === 1) expect(evAdjacent).toBe(0);
    else expect(evAdjacent).toBeGreaterThan(0);
    expect(lam).toBeGreaterThan(0.3);
  });

  it('linear mode saturates at p = 1: an input with r·dt ≥ 1 spikes every allowed step', () => {
    const enc = new PoissonEncoder({ size: 2, dt: 1, durationMs: 10, stepProbability: 'linear', deadSteps: 1 });
    const s = enc.encodeRates([2000, 0], RngStream.derive(1, 'x'));
    expect([...s.ids.subarray(0, s.count)]).toEqual([0, 0, 0, 0, 0]);
    expect([...s.stepStart]).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('converts to the columnar { times, ids } layout', () => {
    const enc = new PoissonEncoder({ size: 3, dt: 0.5, durationMs: 3 });
    const s = enc.encodeRates([4000, 0, 4000], RngStream.derive(1, 'cols'));
    const { times, ids } = stepSpikesToTrain(s, 0.5, 100);
    expect(times.length).toBe(s.count);
    expect([...ids]).toEqual([...s.ids.subarray(0, s.count)]);
    for (let n = 0; n < s.steps; n++) {
      for (let k = s.stepStart[n]!; k < s.stepStart[n + 1]!; k++) expect(times[k]).toBe(100 + n * 0.5);
    }
  });

  it('rejects bad configuration with SnnErrors', () => {
    expect(() => new PoissonEncoder({ size: 784, dt: 0.3, durationMs: 350.2 })).toThrow(/whole number of dt/);
    expect(() => new PoissonEncoder({ size: 0, dt: 0.5, durationMs: 350 })).toThrow(/size/);
    const enc = new PoissonEncoder(HAO);
    expect(() => enc.encode(new Uint8Array(10), 2, RngStream.derive(1, 'x'))).toThrow(/784 inputs was given 10/);
    expect(() => enc.encode(image, -1, RngStream.derive(1, 'x'))).toThrow(/intensity/);
  });
});
