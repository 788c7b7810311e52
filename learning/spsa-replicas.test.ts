import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, subset, type Dataset } from '../datasets/dataset.js';
import { runSpsaReplicas, shardIndices, weightsHash, type SpsaReplicaJob } from './spsa-replicas.js';
import { Spsa } from './spsa.js';
import { loadTensorBackend } from './tensor/backend.js';

let train: Dataset;
beforeAll(() => {
  train = subset(loadDataset('mnist', 'train'), 64);
});

// Small so 100 rounds are quick: 784-20-10, T = 10, 4 samples per replica, K = 2 scalars each.
const job: SpsaReplicaJob = {
  config: { hidden: 20, steps: 10, seed: 9, layers: 'all', n: 2 },
  replicas: 2,
  rounds: 100,
  batch: 4,
  learningRate: 0.05,
};

describe('multi-replica SPSA', () => {
  it('shards are disjoint within a round and walk through the data', () => {
    expect([...shardIndices(0, 0, 2, 4, 64)]).toEqual([0, 1, 2, 3]);
    expect([...shardIndices(0, 1, 2, 4, 64)]).toEqual([4, 5, 6, 7]);
    expect([...shardIndices(8, 0, 2, 4, 64)]).toEqual([0, 1, 2, 3]);
  });

  it('two replicas exchanging only scalars stay bit-identical for 100 rounds, on 0, 1 or 2 worker threads', async () => {
    const inThread = await runSpsaReplicas(job, train, 0);
    expect(inThread.hashes).toHaveLength(100);
    expect(inThread.scalars).toHaveLength(100 * 2 * 2);
    // The weights moved, every round.
    expect(new Set(inThread.hashes).size).toBe(100);
    const init = new Spsa(await loadTensorBackend(), train, job.config);
    expect(weightsHash(inThread.weights.map((values) => ({ values })))).toBe(inThread.hashes[99]);
    expect(inThread.hashes[99]).not.toBe(weightsHash(init.tensors));
    // The replicas' scalars differ (own shard, own seeds): they really are two contributions.
    expect(inThread.scalars[0]).not.toBe(inThread.scalars[2]);
    for (const workers of [1, 2]) {
      const r = await runSpsaReplicas(job, train, workers);
      expect(r.hashes).toEqual(inThread.hashes);
      expect(r.scalars).toEqual(inThread.scalars);
      r.weights.forEach((w, l) => expect(w).toEqual(inThread.weights[l]));
    }
  }, 240_000); // ~10 s on an idle machine; worker start-up (tsx + tfjs wasm) dominates under load

  it('a late joiner that copies the weights after round 50 ends bit-identical too', async () => {
    const first = await runSpsaReplicas({ ...job, rounds: 50 }, train, 0);
    const full = await runSpsaReplicas({ ...job, rounds: 60 }, train, 0);
    expect(full.hashes.slice(0, 50)).toEqual(first.hashes);
    // A joiner copies the weights after round 49 and replays round 50 from the exchanged scalars'
    // seeds: its weights match the replicas' hash of round 50.
    const backend = await loadTensorBackend();
    const joiner = new Spsa(backend, train, job.config, first.weights.map((values, l) => ({ name: ['input->hidden', 'hidden->output'][l]!, shape: l === 0 ? [784, 20] : [20, 10], values: Float32Array.from(values) })));
    const scalars = [0, 1].flatMap((m) => new Spsa(backend, train, job.config, joiner.tensors, m).scalars({ indices: shardIndices(50, m, 2, 4, 64), update: 50 }));
    const u = joiner.updateFrom(50, scalars);
    joiner.tensors.forEach((t, l) => t.values.forEach((w, i) => (t.values[i] = w - job.learningRate * u[l]![i]!)));
    expect(weightsHash(joiner.tensors)).toBe(full.hashes[50]);
  }, 120_000);

  it('bad jobs are one-line errors', async () => {
    await expect(runSpsaReplicas({ ...job, replicas: 0 }, train, 0)).rejects.toThrow(/replicas must be a positive integer/);
    await expect(runSpsaReplicas(job, train, -1)).rejects.toThrow(/workers/);
  });
});
