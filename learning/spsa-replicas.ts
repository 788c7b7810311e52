/**
 * Multi-replica SPSA ("Just One Byte"; docs/spsa.md): M replicas of the same
 * network train together while exchanging only scalars.
 *
 * Round t:
 *   1. replica m takes its own shard of the data — samples (t·M + m)·b … (t·M + m)·b + b − 1
 *      (modulo the set size) — and computes K scalars g_{m,k} with perturbation seeds keyed
 *      (run seed, update t, replica m, k) (learning/spsa.ts `perturbationStream`);
 *   2. only the scalars travel (K float64 per replica and round);
 *   3. every replica applies W ← W − η·(1/N) Σ g_{m,k}·σ·z(t, m, k) (+ λW), N = M·K, summing in one
 *      fixed global order (m ascending, then k), each z regenerated from its seed;
 *   4. every replica hashes its weights (SHA-256 of the float32 bytes); the coordinator requires all
 *      M hashes to agree, round after round.
 *
 * Replicas live on worker threads (replica m on worker m mod W); a worker may host several, each
 * with its own weight copy. Nothing a replica computes depends on where it runs, so the result
 * (the weights' hash) is the same for any number of workers given the same M. With `workers: 0`
 * the replicas run in this thread (same code path, no messages).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Dataset } from '../datasets/dataset.js';
import { SnnError } from '../engine/errors.js';
import type { WeightTensor } from './plugin-contract.js';
import { Spsa, type SpsaOptions, type SpsaScalar } from './spsa.js';
import type { SurrogateMlpConfig } from './surrogate-bptt.js';
import { loadTensorBackend, type TensorBackendName } from './tensor/backend.js';

export interface SpsaReplicaJob {
  /** Network and SPSA options (`n` is K, the scalars per replica and round). */
  config: Partial<SurrogateMlpConfig & SpsaOptions>;
  /** Number of replicas M. */
  replicas: number;
  rounds: number;
  /** Samples per replica and round. */
  batch: number;
  learningRate: number;
  /** Starting weights [W1, W2] (default: the network's seeded initialisation). */
  weights?: Float32Array[];
  tensorBackend?: TensorBackendName;
}

export interface SpsaReplicaResult {
  /** Hash of the (common) weights after each round. */
  hashes: string[];
  /** Replica 0's final weights. */
  weights: Float32Array[];
  /** Every scalar exchanged, round-major in the global order (M·K per round). */
  scalars: Float64Array;
  /** Mean (L⁺ of k = 0) training loss over the replicas, per round. */
  losses: number[];
}

/** SHA-256 of the tensors' float32 bytes, in order. */
export function weightsHash(tensors: readonly { values: ArrayLike<number> }[]): string {
  const h = createHash('sha256');
  for (const t of tensors) {
    const f = t.values instanceof Float32Array ? t.values : Float32Array.from(t.values);
    h.update(new Uint8Array(f.buffer, f.byteOffset, f.byteLength));
  }
  return h.digest('hex');
}

/** Sample indices of replica m's shard in round t. */
export function shardIndices(round: number, replica: number, replicas: number, batch: number, count: number): Int32Array {
  const start = (round * replicas + replica) * batch;
  return Int32Array.from({ length: batch }, (_, j) => (start + j) % count);
}

/** The data a worker needs to rebuild the training set without reading files. */
export interface DatasetCopy {
  name: Dataset['name'];
  split: Dataset['split'];
  count: number;
  rows: number;
  cols: number;
  images: Uint8Array;
  labels: Uint8Array;
  sha256: string;
  offset: number;
  rescaledMeanTo: number | null;
  files: { images: string; labels: string };
}

export function copyDataset(d: Dataset): DatasetCopy {
  return {
    name: d.name, split: d.split, count: d.count, rows: d.rows, cols: d.cols,
    images: d.images.slice(), labels: d.labels.slice(), sha256: d.sha256, offset: d.offset,
    rescaledMeanTo: d.rescaledMeanTo, files: { ...d.files },
  };
}

