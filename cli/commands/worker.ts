/**
 * `snn worker --queue redis://HOST:PORT[/DB] [--name Q] [--artifacts DIR] [--concurrency N]`: serves
 * the training jobs of `snn sweep --queue` from any machine until stopped (Ctrl-C finishes the
 * running jobs; a second Ctrl-C abandons them to other workers).
 */
import type { Command } from 'commander';
import { DEFAULT_QUEUE, checkQueueName } from '../../training/queue/queue-names.js';
import { parseRedisUrl } from '../../training/queue/redis-url.js';
import { startWorker } from '../../training/queue/worker.js';
import { defaultWorkers } from '../../training/sweep/local-pool.js';
import { SnnError } from '../../engine/errors.js';
import { positiveInt } from '../parse.js';
import { SNN_VERSION } from '../version.js';

interface WorkerFlags {
  queue?: string;
  name: string;
  artifacts?: string;
  concurrency?: number;
  lockDuration: number;
  stalledInterval: number;
  quiet?: boolean;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('take training jobs of snn sweep --queue from a Redis queue and run them here')
    .option('--queue <url>', 'redis://[:PASSWORD@]HOST:PORT[/DB] (rediss:// for TLS; required)')
    .option('--name <queue>', "queue to serve: the sweep grid's name, or 'snn' for grids without one", DEFAULT_QUEUE)
    .option('--artifacts <dir>', 'keep each job run directory as DIR/<job id> (a shared path); default: temporary, removed')
    .option('--concurrency <n>', 'jobs at a time, one thread each (default: one per core)', positiveInt)
    .option('--lock-duration <ms>', "how long a job's lock lives unrenewed: a dead worker's jobs return to the queue after about this long", positiveInt, 30000)
    .option('--stalled-interval <ms>', 'how often to look for jobs of dead workers', positiveInt, 30000)
    .option('--quiet', 'no log lines')
    .action((flags: WorkerFlags) => runWorker(flags));
}

async function runWorker(flags: WorkerFlags): Promise<void> {
  if (!flags.queue) throw new SnnError('usage', 'missing --queue redis://HOST:PORT', "the Redis that snn sweep --queue submits to; start one with 'redis-server'");
  const target = parseRedisUrl(flags.queue);
  const log = (line: string) => {
    if (!flags.quiet) process.stderr.write(`[${new Date().toISOString()}] ${line}\n`);
  };
  const w = await startWorker({
    target,
    queueName: checkQueueName(flags.name),
    snnVersion: SNN_VERSION,
    artifacts: flags.artifacts ?? null,
    concurrency: flags.concurrency ?? defaultWorkers(),
    lockDurationMs: flags.lockDuration,
    stalledIntervalMs: flags.stalledInterval,
    log,
  });
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(130);
    stopping = true;
    log('stopping: finishing the running jobs (again to abandon them)');
    void w.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await w.done;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
