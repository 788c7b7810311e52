/**
 * The presentation update's and the transformed-updates rule's contracts, with recording and
 * closed-form transforms: what the chain sees (U, W₀, the context), the order of the chain, a
 * transform that rewrites its input in place, several tensors, the refusals, the saved states.
 */
import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../../engine/float-array.js';
import { LIF_DEFAULTS } from '../../models/lif.js';
import { LifPopulation } from '../../models/lif-population.js';
import { Network } from '../../models/network.js';
import { DenseProjection } from '../../models/projection.js';
import { SpikeSourceArray } from '../../models/spike-source-array.js';
import type { RuleState, TransformContext, UpdateTransform, WeightTensor } from '../plugin-contract.js';
import { SynapticScaling } from '../synaptic-scaling.js';
import { PresentationUpdate } from './presentation-update.js';
import { TransformedUpdates } from './transformed-updates.js';
import { refusal } from '../../test/helpers/refusal.js';

interface Seen {
  index: number;
  u: number[];
  name: string;
  shape: [number, number];
  w: number[];
  ctx: TransformContext;
}

/** u → a·u + b elementwise, recording what it was given; `inPlace` rewrites its input array. */
function affine(a: number, b: number, inPlace = false, diag: Record<string, number> = {}): UpdateTransform & { seen: Seen[]; state: number } {
  const t = {
    kind: 'affine',
    seen: [] as Seen[],
    state: 0,
    transform(index: number, u: FloatArray, tensor: WeightTensor, ctx: TransformContext): FloatArray {
      t.seen.push({ index, u: Array.from(u), name: tensor.name, shape: tensor.shape, w: Array.from(tensor.values), ctx });
      if (inPlace) {
        for (let i = 0; i < u.length; i++) u[i] = a * u[i]! + b;
        return u;
      }
      return u.map((x) => a * x + b);
    },
    diagnostics: () => diag,
    saveState: (): RuleState => ({ state: t.state }),
    loadState: (s: RuleState) => {
      t.state = s.state as number;
    },
  };
  return t;
}

