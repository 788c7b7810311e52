import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, subset, type Dataset } from '../datasets/dataset.js';
import { Adam } from './adam.js';
import { batchStep } from './batch-step.js';
import { SurrogateBptt } from './surrogate-bptt.js';
import { loadTensorBackend, type TensorBackend } from './tensor/backend.js';

let backend: TensorBackend;
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

  it('784-100-10, T = 20, 512 MNIST samples, Adam: clearly beats chance on held-out test images', async () => {
    const rule = new SurrogateBptt(backend, train, { hidden: 100, steps: 20, seed: 1 });
    const adam = new Adam();
    const B = 16;
    for (let a = 0, u = 0; a + B <= train.count; a += B, u++) {
      await batchStep(rule, { indices: range(B, a), update: u }, { learningRate: 0.01, transforms: [adam] });
    }
    const ev = rule.evaluate(range(test.count), test);
    if (process.env.SNN_TEST_VERBOSE) console.log(`test accuracy ${ev.correct / ev.count}, hidden spikes/neuron/sample ${ev.hiddenRate.toFixed(2)}`);
    // Chance is 10 %; measured 0.7–0.8 with this budget.
    expect(ev.correct / ev.count).toBeGreaterThan(0.5);
    expect(ev.hiddenRate).toBeGreaterThan(0);
  });
});
