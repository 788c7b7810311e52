/**
 * Speed of `snn compare` (not a test: numbers depend on the machine and its load).
 *
 * 1. Overhead: the grid of a comparison (contenders × seeds) run by hand as `snn train` processes,
 *    one after another with the same evaluation points, against `snn compare --workers 1`
 *    on the same grid. Goal: compare ≤ 5 % slower.
 * 2. Parallel speed-up: `snn compare --workers 2` against `--workers 1`. Goal: ≥ 1.8× on two idle cores.
 *
 * Each command runs under bash's `time`, so wall and CPU (user + sys, children included) are
 * both reported; the load average is printed because other processes on the machine change
 * the wall times (not the CPU times) of everything here.
 *
 * Usage (after npm run build):
 *   node dist/bench/compare-overhead.js [--neurons 100] [--budget 1000] [--test 500] [--seeds 2] [--points 5] [--only overhead|speedup]
 *       [--record TOPIC#ANCHOR]   (with --only: appends the figure to bench/results/speed.jsonl, bench/results-row.ts)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeBackend } from '../engine/backend.js';
import { SnnError } from '../engine/errors.js';
import { recordSpec, scriptCommand, startRecording } from './results-row.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const neurons = arg('neurons', '100');
const budget = Number(arg('budget', '1000'));
const test = arg('test', '500');
const seeds = Number(arg('seeds', '2'));
const points = Number(arg('points', '5'));
const only = arg('only', 'all');
const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const contenders: [string, string][] = [['fast', 'etaInput=0.01'], ['slow', 'etaInput=0.003']];
const spec = recordSpec();
if (spec !== undefined && only === 'all') throw new SnnError('usage', '--record writes one row: choose --only overhead or --only speedup', 'run the two measurements separately');
const record = startRecording('speed', spec, scriptCommand());
const grid = `hao2020 N = ${neurons}, ${contenders.length} contenders × ${seeds} seeds, ${budget} samples`;
const dir = mkdtempSync(join(os.tmpdir(), 'snn-bench-compare-'));

interface Timed {
  wall: number;
  cpu: number;
}

/** Runs `node cli args` under bash's time: wall and user+sys seconds of the process tree. */
function timed(args: string[]): Timed {
  const quoted = [process.execPath, cli, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; time ${quoted} > /dev/null`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`failed: ${args.join(' ')}\n${r.stderr}`);
  const [wall, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  return { wall, cpu: user + sys };
}

const compareArgs = (out: string, workers: number) => [
  'compare', '--neurons', neurons, '--seeds', String(seeds), '--budget-samples', String(budget), '--test-samples', test,
  '--eval-points', String(points), ...contenders.flatMap(([n, s]) => ['--contender', `${n}=--set ${s}`]), '--workers', String(workers), '--out', out, '--no-progress',
];

function byHand(): Timed {
  const total = { wall: 0, cpu: 0 };
  for (let seed = 1; seed <= seeds; seed++) {
    for (const [name, set] of contenders) {
      const t = timed([
        'train', '--neurons', neurons, '--train-samples', String(budget), '--test-samples', test, '--eval-every', String(budget / points),
        '--checkpoint-every', String(budget), '--eval-workers', '1', '--seed', String(seed), '--set', set, '--out', join(dir, `hand-${name}-${seed}`), '--no-progress',
      ]);
      total.wall += t.wall;
      total.cpu += t.cpu;
    }
  }
  return total;
}

const f = (x: number) => x.toFixed(1);
console.log(`snn compare bench: hao2020 N=${neurons}, ${contenders.length} contenders × ${seeds} seeds, ${budget} training samples, ${test} test samples, ${points} evaluations per run`);
console.log(`machine: ${os.availableParallelism()} cores, load average before: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
try {
  if (only === 'all' || only === 'overhead') {
    const hand = byHand();
    const cmp = timed(compareArgs(join(dir, 'cmp-w1'), 1));
    console.log(`by hand (${contenders.length * seeds} snn train processes): wall ${f(hand.wall)} s, CPU ${f(hand.cpu)} s`);
    console.log(`snn compare --workers 1:                 wall ${f(cmp.wall)} s, CPU ${f(cmp.cpu)} s`);
    console.log(`overhead: wall ${(100 * (cmp.wall / hand.wall - 1)).toFixed(1)} %, CPU ${(100 * (cmp.cpu / hand.cpu - 1)).toFixed(1)} %`);
    record({
      what: `snn compare --workers 1 against the same runs by hand: ${grid}`,
      metric: 'CPU-time overhead (user + sys)',
      value: +(100 * (cmp.cpu / hand.cpu - 1)).toFixed(1),
      precision: 1,
      unit: '%',
      compare: `goal ≤ 5 %; by hand ${f(hand.cpu)} s CPU, compare ${f(cmp.cpu)} s CPU`,
      backend: describeBackend('f64'),
      notes: [`wall: by hand ${f(hand.wall)} s, compare ${f(cmp.wall)} s`],
    });
  }
  if (only === 'all' || only === 'speedup') {
    const w1 = timed(compareArgs(join(dir, 'sp-w1'), 1));
    const w2 = timed(compareArgs(join(dir, 'sp-w2'), 2));
    console.log(`snn compare --workers 1: wall ${f(w1.wall)} s, CPU ${f(w1.cpu)} s`);
    console.log(`snn compare --workers 2: wall ${f(w2.wall)} s, CPU ${f(w2.cpu)} s`);
    console.log(`speed-up of 2 workers: ${(w1.wall / w2.wall).toFixed(2)}×`);
    record({
      what: `snn compare, two workers / one: ${grid}`,
      metric: 'speed-up of wall time',
      value: +(w1.wall / w2.wall).toFixed(2),
      precision: 2,
      unit: '×',
      compare: `goal ≥ 1.8× on two idle cores; 1 worker ${f(w1.wall)} s, 2 workers ${f(w2.wall)} s wall`,
      backend: describeBackend('f64'),
      notes: [`CPU: 1 worker ${f(w1.cpu)} s, 2 workers ${f(w2.cpu)} s`],
    });
  }
  console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
