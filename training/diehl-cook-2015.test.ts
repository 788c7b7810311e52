/**
 * The diehl-cook-2015 system: graph parameters, determinism under a seed, frozen evaluation.
 */
import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import { buildDiehlCook2015, diehlCook2015Config } from '../models/zoo/diehl-cook-2015.js';
import { Presenter } from './presenter.js';
import type { PairStdp } from '../learning/pair-stdp.js';
import { buildTrainingSystem, type RecipeSystem } from './recipe-system.js';

/** A blob-like synthetic image (no dataset needed), the same for every call with the same seed. */
function image(seed: number): Uint8Array {
  const rng = RngStream.derive(seed, 'test/image');
  const img = new Uint8Array(784);
  for (let y = 8; y < 20; y++) for (let x = 10; x < 18; x++) img[y * 28 + x] = 128 + rng.int(128);
  return img;
}

function trainFew(seed: number, samples: number, kernels = true): { system: RecipeSystem; presentations: number } {
  const system = buildTrainingSystem('diehl-cook-2015', diehlCook2015Config('mnist', 12), seed, undefined, { kernels });
  const presenter = new Presenter(system, seed);
  const stage = system.stages[0]!;
  let presentations = 0;
  for (let s = 0; s < samples; s++) {
    system.setMode(stage);
    presentations += presenter.present(image(s), s % 10, s, stage, 'train').presentations;
  }
  return { system, presentations };
}

describe('diehl-cook-2015', () => {
  it('builds the graph of the authors’ script', () => {
    const g = buildDiehlCook2015(diehlCook2015Config('mnist', 20), 3);
    expect(g.exc.theta.every((t) => t === 20)).toBe(true);
    expect(g.exc.params.refractory).toBe(5);
    expect(g.exc.params.eInh).toBe(-100);
    expect(g.inh.params.eInh).toBe(-85);
    expect(g.exc.v[0]).toBe(-105);
    expect(g.inh.v[0]).toBe(-100);
    const w = g.p2e.weights;
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < w.length; k++) {
      lo = Math.min(lo, w[k]!);
      hi = Math.max(hi, w[k]!);
    }
    expect(lo).toBeGreaterThanOrEqual(0.003);
    expect(hi).toBeLessThan(0.303);
    const d = g.p2e.delays!;
    expect(Math.max(...d)).toBe(20);
    expect(Math.min(...d)).toBe(0);
    expect(g.net.schedule.describe().some((l) => l.includes('input->exc.propagate'))).toBe(true);
  });

  it('a small run is deterministic under a seed (byte-identical weights and θ)', () => {
    const a = trainFew(5, 4);
    const b = trainFew(5, 4);
    const wa = new Uint8Array(a.system.projection('input->exc').weights.buffer.slice(0));
    const wb = new Uint8Array(b.system.projection('input->exc').weights.buffer.slice(0));
    expect(Buffer.compare(Buffer.from(wa), Buffer.from(wb))).toBe(0);
    const th = (s: RecipeSystem) => Buffer.from(s.hidden.theta.buffer, s.hidden.theta.byteOffset, s.hidden.theta.byteLength);
    expect(Buffer.compare(th(a.system), th(b.system))).toBe(0);
    // Learning happened: θ rose above 20 for neurons that fired, and columns were rescaled to 78.
    expect(Math.max(...a.system.hidden.theta)).toBeGreaterThan(20);
    const c = trainFew(6, 4);
    expect(Buffer.compare(Buffer.from(wa), Buffer.from(new Uint8Array(c.system.projection('input->exc').weights.buffer.slice(0))))).not.toBe(0);
  });

  it('freezes weights and θ at test time', () => {
    const { system } = trainFew(2, 2);
    const w = Float64Array.from(system.projection('input->exc').weights);
    const th = system.hidden.theta.slice();
    system.setMode(null);
    const presenter = new Presenter(system, 9);
    presenter.present(image(1), 1, 0, null, 'test');
    expect(Float64Array.from(system.projection('input->exc').weights)).toEqual(w);
    expect(system.hidden.theta).toEqual(th);
  });

  it('stays bounded under a burst of synchronous inhibition (v clamped at −100 mV)', () => {
    const g = buildDiehlCook2015(diehlCook2015Config('mnist', 400), 1);
    const exc = g.exc;
    exc.v.fill(-65);
    exc.gi.fill(17 * 399); // every inhibitory neuron fired in one step
    for (let s = 0; s < 40; s++) {
      exc.integrate(s);
      exc.threshold(s);
      expect(exc.spikes.count).toBe(0);
      for (let i = 0; i < 4; i++) {
        expect(exc.v[i]).toBeGreaterThanOrEqual(-100);
        expect(exc.v[i]).toBeLessThan(-52);
      }
    }
  });

  it('the WebAssembly kernels (weights and input ring in their memory) train bit-identically to the JS loops', () => {
    const a = trainFew(4, 3, true);
    const b = trainFew(4, 3, false);
    expect((a.system.rule('pair-stdp', 'input->exc') as PairStdp).backend).toBe('wasm');
    expect((b.system.rule('pair-stdp', 'input->exc') as PairStdp).backend).toBe('js');
    const wa = a.system.projection('input->exc').weights;
    const wb = b.system.projection('input->exc').weights;
    expect(Buffer.from(wa.buffer, wa.byteOffset, wa.byteLength).equals(Buffer.from(wb.buffer, wb.byteOffset, wb.byteLength))).toBe(true);
    const ta = a.system.hidden.theta;
    const tb = b.system.hidden.theta;
    expect(Buffer.from(ta.buffer, ta.byteOffset, ta.byteLength).equals(Buffer.from(tb.buffer, tb.byteOffset, tb.byteLength))).toBe(true);
  });
});
