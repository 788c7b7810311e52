import { describe, expect, it } from 'vitest';
import { LIF_DEFAULTS } from '../../models/lif.js';
import { LifPopulation } from '../../models/lif-population.js';
import { Network } from '../../models/network.js';
import { DenseProjection } from '../../models/projection.js';
import { SpikeSourceArray } from '../../models/spike-source-array.js';
import type { FloatArray } from '../../engine/float-array.js';
import type { RuleState, UpdateTransform } from '../plugin-contract.js';
import { SynapticScaling } from '../synaptic-scaling.js';
import { TransformedUpdates } from './transformed-updates.js';

/** A 4 → 3 dense projection (no spikes needed: "the rule" is played by the test). */
function projection() {
  const net = new Network(0.5, 'f64');
  const pre = net.addPopulation(new SpikeSourceArray('pre', 4, [], [], 0.5));
  const post = net.addPopulation(new LifPopulation('post', 3, { ...LIF_DEFAULTS }, 0.5, 'f64', -65));
  const w = Float64Array.from({ length: 12 }, (_, i) => 1 + (i % 5));
  const proj = net.addProjection(new DenseProjection('pre->post', pre, post, 'v', w, 0, null));
  net.finalize();
  return proj;
}

/** Identity transform whose diagnostic is the number of updates so far (1, 2, 3, …). */
function counting(): UpdateTransform & { n: number } {
  const t = {
    kind: 'count',
    n: 0,
    transform: (_k: number, u: FloatArray) => {
      t.n++;
      return u;
    },
    diagnostics: () => ({ 'count/pre->post': t.n }),
    saveState: (): RuleState => ({ n: t.n }),
    loadState: (s: RuleState) => {
      t.n = s.n as number;
    },
  };
  return t;
}

const ctx = (training: boolean) => ({ training, sample: 0, repeat: 0, step: 0 });

describe('update transforms as a rule (training presentations of one projection)', () => {
  it('averages each diagnostic over the updates since the last take; evaluation and frozen stages make none', () => {
    const proj = projection();
    const t = counting();
    const rule = new TransformedUpdates(proj, { transforms: [t], order: 'instead-of-scaling', learningRate: 0.1, scaling: null });
    const present = (training: boolean) => {
      rule.beforePresentation(ctx(training));
      rule.afterPresentation(ctx(training));
    };
    for (let i = 0; i < 4; i++) present(true);
    present(false); // an evaluation presentation
    rule.setPlastic(false);
    present(true); // a stage where the wrapped rule does not learn
    rule.setPlastic(true);
    expect(t.n).toBe(4);
    expect(rule.takeDiagnostics()).toEqual({ updates: 4, 'count/pre->post': (1 + 2 + 3 + 4) / 4 });
    expect(rule.takeDiagnostics()).toBeNull();
    present(true);
    present(true);
    // state round trip mid-interval: the resumed rule reports the same means
    const saved = rule.saveState();
    const again = new TransformedUpdates(projection(), { transforms: [counting()], order: 'instead-of-scaling', learningRate: 0.1, scaling: null });
    again.loadState(saved);
    expect(again.takeDiagnostics()).toEqual({ updates: 2, 'count/pre->post': (5 + 6) / 2 });
    expect(rule.takeDiagnostics()).toEqual({ updates: 2, 'count/pre->post': (5 + 6) / 2 });
  });

  it('takes the projection\'s scaling over: its own hook no longer scales, the update scales once per training presentation', () => {
    const proj = projection();
    const scaling = new SynapticScaling(proj, { target: 6 });
    let calls = 0;
    const apply = scaling.apply.bind(scaling);
    scaling.apply = () => {
      calls++;
      apply();
    };
    const rule = new TransformedUpdates(proj, { transforms: [counting()], order: 'before-scaling', learningRate: 0.1, scaling });
    expect(scaling.delegated).toBe(true);
    for (let i = 0; i < 3; i++) {
      scaling.beforePresentation(ctx(true)); // the recipe still calls it, first in the list
      rule.beforePresentation(ctx(true));
      rule.afterPresentation(ctx(true));
    }
    expect(calls).toBe(3);
    // outside the scaling's stages nothing scales
    scaling.setPlastic(false);
    rule.beforePresentation(ctx(true));
    rule.afterPresentation(ctx(true));
    expect(calls).toBe(3);
    // every column sums to the target after the last scaling
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let i = 0; i < 4; i++) s += proj.weights[i * 3 + j]!;
      expect(s).toBeCloseTo(6, 12);
    }
  });
});