describe('presentation update', () => {
  it('U = −(W₁ − W₀)/η goes through the chain in order, which sees W₀ and the context; W ← W₀ − η·U\'', () => {
    const eta = 0.5;
    const tensors: WeightTensor[] = [
      { name: 'a', shape: [2, 2], values: Float64Array.from([1, 2, 3, 4]) },
      { name: 'b', shape: [1, 3], values: Float64Array.from([-1, 0, 1]) },
    ];
    const w0 = tensors.map((t) => Array.from(t.values));
    const first = affine(2, 0.25);
    const second = affine(-1, 1);
    const pu = new PresentationUpdate(tensors, { learningRate: eta, transforms: [first, second], order: 'instead-of-scaling' });
    expect([pu.order, pu.learningRate, pu.updates]).toEqual(['instead-of-scaling', eta, 0]);
    pu.begin();
    const delta = [[0.5, -1, 0, 2], [1, 1, -0.5]];
    tensors.forEach((t, k) => delta[k]!.forEach((d, i) => (t.values[i] = t.values[i]! + d)));
    pu.end({ batchSize: 3 });
    tensors.forEach((t, k) => {
      const u = delta[k]!.map((d) => -d / eta);
      expect(first.seen[k]).toEqual({ index: k, u, name: t.name, shape: t.shape, w: w0[k], ctx: { batchSize: 3, tensorCount: 2 } });
      expect(second.seen[k]!.u).toEqual(u.map((x) => 2 * x + 0.25));
      const u2 = u.map((x) => -(2 * x + 0.25) + 1);
      Array.from(t.values).forEach((w, i) => expect(w).toBeCloseTo(w0[k]![i]! - eta * u2[i]!, 14));
    });
    expect(pu.updates).toBe(1);
    // the default context: one presentation
    pu.begin();
    pu.end();
    expect(first.seen[2]!.ctx).toEqual({ batchSize: 1, tensorCount: 2 });
  });

  it('a transform that rewrites its input in place does not change the U the write is computed from', () => {
    const t: WeightTensor = { name: 'w', shape: [1, 3], values: Float64Array.from([1, 1, 1]) };
    const pu = new PresentationUpdate([t], { learningRate: 0.1, transforms: [affine(3, 0, true)], order: 'instead-of-scaling' });
    pu.begin();
    t.values.set([1.2, 0.9, 1]);
    pu.end();
    // U' = 3U: W = W₀ − η·3U = W₀ + 3ΔW
    expect(Array.from(t.values).map((v) => +v.toFixed(12))).toEqual([1.6, 0.7, 1]);
  });

  it('instead of scaling: a scaling given is never called', () => {
    let calls = 0;
    const t: WeightTensor = { name: 'w', shape: [1, 1], values: new Float64Array(1) };
    const pu = new PresentationUpdate([t], { learningRate: 1, transforms: [], order: 'instead-of-scaling', scale: () => calls++ });
    pu.begin();
    pu.end();
    expect(calls).toBe(0);
    const before = new PresentationUpdate([t], { learningRate: 1, transforms: [], order: 'before-scaling', scale: () => calls++ });
    before.begin();
    before.end();
    expect(calls).toBe(1);
  });

  it('merges the transforms\' diagnostics; saves and loads the chain\'s states between presentations only', () => {
    const t: WeightTensor = { name: 'w', shape: [1, 2], values: new Float64Array(2) };
    const a = affine(1, 0, false, { 'x/w': 1 });
    const b = affine(1, 0, false, { 'y/w': 2 });
    a.state = 5;
    b.state = 7;
    const pu = new PresentationUpdate([t], { learningRate: 1, transforms: [a, b], order: 'instead-of-scaling' });
    expect(pu.diagnostics()).toEqual({ 'x/w': 1, 'y/w': 2 });
    const bare: UpdateTransform = { kind: 'bare', transform: (_k, u) => u, saveState: () => ({}), loadState: () => {} };
    expect(new PresentationUpdate([t], { learningRate: 1, transforms: [bare], order: 'instead-of-scaling' }).diagnostics()).toEqual({});
    pu.begin();
    pu.end();
    const s = pu.saveState();
    expect(s).toEqual({ updates: 1, transforms: 2, 't0.state': 5, 't1.state': 7 });
    const a2 = affine(1, 0);
    const b2 = affine(1, 0);
    const again = new PresentationUpdate([t], { learningRate: 1, transforms: [a2, b2], order: 'instead-of-scaling' });
    again.loadState(s);
    expect([again.updates, a2.state, b2.state]).toEqual([1, 5, 7]);
    pu.begin();
    const inside = refusal(() => pu.saveState());
    expect([inside.code, inside.message]).toEqual(['internal', 'presentation update: checkpoint inside a presentation']);
    const other = refusal(() => new PresentationUpdate([t], { learningRate: 1, transforms: [a2], order: 'instead-of-scaling' }).loadState(s));
    expect([other.code, other.message, other.hint]).toEqual(['io.corrupt', 'presentation update: checkpoint has 2 transforms, the run 1', 'resume with the same --transform list']);
  });

  it('refuses a bad learning rate, a scaling order without scaling, and end() without begin()', () => {
    const t: WeightTensor = { name: 'w', shape: [1, 1], values: new Float64Array(1) };
    for (const lr of [0, -1, NaN, Infinity]) {
      const e = refusal(() => new PresentationUpdate([t], { learningRate: lr, transforms: [], order: 'instead-of-scaling' }));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', `presentation update: learning rate must be > 0, got ${lr}`, "use the rule's η, e.g. 0.01"]);
    }
    for (const order of ['before-scaling', 'after-scaling'] as const) {
      const e = refusal(() => new PresentationUpdate([t], { learningRate: 1, transforms: [], order, scale: null }));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', `presentation update: order '${order}' needs the synaptic scaling to place`, "pass the scaling, or use order 'instead-of-scaling'"]);
    }
    const pu = new PresentationUpdate([t], { learningRate: 1, transforms: [], order: 'instead-of-scaling' });
    const e = refusal(() => pu.end());
    expect([e.code, e.message]).toEqual(['internal', 'presentation update: end() without begin()']);
    pu.begin();
    pu.end();
    expect(() => pu.end()).toThrow(/end\(\) without begin\(\)/);
  });
});

