/**
 * Surrogate BPTT's parts against references written here, each on both tensor paths (the fused
 * WebAssembly kernels and SNN_TENSOR_FUSED=0, the op-by-op tfjs path): the seeded initialisation,
 * the input streams by name, the readout gradient against finite differences (with the membrane
 * readout the loss is smooth in W2: no surrogate is involved there), the effect of each option
 * (reset path, surrogate, slope), evaluation against the forward pass, and the refusals.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { imageOf, loadDataset, subset, type Dataset } from '../datasets/dataset.js';
import { PoissonEncoder } from '../datasets/poisson-encoder.js';
import { RngStream } from '../engine/rng.js';
import { SurrogateBptt, type SurrogateMlpConfig } from './surrogate-bptt.js';
import { loadTensorBackend, type TensorBackend } from './tensor/backend.js';
import { refusal } from '../test/helpers/refusal.js';

let backend: TensorBackend;
let train: Dataset;
let test: Dataset;
beforeAll(async () => {
  backend = await loadTensorBackend();
  train = subset(loadDataset('mnist', 'train'), 64);
  test = subset(loadDataset('mnist', 'test'), 16);
});

const saved = process.env.SNN_TENSOR_FUSED;
afterEach(() => {
  if (saved === undefined) delete process.env.SNN_TENSOR_FUSED;
  else process.env.SNN_TENSOR_FUSED = saved;
});
/** Runs `f` on the fused path and on the op-by-op path. */
function bothPaths(f: (path: string) => void): void {
  for (const path of ['fused', 'op-by-op']) {
    if (path === 'fused') delete process.env.SNN_TENSOR_FUSED;
    else process.env.SNN_TENSOR_FUSED = '0';
    f(path);
  }
}

const range = (n: number, from = 0): Int32Array => Int32Array.from({ length: n }, (_, i) => from + i);
const small: Partial<SurrogateMlpConfig> = { hidden: 12, steps: 8, seed: 6, initGain: 8 };

/** Bitwise equality of two float32 blocks (fast where toEqual walks 10⁵ elements). */
function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** The input raster [T, B, nIn] written from the documented stream names and Poisson rates. */
function referenceInput(c: SurrogateMlpConfig, data: Dataset, indices: ArrayLike<number>, purpose: string, update: number): Float32Array {
  const T = c.steps;
  const B = indices.length;
  const out = new Float32Array(T * B * 784);
  const enc = new PoissonEncoder({ size: 784, dt: c.dt, durationMs: T * c.dt, rateScale: c.maxRateHz / 255 });
  for (let b = 0; b < B; b++) {
    const i = indices[b]!;
    const s = enc.encode(imageOf(data, i), 1, RngStream.derive(c.seed, `surrogate-bptt/encoder/${purpose}/s${data.offset + i}/u${update}`));
    for (let n = 0; n < T; n++) for (let j = s.stepStart[n]!; j < s.stepStart[n + 1]!; j++) out[(n * B + b) * 784 + s.ids[j]!] = 1;
  }
  return out;
}

