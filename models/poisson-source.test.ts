/**
 * PoissonSource on the dt grid: per-step spike probability q = 1 − e^{−r·dt} (merged spikes), the
 * inter-spike intervals in steps geometric (P(ISI = D + 1 + j) = (1 − q)^j·q with D dead steps),
 * ids ascending and unique within a step, rate changes from a given step, rates too high for the
 * grid, intervals longer than the calendar's horizon, and the refusals. Seeded: deterministic.
 */
import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { PoissonSource } from './poisson-source.js';

function run(src: PoissonSource, from: number, steps: number): number[][] {
  const out: number[][] = [];
  for (let s = from; s < from + steps; s++) {
    src.threshold(s);
    out.push(Array.from(src.spikes.ids.subarray(0, src.spikes.count)));
  }
  return out;
}

/** Per neuron, the intervals (steps) between its consecutive spikes, and its spike count. */
function intervals(trains: number[][], size: number): { isi: number[]; counts: number[] } {
  const last = new Array<number>(size).fill(-1);
  const counts = new Array<number>(size).fill(0);
  const isi: number[] = [];
  trains.forEach((ids, s) => {
    for (const i of ids) {
      if (last[i]! >= 0) isi.push(s - last[i]!);
      last[i] = s;
      counts[i]!++;
    }
  });
  return { isi, counts };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('PoissonSource', () => {
  it('spikes with probability 1 − e^{−r·dt} per step, geometric intervals, ids ascending and unique', () => {
    const dt = 0.5;
    const rate = 200; // Hz: q ≈ 0.095
    const n = 10;
    const steps = 20000;
    const src = new PoissonSource('p', n, dt, RngStream.derive(1, 'poisson-test'), rate);
    expect(src.kind).toBe('poisson');
    const trains = run(src, 0, steps);
    for (const ids of trains) for (let k = 1; k < ids.length; k++) expect(ids[k]!).toBeGreaterThan(ids[k - 1]!);
    const q = 1 - Math.exp(-rate * dt * 1e-3);
    const { isi, counts } = intervals(trains, n);
    const total = counts.reduce((a, b) => a + b, 0);
    const sd = Math.sqrt(n * steps * q * (1 - q));
    expect(Math.abs(total - n * steps * q)).toBeLessThan(5 * sd);
    // Geometric intervals: mean 1/q, P(ISI = 1) = q.
    const m = mean(isi);
    expect(Math.abs(m - 1 / q)).toBeLessThan((5 * Math.sqrt(1 - q)) / q / Math.sqrt(isi.length));
    const p1 = isi.filter((x) => x === 1).length / isi.length;
    expect(Math.abs(p1 - q)).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / isi.length));
    expect(src.step).toBe(steps);
  });

  // dt = 0.5 as well: the dead time ends at (step + 1 + deadSteps)·dt ms, which only a dt ≠ 1 tells from a division.
  for (const [dead, dt] of [[1, 1], [3, 1], [2, 0.5]] as const) {
    it(`deadSteps = ${dead}, dt = ${dt} ms: no spike in the ${dead} step(s) after one, then geometric again`, () => {
      const rate = 150;
      const n = 8;
      const src = new PoissonSource('p', n, dt, RngStream.derive(2, 'poisson-dead'), rate, dead);
      expect(src.deadSteps).toBe(dead);
      const { isi } = intervals(run(src, 0, 20000), n);
      const q = 1 - Math.exp(-rate * dt * 1e-3);
      expect(Math.min(...isi)).toBe(dead + 1);
      const m = mean(isi);
      expect(Math.abs(m - (dead + 1 / q))).toBeLessThan((5 * Math.sqrt(1 - q)) / q / Math.sqrt(isi.length));
      const atMin = isi.filter((x) => x === dead + 1).length / isi.length;
      expect(Math.abs(atMin - q)).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / isi.length));
    });
  }

  it('per-neuron rates; rate 0 never fires; new rates apply from the given step', () => {
    const dt = 0.5;
    const src = new PoissonSource('p', 3, dt, RngStream.derive(3, 'poisson-rates'), Float64Array.of(0, 100, 400));
    const a = intervals(run(src, 0, 20000), 3).counts;
    expect(a[0]).toBe(0);
    for (const [i, r] of [[1, 100], [2, 400]] as const) {
      const q = 1 - Math.exp(-r * dt * 1e-3);
      expect(Math.abs(a[i]! - 20000 * q)).toBeLessThan(5 * Math.sqrt(20000 * q * (1 - q)));
    }
    expect(Array.from(src.stateVariables().rate)).toEqual([0, 100, 400]);
    src.setRates([300, 0, 0], 20000);
    expect(Array.from(src.rates)).toEqual([300, 0, 0]);
    expect(src.step).toBe(20000);
    const b = intervals(run(src, 20000, 20000), 3).counts;
    expect(b[1]).toBe(0);
    expect(b[2]).toBe(0);
    const q = 1 - Math.exp(-300 * dt * 1e-3);
    expect(Math.abs(b[0]! - 20000 * q)).toBeLessThan(5 * Math.sqrt(20000 * q * (1 - q)));
    src.setRates(0, 40000);
    expect(intervals(run(src, 40000, 3000), 3).counts).toEqual([0, 0, 0]);
  });

  it('a rate set at step k gives no spike before k and the right rate after', () => {
    const src = new PoissonSource('p', 50, 1, RngStream.derive(4, 'poisson-from'), 0);
    src.setRates(500, 100);
    const trains = run(src, 100, 400);
    const q = 1 - Math.exp(-0.5);
    const total = trains.flat().length;
    expect(Math.abs(total - 50 * 400 * q)).toBeLessThan(5 * Math.sqrt(50 * 400 * q * (1 - q)));
    // The first step already has its share of spikes (memoryless from step 100 on).
    const first = trains.slice(0, 20).flat().length;
    expect(Math.abs(first - 50 * 20 * q)).toBeLessThan(5 * Math.sqrt(50 * 20 * q * (1 - q)));
  });

  // The first spike after setRates (or construction) at step k: memoryless, so it falls on step k + j
  // with P(j) = (1 − q)^j·q, mean (1 − q)/q and variance (1 − q)/q². dt = 0.5 ms, so that a spike
  // time in ms filed as a step number without dividing by dt would show.
  for (const k of [0, 100]) {
    it(`the first spike after rates are set at step ${k} is geometric from step ${k}`, () => {
      const dt = 0.5;
      const rate = 50; // Hz: q ≈ 0.0247, mean offset ≈ 40 steps
      const n = 4000;
      const src = new PoissonSource('p', n, dt, RngStream.derive(10, 'poisson-first'), k === 0 ? rate : 0);
      if (k > 0) {
        run(src, 0, k);
        src.setRates(rate, k);
      }
      const first = new Array<number>(n).fill(-1);
      run(src, k, 800).forEach((ids, j) => {
        for (const i of ids) if (first[i]! < 0) first[i] = j;
      });
      expect(first.every((j) => j >= 0)).toBe(true); // P(no spike in 800 steps) ≈ 2·10⁻⁹ per neuron
      const q = 1 - Math.exp(-rate * dt * 1e-3);
      const atZero = first.filter((j) => j === 0).length / n;
      expect(Math.abs(atZero - q)).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / n));
      expect(Math.abs(mean(first) - (1 - q) / q)).toBeLessThan((5 * Math.sqrt(1 - q)) / q / Math.sqrt(n));
    });
  }

  it('intervals longer than the calendar horizon (1024 steps) keep their length', () => {
    const dt = 1;
    const rate = 0.4; // Hz: mean interval 2500 steps
    const n = 40;
    const src = new PoissonSource('p', n, dt, RngStream.derive(5, 'poisson-horizon'), rate);
    const { isi, counts } = intervals(run(src, 0, 100000), n);
    const q = 1 - Math.exp(-rate * dt * 1e-3);
    const total = counts.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - n * 100000 * q)).toBeLessThan(5 * Math.sqrt(n * 100000 * q));
    expect(isi.filter((x) => x > 1024).length).toBeGreaterThan(isi.length / 3);
    expect(Math.abs(mean(isi) - 1 / q)).toBeLessThan((5 / q) / Math.sqrt(isi.length));
  });

  it('rates beyond 32 expected spikes per step fire every step (and finish)', () => {
    for (const dead of [0, 1]) {
      const src = new PoissonSource('p', 4, 1, RngStream.derive(6, 'poisson-absurd'), 1e9, dead);
      const trains = run(src, 0, 200);
      trains.forEach((ids, s) => expect(ids).toEqual(dead === 0 || s % 2 === 0 ? [0, 1, 2, 3] : []));
    }
    // 20 expected per step: the merging loop; still one spike per step.
    const src = new PoissonSource('p', 3, 1, RngStream.derive(7, 'poisson-high'), 20000);
    for (const ids of run(src, 0, 200)) expect(ids).toEqual([0, 1, 2]);
  });

  it('refuses negative, NaN and infinite rates and any input', () => {
    const rng = RngStream.derive(8, 'poisson-bad');
    for (const bad of [-1, NaN, Infinity]) {
      expect(() => new PoissonSource('p', 2, 1, rng, Float64Array.of(1, bad))).toThrow(
        expect.objectContaining({ code: 'config.invalid', message: `population 'p': rate of neuron 1 must be a finite number ≥ 0 Hz, got ${bad}`, hint: 'fix the rates' }),
      );
    }
    const src = new PoissonSource('p', 2, 1, rng, 1);
    expect(() => src.attachInput('exc')).toThrow(expect.objectContaining({ code: 'config.invalid', message: "population 'p' is a Poisson source and takes no input (channel 'exc')", hint: 'connect projections to a LIF population' }));
    expect(src.channels).toEqual([]);
  });

  it('the same seed gives the same trains', () => {
    const a = run(new PoissonSource('p', 5, 0.5, RngStream.derive(9, 'x'), 100, 1), 0, 2000);
    const b = run(new PoissonSource('p', 5, 0.5, RngStream.derive(9, 'x'), 100, 1), 0, 2000);
    expect(a).toEqual(b);
  });
});
