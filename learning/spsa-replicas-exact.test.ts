/**
 * Multi-replica SPSA in this thread against a replay written from its protocol: each round, every
 * replica's scalars on its own shard, applied in the global order (replica, then k) by every
 * replica; the reported hashes, losses and scalars. Also the shard walk, the weight hash, the data
 * copy a worker receives, and the refusals of a bad job. (The worker-thread runs are compared with
 * this one in spsa-replicas.test.ts.)
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, subset, type Dataset } from '../datasets/dataset.js';
import { SnnError } from '../engine/errors.js';
import { copyDataset, runSpsaReplicas, shardIndices, weightsHash, type SpsaReplicaJob } from './spsa-replicas.js';
import { Spsa } from './spsa.js';
import { loadTensorBackend } from './tensor/backend.js';

let train: Dataset;
beforeAll(() => {
  train = subset(loadDataset('mnist', 'train'), 30, 5);
});

const job: SpsaReplicaJob = {
  config: { hidden: 8, steps: 6, seed: 12, layers: 'all', n: 2, epsilon: 0.05 },
  replicas: 3,
  rounds: 4,
  batch: 4,
  learningRate: 0.3,
};

async function refusal(f: () => Promise<unknown>): Promise<SnnError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof SnnError) return e;
    throw e;
  }
  throw new Error('no refusal');
}

describe('multi-replica SPSA, in this thread', () => {
  it('equals a replay of the protocol: own shards, the global order, W ← W − η·U, one hash per round', async () => {
    const backend = await loadTensorBackend();
    const start = new Spsa(backend, train, job.config).tensors.map((t) => Float32Array.from(t.values, (v) => 0.9 * v));
    const got = await runSpsaReplicas({ ...job, weights: start }, train, 0);
    // the replay: one weight copy, every replica's scalars from it
    const w = start.map((v) => Float32Array.from(v));
    const hashes: string[] = [];
    const losses: number[] = [];
    const all: number[] = [];
    const tensors = () => [
      { name: 'input->hidden', shape: [784, 8] as [number, number], values: w[0]! },
      { name: 'hidden->output', shape: [8, 10] as [number, number], values: w[1]! },
    ];
    for (let t = 0; t < job.rounds; t++) {
      const scalars = [];
      let loss = 0;
      for (let m = 0; m < job.replicas; m++) {
        const rule = new Spsa(backend, train, job.config, tensors(), m);
        scalars.push(...rule.scalars({ indices: shardIndices(t, m, job.replicas, job.batch, train.count), update: t }));
        loss += rule.last.loss;
      }
      losses.push(loss / job.replicas);
      for (const s of scalars) all.push(s.g);
      const u = new Spsa(backend, train, job.config, tensors()).updateFrom(t, scalars);
      w.forEach((values, l) => values.forEach((v, i) => (values[i] = v - job.learningRate * u[l]![i]!)));
      hashes.push(weightsHash(tensors()));
    }
    expect(got.hashes).toEqual(hashes);
    expect(got.losses).toEqual(losses);
    expect(Array.from(got.scalars)).toEqual(all);
    expect(got.scalars).toHaveLength(job.rounds * job.replicas * 2);
    got.weights.forEach((v, l) => expect(v).toEqual(w[l]));
    // a run without starting weights starts from the network's initialisation
    const fresh = await runSpsaReplicas({ ...job, rounds: 1 }, train, 0);
    expect(fresh.hashes[0]).not.toBe(got.hashes[0]);
  }, 60_000);

  it('shards walk the data in consecutive slices, replica-major within a round, wrapping around', () => {
    expect(Array.from(shardIndices(0, 2, 3, 4, 30))).toEqual([8, 9, 10, 11]);
    expect(Array.from(shardIndices(1, 0, 3, 4, 30))).toEqual([12, 13, 14, 15]);
    expect(Array.from(shardIndices(2, 1, 3, 4, 30))).toEqual([28, 29, 0, 1]);
  });

  it('hashes the float32 bytes of the tensors in order (views and other arrays as float32)', () => {
    const a = Float32Array.from([1, -2.5, 3]);
    const b = Float32Array.from([0.25]);
    const want = createHash('sha256').update(Buffer.from(a.buffer)).update(Buffer.from(b.buffer)).digest('hex');
    expect(weightsHash([{ values: a }, { values: b }])).toBe(want);
    expect(weightsHash([{ values: [1, -2.5, 3] }, { values: Float64Array.from([0.25]) }])).toBe(want);
    const big = Float32Array.from([9, 1, -2.5, 3, 0.25, 7]);
    expect(weightsHash([{ values: big.subarray(1, 4) }, { values: big.subarray(4, 5) }])).toBe(want);
    expect(weightsHash([{ values: b }, { values: a }])).not.toBe(want);
  });

  it('copies a data set for a worker: the same fields, arrays that are not shared', () => {
    const c = copyDataset(train);
    expect(c).toEqual({
      name: train.name, split: train.split, count: 30, rows: 28, cols: 28, images: train.images, labels: train.labels,
      sha256: train.sha256, offset: 5, rescaledMeanTo: train.rescaledMeanTo, files: train.files,
    });
    expect(c.images.buffer).not.toBe(train.images.buffer);
    expect(c.labels.buffer).not.toBe(train.labels.buffer);
    expect(c.files).not.toBe(train.files);
  });

  it('refuses a bad job with what is wrong and how to fix it', async () => {
    const cases: [Partial<SpsaReplicaJob>, number, string, string][] = [
      [{ replicas: 0 }, 0, 'spsa replicas: replicas must be a positive integer, got 0', 'use e.g. 2'],
      [{ replicas: 1.5 }, 0, 'spsa replicas: replicas must be a positive integer, got 1.5', 'use e.g. 2'],
      [{ rounds: 0 }, 0, 'spsa replicas: rounds must be a positive integer, got 0', 'use e.g. 100'],
      [{ batch: 0 }, 0, 'spsa replicas: batch must be a positive integer, got 0', 'use e.g. 16'],
      [{}, -1, 'spsa replicas: workers must be a whole number ≥ 0, got -1', '0 runs the replicas in this thread'],
      [{}, 0.5, 'spsa replicas: workers must be a whole number ≥ 0, got 0.5', '0 runs the replicas in this thread'],
      [{ learningRate: 0 }, 0, 'spsa replicas: learningRate must be positive, got 0', 'use e.g. 0.01'],
      [{ learningRate: NaN }, 0, 'spsa replicas: learningRate must be positive, got NaN', 'use e.g. 0.01'],
    ];
    for (const [change, workers, message, hint] of cases) {
      const e = await refusal(() => runSpsaReplicas({ ...job, ...change }, train, workers));
      expect([e.code, e.message, e.hint]).toEqual(['config.invalid', message, hint]);
    }
    const one = await runSpsaReplicas({ ...job, replicas: 1, rounds: 1, batch: 1 }, train, 0);
    expect(one.hashes).toHaveLength(1);
  }, 60_000);
});
