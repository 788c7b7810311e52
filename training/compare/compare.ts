/**
 * `snn compare` as a library call: the grid of contenders × seeds runs on the local pool, each
 * finished job is stored atomically as DIR/jobs/<id>.json (its run directory is DIR/runs/<id>/),
 * and the summaries are written to DIR. A rerun with the same DIR reuses every stored job and
 * continues unfinished ones from their last checkpoint, so a killed comparison ends with the same
 * compare.json as one never stopped, and no finished run is done twice.
 *
 * With a queue (redis://…) the open jobs go on a BullMQ queue served by `snn worker`s instead of the
 * local pool (their run directories stay with the workers); results are the same, since a job's
 * result is a function of its spec.
 *
 * With --prune or --budget-seconds the jobs advance in rounds, one evaluation point at a time, and
 * the decisions (stop a contender, stop a run out of time) are taken between rounds. For pruning
 * they depend only on the learning curves so far, hence not on the number of workers.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SnnError } from '../../engine/errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { DEFAULT_QUEUE } from '../queue/queue-names.js';
import { checkReachable, parseRedisUrl } from '../queue/redis-url.js';
import { submitJobs } from '../queue/submit.js';
import { SNN_VERSION } from '../../cli/version.js';
import type { JobResult } from '../jobs/job.js';
import type { Contender } from './contenders.js';
import { buildGrid, type GridJob, type GridOptions } from './grid.js';
import { runJob } from '../jobs/run-job.js';
import { longTailSubset } from '../jobs/long-tail-budget.js';
import type { JobSpec } from '../jobs/job.js';
import { ThreadPool } from '../sweep/local-pool.js';
import { predictFinal as defaultPredict, type CurvePoint, type Prediction, type PredictFinal } from './predict.js';
import { decidePrune } from './prune.js';
import { compareCsv, compareMarkdown } from './tables.js';
import { summarize, summarizeTiming, type CompareJson, type CompareTiming } from './summary.js';

export interface CompareOptions extends GridOptions {
  model: string;
  contenders: Contender[];
  out: string;
  workers: number;
  prune?: boolean;
  /** Wall seconds per run; runs stop at the first evaluation point past it. */
  budgetSeconds?: number | null;
  targetAccuracy?: number | null;
  /** Learning-curve predictor for --prune. */
  predict?: PredictFinal;
  /** redis://… : run the jobs on this BullMQ queue instead of local threads. */
  queue?: string | null;
  /** Queue name the workers serve (`snn worker --name`). */
  queueName?: string;
}

export interface CompareEvents {
  /** Samples trained so far over the whole grid, and the grid's total. */
  onProgress?: (done: number, total: number) => void;
  onJobDone?: (job: GridJob, result: JobResult, finished: number, total: number) => void;
  /** The jobs of the grid that were already finished by an earlier run in DIR. */
  onReuse?: (reused: number, total: number) => void;
}

export interface CompareOutcome {
  json: CompareJson;
  timing: CompareTiming;
  dir: string;
}

const RUN_LOG = 'run.log';

function readStored(path: string): JobResult | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JobResult;
  } catch {
    return null; // missing or half-written by a foreign tool: run the job again
  }
}