/** A set of replicas hosted in one thread: computes their scalars and applies the global sum. */
export class ReplicaHost {
  private constructor(
    readonly ids: readonly number[],
    private readonly rules: Spsa[],
    private readonly job: SpsaReplicaJob,
    private readonly count: number,
  ) {}

  static async create(job: SpsaReplicaJob, ids: readonly number[], data: Dataset): Promise<ReplicaHost> {
    const backend = await loadTensorBackend(job.tensorBackend);
    const rules = ids.map((m) => {
      const rule = new Spsa(backend, data, job.config, undefined, m);
      if (job.weights) rule.tensors.forEach((t, l) => (t.values as Float32Array).set(job.weights![l]!));
      return rule;
    });
    return new ReplicaHost(ids, rules, job, data.count);
  }

  /** Each hosted replica's K scalars for round t, and its k = 0 loss. */
  scalars(round: number): { scalars: SpsaScalar[]; losses: number[] } {
    const out: SpsaScalar[] = [];
    const losses: number[] = [];
    this.rules.forEach((r, i) => {
      const indices = shardIndices(round, this.ids[i]!, this.job.replicas, this.job.batch, this.count);
      out.push(...r.scalars({ indices, update: round }));
      losses.push(r.last.loss);
    });
    return { scalars: out, losses };
  }

  /** Applies the ordered global sum to every hosted replica; returns their weight hashes. */
  apply(round: number, scalars: readonly SpsaScalar[]): string[] {
    return this.rules.map((r) => {
      const u = r.updateFrom(round, scalars);
      r.tensors.forEach((t, l) => {
        const w = t.values;
        const ul = u[l]!;
        for (let i = 0; i < w.length; i++) w[i] = w[i]! - this.job.learningRate * ul[i]!;
      });
      r.steps++;
      return weightsHash(r.tensors);
    });
  }

  weights(): WeightTensor[] {
    return [...this.rules[0]!.tensors];
  }
}

/** Sorts into the global order: replica ascending, then k. */
function globalOrder(scalars: SpsaScalar[]): SpsaScalar[] {
  return scalars.sort((a, b) => a.replica - b.replica || a.k - b.k);
}

function checkJob(job: SpsaReplicaJob, workers: number): void {
  const posInt = (v: number, what: string, hint: string): void => {
    if (!Number.isInteger(v) || v < 1) throw new SnnError('config.invalid', `spsa replicas: ${what} must be a positive integer, got ${v}`, hint);
  };
  posInt(job.replicas, 'replicas', 'use e.g. 2');
  posInt(job.rounds, 'rounds', 'use e.g. 100');
  posInt(job.batch, 'batch', 'use e.g. 16');
  if (!Number.isInteger(workers) || workers < 0) throw new SnnError('config.invalid', `spsa replicas: workers must be a whole number ≥ 0, got ${workers}`, '0 runs the replicas in this thread');
  if (!(job.learningRate > 0)) throw new SnnError('config.invalid', `spsa replicas: learningRate must be positive, got ${job.learningRate}`, 'use e.g. 0.01');
}

function checkRound(round: number, hashes: readonly string[]): string {
  const h0 = hashes[0]!;
  const bad = hashes.findIndex((h) => h !== h0);
  if (bad >= 0) throw new SnnError('internal', `spsa replicas diverged in round ${round}: replica ${bad}'s weights differ from replica 0's`, 'replicas must apply the same scalars in the same order');
  return h0;
}

/**
 * The compiled worker next to this module, or (running from sources: tests, tsx) a bootstrap that
 * registers tsx's loader in the worker and then imports the TypeScript entry.
 */
