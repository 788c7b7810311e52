/**
 * Resume is byte-identical for every registered update transform and batch policy: run a few
 * steps, save the state through the checkpoint's serializer (msgpackr with typed arrays), load it
 * into a fresh instance, and the next outputs equal those of the instance that never stopped.
 */
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import type { PerSampleStats, RuleState, TransformContext, WeightTensor } from './plugin-contract.js';
import { policies } from './policies/registry.js';
import { transforms } from './transforms/registry.js';

const packr = new Packr({ moreTypes: true, useRecords: false });
const roundTrip = (s: RuleState): RuleState => packr.unpack(packr.pack(s)) as RuleState;

const rows = 6;
const shapes: [number, number][] = [[12, 5], [5, 3]];

function stepInputs(step: number) {
  const rng = RngStream.derive(step + 1, 'plugin-state-test');
  const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const updates = shapes.map(([r, c]) => normal(r * c));
  const context: TransformContext = {
    batchSize: rows,
    tensorCount: shapes.length,
    firstLayer: { x: normal(rows * shapes[0]![0]), rows },
    readout: { x: normal(rows * shapes[1]![0]), g: normal(rows * shapes[1]![1]), rows },
  };
  return { updates, context };
}

function freshTensors(): WeightTensor[] {
  const rng = RngStream.derive(9, 'plugin-state-weights');
  return shapes.map(([r, c], k) => ({ name: `t${k}`, shape: [r, c], values: Float32Array.from({ length: r * c }, () => rng.normal()) }));
}

describe('resume of update transforms', () => {
  for (const name of transforms.names()) {
    it(`${name}: save → load into a fresh instance → identical next updates`, () => {
      const make = () => transforms.get(name)(transforms.options(name, {}));
      const a = make();
      const wa = freshTensors();
      const run = (t: ReturnType<typeof make>, w: WeightTensor[], step: number): Float32Array[] => {
        const { updates, context } = stepInputs(step);
        return w.map((tensor, k) => {
          const out = Float32Array.from(t.transform(k, updates[k]!, tensor, context));
          for (let i = 0; i < out.length; i++) tensor.values[i] = tensor.values[i]! - 0.01 * out[i]!;
          return out;
        });
      };
      for (let s = 0; s < 3; s++) run(a, wa, s);
      const b = make();
      b.loadState(roundTrip(a.saveState()));
      const wb = wa.map((t) => ({ ...t, values: t.values.slice() }));
      for (let s = 3; s < 6; s++) {
        const oa = run(a, wa, s);
        const ob = run(b, wb, s);
        oa.forEach((o, k) => expect(Buffer.from(ob[k]!.buffer).equals(Buffer.from(o.buffer))).toBe(true));
      }
      const d = a.diagnostics?.() ?? {};
      for (const v of Object.values(d)) expect(Number.isFinite(v)).toBe(true);
    });
  }
});

describe('resume of batch policies', () => {
  const stats = (step: number, b: number): PerSampleStats => {
    const rng = RngStream.derive(step + 1, 'plugin-state-stats');
    const us = Array.from({ length: b }, () => Float64Array.from({ length: 8 }, () => 0.2 + rng.normal() * (1 + step)));
    const sum = new Float64Array(8);
    let sumSqNorms = 0;
    for (const u of us) for (let i = 0; i < 8; i++) {
      sum[i] += u[i]!;
      sumSqNorms += u[i]! * u[i]!;
    }
    return { sum: [sum], sumSqNorms, count: b };
  };
  for (const name of policies.names()) {
    it(`${name}: save → load into a fresh instance → identical next choices`, () => {
      const make = () => policies.get(name)(policies.options(name, {}));
      const a = make();
      let ctx = { batchSize: 4, learningRate: 0.01 };
      for (let s = 0; s < 3; s++) ctx = a.next({ update: s, ...ctx, stats: stats(s, ctx.batchSize) });
      const b = make();
      b.loadState(roundTrip(a.saveState()));
      let ca = ctx;
      let cb = ctx;
      for (let s = 3; s < 6; s++) {
        ca = a.next({ update: s, ...ca, stats: stats(s, ca.batchSize) });
        cb = b.next({ update: s, ...cb, stats: stats(s, cb.batchSize) });
        expect(cb).toEqual(ca);
      }
      expect(b.diagnostics?.()).toEqual(a.diagnostics?.());
    });
  }
});
