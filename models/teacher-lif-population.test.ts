/**
 * TeacherLifPopulation: while a teacher drives it, each neuron fires as a Bernoulli process with
 * probability p/(1 − p) per live step (p = r·dt) and one dead step after each spike, so that its
 * long-run rate is exactly r; input is drained, not applied; a teacher spike leaves v at rest. With
 * the teacher off it is an ordinary LIF population.
 */
import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { fakePopulation } from '../test/helpers/run-network.js';
import { LIF_DEFAULTS, type LifParams } from './lif.js';
import { LifPopulation } from './lif-population.js';
import { Network } from './network.js';
import { DenseProjection } from './projection.js';
import { TeacherLifPopulation } from './teacher-lif-population.js';

const DT = 0.5;
const PARAMS: LifParams = { ...LIF_DEFAULTS, vRest: -65, vReset: -70, vThresh: -50, iBias: 20, refractory: 1 };

/** A teacher population of `n` fed by a pre population that fires every neuron in the steps `drive(s)` says. */
function rig(n: number, drive: (s: number) => boolean, weight: number) {
  const net = new Network(DT, 'f64');
  const pre = net.addPopulation(
    fakePopulation('pre', 1, {
      threshold(s: number) {
        pre.spikes.ids[0] = 0;
        pre.spikes.count = drive(s) ? 1 : 0;
      },
    }),
  );
  const pop = net.addPopulation(new TeacherLifPopulation('sl', n, PARAMS, DT, 'f64', -60));
  net.addProjection(new DenseProjection('pre->sl', pre, pop, 'v', new Float64Array(n).fill(weight), 0, null));
  net.finalize();
  const spikes: number[][] = [];
  const steps = (k: number) => {
    for (let s = 0; s < k; s++) {
      net.runSteps(1);
      spikes.push(Array.from(pop.spikes.ids.subarray(0, pop.spikes.count)));
    }
  };
  return { net, pop, spikes, steps };
}

describe('TeacherLifPopulation', () => {
  it('fires at the teacher rate exactly in the long run, with one dead step after each spike', () => {
    const rate = 300; // Hz: p = 0.15 per step, p/(1 − p) ≈ 0.176 per live step
    const n = 20;
    const r = rig(n, () => false, 0);
    r.pop.setTeacher(new Float64Array(n).fill(rate), RngStream.derive(1, 'teacher-rate'));
    expect(r.pop.teaching).toBe(true);
    const steps = 10000;
    r.steps(steps);
    const p = rate * DT * 1e-3;
    const total = r.spikes.flat().length;
    expect(Math.abs(total - n * steps * p)).toBeLessThan(5 * Math.sqrt(n * steps * p));
    const last = new Array<number>(n).fill(-10);
    const isi: number[] = [];
    r.spikes.forEach((ids, s) => {
      for (const i of ids) {
        if (last[i]! >= 0) isi.push(s - last[i]!);
        last[i] = s;
      }
    });
    expect(Math.min(...isi)).toBe(2);
    const atTwo = isi.filter((x) => x === 2).length / isi.length;
    const pl = p / (1 - p);
    expect(Math.abs(atTwo - pl)).toBeLessThan(5 * Math.sqrt((pl * (1 - pl)) / isi.length));
  });

  it('per-neuron rates, and one draw per neuron per step: a neighbour’s rate does not change a neuron’s train', () => {
    const a = rig(2, () => false, 0);
    a.pop.setTeacher(Float64Array.of(200, 0), RngStream.derive(2, 'teacher-align'));
    a.steps(3000);
    const b = rig(2, () => false, 0);
    b.pop.setTeacher(Float64Array.of(200, 900), RngStream.derive(2, 'teacher-align'));
    b.steps(3000);
    const of = (sp: number[][], i: number) => sp.map((ids, s) => (ids.includes(i) ? s : -1)).filter((s) => s >= 0);
    expect(of(a.spikes, 1)).toEqual([]);
    expect(of(b.spikes, 0)).toEqual(of(a.spikes, 0));
    expect(of(b.spikes, 1).length).toBeGreaterThan(500);
  });

  it('drains its input while teaching and leaves v at rest after a teacher spike; integrates again when the teacher is off', () => {
    const r = rig(6, (s) => s < 400, 30); // 30 mV into every neuron each step while teaching
    r.pop.setTeacher(Float64Array.of(0, 0, 0, 400, 400, 400), RngStream.derive(3, 'teacher-drain'));
    r.steps(400);
    // Nothing integrated, no input applied: neurons that never fired still sit at v0, the others at rest.
    expect(Array.from(r.pop.v.subarray(0, 3))).toEqual([-60, -60, -60]);
    expect(Array.from(r.pop.v.subarray(3))).toEqual([-65, -65, -65]);
    expect(r.spikes.slice(0, 400).flat().filter((i) => i < 3)).toEqual([]);
    r.pop.setTeacher(null, null);
    expect(r.pop.teaching).toBe(false);
    const v = Array.from(r.pop.v);
    r.steps(1);
    // An ordinary LIF step (iBias drive, no input left in the rings) for the neurons the teacher kept
    // silent, as a plain population computes it; the others may still be refractory.
    const plain = new LifPopulation('plain', 6, PARAMS, DT, 'f64', Float64Array.from(v));
    plain.integrate(400);
    plain.threshold(400);
    expect(Array.from(r.pop.v.subarray(0, 3))).toEqual(Array.from(plain.v.subarray(0, 3)));
    expect(r.pop.v[0]).not.toBe(-60);
  });

  it('with the teacher off it is the LIF population it extends (spikes, reset to vReset, refractoriness)', () => {
    const t = rig(3, (s) => s % 7 === 0, 9);
    const net = new Network(DT, 'f64');
    const pre = net.addPopulation(
      fakePopulation('pre', 1, {
        threshold(s: number) {
          pre.spikes.ids[0] = 0;
          pre.spikes.count = s % 7 === 0 ? 1 : 0;
        },
      }),
    );
    const plain = net.addPopulation(new LifPopulation('sl', 3, PARAMS, DT, 'f64', -60));
    net.addProjection(new DenseProjection('pre->sl', pre, plain, 'v', new Float64Array(3).fill(9), 0, null));
    net.finalize();
    t.steps(300);
    const spikes: number[][] = [];
    for (let s = 0; s < 300; s++) {
      net.runSteps(1);
      spikes.push(Array.from(plain.spikes.ids.subarray(0, plain.spikes.count)));
    }
    expect(t.spikes).toEqual(spikes);
    expect(spikes.flat().length).toBeGreaterThan(10);
    expect(Array.from(t.pop.v)).toEqual(Array.from(plain.v));
  });

  it('refuses rates the dead step cannot give and a teacher without a random stream', () => {
    const pop = new TeacherLifPopulation('sl', 2, PARAMS, DT, 'f64', -60);
    const rng = RngStream.derive(4, 'teacher-bad');
    for (const bad of [1000, 5000, -1, NaN]) {
      expect(() => pop.setTeacher(Float64Array.of(10, bad), rng)).toThrow(
        expect.objectContaining({ code: 'config.invalid', message: `teacher rate ${bad} Hz is outside [0, 1000) Hz at dt = 0.5 ms`, hint: 'lower the teacher rate or the time step' }),
      );
    }
    expect(() => pop.setTeacher(Float64Array.of(999, 0), rng)).not.toThrow();
    expect(() => pop.setTeacher(Float64Array.of(1), null)).toThrow(expect.objectContaining({ code: 'internal', message: 'a teacher needs a random stream', hint: 'pass an RngStream' }));
    expect(pop.kind).toBe('lif');
  });
});