/** A 3 → 2 dense projection without spikes ("the rule" is played by the test). */
function projection() {
  const net = new Network(0.5, 'f64');
  const pre = net.addPopulation(new SpikeSourceArray('pre', 3, [], [], 0.5));
  const post = net.addPopulation(new LifPopulation('post', 2, { ...LIF_DEFAULTS }, 0.5, 'f64', -65));
  const proj = net.addProjection(new DenseProjection('in->out', pre, post, 'v', Float64Array.from([1, 2, 3, 4, 5, 6]), 0, null));
  net.finalize();
  return { net, proj };
}

const ctx = (training: boolean) => ({ training, sample: 0, repeat: 0, step: 0 });

describe('transformed updates (the rule)', () => {
  it('applies the chain to each training presentation\'s ΔW of its projection, with the projection\'s name and shape', () => {
    const { net, proj } = projection();
    const t = affine(2, 0);
    const rule = new TransformedUpdates(proj, { transforms: [t], order: 'instead-of-scaling', learningRate: 0.5, scaling: null });
    expect([rule.kind, rule.name, rule.plastic]).toEqual(['update-transforms', 'update-transforms:in->out', true]);
    rule.attach(net);
    rule.beforePresentation(ctx(true));
    proj.weights[4] = proj.weights[4]! + 1;
    rule.afterPresentation(ctx(true));
    expect(t.seen[0]).toMatchObject({ index: 0, name: 'in->out', shape: [3, 2], w: [1, 2, 3, 4, 5, 6] });
    expect(Array.from(proj.weights)).toEqual([1, 2, 3, 4, 7, 6]); // doubled change
    // an evaluation presentation: nothing is taken, the weights stay
    rule.beforePresentation(ctx(false));
    proj.weights[0] = 9;
    rule.afterPresentation(ctx(false));
    expect(t.seen).toHaveLength(1);
    expect(proj.weights[0]).toBe(9);
  });

  it('refuses a scaling order when the projection has no scaling to hand over', () => {
    for (const order of ['before-scaling', 'after-scaling'] as const) {
      const e = refusal(() => new TransformedUpdates(projection().proj, { transforms: [], order, learningRate: 1, scaling: null }));
      expect([e.code, e.message]).toEqual(['config.invalid', `presentation update: order '${order}' needs the synaptic scaling to place`]);
    }
  });

  it('saves plastic, the open count and the diagnostic sums; a loaded rule restores them', () => {
    const { proj } = projection();
    const rule = new TransformedUpdates(proj, { transforms: [affine(1, 0, false, { 'd/in->out': 4 })], order: 'instead-of-scaling', learningRate: 1, scaling: null });
    rule.beforePresentation(ctx(true));
    rule.afterPresentation(ctx(true));
    rule.setPlastic(false);
    const s = rule.saveState();
    expect(s).toMatchObject({ plastic: false, count: 1, 'diag:d/in->out': 4, 'update.updates': 1, 'update.transforms': 1 });
    const again = new TransformedUpdates(projection().proj, { transforms: [affine(1, 0)], order: 'instead-of-scaling', learningRate: 1, scaling: null });
    again.loadState(s);
    expect(again.plastic).toBe(false);
    expect(again.takeDiagnostics()).toEqual({ updates: 1, 'd/in->out': 4 });
    // a frozen rule takes no update
    again.beforePresentation(ctx(true));
    again.afterPresentation(ctx(true));
    expect(again.takeDiagnostics()).toBeNull();
  });

  it('with the projection\'s scaling after its snapshot, U holds the scaling\'s change too', () => {
    const { proj } = projection();
    const scaling = new SynapticScaling(proj, { target: 12 });
    const t = affine(1, 0);
    const rule = new TransformedUpdates(proj, { transforms: [t], order: 'after-scaling', learningRate: 1, scaling });
    rule.beforePresentation(ctx(true));
    rule.afterPresentation(ctx(true));
    // columns (1, 3, 5) and (2, 4, 6) sum to 9 and 12: the first is scaled by 12/9, U = −(scaled − W₀)
    const u = t.seen[0]!.u;
    expect(u[0]).toBeCloseTo(-(1 * 12 / 9 - 1), 12);
    expect(u[1]).toBeCloseTo(0, 12);
    expect(u[4]).toBeCloseTo(-(5 * 12 / 9 - 5), 12);
  });
});
