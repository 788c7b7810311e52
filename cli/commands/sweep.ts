/**
 * `snn sweep GRID.yaml --out DIR [--workers W] [--queue redis://HOST:PORT[/DB]]`: runs a grid of
 * training jobs on local worker threads (default) or on a Redis queue served by `snn worker`s, with
 * one progress bar over all jobs, and writes DIR/sweep.{json,md,csv}. `snn sweep status DIR` and
 * `snn sweep cancel DIR` look at or stop a sweep.
 */
import type { Command } from 'commander';
import { SnnError } from '../../engine/errors.js';
import { queueStates, cancelQueued } from '../../training/queue/submit.js';
import { checkReachable, parseRedisUrl } from '../../training/queue/redis-url.js';
import { defaultWorkers } from '../../training/sweep/local-pool.js';
import { runSweep } from '../../training/sweep/run-sweep.js';
import { finishedIds, readPlan, requestCancel, cancelRequested } from '../../training/sweep/sweep-dir.js';
import { positiveInt } from '../parse.js';
import { progressReporter } from '../progress.js';
import { SNN_VERSION } from '../version.js';

interface SweepFlags {
  out?: string;
  workers?: number;
  queue?: string;
  json?: boolean;
  progress: boolean;
}

export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('train a grid of jobs (models × rules × sizes × data sets × seeds) on local threads or a Redis queue; `sweep status DIR`, `sweep cancel DIR`')
    .argument('<grid|status|cancel>', 'GRID.yaml to run, or status / cancel')
    .argument('[dir]', 'with status / cancel: the sweep directory')
    .option('--out <dir>', 'sweep directory: jobs/<id>.json, runs/, sweep.json/.md/.csv (required)')
    .option('--workers <n>', 'local worker threads (default: one per core)', positiveInt)
    .option('--queue <url>', 'run on the BullMQ queue at redis://[:PASSWORD@]HOST:PORT[/DB] (rediss:// for TLS), served by snn worker (default: local threads)')
    .option('--json', 'print the result as JSON')
    .option('--no-progress', 'no progress bar')
    .action((what: string, dir: string | undefined, flags: SweepFlags) => {
      if (what === 'status' || what === 'cancel') {
        if (!dir) throw new SnnError('usage', `missing DIR: snn sweep ${what} DIR`, 'give the --out directory of the sweep');
        return what === 'status' ? sweepStatus(dir, flags) : sweepCancel(dir, flags);
      }
      return sweepRun(what, flags);
    });
}

async function sweepRun(gridFile: string, flags: SweepFlags): Promise<void> {
  if (!flags.out) throw new SnnError('usage', 'missing --out DIR', 'name a directory for the sweep');
  const bar = progressReporter('sweep', 'samples', flags.progress && !flags.json, { describe: (e) => (e.jobs !== undefined ? `${e.jobs} jobs` : '') });
  let outcome;
  try {
    outcome = await runSweep({
      gridFile,
      out: flags.out,
      snnVersion: SNN_VERSION,
      workers: flags.workers ?? defaultWorkers(),
      queue: flags.queue ?? null,
      onProgress: (s, total, j, jobs) => bar.update(s, total, { jobs: `${j}/${jobs}` }),
      onJobError: (id, message) => process.stderr.write(`job ${id} failed: ${message}\n`),
      onNotice: (line) => process.stderr.write(`${line}\n`),
    });
  } finally {
    bar.stop();
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ name: outcome.name, total: outcome.total, reused: outcome.reused, ran: outcome.results.length, failed: outcome.failed, stopped: outcome.stopped }, null, 2)}\n`);
  else process.stdout.write(`sweep ${outcome.name}: ${outcome.results.length} jobs run, ${outcome.reused} reused, ${outcome.failed.length} failed of ${outcome.total}; table: ${flags.out}/sweep.md\n`);
  if (outcome.stopped) throw new SnnError('usage', `sweep ${outcome.name} cancelled with ${finishedIds(flags.out).size} of ${outcome.total} jobs done`, `run the same snn sweep command again to continue`, 1);
  if (outcome.failed.length) {
    const f = outcome.failed[0]!;
    throw new SnnError('usage', `${outcome.failed.length} of ${outcome.total} jobs failed; job ${f.id}: ${f.message}`, 'the other results are kept: fix the cause and run the same command again to retry the failed jobs', 1);
  }
}

async function sweepStatus(dir: string, flags: SweepFlags): Promise<void> {
  const plan = readPlan(dir);
  const done = finishedIds(dir);
  const finished = plan.ids.filter((id) => done.has(id)).length;
  let queue: Record<string, number> | null = null;
  const url = flags.queue ?? plan.queue;
  if (url && plan.queueName) {
    const target = parseRedisUrl(url);
    await checkReachable(target);
    queue = await queueStates(target, plan.queueName, plan.ids.filter((id) => !done.has(id)));
  }
  const status = { name: plan.name, jobs: plan.ids.length, finished, cancelled: cancelRequested(dir), queue: plan.queue, queueName: plan.queueName, queueStates: queue };
  if (flags.json) return void process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
  const states = queue ? `; not finished, on queue '${plan.queueName}': ${Object.entries(queue).map(([k, v]) => `${v} ${k}`).join(', ') || 'none'}` : '';
  process.stdout.write(`sweep ${plan.name}: ${finished} of ${plan.ids.length} jobs finished${status.cancelled ? ' (cancelled)' : ''}${states}\n`);
}

async function sweepCancel(dir: string, flags: SweepFlags): Promise<void> {
  const plan = readPlan(dir);
  requestCancel(dir);
  let removed = 0;
  const url = flags.queue ?? plan.queue;
  if (url && plan.queueName) {
    const target = parseRedisUrl(url);
    await checkReachable(target);
    const done = finishedIds(dir);
    removed = await cancelQueued(target, plan.queueName, plan.ids.filter((id) => !done.has(id)));
  }
  process.stdout.write(`sweep ${plan.name}: cancelled${plan.queueName ? `; ${removed} queued jobs removed (running ones finish)` : ''}; run the sweep again to continue\n`);
}
