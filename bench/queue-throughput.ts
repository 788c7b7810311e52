/**
 * Throughput of sweeps: jobs per hour on the local thread pool (`snn sweep --workers W`) and on the
 * Redis queue with W `snn worker` processes (one thread each), W = 1, 2, 3, for the same grid; and
 * the queue's overhead per job: (queue wall − local wall) × W / jobs, in worker-seconds per job.
 *
 *   npm run build && nice npx tsx bench/queue-throughput.ts [JOBS] [BUDGET] [REPEATS] [--record TOPIC#ANCHOR]
 *
 * Starts its own redis-server (no persistence) on a free loopback port and removes everything it
 * wrote. Each measurement runs the grid into a fresh directory on its own queue, so nothing is reused.
 * Local and queued runs alternate, REPEATS times each (default 2); the fastest of each is kept, the
 * least disturbed by other load on the machine (the load average is printed before and after).
 * `--record` appends the queue's overhead per job (its range over W) to bench/results/speed.jsonl
 * with a lab-log entry (bench/results-row.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBackend } from '../engine/backend.js';
import { recordSpec, scriptCommand, startRecording, withoutRecord } from './results-row.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'dist', 'cli', 'main.js');
const positional = withoutRecord(process.argv.slice(2));
const jobs = Number(positional[0] ?? 6);
const budget = Number(positional[1] ?? 100);
const repeats = Number(positional[2] ?? 2);
const record = startRecording('speed', recordSpec(), scriptCommand());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function run(args: string[]): { child: ChildProcess; log: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, [ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  return { child, log: () => log, done: new Promise((r) => child.once('exit', (code) => r(code))) };
}

async function timed(args: string[]): Promise<number> {
  const t0 = performance.now();
  const p = run(args);
  const code = await p.done;
  if (code !== 0) throw new Error(`snn ${args.join(' ')} failed:\n${p.log()}`);
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  if (!existsSync(ENTRY)) throw new Error('run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'snn-queue-bench-'));
  const port = await freePort();
  const redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  await sleep(500);
  const grid = (name: string) => {
    const f = join(dir, `${name}.yaml`);
    const seeds = Array.from({ length: jobs }, (_, i) => i + 1);
    writeFileSync(f, `name: ${name}\nmodels: [hao2020]\nneurons: [20]\nseeds: [${seeds.join(', ')}]\nset: { rest: reset }\nbudget: ${budget}\ntestSamples: 40\n`);
    return f;
  };
  const rows: string[] = [];
  const measured: { w: number; local: number; queued: number; overhead: number }[] = [];
  try {
    console.log(`${jobs} jobs (hao2020 N=20, ${budget} training samples, 40 test samples); load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    for (const w of [1, 2, 3]) {
      let local = Infinity;
      let queued = Infinity;
      for (let r = 0; r < repeats; r++) {
        local = Math.min(local, await timed(['sweep', grid(`local${w}r${r}`), '--out', join(dir, `local${w}r${r}`), '--workers', String(w), '--no-progress']));
        const name = `queue${w}r${r}`;
        const workers = Array.from({ length: w }, () => run(['worker', '--queue', url, '--name', name, '--concurrency', '1']));
        while (!workers.every((p) => p.log().includes('worker on queue'))) await sleep(50);
        await sleep(1000);
        queued = Math.min(queued, await timed(['sweep', grid(name), '--out', join(dir, name), '--queue', url, '--no-progress']));
        for (const p of workers) p.child.kill('SIGKILL');
        await Promise.all(workers.map((p) => p.done));
      }
      const overhead = ((queued - local) * w) / jobs;
      const row = `| ${w} | ${local.toFixed(1)} | ${((3600 * jobs) / local).toFixed(0)} | ${queued.toFixed(1)} | ${((3600 * jobs) / queued).toFixed(0)} | ${overhead.toFixed(2)} |`;
      rows.push(row);
      measured.push({ w, local, queued, overhead });
      console.log(row);
    }
  } finally {
    redis.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n| W | local wall s | local jobs/h | queue wall s | queue jobs/h | queue overhead (worker-s per job) |\n|---|---|---|---|---|---|\n${rows.join('\n')}`);
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const overheads = measured.map((m) => m.overhead);
  record({
    what: `sweep on the Redis queue against the local thread pool: ${jobs} jobs (hao2020 N = 20, ${budget} samples), W = 1–3 workers`,
    metric: 'queue overhead per job, range over W (worker-seconds)',
    value: [+Math.min(...overheads).toFixed(2), +Math.max(...overheads).toFixed(2)],
    precision: 2,
    unit: 's',
    compare: `jobs per hour local / queue: ${measured.map((m) => `W ${m.w} ${((3600 * jobs) / m.local).toFixed(0)} / ${((3600 * jobs) / m.queued).toFixed(0)}`).join(', ')}`,
    backend: `${describeBackend('f64')}; redis-server on loopback, BullMQ`,
    notes: rows,
  });
}

await main();