describe('surrogate BPTT: exact parts', () => {
  it('initial weights ~ N(0, (initGain/√fanIn)²) from the stream surrogate-bptt/init; given tensors are used as they are', () => {
    const rule = new SurrogateBptt(backend, train, { ...small, initGain: 2.5 });
    const rng = RngStream.derive(6, 'surrogate-bptt/init');
    const w1 = Float32Array.from({ length: 784 * 12 }, () => (2.5 / Math.sqrt(784)) * rng.normal());
    const w2 = Float32Array.from({ length: 12 * 10 }, () => (2.5 / Math.sqrt(12)) * rng.normal());
    expect(rule.tensors.map((t) => [t.name, t.shape])).toEqual([['input->hidden', [784, 12]], ['hidden->output', [12, 10]]]);
    expect(same(rule.tensors[0]!.values as Float32Array, w1)).toBe(true);
    expect(same(rule.tensors[1]!.values as Float32Array, w2)).toBe(true);
    const again = new SurrogateBptt(backend, train, small, rule.tensors);
    expect(again.tensors).toBe(rule.tensors);
    expect(again.kind).toBe('surrogate-bptt');
  });

  it('input spikes come from the stream surrogate-bptt/encoder/<purpose>/s<sample>/u<update> at p/255·maxRateHz', () => {
    const c = { ...small, dt: 0.5, steps: 12, maxRateHz: 900 };
    const rule = new SurrogateBptt(backend, train, c);
    const shifted = subset(train, 20, 7);
    const idx = [3, 0, 11];
    const ref = referenceInput(rule.config, shifted, idx, 'train', 4);
    expect(ref.reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
    expect(same(rule.encode(idx, 'train', 4, shifted), ref)).toBe(true);
    expect(same(rule.encodeSpikes(idx, 'train', 4, shifted).dense(), ref)).toBe(true);
    // the default data set is the one the rule was built with; sample s of the shifted view is s + 7 of it
    expect(same(rule.encode([10, 7, 18], 'train', 4), ref)).toBe(true);
    const other = { ...train, rows: 10, cols: 10, name: 'tiny' } as unknown as Dataset;
    const e = refusal(() => rule.encodeSpikes([0], 'train', 0, other));
    expect([e.code, e.message, e.hint]).toEqual(['config.invalid', 'surrogate-bptt: tiny images have 100 pixels, the network 784 inputs', 'evaluate on the data set it was built for']);
  });

  it('the readout gradient ∂L/∂W2 equals central differences of the batch loss (membrane readout), on both paths', () => {
    bothPaths(() => {
      const rule = new SurrogateBptt(backend, train, small);
      const batch = { indices: range(6, 3), update: 1 };
      const u = rule.step(batch) as Float32Array[];
      const loss0 = rule.last.loss;
      const w2 = rule.tensors[1]!.values;
      const g = u[1]!;
      const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]!) - Math.abs(g[a]!));
      const top = Math.abs(g[order[0]!]!);
      expect(top).toBeGreaterThan(1e-3);
      const h = 0.01;
      for (const i of [...order.slice(0, 3), order.at(-1)!]) {
        const w = w2[i]!;
        w2[i] = w + h;
        rule.step(batch);
        const lp = rule.last.loss;
        w2[i] = w - h;
        rule.step(batch);
        const lm = rule.last.loss;
        w2[i] = w;
        expect(Math.abs((lp - lm) / (2 * h) - g[i]!)).toBeLessThan(2e-3 * top);
      }
      rule.step(batch);
      expect(rule.last.loss).toBe(loss0);
    });
  });

  it('both paths give the same gradients; each option changes what it should', () => {
    const grads: Float32Array[][] = [];
    bothPaths(() => {
      grads.push(new SurrogateBptt(backend, train, small).step({ indices: range(6), update: 2 }) as Float32Array[]);
    });
    const close = (a: Float32Array, b: Float32Array, tol: number): boolean => {
      let err = 0;
      let norm = 0;
      a.forEach((v, i) => {
        err += (v - b[i]!) ** 2;
        norm += b[i]! ** 2;
      });
      return norm > 0 && Math.sqrt(err / norm) < tol;
    };
    expect(close(grads[1]![0]!, grads[0]![0]!, 1e-4) && close(grads[1]![1]!, grads[0]![1]!, 1e-4)).toBe(true);
    bothPaths(() => {
      const batch = { indices: range(6), update: 2 };
      const base = new SurrogateBptt(backend, train, small);
      const ub = base.step(batch) as Float32Array[];
      // the reset path: only the hidden layer's surrogate chain (W1) changes; W2's gradient and the loss do not
      const attached = new SurrogateBptt(backend, train, { ...small, detachReset: false });
      const ua = attached.step(batch) as Float32Array[];
      expect(attached.last.loss).toBe(base.last.loss);
      expect(close(ua[1]!, ub[1]!, 1e-6)).toBe(true);
      expect(close(ua[0]!, ub[0]!, 1e-3)).toBe(false);
      // the surrogate and its slope: the same forward, another W1 gradient
      for (const opts of [{ surrogate: 'sigmoid' }, { beta: 3 }]) {
        const other = new SurrogateBptt(backend, train, { ...small, ...opts });
        const uo = other.step(batch) as Float32Array[];
        expect(other.last.loss).toBe(base.last.loss);
        expect(other.last.correct).toBe(base.last.correct);
        expect(close(uo[0]!, ub[0]!, 1e-3)).toBe(false);
      }
    });
    expect(new SurrogateBptt(backend, train, small).surrogate.beta).toBe(10);
    expect(new SurrogateBptt(backend, train, { ...small, beta: null }).surrogate.beta).toBe(10);
    expect(new SurrogateBptt(backend, train, { ...small, surrogate: 'sigmoid', beta: null }).surrogate.beta).toBe(5);
    expect(new SurrogateBptt(backend, train, { ...small, surrogate: 'triangle', beta: 0.5 }).surrogate).toMatchObject({ name: 'triangle', beta: 0.5 });
  });

  it('evaluate = the forward pass of inspect: mean cross-entropy, arg-max accuracy, hidden rate; batching does not matter', () => {
    bothPaths(() => {
      for (const readout of ['membrane', 'spike-count'] as const) {
        const rule = new SurrogateBptt(backend, train, { ...small, readout });
        const idx = range(10, 2);
        const t = rule.inspect(idx, test);
        expect(same(t.input, referenceInput(rule.config, test, idx, 'test-eval', 0))).toBe(true);
        let loss = 0;
        let correct = 0;
        for (let b = 0; b < 10; b++) {
          const row = Array.from(t.logits.subarray(b * 10, b * 10 + 10));
          const m = Math.max(...row);
          const y = test.labels[idx[b]!]!;
          loss += m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) - row[y]!;
          if (row.indexOf(m) === y) correct++;
        }
        const hidden = t.hidden.reduce((a, v) => a + v, 0);
        expect(hidden).toBeGreaterThan(0);
        for (const batchSize of [100, 3, 5, 10]) {
          const ev = rule.evaluate(idx, test, batchSize);
          expect(ev.count).toBe(10);
          expect(ev.correct).toBe(correct);
          expect(ev.hiddenRate).toBeCloseTo(hidden / (10 * 12), 9);
          expect(Math.abs(ev.loss - loss / 10)).toBeLessThan(1e-5 * (loss / 10));
        }
        // the default data set is the training set, with its own evaluation streams
        expect(rule.evaluate(range(4))).toEqual(rule.evaluate(range(4), train));
        expect(same(rule.inspect(range(2)).input, referenceInput(rule.config, train, range(2), 'train-eval', 0))).toBe(true);
      }
    });
  });

  it("firstLayerFactors gives the last step's input spikes; per-sample statistics only for the step collected", () => {
    const rule = new SurrogateBptt(backend, train, small);
    const e = refusal(() => rule.firstLayerFactors());
    expect([e.code, e.message]).toEqual(['internal', 'surrogate-bptt: firstLayerFactors() before the first step']);
    const batch = { indices: range(5, 9), update: 3 };
    rule.step(batch);
    const f = rule.firstLayerFactors();
    expect(f.rows).toBe(8 * 5);
    expect(same(f.x, referenceInput(rule.config, train, batch.indices, 'train', 3))).toBe(true);
    const p = refusal(() => rule.perSampleStats(batch));
    expect([p.code, p.message, p.hint]).toEqual(['internal', 'surrogate-bptt: no per-sample statistics of update 3', 'call collectPerSampleStats(true) before step(batch)']);
    rule.collectPerSampleStats(true);
    rule.step(batch);
    expect(rule.perSampleStats(batch).count).toBe(5);
    expect(() => rule.perSampleStats({ ...batch, update: 4 })).toThrow(/no per-sample statistics of update 4/);
    rule.collectPerSampleStats(false);
    expect(() => rule.perSampleStats(batch)).toThrow(/no per-sample statistics of update 3/);
  });

  it('per-sample statistics: Σ u_b is B·U exactly, Σ‖u_b‖² that of one-sample steps; only the two weight gradients are returned', () => {
    const rule = new SurrogateBptt(backend, train, small);
    const plain = new SurrogateBptt(backend, train, small);
    expect(rule.last).toEqual({ loss: NaN, correct: 0, hiddenRate: 0 });
    rule.collectPerSampleStats(true);
    rule.collectPerSampleStats(true); // asking twice keeps collecting and forgets nothing
    const B = 3;
    const batch = { indices: range(B, 30), update: 6 };
    const u = rule.step(batch) as Float32Array[];
    rule.collectPerSampleStats(true);
    expect(u).toHaveLength(2);
    const stats = rule.perSampleStats(batch);
    expect(stats.count).toBe(B);
    stats.sum.forEach((sum, k) => expect(same(Float32Array.from(sum, (v) => v / B), u[k]!)).toBe(true));
    expect(stats.sum.map((x) => x.length)).toEqual([784 * 12, 120]);
    let sumSq = 0;
    for (let b = 0; b < B; b++) {
      for (const x of plain.step({ indices: range(1, 30 + b), update: 6 }) as Float32Array[]) for (const v of x) sumSq += v * v;
    }
    expect(sumSq).toBeGreaterThan(0);
    expect(Math.abs(stats.sumSqNorms - sumSq) / sumSq).toBeLessThan(1e-4);
  });

  it('a step leaves no tensors behind, with or without per-sample statistics', () => {
    const tf = backend.tf;
    const rule = new SurrogateBptt(backend, train, small);
    rule.step({ indices: range(2), update: 0 });
    const before = tf.memory().numTensors;
    rule.step({ indices: range(2), update: 1 });
    expect(tf.memory().numTensors).toBe(before);
    rule.collectPerSampleStats(true);
    rule.step({ indices: range(2), update: 2 });
    const withStats = tf.memory().numTensors;
    rule.step({ indices: range(2), update: 3 });
    expect(tf.memory().numTensors).toBe(withStats);
  });

  it('refuses bad configurations and tensors with what is wrong and how to fix it', () => {
    const cases: [Partial<SurrogateMlpConfig>, string, string][] = [
      [{ hidden: 0 }, 'surrogate-bptt: hidden must be a positive integer, got 0', 'use e.g. --hidden 100'],
      [{ hidden: 2.5 }, 'surrogate-bptt: hidden must be a positive integer, got 2.5', 'use e.g. --hidden 100'],
      [{ steps: 0 }, 'surrogate-bptt: steps must be a positive integer, got 0', 'use e.g. 20'],
      [{ steps: 1.5 }, 'surrogate-bptt: steps must be a positive integer, got 1.5', 'use e.g. 20'],
      [{ readout: 'rate' as never }, "surrogate-bptt: unknown readout 'rate'", 'use spike-count or membrane'],
    ];
    for (const [cfg, message, hint] of cases) {
      const e = refusal(() => new SurrogateBptt(backend, train, { ...small, ...cfg }));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', message, hint]);
    }
    expect(() => new SurrogateBptt(backend, train, { ...small, hidden: 1, steps: 1 })).not.toThrow();
    const good = new SurrogateBptt(backend, train, small).tensors;
    const hint = 'pass [W1 (nIn × H), W2 (H × 10)]';
    const e1 = refusal(() => new SurrogateBptt(backend, train, small, [good[0]!]));
    expect([e1.code, e1.message, e1.hint]).toEqual(['config.invalid', 'surrogate-bptt: 1 weight tensors given, expected 2', hint]);
    // shapes whose element count matches their values, so only the shape is wrong, then a wrong count
    const bad = [
      [{ ...good[0]!, shape: [783, 12] as [number, number], values: new Float32Array(783 * 12) }, good[1]!],
      [{ ...good[0]!, shape: [12, 784] as [number, number] }, good[1]!],
      [good[0]!, { ...good[1]!, shape: [12, 9] as [number, number], values: new Float32Array(108) }],
      [good[0]!, { ...good[1]!, values: new Float32Array(119) }],
    ];
    const want = ['input->hidden', 'input->hidden', 'hidden->output', 'hidden->output'];
    const shapes = ['783 × 12', '12 × 784', '12 × 9', '12 × 10'];
    const expected = ['784 × 12', '784 × 12', '12 × 10', '12 × 10'];
    bad.forEach((tensors, k) => {
      const e = refusal(() => new SurrogateBptt(backend, train, small, tensors));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', `surrogate-bptt: tensor '${want[k]}' is ${shapes[k]}, expected ${expected[k]}`, hint]);
    });
  });
});
