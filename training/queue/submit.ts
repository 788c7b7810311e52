/**
 * The submitting side of a distributed sweep: puts the jobs on a BullMQ queue (job id = spec id, so
 * a resubmission adds nothing twice and a finished job's result is reused), follows them with
 * QueueEvents for the progress bar, and reconciles with the queue every few seconds — a job the
 * queue has lost (a Redis restarted without persistence) is added again, a failed one reported.
 */
import { Queue, QueueEvents, type ConnectionOptions, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobResult, JobSpec } from '../jobs/job.js';
import { jobId } from '../jobs/job.js';
import { BACKOFF_MS, JOB_ATTEMPTS, versionKey } from './queue-names.js';
import { queueConnection, type RedisTarget } from './redis-url.js';

export interface SubmitOptions {
  snnVersion: string;
  onProgress?: (id: string, samples: number) => void;
  onResult?: (result: JobResult) => void;
  onError?: (id: string, message: string) => void;
  shouldStop?: () => boolean;
  /** One-line notices (e.g. no worker serves the queue). */
  onNotice?: (line: string) => void;
  /** Milliseconds between reconciliations with the queue. */
  pollMs?: number;
}

export interface SubmitOutcome {
  results: JobResult[];
  failed: { id: string; message: string }[];
  stopped: boolean;
}

const jobOptions = (id: string) => ({
  jobId: id,
  attempts: JOB_ATTEMPTS,
  backoff: { type: 'exponential' as const, delay: BACKOFF_MS },
  // Finished jobs stay a week: a resubmission within it gets the result without recomputing.
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
});

export async function submitJobs(target: RedisTarget, queueName: string, specs: JobSpec[], opts: SubmitOptions): Promise<SubmitOutcome> {
  const connection = queueConnection(target);
  const queue = new Queue(queueName, { connection: connection as ConnectionOptions });
  const events = new QueueEvents(queueName, { connection: connection as ConnectionOptions });
  const plain = new Redis(connection);
  for (const c of [queue, events, plain] as { on(e: 'error', f: (e: Error) => void): unknown }[]) c.on('error', () => {});
  const bySpec = new Map(specs.map((s) => [jobId(s), s]));
  const outstanding = new Set(bySpec.keys());
  const outcome: SubmitOutcome = { results: [], failed: [], stopped: false };
  let wake: (() => void) | null = null;
  const nudge = () => wake?.();
  events.on('completed', ({ jobId: id }) => outstanding.has(id) && nudge());
  events.on('failed', ({ jobId: id }) => outstanding.has(id) && nudge());
  events.on('progress', ({ jobId: id, data }) => {
    if (outstanding.has(id) && typeof data === 'number') opts.onProgress?.(id, data);
  });
  try {
    await plain.set(versionKey(queueName), opts.snnVersion);
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    // A job failed in an earlier submission (e.g. refused by a worker of another version) is retried.
    for (const id of outstanding) {
      const job = await queue.getJob(id);
      if (job && (await job.getState()) === 'failed') await job.retry('failed');
    }
    await queue.addBulk([...outstanding].map((id) => ({ name: 'train', data: bySpec.get(id)!, opts: jobOptions(id) })));
    const noResult = new Map<string, number>();
    const since = Date.now();
    let warned = false;
    while (outstanding.size > 0) {
      if (!warned && Date.now() - since > 10_000 && (await queue.getWorkersCount()) === 0) {
        warned = true;
        opts.onNotice?.(`no snn worker serves queue '${queueName}' yet: start one with 'snn worker --queue ${target.display}${queueName === 'snn' ? '' : ` --name ${queueName}`}'`);
      }
      if (opts.shouldStop?.()) {
        outcome.stopped = true;
        break;
      }
      await reconcile(queue, bySpec, outstanding, outcome, opts, noResult);
      if (outstanding.size === 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.pollMs ?? 2000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    await Promise.allSettled([events.close(), queue.close()]);
    plain.disconnect();
  }
  return outcome;
}

/** `noResult`: completed jobs seen without a result, by id (a few polls are allowed before it counts as a failure). */
async function reconcile(queue: Queue, bySpec: Map<string, JobSpec>, outstanding: Set<string>, outcome: SubmitOutcome, opts: SubmitOptions, noResult: Map<string, number>): Promise<void> {
  for (const id of [...outstanding]) {
    const job: Job | undefined = await queue.getJob(id);
    if (!job) {
      // Lost by the queue (Redis restarted empty): add it again; the id keeps it single.
      await queue.add('train', bySpec.get(id)!, jobOptions(id));
      continue;
    }
    const state = await job.getState();
    if (state === 'completed') {
      // Read the result after seeing the state: the job fetched above may predate its completion.
      const result = ((await queue.getJob(id))?.returnvalue ?? null) as JobResult | null;
      if (!result || result.id !== id) {
        const strikes = (noResult.get(id) ?? 0) + 1;
        noResult.set(id, strikes);
        if (strikes < 3) continue;
        outstanding.delete(id);
        outcome.failed.push({ id, message: 'the worker returned no result' });
        opts.onError?.(id, 'the worker returned no result');
        continue;
      }
      outstanding.delete(id);
      outcome.results.push(result);
      opts.onResult?.(result);
    } else if (state === 'failed') {
      outstanding.delete(id);
      const message = (await queue.getJob(id))?.failedReason || job.failedReason || 'failed';
      outcome.failed.push({ id, message });
      opts.onError?.(id, message);
    }
  }
}

/** Counts of the sweep's jobs by queue state (for `snn sweep status`). */
export async function queueStates(target: RedisTarget, queueName: string, ids: string[]): Promise<Record<string, number>> {
  const queue = new Queue(queueName, { connection: queueConnection(target) as ConnectionOptions });
  queue.on('error', () => {});
  const counts: Record<string, number> = {};
  try {
    for (const id of ids) {
      const job = await queue.getJob(id);
      const state = job ? await job.getState() : 'not queued';
      counts[state] = (counts[state] ?? 0) + 1;
    }
  } finally {
    await queue.close();
  }
  return counts;
}

/** Removes the sweep's jobs that are not running yet; returns how many were removed. */
export async function cancelQueued(target: RedisTarget, queueName: string, ids: string[]): Promise<number> {
  const queue = new Queue(queueName, { connection: queueConnection(target) as ConnectionOptions });
  queue.on('error', () => {});
  let removed = 0;
  try {
    for (const id of ids) {
      const job = await queue.getJob(id);
      if (!job) continue;
      const state = await job.getState();
      if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') {
        await job.remove();
        removed++;
      }
    }
  } finally {
    await queue.close();
  }
  return removed;
}
