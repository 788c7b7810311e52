/**
 * sym-STDP closed forms that tell its options apart: unequal trace amplitudes (aPre ≠ aPost), a
 * trace time constant other than the default, and the weight bound. An isolated pair at lag Δt:
 *   pre first (post spike reads x_pre):  Δw = η·aPre·e^{−Δt/τ}
 *   post first (pre spike reads y_post): Δw = η·aPost·e^{−Δt/τ}
 */
import { describe, expect, it } from 'vitest';
import { LIF_DEFAULTS } from '../models/lif.js';
import { LifPopulation } from '../models/lif-population.js';
import { Network } from '../models/network.js';
import { DenseProjection } from '../models/projection.js';
import { SpikeSourceArray } from '../models/spike-source-array.js';
import { SymStdp, type SymStdpOptions } from './sym-stdp.js';

const dt = 0.5;

/** pre (1 source) → post (1 LIF fired by a strong driver spike); returns Δw and the post spike time. */
function pair(tPre: number, tDrive: number, opts: SymStdpOptions, w0 = 0.2) {
  const net = new Network(dt, 'f64');
  const pre = net.addPopulation(new SpikeSourceArray('pre', 1, [tPre], [0], dt));
  const driver = net.addPopulation(new SpikeSourceArray('driver', 1, [tDrive], [0], dt));
  const post = net.addPopulation(new LifPopulation('post', 1, { ...LIF_DEFAULTS, vThresh: -50 }, dt, 'f64', -65));
  const plastic = net.addProjection(new DenseProjection('pre->post', pre, post, 'v', new Float64Array([w0]), 0, null));
  net.addProjection(new DenseProjection('driver->post', driver, post, 'v', new Float64Array([100]), 0, null));
  net.finalize();
  const rule = new SymStdp(plastic, opts);
  rule.attach(net);
  const postTimes: number[] = [];
  net.addHooks({
    onSpike: (k, _ids, count, t) => {
      if (k === 2) for (let c = 0; c < count; c++) postTimes.push(t);
    },
  });
  net.run(120);
  expect(postTimes).toHaveLength(1);
  return { dw: plastic.weights[0]! - w0, tPost: postTimes[0]!, w: plastic.weights[0]!, rule };
}

describe('sym-STDP options', () => {
  const opts = { eta: 0.05, wMax: 1, aPre: 0.3, aPost: 0.07 };

  it('pre before post: the post spike reads the pre trace, Δw = η·aPre·e^{−Δt/τ}', () => {
    const { dw, tPost } = pair(10, 14.5, opts);
    expect(tPost).toBeGreaterThan(10);
    expect(dw).toBeCloseTo(0.05 * 0.3 * Math.exp(-(tPost - 10) / 20), 14);
  });

  it('post before pre: the pre spike reads the post trace, Δw = η·aPost·e^{−Δt/τ}', () => {
    const { dw, tPost } = pair(40, 12.5, opts);
    expect(tPost).toBeLessThan(40);
    expect(dw).toBeCloseTo(0.05 * 0.07 * Math.exp(-(40 - tPost) / 20), 14);
  });

  it('τ sets the decay of both traces', () => {
    const tau = 7;
    const a = pair(10, 14.5, { ...opts, tau });
    expect(a.dw).toBeCloseTo(0.05 * 0.3 * Math.exp(-(a.tPost - 10) / tau), 14);
    const b = pair(40, 12.5, { ...opts, tau });
    expect(b.dw).toBeCloseTo(0.05 * 0.07 * Math.exp(-(40 - b.tPost) / tau), 14);
  });

  it('η scales Δw linearly', () => {
    const one = pair(10, 14.5, opts).dw;
    const three = pair(10, 14.5, { ...opts, eta: 0.15 }).dw;
    expect(three).toBeCloseTo(3 * one, 14);
  });

  it('the defaults are τ = 20 ms and aPre = aPost = 0.1', () => {
    const r = pair(10, 14.5, { eta: 0.05, wMax: 1 });
    expect([r.rule.tau, r.rule.aPre, r.rule.aPost]).toEqual([20, 0.1, 0.1]);
    expect(r.dw).toBeCloseTo(0.05 * 0.1 * Math.exp(-(r.tPost - 10) / 20), 14);
  });

  it('wMax clips from above, exactly at the bound', () => {
    expect(pair(10, 14.5, { ...opts, eta: 10, wMax: 0.5 }).w).toBe(0.5);
    // below the bound nothing is clipped
    const free = pair(10, 14.5, { ...opts, wMax: 0.3 });
    expect(free.w).toBeLessThan(0.3);
    expect(free.w).toBeGreaterThan(0.2);
  });

  it('refuses negative or non-finite options', () => {
    const net = new Network(dt, 'f64');
    const pre = net.addPopulation(new SpikeSourceArray('pre', 1, [], [], dt));
    const post = net.addPopulation(new LifPopulation('post', 1, LIF_DEFAULTS, dt, 'f64', -65));
    const p = net.addProjection(new DenseProjection('p', pre, post, 'v', new Float64Array([0]), 0, null));
    expect(() => new SymStdp(p, { eta: -1, wMax: 1 })).toThrow(/sym-stdp eta must be a finite number ≥ 0, got -1/);
    expect(() => new SymStdp(p, { eta: 1, wMax: 1, aPost: Number.NaN })).toThrow(/aPost/);
  });
});
