import { describe, expect, it } from 'vitest';
import { SnnError } from '../../engine/errors.js';
import { RngStream } from '../../engine/rng.js';
import { LIF_DEFAULTS } from '../../models/lif.js';
import { LifPopulation } from '../../models/lif-population.js';
import { Network } from '../../models/network.js';
import { DenseProjection } from '../../models/projection.js';
import { SpikeSourceArray } from '../../models/spike-source-array.js';
import type { RuleState, UpdateTransform, WeightTensor } from '../plugin-contract.js';
import { SymStdp } from '../sym-stdp.js';
import { SynapticScaling } from '../synaptic-scaling.js';
import { Lamb } from './lamb.js';
import { PresentationUpdate, type ScalingOrder } from './presentation-update.js';
import { Sgd } from './sgd.js';
import { norm2 } from './dense-linalg.js';

const dt = 0.5;
const presentationMs = 100;
const [nPre, nPost] = [30, 6];

/** 30 Poisson-like inputs → 6 LIF neurons, plastic by sym-STDP; `presentations` windows of 100 ms. */
function tinySymStdp(presentations: number) {
  const rng = RngStream.derive(5, 'presentation-update-test');
  const times: number[] = [];
  const ids: number[] = [];
  for (let p = 0; p < presentations; p++) {
    for (let i = 0; i < nPre; i++) {
      for (let n = (p * presentationMs) / dt; n < ((p + 1) * presentationMs - 5) / dt; n++) {
        if (rng.uniform() < 0.03) {
          times.push(n * dt);
          ids.push(i);
        }
      }
    }
  }
  const net = new Network(dt, 'f64');
  const pre = net.addPopulation(new SpikeSourceArray('pre', nPre, times, ids, dt));
  const post = net.addPopulation(new LifPopulation('post', nPost, { ...LIF_DEFAULTS, tauM: 20, vRest: -65, vReset: -65, vThresh: -55 }, dt, 'f64', -65));
  const w = Float64Array.from({ length: nPre * nPost }, () => 0.5 + 2 * rng.uniform());
  const proj = net.addProjection(new DenseProjection('pre->post', pre, post, 'v', w, 0, null));
  net.finalize();
  const stdp = new SymStdp(proj, { eta: 0.05, wMax: 5 });
  stdp.attach(net);
  const scaling = new SynapticScaling(proj, { target: 40 });
  const tensor: WeightTensor = { name: proj.name, shape: [nPre, nPost], values: proj.weights };
  return { net, proj, scaling, tensor };
}

const ctx = (sample: number) => ({ training: true, sample, repeat: 0, step: 0 });

describe('presentation update (a local rule\'s ΔW through the transform chain)', () => {
  for (const order of ['before-scaling', 'after-scaling'] as const) {
    it(`with the identity transform leaves sym-STDP + scaling bit-identical (${order})`, () => {
      const plain = tinySymStdp(5);
      for (let p = 0; p < 5; p++) {
        plain.scaling.beforePresentation(ctx(p));
        plain.net.run(presentationMs);
      }
      const wrapped = tinySymStdp(5);
      const pu = new PresentationUpdate([wrapped.tensor], { learningRate: 0.05, transforms: [new Sgd()], order, scale: () => wrapped.scaling.apply() });
      for (let p = 0; p < 5; p++) {
        pu.begin();
        wrapped.net.run(presentationMs);
        pu.end();
      }
      const a = Buffer.from((plain.proj.weights as Float64Array).buffer);
      const b = Buffer.from((wrapped.proj.weights as Float64Array).buffer);
      expect(b.equals(a)).toBe(true);
      // and the rule did learn something (the test is not vacuous)
      const fresh = tinySymStdp(5);
      fresh.scaling.apply();
      expect(Buffer.from((fresh.proj.weights as Float64Array).buffer).equals(a)).toBe(false);
    });
  }

  it('places scaling before, after or instead of the transform (closed forms with a doubling transform)', () => {
    const doubling: UpdateTransform = {
      kind: 'double',
      transform: (_k, u) => u.map((x) => 2 * x),
      saveState: (): RuleState => ({}),
      loadState: () => {},
    };
    const [r, c] = [4, 3];
    const w0 = Float64Array.from({ length: r * c }, (_, i) => 1 + ((i * 5) % 7));
    const delta = Float64Array.from({ length: r * c }, (_, i) => 0.1 * ((i % 4) - 1.5));
    const scaleCols = (w: Float64Array) => {
      for (let j = 0; j < c; j++) {
        let s = 0;
        for (let i = 0; i < r; i++) s += w[i * c + j]!;
        for (let i = 0; i < r; i++) w[i * c + j] = (w[i * c + j]! * 10) / s;
      }
    };
    const run = (order: ScalingOrder): Float64Array => {
      const t: WeightTensor = { name: 'w', shape: [r, c], values: w0.slice() };
      const pu = new PresentationUpdate([t], { learningRate: 0.5, transforms: [doubling], order, scale: () => scaleCols(t.values as Float64Array) });
      pu.begin();
      for (let i = 0; i < delta.length; i++) t.values[i] = t.values[i]! + delta[i]!; // "the presentation"
      pu.end();
      return Float64Array.from(t.values);
    };
    const s0 = w0.slice();
    scaleCols(s0);
    // before: the rule's change alone is doubled, from the scaled weights: scale(W₀) + 2Δ
    run('before-scaling').forEach((w, i) => expect(w).toBeCloseTo(s0[i]! + 2 * delta[i]!, 12));
    // after: the change of scaling + rule is doubled: W₀ + 2·(scale(W₀) + Δ − W₀)
    run('after-scaling').forEach((w, i) => expect(w).toBeCloseTo(w0[i]! + 2 * (s0[i]! + delta[i]! - w0[i]!), 12));
    // instead: W₀ + 2Δ
    run('instead-of-scaling').forEach((w, i) => expect(w).toBeCloseTo(w0[i]! + 2 * delta[i]!, 12));
  });

  it('with LAMB instead of scaling, each presentation moves the weights by exactly η·‖W₀‖', () => {
    const sys = tinySymStdp(4);
    const eta = 0.01;
    const pu = new PresentationUpdate([sys.tensor], { learningRate: eta, transforms: [new Lamb()], order: 'instead-of-scaling' });
    for (let p = 0; p < 4; p++) {
      pu.begin();
      const w0 = Float64Array.from(sys.proj.weights);
      sys.net.run(presentationMs);
      pu.end();
      const step = Float64Array.from(sys.proj.weights).map((v, i) => v - w0[i]!);
      expect(Math.abs(norm2(step) - eta * norm2(w0)) / (eta * norm2(w0))).toBeLessThan(1e-5);
      expect(pu.diagnostics()['trustRatio/pre->post']).toBeGreaterThan(0);
    }
    const saved = pu.saveState();
    const again = new PresentationUpdate([sys.tensor], { learningRate: eta, transforms: [new Lamb()], order: 'instead-of-scaling' });
    again.loadState(saved);
    expect(again.saveState()).toEqual(saved);
    expect(again.updates).toBe(4);
  });

  it('refuses a scaling order without a scaling to place', () => {
    const t: WeightTensor = { name: 'w', shape: [1, 1], values: new Float64Array(1) };
    expect(() => new PresentationUpdate([t], { learningRate: 0.1, transforms: [], order: 'before-scaling' })).toThrow(SnnError);
  });
});