function startWorker(init: WorkerInit): Worker {
  const js = new URL('./spsa-replica-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData: init });
  // require.resolve finds the CommonJS build of tsx's API; its ESM twin sits next to it.
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const ts = new URL('./spsa-replica-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(ts)}); });`;
  return new Worker(boot, { eval: true, workerData: init });
}

export interface WorkerRequest {
  type: 'scalars' | 'apply' | 'weights' | 'stop';
  round?: number;
  scalars?: SpsaScalar[];
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'scalars'; scalars: SpsaScalar[]; losses: number[] }
  | { type: 'hashes'; hashes: string[] }
  | { type: 'weights'; weights: Float32Array[] }
  | { type: 'error'; message: string };

export interface WorkerInit {
  job: SpsaReplicaJob;
  ids: number[];
  data: DatasetCopy;
}

/** A promise-per-message wrapper around one worker. */
class HostWorker {
  private pending: ((r: WorkerReply) => void) | null = null;
  private failure: Error | null = null;
  private constructor(private readonly worker: Worker) {
    worker.on('message', (r: WorkerReply) => {
      const p = this.pending;
      this.pending = null;
      p?.(r);
    });
    worker.on('error', (e) => {
      this.failure = e;
      const p = this.pending;
      this.pending = null;
      p?.({ type: 'error', message: e.message });
    });
  }

  static async start(init: WorkerInit): Promise<HostWorker> {
    const w = new HostWorker(startWorker(init));
    await w.request(null);
    return w;
  }

  request(msg: WorkerRequest | null): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = (r) => (r.type === 'error' ? reject(new SnnError('internal', `spsa replica worker failed: ${r.message}`, 'see the message above')) : resolve(r));
      if (msg) this.worker.postMessage(msg);
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * Runs `job.rounds` rounds of M-replica SPSA on `workers` worker threads (0: in this thread) and
 * checks after every round that all replicas hold bit-identical weights.
 */
export async function runSpsaReplicas(job: SpsaReplicaJob, data: Dataset, workers: number): Promise<SpsaReplicaResult> {
  checkJob(job, workers);
  const M = job.replicas;
  const hashes: string[] = [];
  const losses: number[] = [];
  const all: number[] = [];
  if (workers === 0) {
    const host = await ReplicaHost.create(job, Array.from({ length: M }, (_, m) => m), data);
    for (let t = 0; t < job.rounds; t++) {
      const r = host.scalars(t);
      const ordered = globalOrder(r.scalars);
      for (const s of ordered) all.push(s.g);
      losses.push(r.losses.reduce((a, b) => a + b, 0) / M);
      hashes.push(checkRound(t, host.apply(t, ordered)));
    }
    return { hashes, weights: host.weights().map((t) => Float32Array.from(t.values)), scalars: Float64Array.from(all), losses };
  }
  const W = Math.min(workers, M);
  const copy = copyDataset(data);
  const hosts = await Promise.all(
    Array.from({ length: W }, (_, w) => HostWorker.start({ job, ids: Array.from({ length: M }, (_, m) => m).filter((m) => m % W === w), data: copy })),
  );
  try {
    for (let t = 0; t < job.rounds; t++) {
      const replies = await Promise.all(hosts.map((h) => h.request({ type: 'scalars', round: t })));
      const got: SpsaScalar[] = [];
      let loss = 0;
      for (const r of replies) {
        if (r.type !== 'scalars') throw new SnnError('internal', `spsa replica worker answered '${r.type}' to 'scalars'`, 'a bug');
        got.push(...r.scalars);
        loss += r.losses.reduce((a, b) => a + b, 0);
      }
      const ordered = globalOrder(got);
      for (const s of ordered) all.push(s.g);
      losses.push(loss / M);
      const hs = await Promise.all(hosts.map((h) => h.request({ type: 'apply', round: t, scalars: ordered })));
      hashes.push(checkRound(t, hs.flatMap((r) => (r.type === 'hashes' ? r.hashes : []))));
    }
    const w = await hosts[0]!.request({ type: 'weights' });
    if (w.type !== 'weights') throw new SnnError('internal', `spsa replica worker answered '${w.type}' to 'weights'`, 'a bug');
    return { hashes, weights: w.weights, scalars: Float64Array.from(all), losses };
  } finally {
    await Promise.all(hosts.map((h) => h.stop()));
  }
}
