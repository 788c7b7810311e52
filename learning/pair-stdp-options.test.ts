/**
 * Pair STDP closed forms with every option away from its default and all time constants distinct,
 * so that a swapped rate or time constant changes the answer:
 *   post first (post at 0, pre arrives at a):     Δw = −ν_pre·e^{−a/τpost1}
 *   pre first (arrival at P, post at P + L, previous post spike at 0):
 *                                                 Δw = +ν_post·e^{−L/τpre}·e^{−(P+L)/τpost2}
 */
import { describe, expect, it } from 'vitest';
import { LIF_DEFAULTS } from '../models/lif.js';
import { LifPopulation } from '../models/lif-population.js';
import { Network } from '../models/network.js';
import { DenseProjection } from '../models/projection.js';
import { ReplaySource } from '../models/replay-source.js';
import { PairStdp, type PairStdpOptions } from './pair-stdp.js';

const DT = 0.5;
const OPTS: PairStdpOptions = { nuPre: 0.003, nuPost: 0.07, tauPre: 11, tauPost1: 5, tauPost2: 29, wMax: 0.8 };

/** One pre (replayed) → one post (never driven to fire), stepped by hand. */
function rig(w0: number, opts: PairStdpOptions) {
  const net = new Network(DT, 'f64');
  const pre = net.addPopulation(new ReplaySource('pre', 1));
  const params = { ...LIF_DEFAULTS, synapse: 'conductance' as const, method: 'euler' as const, vThresh: 1e6 };
  const post = net.addPopulation(new LifPopulation('post', 1, params, DT, 'f64', -65));
  const w = new Float64Array(1).fill(w0);
  const proj = net.addProjection(new DenseProjection('pre->post', pre, post, 'exc', w, 0, null));
  net.finalize();
  const rule = new PairStdp(proj, opts);
  rule.attach(net);
  const step = (s: number, preSpike: boolean, postSpike: boolean): void => {
    pre.spikes.ids[0] = 0;
    pre.spikes.count = preSpike ? 1 : 0;
    rule.onArrivals(s);
    post.spikes.ids[0] = 0;
    post.spikes.count = postSpike ? 1 : 0;
    rule.onPostSpikes(s);
    const ring = proj.ringBuffer;
    ring.buffer.fill(0, ring.offset(s), ring.offset(s) + 1);
  };
  return { w, step, rule };
}

describe('pair STDP options', () => {
  it('post before pre: depression ν_pre·e^{−Δt/τpost1}', () => {
    for (const lag of [1, 6, 20]) {
      const r = rig(0.5, OPTS);
      r.step(0, false, true);
      for (let s = 1; s < lag; s++) r.step(s, false, false);
      r.step(lag, true, false);
      expect(r.w[0]).toBeCloseTo(0.5 - 0.003 * Math.exp((-lag * DT) / 5), 15);
    }
  });

  it('pre before post: potentiation ν_post·e^{−L/τpre}·post2 with post2 decaying with τpost2', () => {
    const P = 30;
    for (const L of [3, 17]) {
      const r = rig(0.5, OPTS);
      r.step(0, false, true);
      for (let s = 1; s < P; s++) r.step(s, false, false);
      r.step(P, true, false);
      for (let s = P + 1; s <= P + L; s++) r.step(s, false, s === P + L);
      const dep = 0.003 * Math.exp((-P * DT) / 5);
      const pot = 0.07 * Math.exp((-L * DT) / 11) * Math.exp((-(P + L) * DT) / 29);
      expect(r.w[0]).toBeCloseTo(0.5 - dep + pot, 15);
    }
  });

  it('wMax bounds potentiation exactly', () => {
    const r = rig(0.79, { ...OPTS, nuPost: 10 });
    r.step(0, false, true);
    r.step(1, true, false);
    r.step(2, false, true);
    expect(r.w[0]).toBe(0.8);
  });

  it('the defaults are ν_pre 10⁻⁴, ν_post 10⁻², τ 20/20/40 ms, wMax 1', () => {
    const { rule } = rig(0.5, {});
    expect([rule.nuPre, rule.nuPost, rule.tauPre, rule.tauPost1, rule.tauPost2, rule.wMax]).toEqual([1e-4, 1e-2, 20, 20, 40, 1]);
    const { rule: set } = rig(0.5, OPTS);
    expect([set.nuPre, set.nuPost, set.tauPre, set.tauPost1, set.tauPost2, set.wMax]).toEqual([0.003, 0.07, 11, 5, 29, 0.8]);
  });
});
