/**
 * `snn sweep` as a library call: expand the grid, skip the jobs whose results are already in the
 * output directory, run the rest on local threads or on a Redis queue, keep each result as it
 * arrives, and write the table. Interrupted or cancelled sweeps continue where they stopped when
 * run again.
 */
import { join } from 'node:path';
import type { JobResult, JobSpec } from '../jobs/job.js';
import { jobId } from '../jobs/job.js';
import { submitJobs } from '../queue/submit.js';
import { checkReachable, parseRedisUrl } from '../queue/redis-url.js';
import { loadGrid } from './grid.js';
import { ThreadPool } from './local-pool.js';
import { cancelRequested, clearCancel, finishedIds, readResult, saveResult, writePlan } from './sweep-dir.js';
import { writeTable } from './table.js';

export interface SweepOptions {
  gridFile: string;
  out: string;
  snnVersion: string;
  /** Local threads (embedded mode). */
  workers: number;
  /** redis://… : run on the queue instead of local threads. */
  queue: string | null;
  onProgress?: (doneSamples: number, totalSamples: number, doneJobs: number, totalJobs: number) => void;
  onJobError?: (id: string, message: string) => void;
  onNotice?: (line: string) => void;
  pollMs?: number;
}

export interface SweepOutcome {
  name: string;
  total: number;
  /** Jobs whose results were already in the directory. */
  reused: number;
  results: JobResult[];
  failed: { id: string; message: string }[];
  stopped: boolean;
}

export async function runSweep(o: SweepOptions): Promise<SweepOutcome> {
  const target = o.queue === null ? null : parseRedisUrl(o.queue);
  const grid = loadGrid(o.gridFile, o.snnVersion);
  if (target) await checkReachable(target);
  const ids = grid.jobs.map(jobId);
  writePlan(o.out, { name: grid.name, snnVersion: o.snnVersion, ids, queue: target?.display ?? null, queueName: target ? grid.queueName : null });
  clearCancel(o.out);
  const finished = finishedIds(o.out);
  const todo = grid.jobs.filter((s) => !finished.has(jobId(s)));
  const budget = new Map(grid.jobs.map((s) => [jobId(s), s.budgetSamples]));
  const totalSamples = grid.jobs.reduce((a, s) => a + s.budgetSamples, 0);
  let doneSamples = grid.jobs.filter((s) => finished.has(jobId(s))).reduce((a, s) => a + s.budgetSamples, 0);
  let doneJobs = grid.jobs.length - todo.length;
  const partial = new Map<string, number>();
  const report = () => o.onProgress?.(doneSamples + [...partial.values()].reduce((a, b) => a + b, 0), totalSamples, doneJobs, grid.jobs.length);
  const onProgress = (id: string, samples: number) => {
    partial.set(id, Math.min(samples, budget.get(id) ?? samples));
    report();
  };
  const onResult = (r: JobResult) => {
    saveResult(o.out, r);
    partial.delete(r.id);
    doneSamples += budget.get(r.id) ?? 0;
    doneJobs++;
    report();
  };
  const onError = (id: string, message: string) => {
    partial.delete(id);
    o.onJobError?.(id, message);
  };
  const shouldStop = () => cancelRequested(o.out);
  report();
  let outcome: { results: JobResult[]; failed: { id: string; message: string }[]; stopped: boolean };
  if (target) {
    outcome = await submitJobs(target, grid.queueName, todo, { snnVersion: o.snnVersion, onProgress, onResult, onError, shouldStop, onNotice: o.onNotice, pollMs: o.pollMs });
  } else {
    outcome = await runOnThreads(todo, join(o.out, 'runs'), o.workers, { onProgress, onResult, onError, shouldStop });
  }
  const now = finishedIds(o.out);
  writeTable(o.out, grid.name, ids.filter((id) => now.has(id)).map((id) => readResult(o.out, id)));
  return { name: grid.name, total: grid.jobs.length, reused: grid.jobs.length - todo.length, ...outcome };
}

async function runOnThreads(
  specs: JobSpec[],
  root: string,
  workers: number,
  h: { onProgress: (id: string, s: number) => void; onResult: (r: JobResult) => void; onError: (id: string, m: string) => void; shouldStop: () => boolean },
): Promise<{ results: JobResult[]; failed: { id: string; message: string }[]; stopped: boolean }> {
  const out = { results: [] as JobResult[], failed: [] as { id: string; message: string }[], stopped: false };
  if (specs.length === 0) return out;
  const pool = new ThreadPool(Math.min(workers, specs.length));
  const watch = setInterval(() => {
    if (!out.stopped && h.shouldStop()) {
      out.stopped = true;
      void pool.close();
    }
  }, 250);
  try {
    await Promise.all(
      specs.map((spec) =>
        pool.run(spec, { root }, (s) => h.onProgress(jobId(spec), s)).then(
          (r) => {
            out.results.push(r);
            h.onResult(r);
          },
          (err: Error) => {
            if (out.stopped) return;
            out.failed.push({ id: jobId(spec), message: err.message });
            h.onError(jobId(spec), err.message);
          },
        ),
      ),
    );
  } finally {
    clearInterval(watch);
    await pool.close();
  }
  return out;
}