export async function runCompare(o: CompareOptions, events: CompareEvents = {}): Promise<CompareOutcome> {
  const started = performance.now();
  const jobs = buildGrid(o.contenders, o);
  const evalAt = jobs[0]!.spec.evalAt;
  const budgetSeconds = o.budgetSeconds ?? null;
  const prune = o.prune ?? false;
  const predict = o.predict ?? defaultPredict;
  const jobsDir = join(o.out, 'jobs');
  const runsDir = join(o.out, 'runs');
  mkdirSync(jobsDir, { recursive: true });
  mkdirSync(runsDir, { recursive: true });
  const log = (line: string) => appendFileSync(join(o.out, RUN_LOG), `${new Date().toISOString()} ${line}\n`);

  // Contenders with identical specs share their runs: one job per id.
  const unique = new Map<string, GridJob>();
  for (const j of jobs) if (!unique.has(j.id)) unique.set(j.id, j);

  // A stored result counts when it answers this comparison: complete, or stopped for a reason this comparison also applies.
  const final = new Map<string, JobResult>();
  for (const id of unique.keys()) {
    const r = readStored(join(jobsDir, `${id}.json`));
    if (r === null || r.id !== id) continue;
    const complete = r.evaluations.at(-1)?.samples === r.spec.budgetSamples;
    if (complete || (prune && r.prunedAt != null) || (budgetSeconds !== null && r.stoppedAt != null)) final.set(id, r);
  }
  events.onReuse?.(final.size, unique.size);

  const total = unique.size * o.budgetSamples;
  const progress = new Map<string, number>();
  for (const [id, r] of final) progress.set(id, r.spec.budgetSamples);
  let doneSum = [...progress.values()].reduce((s, v) => s + v, 0);
  const report = (id: string, samples: number) => {
    doneSum += samples - (progress.get(id) ?? 0);
    progress.set(id, samples);
    events.onProgress?.(doneSum, total);
  };
  const store = (job: GridJob, r: JobResult) => {
    final.set(job.id, r);
    writeFileAtomic(join(jobsDir, `${job.id}.json`), `${JSON.stringify(r, null, 2)}\n`);
    log(`finished ${job.id} ${job.contender} seed ${job.seed}`);
    // A stopped run counts as done for the progress bar.
    report(job.id, r.spec.budgetSamples);
    events.onJobDone?.(job, r, final.size, unique.size);
  };
  const taskOf = (job: GridJob, stopAfter?: number): PoolTask => ({
    id: job.id,
    spec: job.spec,
    runDir: join(runsDir, job.id),
    ...(stopAfter !== undefined ? { stopAfter } : {}),
  });
  const hooks = (onDone: (job: GridJob, r: JobResult) => void) => ({
    onStart: (t: PoolTask) => log(`started ${t.id}${t.stopAfter !== undefined ? ` to ${t.stopAfter}` : ''}`),
    onProgress: (t: PoolTask, s: number) => report(t.id, s),
    onDone: (t: PoolTask, r: JobResult) => onDone(unique.get(t.id)!, r),
  });
  events.onProgress?.(doneSum, total);

  const predictions = new Map<string, Prediction | null>();
  if (o.queue) {
    // Rounds need a run stopped at an evaluation point and continued later on the same disk.
    if (prune || budgetSeconds !== null) throw new SnnError('usage', '--prune and --budget-seconds run on local threads only', 'drop --queue, or drop --prune/--budget-seconds');
    const target = parseRedisUrl(o.queue);
    await checkReachable(target);
    const open = [...unique.values()].filter((j) => !final.has(j.id));
    log(`queued ${open.length} jobs on ${target.display}`);
    const outcome = await submitJobs(target, o.queueName ?? DEFAULT_QUEUE, open.map((j) => j.spec), {
      snnVersion: SNN_VERSION,
      onProgress: (id, samples) => report(id, samples),
      onResult: (r) => store(unique.get(r.id)!, r),
    });
    if (outcome.failed.length > 0) {
      const f = outcome.failed[0]!;
      throw new SnnError('internal', `${outcome.failed.length} job(s) failed on the queue, first ${f.id}: ${f.message}`, 'fix the cause and rerun with the same --out: finished jobs are kept');
    }
  } else if (!prune && budgetSeconds === null) {
    const open = [...unique.values()].filter((j) => !final.has(j.id));
    await runPool(open.map((j) => taskOf(j)), o.workers, hooks(store));
  } else {
    const partial = new Map<string, JobResult>();
    for (let k = 0; k < evalAt.length; k++) {
      const point = evalAt[k]!;
      const last = k === evalAt.length - 1;
      const open = [...unique.values()].filter((j) => !final.has(j.id));
      if (open.length === 0) break;
      await runPool(
        open.map((j) => taskOf(j, last ? undefined : point)),
        o.workers,
        hooks((job, r) => {
          if (last) store(job, r);
          else {
            log(`reached ${job.id} ${point}`);
            partial.set(job.id, r);
          }
        }),
      );
      if (last) break;
      if (budgetSeconds !== null) {
        for (const j of open) {
          const r = partial.get(j.id)!;
          if (r.wallSeconds >= budgetSeconds) store(j, { ...r, stoppedAt: point });
        }
      }
      if (prune) {
        // Seed-mean curves up to this point of the contenders still running.
        const curves = new Map<string, CurvePoint[]>();
        for (const c of o.contenders) {
          const cj = jobs.filter((j) => j.contender === c.name);
          const results = cj.map((j) => final.get(j.id) ?? partial.get(j.id)!);
          // Contenders stopped before this point take no part; those stopped at it (in an
          // interrupted earlier run) do, as they did then.
          const gone = (r: JobResult) => (r.prunedAt ?? r.stoppedAt ?? Infinity) < point || r.evaluations.at(-1)!.samples < point;
          if (results.every(gone)) continue;
          const points: CurvePoint[] = [];
          for (const s of evalAt.slice(0, k + 1)) {
            const acc = results.map((r) => r.evaluations.find((e) => e.samples === s)?.accuracy);
            if (acc.every((a) => a !== undefined)) points.push({ samples: s, accuracy: (acc as number[]).reduce((x, y) => x + y, 0) / acc.length });
          }
          curves.set(c.name, points);
        }
        const decision = decidePrune(curves, o.budgetSamples, predict);
        for (const name of decision.pruned) {
          const p = decision.predictions.get(name) ?? null;
          predictions.set(name, p);
          for (const j of jobs.filter((x) => x.contender === name && !final.has(x.id))) {
            store(j, { ...partial.get(j.id)!, prunedAt: point, predicted: p ? { final: p.final, lo: p.lo, hi: p.hi } : null });
          }
        }
      }
    }
  }
  // A contender pruned in an earlier, interrupted run: its prediction is stored with its jobs.
  for (const c of o.contenders) {
    if (predictions.has(c.name)) continue;
    const r = jobs.filter((j) => j.contender === c.name).map((j) => final.get(j.id)!).find((x) => x.prunedAt != null);
    if (r?.predicted) predictions.set(c.name, { ...r.predicted, family: 'stored' });
  }

  const input = {
    snnVersion: SNN_VERSION,
    model: o.model,
    dataset: o.dataset,
    neurons: o.neurons,
    budgetSamples: o.budgetSamples,
    budgetSeconds,
    testSamples: o.testSamples,
    evalAt,
    seeds: o.seeds,
    longTail: o.longTail ? longTailSubset(o.dataset, o.longTail.ratio, o.longTail.trainSamples) : null,
    targetAccuracy: o.targetAccuracy ?? null,
    prune,
    contenders: o.contenders,
    jobs,
    results: final,
    predictions,
  };
  const json = summarize(input);
  const timing = summarizeTiming(input, json.targetAccuracy, (performance.now() - started) / 1000, o.workers);
  writeFileAtomic(join(o.out, 'compare.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileAtomic(join(o.out, 'compare-timing.json'), `${JSON.stringify(timing, null, 2)}\n`);
  writeFileAtomic(join(o.out, 'compare.md'), compareMarkdown(json, timing));
  writeFileAtomic(join(o.out, 'compare.csv'), compareCsv(json, jobs, final));
  if (!existsSync(join(o.out, RUN_LOG))) log('nothing to run');
  return { json, timing, dir: o.out };
}

interface PoolTask {
  id: string;
  spec: JobSpec;
  runDir: string;
  /** Stop at this evaluation point (a resumable run); absent: train to the budget. */
  stopAfter?: number;
}

interface PoolHooks {
  onStart?: (task: PoolTask) => void;
  onProgress?: (task: PoolTask, samples: number) => void;
  onDone?: (task: PoolTask, result: JobResult) => void;
}

/** Progress is reported every this many samples (and at a job's end). */
const PROGRESS_EVERY = 10;

/**
 * Runs the tasks on the local thread pool (sweep/local-pool.ts), or with one worker in this thread
 * one after another. The first failure stops the others (their runs stay resumable) and is thrown.
 */
async function runPool(tasks: readonly PoolTask[], workers: number, hooks: PoolHooks): Promise<void> {
  const progress = (task: PoolTask) => (s: number) => {
    if (s % PROGRESS_EVERY === 0) hooks.onProgress?.(task, s);
  };
  if (workers <= 1) {
    for (const task of tasks) {
      hooks.onStart?.(task);
      const result = await runJob(task.spec, { runDir: task.runDir, onProgress: progress(task), ...(task.stopAfter !== undefined ? { stopAfter: task.stopAfter } : {}) });
      hooks.onDone?.(task, result);
    }
    return;
  }
  const pool = new ThreadPool(Math.min(workers, tasks.length));
  let failed = false;
  try {
    await Promise.all(
      tasks.map((task) =>
        pool.run(task.spec, { runDir: task.runDir, ...(task.stopAfter !== undefined ? { stopAfter: task.stopAfter } : {}) }, progress(task), () => hooks.onStart?.(task)).then(
          (result) => {
            if (!failed) hooks.onDone?.(task, result);
          },
          (err: unknown) => {
            failed = true;
            void pool.close();
            throw err;
          },
        ),
      ),
    );
  } finally {
    await pool.close();
  }
}
