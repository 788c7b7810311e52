import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, subset, type Dataset } from '../datasets/dataset.js';
import { LifPopulation } from '../models/lif-population.js';
import { Network } from '../models/network.js';
import { DenseProjection } from '../models/projection.js';
import { SpikeSourceArray } from '../models/spike-source-array.js';
import { Adam } from './transforms/adam.js';
import { batchStep } from './batch-step.js';
import { SurrogateBptt } from './surrogate-bptt.js';
import { loadTensorBackend, type TensorBackend } from './tensor/backend.js';

let backend: TensorBackend;
/** The trained rule, trained once by whichever test needs it first (tests must not depend on their order). */
let trained: Promise<SurrogateBptt> | null = null;
let train: Dataset;
let test: Dataset;
beforeAll(async () => {
  backend = await loadTensorBackend();
  train = subset(loadDataset('mnist', 'train'), 512);
  test = subset(loadDataset('mnist', 'test'), 200);
});

const range = (n: number, from = 0): Int32Array => Int32Array.from({ length: n }, (_, i) => from + i);

describe('surrogate-gradient BPTT (BatchRule)', () => {
  it('step returns ∂L/∂W per tensor (same shapes) and leaves the weights alone', () => {
    const rule = new SurrogateBptt(backend, train, { hidden: 20, steps: 10, seed: 5 });
    const before = rule.tensors.map((t) => Float32Array.from(t.values));
    const u = rule.step({ indices: range(8), update: 0 }) as Float32Array[];
    expect(u.map((x) => x.length)).toEqual([784 * 20, 20 * 10]);
    rule.tensors.forEach((t, k) => expect(t.values).toEqual(before[k]));
    expect(u.every((x) => x.every(Number.isFinite))).toBe(true);
    expect(u[0]!.some((x) => x !== 0) && u[1]!.some((x) => x !== 0)).toBe(true);
    expect(rule.last.loss).toBeGreaterThan(0);
    // Same (seed, samples, update) → same input spikes → the same gradient, bit for bit.
    const again = rule.step({ indices: range(8), update: 0 }) as Float32Array[];
    expect(again).toEqual(u);
    // A descent step along −U lowers the loss on that batch.
    const eta = 0.5 / Math.sqrt(u.reduce((a, x) => a + x.reduce((b, y) => b + y * y, 0), 0));
    rule.tensors.forEach((t, k) => t.values.forEach((w, i) => (t.values[i] = w - eta * u[k]![i]!)));
    const l0 = rule.last.loss;
    rule.step({ indices: range(8), update: 0 });
    expect(rule.last.loss).toBeLessThan(l0);
  });

  it('per-sample statistics: Σ u_b and Σ ‖u_b‖² equal those of one-sample steps, and collecting them leaves U bit-identical', () => {
    for (const readout of ['membrane', 'spike-count'] as const) {
      const cfg = { hidden: 20, steps: 10, seed: 5, readout, initGain: 6 };
      const plain = new SurrogateBptt(backend, train, cfg);
      const rule = new SurrogateBptt(backend, train, cfg);
      rule.collectPerSampleStats(true);
      const B = 6;
      const batch = { indices: range(B, 40), update: 3 };
      const u = rule.step(batch) as Float32Array[];
      expect(u).toEqual(plain.step(batch));
      const stats = rule.perSampleStats(batch);
      expect(stats.count).toBe(B);
      // The same sample at the same update sees the same input spikes alone as in the batch.
      const sum = u.map((x) => new Float64Array(x.length));
      let sumSqNorms = 0;
      for (let b = 0; b < B; b++) {
        const ub = plain.step({ indices: range(1, 40 + b), update: 3 }) as Float32Array[];
        ub.forEach((x, k) => x.forEach((v, i) => {
          sum[k]![i] += v;
          sumSqNorms += v * v;
        }));
      }
      expect(sumSqNorms).toBeGreaterThan(0);
      expect(Math.abs(stats.sumSqNorms - sumSqNorms) / sumSqNorms).toBeLessThan(1e-4);
      let err = 0;
      let norm = 0;
      sum.forEach((x, k) => x.forEach((v, i) => {
        err += (stats.sum[k]![i]! - v) ** 2;
        norm += v * v;
      }));
      expect(Math.sqrt(err / norm)).toBeLessThan(1e-5);
      // Σ‖u_b‖² ≥ ‖Σ u_b‖²/B (Cauchy–Schwarz): the variance the norm test sees is ≥ 0
      expect(stats.sumSqNorms).toBeGreaterThanOrEqual(norm / B);
    }
  });

  it('per-sample statistics are refused for a step taken without collecting them', () => {
    const rule = new SurrogateBptt(backend, train, { hidden: 20, steps: 10, seed: 5 });
    rule.step({ indices: range(4), update: 0 });
    expect(() => rule.perSampleStats({ indices: range(4), update: 0 })).toThrow(/no per-sample statistics of update 0/);
  });

  const trainedRule = (): Promise<SurrogateBptt> =>
    (trained ??= (async () => {
      const rule = new SurrogateBptt(backend, train, { hidden: 100, steps: 20, seed: 1 });
      const adam = new Adam();
      const B = 16;
      for (let a = 0, u = 0; a + B <= train.count; a += B, u++) {
        await batchStep(rule, { indices: range(B, a), update: u }, { learningRate: 0.01, transforms: [adam] });
      }
      return rule;
    })());

  it('784-100-10, T = 20, 512 MNIST samples, Adam: clearly beats chance on held-out test images', async () => {
    const rule = await trainedRule();
    const ev = rule.evaluate(range(test.count), test);
    if (process.env.SNN_TEST_VERBOSE) console.log(`test accuracy ${ev.correct / ev.count}, hidden spikes/neuron/sample ${ev.hiddenRate.toFixed(2)}`);
    // Chance is 10 %; measured 0.7–0.8 with this budget.
    expect(ev.correct / ev.count).toBeGreaterThan(0.5);
    expect(ev.hiddenRate).toBeGreaterThan(0);
  });

  it('the trained weights run in the event engine with the same hidden spikes and output membrane', async () => {
    const rule = await trainedRule();
    const { steps: T, dt, hidden: H } = rule.config;
    const idx = range(4);
    const B = idx.length;
    const t = rule.inspect(idx, test);
    const [W1, W2] = rule.tensors;
    let minMargin = Infinity;
    let spikes = 0;
    for (let b = 0; b < B; b++) {
      const times: number[] = [];
      const ids: number[] = [];
      for (let n = 0; n < T; n++)
        for (let i = 0; i < 784; i++)
          if (t.input[(n * B + b) * 784 + i] === 1) {
            times.push(n * dt);
            ids.push(i);
          }
      // The same network in the clock engine (float64), viewing the same Float32Array weights.
      const net = new Network(dt, 'f64');
      const src = net.addPopulation(new SpikeSourceArray('in', 784, times, ids, dt));
      const hid = net.addPopulation(new LifPopulation('hidden', H, rule.config.hiddenParams, dt, 'f64', 0));
      // Membrane readout: the output integrates without firing.
      const out = net.addPopulation(new LifPopulation('out', 10, { ...rule.config.outputParams, vThresh: 1e9 }, dt, 'f64', 0));
      net.addProjection(new DenseProjection('in->hidden', src, hid, 'exc', W1!.values, 0, null));
      net.addProjection(new DenseProjection('hidden->out', hid, out, 'exc', W2!.values, 0, null));
      net.finalize();
      const meanOut = new Float64Array(10);
      net.schedule.add('threshold', -1, 'probe', () => {
        for (let i = 0; i < H; i++) minMargin = Math.min(minMargin, Math.abs(hid.v[i]! - 1));
        for (let k = 0; k < 10; k++) meanOut[k] = meanOut[k]! + out.v[k]! / T;
      });
      for (let n = 0; n < T; n++) {
        net.runSteps(1);
        const got: number[] = [];
        for (let i = 0; i < H; i++) if (t.hidden[(n * B + b) * H + i] === 1) got.push(i);
        const ref = Array.from(hid.spikes.ids.subarray(0, hid.spikes.count)).sort((x, y) => x - y);
        expect(got).toEqual(ref);
        spikes += ref.length;
      }
      for (let k = 0; k < 10; k++) expect(Math.abs(t.logits[b * 10 + k]! - meanOut[k]!)).toBeLessThan(1e-4);
    }
    expect(spikes).toBeGreaterThan(100);
    // float32 error of u is ~1e-6 here; the closest approach to threshold must exceed it.
    expect(minMargin).toBeGreaterThan(1e-5);
  });
});
