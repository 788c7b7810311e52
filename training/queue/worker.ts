/**
 * `snn worker`: takes jobs from a BullMQ queue and runs them on local threads. A worker is a door
 * into a machine, so it runs nothing but `snn train` jobs of its own version that pass the job
 * schema, and writes nothing outside its artifacts directory (each job's run directory is
 * `ARTIFACTS/<id>`, its id checked to resolve inside it). A job with bad content fails at once
 * (no retries: it would fail again); a crash is retried by BullMQ with back-off, and a worker that
 * dies (kill -9, power loss) loses its jobs' locks, so that another worker's stalled-job check puts
 * them back on the queue after `lockDuration`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { SnnError } from '../../engine/errors.js';
import { jobId, validateJob, type JobResult } from '../jobs/job.js';
import { ThreadPool } from '../sweep/local-pool.js';
import { runDirOf } from '../sweep/run-dir.js';
import { versionKey } from './queue-names.js';
import { checkReachable, queueConnection, type RedisTarget } from './redis-url.js';

export interface WorkerOptions {
  target: RedisTarget;
  queueName: string;
  snnVersion: string;
  /** Run directories go to ARTIFACTS/<id> (kept); without it, to a temporary directory removed after each job. */
  artifacts: string | null;
  concurrency: number;
  /** How long a job's lock lives without renewal: a dead worker's job is back on the queue after about this long. */
  lockDurationMs: number;
  /** Milliseconds between checks for stalled jobs (jobs of dead workers). */
  stalledIntervalMs: number;
  log: (line: string) => void;
}

export interface RunningWorker {
  /** Resolves when the worker has stopped; rejects with a one-line SnnError when it refused to go on. */
  done: Promise<void>;
  close(): Promise<void>;
}

/** Checks a queued job before anything of it runs; a refusal is final (UnrecoverableError: no retry). */
export function admitJob(data: unknown, id: string | undefined, snnVersion: string): ReturnType<typeof validateJob> {
  let spec;
  try {
    spec = validateJob(data);
  } catch (err) {
    throw new UnrecoverableError(err instanceof SnnError ? err.oneLine() : String(err));
  }
  if (spec.snnVersion !== snnVersion) {
    throw new UnrecoverableError(`job ${id} was submitted by snn ${spec.snnVersion}; this worker is snn ${snnVersion} (run workers of the submitter's version, then rerun the sweep)`);
  }
  if (id !== jobId(spec)) throw new UnrecoverableError(`job id '${id}' does not match its content (${jobId(spec)}); submit jobs with snn sweep`);
  return spec;
}

export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  await checkReachable(o.target);
  const connection = queueConnection(o.target);
  const plain = new Redis(connection);
  plain.on('error', () => {});
  const queued = await plain.get(versionKey(o.queueName));
  plain.disconnect();
  if (queued !== null && queued !== o.snnVersion) {
    throw new SnnError('usage', `queue '${o.queueName}' at ${o.target.host}:${o.target.port} holds jobs of snn ${queued}; this worker is snn ${o.snnVersion}`, `start a worker of snn ${queued} (npm install snn@${queued}), or submit with this version`);
  }
  const artifacts = o.artifacts === null ? null : resolve(o.artifacts);
  if (artifacts) mkdirSync(artifacts, { recursive: true });
  const pool = new ThreadPool(o.concurrency);
  let refused: SnnError | null = null;
  let worker: Worker;
  const processor = async (job: Job): Promise<JobResult> => {
    let spec;
    try {
      spec = admitJob(job.data, job.id, o.snnVersion);
    } catch (err) {
      o.log(`refused job ${job.id}: ${(err as Error).message}`);
      if (/submitted by snn/.test((err as Error).message)) {
        // Another version's sweep: stop taking its jobs (the rest stay queued for the right workers).
        refused = new SnnError('usage', (err as Error).message.replace(/ \(run workers.*$/, ''), 'run workers of the same snn version as the submitter');
        void worker.close();
      }
      throw err;
    }
    const root = artifacts ?? mkdtempSync(join(tmpdir(), 'snn-worker-'));
    runDirOf(root, job.id!);
    let last = 0;
    o.log(`job ${job.id}: ${spec.model} N=${spec.neurons} ${spec.dataset} seed ${spec.seed} (attempt ${job.attemptsMade + 1})`);
    try {
      const result = await pool.run(spec, { root }, (samples) => {
        const now = Date.now();
        if (now - last < 1000) return;
        last = now;
        void job.updateProgress(samples).catch(() => {});
      });
      o.log(`job ${job.id}: done, accuracy ${(100 * result.accuracy).toFixed(2)} %`);
      return result;
    } catch (err) {
      // Bad input fails the same way on every attempt: no retries. Crashes are retried with back-off.
      if (err instanceof SnnError && err.code !== 'internal') throw new UnrecoverableError(err.message);
      throw err;
    } finally {
      if (!artifacts) rmSync(root, { recursive: true, force: true });
    }
  };
  worker = new Worker(o.queueName, processor, {
    connection: connection as ConnectionOptions,
    concurrency: o.concurrency,
    lockDuration: o.lockDurationMs,
    stalledInterval: o.stalledIntervalMs,
    maxStalledCount: 3,
  });
  worker.on('error', (err) => o.log(`queue connection: ${err.message}`));
  worker.on('failed', (job, err) => o.log(`job ${job?.id}: failed: ${err.message}`));
  const done = new Promise<void>((res, rej) => {
    worker.once('closed', () => {
      void pool.close().then(() => (refused ? rej(refused) : res()));
    });
  });
  await worker.waitUntilReady();
  o.log(`snn ${o.snnVersion} worker on queue '${o.queueName}' at ${o.target.display}, ${o.concurrency} thread(s)${artifacts ? `, run directories in ${artifacts}` : ''}`);
  return {
    done,
    async close() {
      await worker.close();
    },
  };
}
