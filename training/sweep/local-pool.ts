/**
 * The one local thread pool: jobs run on worker threads (one per core), each thread one job at a
 * time. Results do not depend on the number of threads (a job's result is a pure function of its
 * spec). A sweep's job goes into `root/<id>` atomically (run-dir.ts); a comparison's job runs in
 * its own run directory, possibly stopped at an evaluation point and continued later (`runDir`,
 * `stopAfter`). `snn worker` runs its queue jobs on the same threads, so its event loop stays free
 * to keep the jobs' locks alive.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SnnError } from '../../engine/errors.js';
import type { JobResult, JobSpec } from '../jobs/job.js';
import { jobId } from '../jobs/job.js';

/** Where a job's run goes: atomically into `root/<id>`, or into `runDir` itself (resumable, optionally stopped at `stopAfter` samples). */
export type JobTarget = { root: string } | { runDir: string; stopAfter?: number };
export type ThreadRequest = { spec: JobSpec; target: JobTarget };
export type ThreadReply = { type: 'progress'; samples: number } | { type: 'result'; result: JobResult } | { type: 'error'; message: string; badInput: boolean };

/** One thread per core. */
export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism());
}

/**
 * A new job thread: the compiled script beside this module, or (running from sources: tests, bench
 * scripts) the TypeScript source loaded through tsx's loader, registered inside the thread.
 */
function newThread(): Worker {
  const js = fileURLToPath(new URL('./job-thread.js', import.meta.url));
  if (existsSync(js)) return new Worker(js);
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
  const ts = new URL('./job-thread.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(ts)}); })`, { eval: true });
}

interface Waiting {
  spec: JobSpec;
  target: JobTarget;
  onProgress?: (samples: number) => void;
  onStart?: () => void;
  resolve: (r: JobResult) => void;
  reject: (e: Error) => void;
}

/** At most `size` threads, each running one job at a time; a job that fails rejects with its one-line message. */
export class ThreadPool {
  private readonly idle: Worker[] = [];
  private readonly all = new Set<Worker>();
  private readonly waiting: Waiting[] = [];
  private closed = false;

  constructor(readonly size: number) {}

  /** Runs a job when a thread is free; `onStart` is called when one takes it. */
  run(spec: JobSpec, target: JobTarget, onProgress?: (samples: number) => void, onStart?: () => void): Promise<JobResult> {
    if (this.closed) return Promise.reject(new SnnError('internal', 'the thread pool is closed'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ spec, target, onProgress, onStart, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      let t = this.idle.pop();
      if (t === undefined) {
        if (this.all.size >= this.size) return;
        t = newThread();
        this.all.add(t);
      }
      this.start(t, this.waiting.shift()!);
    }
  }

  private start(t: Worker, w: Waiting): void {
    const done = () => {
      t.off('message', onMessage);
      t.off('error', onCrash);
      t.off('exit', onExit);
    };
    const onMessage = (m: ThreadReply) => {
      if (m.type === 'progress') return w.onProgress?.(m.samples);
      done();
      if (m.type === 'result') w.resolve(m.result);
      // A job's bad input (an SnnError other than 'internal') would fail again: 'usage' says so.
      else w.reject(new SnnError(m.badInput ? 'usage' : 'internal', m.message));
      if (!this.closed) {
        this.idle.push(t);
        this.dispatch();
      }
    };
    // A thread that dies (out of memory, say) fails its job; a fresh thread takes the next.
    const lost = (why: string) => {
      done();
      this.all.delete(t);
      w.reject(new SnnError('internal', `job ${jobId(w.spec)}: worker thread died: ${why}`));
      if (!this.closed) this.dispatch();
    };
    const onCrash = (err: Error) => lost(err.message);
    const onExit = (code: number) => lost(`exit code ${code}`);
    t.on('message', onMessage);
    t.once('error', onCrash);
    t.once('exit', onExit);
    w.onStart?.();
    t.postMessage({ spec: w.spec, target: w.target } satisfies ThreadRequest);
  }

  /** Stops every thread; running jobs are abandoned (their temporary run directories stay behind). */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new SnnError('internal', 'the thread pool was closed'));
    await Promise.all([...this.all].map((t) => t.terminate()));
    this.all.clear();
  }
}
