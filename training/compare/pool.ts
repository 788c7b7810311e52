/**
 * The local pool: jobs run on worker threads (default one per core), each worker taking the next
 * job when it finishes one. A job's result is a pure function of its spec, so the order in which
 * workers pick jobs — and their number — never changes a result. With one worker, or when running
 * from TypeScript sources (no compiled worker script), jobs run in this thread one after another.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SnnError, type SnnErrorCode } from '../../engine/errors.js';
import type { JobResult, JobSpec } from '../jobs/job.js';
import { runJob } from '../jobs/run-job.js';

export interface PoolTask {
  id: string;
  spec: JobSpec;
  runDir: string;
  /** Stop at this evaluation point (a resumable run); absent: train to the budget. */
  stopAfter?: number;
}

export interface PoolHooks {
  onStart?: (task: PoolTask) => void;
  onProgress?: (task: PoolTask, samples: number) => void;
  onDone?: (task: PoolTask, result: JobResult) => void;
}

/** Messages from a pool worker. */
export type PoolMessage =
  | { type: 'progress'; samples: number }
  | { type: 'done'; result: JobResult }
  | { type: 'error'; message: string; code: SnnErrorCode | null; hint: string | null };

/** One worker per core. */
export function defaultPoolWorkers(): number {
  return Math.max(1, os.availableParallelism());
}

/** The compiled worker script beside this module, or null when running from sources. */
export function defaultPoolScript(): string | null {
  const path = fileURLToPath(new URL('./pool-worker.js', import.meta.url));
  return existsSync(path) ? path : null;
}

/** Progress is reported every this many samples (and at a job's end). */
export const PROGRESS_EVERY = 10;

export async function runPool(tasks: readonly PoolTask[], workers: number, hooks: PoolHooks = {}, script: string | null = defaultPoolScript()): Promise<void> {
  if (tasks.length === 0) return;
  if (workers <= 1 || script === null) {
    for (const task of tasks) {
      hooks.onStart?.(task);
      const result = await runJob(task.spec, {
        runDir: task.runDir,
        ...(task.stopAfter !== undefined ? { stopAfter: task.stopAfter } : {}),
        onProgress: (s) => {
          if (s % PROGRESS_EVERY === 0) hooks.onProgress?.(task, s);
        },
      });
      hooks.onDone?.(task, result);
    }
    return;
  }
  const queue = [...tasks];
  const started: Worker[] = [];
  await new Promise<void>((resolve, reject) => {
    let running = 0;
    let failed = false;
    const retired = new Set<Worker>();
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      for (const w of started) void w.terminate();
      reject(err);
    };
    const next = (w: Worker) => {
      const task = queue.shift();
      if (task === undefined) {
        retired.add(w);
        void w.terminate();
        if (--running === 0 && !failed) resolve();
        return;
      }
      hooks.onStart?.(task);
      w.removeAllListeners('message');
      w.on('message', (m: PoolMessage) => {
        if (failed) return;
        try {
          if (m.type === 'progress') hooks.onProgress?.(task, m.samples);
          else if (m.type === 'done') {
            hooks.onDone?.(task, m.result);
            next(w);
          } else fail(m.code ? new SnnError(m.code, m.message, m.hint ?? undefined) : new Error(m.message));
        } catch (err) {
          fail(err);
        }
      });
      w.postMessage(task);
    };
    for (let i = 0; i < Math.min(workers, tasks.length); i++) {
      const w = new Worker(script);
      started.push(w);
      running++;
      w.on('error', fail);
      w.on('exit', (code) => {
        if (code !== 0 && !failed && !retired.has(w)) fail(new SnnError('internal', `a compare worker exited with code ${code}`, 'rerun with --workers 1 to run the jobs in-process'));
      });
      next(w);
    }
  });
}
