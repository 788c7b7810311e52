/**
 * Distributed sweeps against a real Redis on loopback (a private redis-server on a free port, no
 * persistence), with `snn sweep` and `snn worker` as real processes:
 *
 * - a grid run on 3 worker processes gives exactly the table (and the metrics of every job) of the
 *   same grid run on local threads;
 * - a worker killed with SIGKILL mid-job has its job retried by another: every result once;
 * - a Redis restart (empty: no persistence) mid-sweep is survived by workers and submitter;
 * - a bad Redis URL, an unknown model, a worker of another snn version: one line, exit 2, nothing lost.
 *
 * Needs /usr/bin/redis-server (Debian redis-server; .ci/run installs it): skipped with a warning
 * without it, but a failure under CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobId, type JobResult, type JobSpec } from '../training/jobs/job.js';
import { versionKey } from '../training/queue/queue-names.js';
import { cliEntry } from './helpers/cli-bin.js';

const REDIS = '/usr/bin/redis-server';
const hasRedis = existsSync(REDIS);
if (!hasRedis) {
  if (process.env.CI === 'true') throw new Error(`${REDIS} is missing: install the Debian package redis-server (.ci/run does)`);
  console.warn(`\n*** SKIPPING the Redis queue tests: ${REDIS} is missing (apt-get install redis-server) ***\n`);
}

let dir: string;
let entry: string;
let port: number;
let redis: ChildProcess | null = null;
const children = new Set<ChildProcess>();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function startRedis(): Promise<void> {
  redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  await waitFor(async () => {
    try {
      if (client.status !== 'ready') await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      client.disconnect();
      return false;
    }
  }, 10_000, 'redis-server');
  client.disconnect();
}

async function stopRedis(): Promise<void> {
  if (!redis) return;
  const r = redis;
  redis = null;
  const gone = new Promise((res) => r.once('exit', res));
  r.kill('SIGKILL');
  await gone;
}

interface Proc {
  child: ChildProcess;
  log: () => string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Proc {
  // TMPDIR inside the test directory: temporary run directories of killed workers go with it.
  const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: dir } });
  children.add(child);
  let log = '';
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, log: () => log, done };
}

const url = () => `redis://127.0.0.1:${port}`;

function worker(name: string, extra: string[] = []): Proc {
  return run(['worker', '--queue', url(), '--name', name, '--concurrency', '1', '--lock-duration', '3000', '--stalled-interval', '1000', ...extra]);
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await p.done;
}

function grid(name: string, seeds: number[], budget = 40): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, 'models: [hao2020]', 'neurons: [20]', `seeds: [${seeds.join(', ')}]`, 'set: { rest: reset }', `budget: ${budget}`, 'testSamples: 40', `evalAt: [${budget / 2}, ${budget}]`, ''].join('\n'));
  return file;
}

/** The table without its last two (timing) columns. */
const metricsTable = (out: string) =>
  readFileSync(join(out, 'sweep.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(',').slice(0, -2).join(','));

/** Every job's result without its timings. */
function metrics(out: string): unknown[] {
  const results = (JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { results: JobResult[] }).results;
  return results.map((r) => ({ id: r.id, spec: r.spec, backend: r.backend, accuracy: r.accuracy, curve: r.evaluations.map((e) => [e.samples, e.accuracy]), weightStats: r.weightStats }));
}

beforeAll(async () => {
  if (!hasRedis) return;
  dir = mkdtempSync(join(tmpdir(), 'snn-queue-'));
  entry = cliEntry();
  port = await freePort();
  await startRedis();
}, 180_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await stopRedis();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasRedis)('snn sweep on a Redis queue', () => {
  let localOut: string;

  it('3 worker processes give exactly the table of the local run', async () => {
    const g = grid('same', [1, 2, 3, 4, 5]);
    localOut = join(dir, 'local');
    const local = run(['sweep', g, '--out', localOut, '--workers', '2']);
    expect((await local.done).code, local.log()).toBe(0);

    const workers = [0, 1, 2].map(() => worker('same', ['--artifacts', join(dir, 'artifacts')]));
    const out = join(dir, 'queued');
    const sweep = run(['sweep', g, '--out', out, '--queue', url()]);
    const r = await sweep.done;
    await Promise.all(workers.map(stop));
    expect(r.code, sweep.log()).toBe(0);
    expect(metricsTable(out)).toEqual(metricsTable(localOut));
    expect(metrics(out)).toEqual(metrics(localOut));
    expect(metricsTable(out)).toHaveLength(1 + 5);
    // The run directories went to the shared artifacts path, named by job id.
    const ids = (metrics(out) as { id: string }[]).map((m) => m.id);
    expect(readdirSync(join(dir, 'artifacts')).filter((f) => !f.startsWith('.')).sort()).toEqual([...ids].sort());
    // Resubmitting the finished sweep computes nothing again.
    const again = run(['sweep', g, '--out', out, '--queue', url(), '--json']);
    expect((await again.done).code).toBe(0);
    expect(JSON.parse(again.log())).toMatchObject({ total: 5, reused: 5, ran: 0 });
  }, 240_000);

  it('snn compare --queue writes the compare.json of a local compare', async () => {
    const common = ['compare', '--model', 'hao2020', '--neurons', '20', '--contender', 'a=--set rest=reset', '--contender', 'b=--set rest=reset --set etaInput=0.02', '--seeds', '2', '--budget-samples', '40', '--test-samples', '40', '--eval-points', '2', '--no-report', '--no-progress'];
    const localDir = join(dir, 'cmp-local');
    const local = run([...common, '--out', localDir, '--workers', '1']);
    expect((await local.done).code, local.log()).toBe(0);
    const workers = [0, 1].map(() => worker('cmp'));
    const queuedDir = join(dir, 'cmp-queued');
    const queued = run([...common, '--out', queuedDir, '--queue', url(), '--queue-name', 'cmp']);
    const r = await queued.done;
    await Promise.all(workers.map(stop));
    expect(r.code, queued.log()).toBe(0);
    expect(readFileSync(join(queuedDir, 'compare.json'), 'utf8')).toBe(readFileSync(join(localDir, 'compare.json'), 'utf8'));
    const refused = run([...common, '--out', join(dir, 'cmp-prune'), '--queue', url(), '--prune']);
    expect((await refused.done).code).toBe(2);
    expect(refused.log()).toMatch(/--prune and --budget-seconds run on local threads only/);
  }, 240_000);

  it('a worker killed with SIGKILL mid-job has its job retried by another; no result lost or doubled', async () => {
    const g = grid('kill', [11, 12, 13], 160);
    const out = join(dir, 'kill');
    const a = worker('kill');
    await waitFor(() => a.log().includes('worker on queue'), 60_000, 'worker a');
    const sweep = run(['sweep', g, '--out', out, '--queue', url()]);
    // a takes the first job; kill it once the job is under way, before b exists to take any.
    await waitFor(() => /job ([0-9a-f]{16}): hao2020/.test(a.log()), 60_000, 'a job on worker a');
    const killedJob = /job ([0-9a-f]{16}): hao2020/.exec(a.log())![1]!;
    await sleep(300);
    a.child.kill('SIGKILL');
    expect((await a.done).signal).toBe('SIGKILL');
    expect(a.log()).not.toContain(`job ${killedJob}: done`);
    const b = worker('kill');
    const r = await sweep.done;
    await stop(b);
    expect(r.code, sweep.log() + b.log()).toBe(0);
    expect(b.log()).toContain(`job ${killedJob}: done`);
    const ids = (metrics(out) as { id: string }[]).map((m) => m.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(readdirSync(join(out, 'jobs')).sort()).toEqual(ids.map((id) => `${id}.json`).sort());
  }, 240_000);

  it('survives a Redis restart mid-sweep (the restarted Redis is empty)', async () => {
    const g = grid('restart', [21, 22, 23, 24], 80);
    const out = join(dir, 'restart');
    const workers = [worker('restart'), worker('restart')];
    const sweep = run(['sweep', g, '--out', out, '--queue', url()]);
    await waitFor(() => existsSync(join(out, 'jobs')) && readdirSync(join(out, 'jobs')).length >= 1, 120_000, 'a first result');
    await stopRedis();
    await sleep(1500);
    await startRedis();
    const r = await sweep.done;
    await Promise.all(workers.map(stop));
    expect(r.code, sweep.log()).toBe(0);
    const ids = (metrics(out) as { id: string }[]).map((m) => m.id);
    expect(new Set(ids).size).toBe(4);
    // Same results as a local run of these jobs would give: compare with the jobs' local results.
    const local = run(['sweep', g, '--out', join(dir, 'restart-local'), '--workers', '2']);
    expect((await local.done).code).toBe(0);
    expect(metrics(out)).toEqual(metrics(join(dir, 'restart-local')));
  }, 300_000);

  it('a worker of another snn version refuses to serve, naming both versions; its queue keeps the jobs', async () => {
    const client = new Redis({ host: '127.0.0.1', port });
    await client.set(versionKey('other'), '9.9.9');
    const w = worker('other');
    expect((await w.done).code).toBe(2);
    const lines = w.log().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: queue 'other' .* holds jobs of snn 9\.9\.9; this worker is snn \d+\.\d+\.\d+ \(/);

    // A job of another version that reaches a worker fails with the reason and stays on the queue.
    await client.del(versionKey('other'));
    const spec = { kind: 'train', snnVersion: '9.9.9', model: 'hao2020', dataset: 'mnist', neurons: 20, rules: [], recipe: null, set: { rest: 'reset' }, sampler: null, transforms: [], policy: null, seed: 1, budgetSamples: 40, testSamples: 40, evalAt: [40] } satisfies JobSpec;
    const id = jobId(spec);
    const queue = new Queue('other', { connection: { host: '127.0.0.1', port } as ConnectionOptions });
    await queue.add('train', spec, { jobId: id });
    const w2 = worker('other');
    expect((await w2.done).code).toBe(2);
    expect(w2.log()).toMatch(/error: job [0-9a-f]{16} was submitted by snn 9\.9\.9; this worker is snn/);
    const job = await queue.getJob(id);
    expect(await job!.getState()).toBe('failed');
    expect(job!.failedReason).toMatch(/submitted by snn 9\.9\.9/);
    await queue.close();
    client.disconnect();
  }, 120_000);

  it('sweep status and sweep cancel: a waiting sweep stops, its queued jobs are removed, a rerun finishes it', async () => {
    const g = grid('cancel', [31, 32]);
    const out = join(dir, 'cancel');
    const queue = new Queue('cancel', { connection: { host: '127.0.0.1', port } as ConnectionOptions });
    const sweep = run(['sweep', g, '--out', out, '--queue', url()]);
    await waitFor(async () => (await queue.getJobCounts('waiting')).waiting === 2, 60_000, 'two waiting jobs');
    const status = spawnSync(process.execPath, [entry, 'sweep', 'status', out, '--json'], { encoding: 'utf8' });
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ name: 'cancel', jobs: 2, finished: 0, queueName: 'cancel', queueStates: { waiting: 2 } });
    const cancel = spawnSync(process.execPath, [entry, 'sweep', 'cancel', out], { encoding: 'utf8' });
    expect(cancel.status, cancel.stderr).toBe(0);
    expect(cancel.stdout).toMatch(/2 queued jobs removed/);
    expect((await sweep.done).code).toBe(1);
    expect(sweep.log()).toMatch(/^error: sweep cancel cancelled with 0 of 2 jobs done \(run the same snn sweep command again to continue\)$/m);
    expect((await queue.getJobCounts('waiting')).waiting).toBe(0);
    const w = worker('cancel');
    const again = run(['sweep', g, '--out', out, '--queue', url()]);
    const r = await again.done;
    await stop(w);
    expect(r.code, again.log()).toBe(0);
    const after = spawnSync(process.execPath, [entry, 'sweep', 'status', out], { encoding: 'utf8' });
    expect(after.stdout).toMatch(/^sweep cancel: 2 of 2 jobs finished; not finished, on queue 'cancel': none$/m);
    await queue.close();
  }, 180_000);

  it('a bad Redis URL, an unknown model: one line, exit 2, nothing written', async () => {
    const g = grid('bad', [1]);
    const closed = await freePort();
    const cases: [string[], RegExp][] = [
      [['sweep', g, '--out', join(dir, 'b1'), '--queue', `redis://127.0.0.1:${closed}`], new RegExp(`^error: cannot reach Redis at 127\\.0\\.0\\.1:${closed}: connection refused \\(start one there with 'redis-server --port ${closed}'`)],
      [['sweep', g, '--out', join(dir, 'b2'), '--queue', 'redis:/nohost'], /^error: (malformed Redis URL|Redis URL .* names no host)/],
      [['worker', '--queue', `redis://127.0.0.1:${closed}`], /^error: cannot reach Redis at 127\.0\.0\.1:\d+: connection refused/],
    ];
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, 'models: [hao2021]\nneurons: [20]\nseeds: [1]\nbudget: 40\ntestSamples: 40\n');
    cases.push([['sweep', unknown, '--out', join(dir, 'b3')], /^error: .*unknown\.yaml: unknown trainable model 'hao2021' \(did you mean 'hao2020'/]);
    for (const [args, want] of cases) {
      const r = spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(want);
    }
    for (const d of ['b1', 'b2', 'b3']) expect(existsSync(join(dir, d))).toBe(false);
  }, 120_000);
});
