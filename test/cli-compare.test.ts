/**
 * `snn compare` as a real process: the worker-thread pool gives byte-identical compare.json for 1
 * and 2 workers, contenders with the same effective settings get identical results (same samples,
 * order and input spikes per seed), a compare killed with SIGKILL and rerun ends with the same
 * table without doing any finished run twice, and bad input is one line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RngStream } from '../engine/rng.js';
import type { CompareJson } from '../training/compare/summary.js';
import { TIME_HEADING } from '../training/compare/tables.js';
import { cliEntry } from './helpers/cli-bin.js';

// b differs from a only in how the same number is written (a different job, the same learning);
// c learns more slowly.
const COMPARE = [
  'compare', '--neurons', '20', '--set', 'rest=reset', '--seeds', '2', '--budget-samples', '60', '--test-samples', '50', '--eval-points', '3',
  '--contender', 'a=--set etaInput=0.01', '--contender', 'b=--set etaInput=0.010', '--contender', 'c=--set etaInput=0.003',
];

let entry: string;
let dir: string;
beforeAll(() => {
  entry = cliEntry();
  dir = mkdtempSync(join(tmpdir(), 'snn-cli-compare-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8' });
const read = (d: string, f: string) => readFileSync(join(d, f), 'utf8');
const deterministicMd = (d: string) => read(d, 'compare.md').split(TIME_HEADING)[0]!;

describe('snn compare', () => {
  it('writes the same compare.json with 1 and 2 workers; identical settings give identical results', () => {
    const one = join(dir, 'one');
    const two = join(dir, 'two');
    const r1 = run([...COMPARE, '--workers', '1', '--out', one, '--no-progress']);
    expect(r1.status, r1.stderr).toBe(0);
    const r2 = run([...COMPARE, '--workers', '2', '--out', two, '--json']);
    expect(r2.status, r2.stderr).toBe(0);
    expect(read(two, 'compare.json')).toBe(read(one, 'compare.json'));
    expect(deterministicMd(two)).toBe(deterministicMd(one));

    const json = JSON.parse(read(one, 'compare.json')) as CompareJson;
    const [a, b, c] = json.contenders;
    expect(json.seeds).toEqual([1, 2]);
    expect(json.budgetSamples).toBe(60);
    expect(a!.jobs).not.toEqual(b!.jobs);
    expect(b!.accuracies).toEqual(a!.accuracies);
    expect(b!.curve).toEqual(a!.curve);
    expect(b!.weightStats).toEqual(a!.weightStats);
    expect(c!.weightStats).not.toEqual(a!.weightStats); // the comparison does see a real difference
    expect(b!.difference).toMatchObject({ against: 'a', mean: 0, ci95: [0, 0] });
    expect(a!.accuracyMean).toBeCloseTo((a!.accuracies[0]! + a!.accuracies[1]!) / 2, 12);

    // --json: compare.json with the timings merged in.
    const printed = JSON.parse(r2.stdout) as { contenders: { name: string; wallSeconds: number; curve: { samples: number; wallSeconds: number }[] }[] };
    expect(printed.contenders.map((x) => x.name)).toEqual(['a', 'b', 'c']);
    for (const x of printed.contenders) {
      expect(x.wallSeconds).toBeGreaterThan(0);
      expect(x.curve.map((p) => p.samples)).toEqual([20, 40, 60]);
    }
    const csv = read(one, 'compare.csv').trim().split('\n');
    expect(csv).toHaveLength(1 + 3 * 2 * 3);

    // Each run directory is a normal run: snn eval on it gives the job's final accuracy.
    const job = a!.jobs[0]!;
    const ev = run(['eval', join(one, 'runs', job), '--test-samples', '50', '--eval-workers', '1', '--json', '--no-progress']);
    expect(ev.status, ev.stderr).toBe(0);
    expect((JSON.parse(ev.stdout) as { slAccuracy: number }).slAccuracy).toBe(a!.accuracies[0]);
  }, 240_000);

  it('killed with SIGKILL and rerun: the same compare.json and table, no finished run done twice', async () => {
    const ref = join(dir, 'one');
    if (!existsSync(join(ref, 'compare.json'))) expect(run([...COMPARE, '--workers', '1', '--out', ref, '--no-progress']).status).toBe(0);
    const out = join(dir, 'killed');
    const jobsDir = join(out, 'jobs');
    const child = spawn(process.execPath, [entry, ...COMPARE, '--workers', '2', '--out', out, '--no-progress'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 120_000;
    while (!(existsSync(jobsDir) && readdirSync(jobsDir).length >= 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, RngStream.derive(16, 'test/cli-compare/kill').uniform() * 300));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const doneBefore = readdirSync(jobsDir).filter((f) => f.endsWith('.json')).length;
    expect(doneBefore).toBeGreaterThanOrEqual(1);
    expect(doneBefore).toBeLessThan(6); // really interrupted
    const logBefore = read(out, 'run.log').split('\n').filter(Boolean);
    const finishedBefore = new Set(logBefore.filter((l) => l.includes(' finished ')).map((l) => l.split(' ')[2]));

    const r = run([...COMPARE, '--workers', '2', '--out', out, '--no-progress']);
    expect(r.status, r.stderr).toBe(0);
    expect(read(out, 'compare.json')).toBe(read(ref, 'compare.json'));
    expect(deterministicMd(out)).toBe(deterministicMd(ref));

    const log = read(out, 'run.log').split('\n').filter(Boolean);
    const after = log.slice(logBefore.length);
    for (const id of finishedBefore) expect(after.some((l) => l.includes(` started ${id}`))).toBe(false);
    const finished = log.filter((l) => l.includes(' finished ')).map((l) => l.split(' ')[2]);
    expect(finished).toHaveLength(6);
    expect(new Set(finished).size).toBe(6);
    expect(readdirSync(jobsDir).filter((f) => f.endsWith('.json'))).toHaveLength(6);
  }, 240_000);

  it('Ctrl-C (SIGINT): exit 130 with the command to continue, which finishes with the same compare.json', async () => {
    const ref = join(dir, 'one');
    if (!existsSync(join(ref, 'compare.json'))) expect(run([...COMPARE, '--workers', '1', '--out', ref, '--no-progress']).status).toBe(0);
    const out = join(dir, 'interrupted');
    const jobsDir = join(out, 'jobs');
    const child = spawn(process.execPath, [entry, ...COMPARE, '--workers', '2', '--out', out, '--no-progress'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    while (!(existsSync(jobsDir) && readdirSync(jobsDir).length >= 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    const command = /^continue with: (.+)$/m.exec(stderr)?.[1];
    expect(command, stderr).toBe(['snn', ...COMPARE, '--workers', '2', '--out', out, '--no-progress'].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(' '));
    expect(existsSync(join(out, 'compare.json'))).toBe(false);
    // The printed command, run as printed (words in single quotes hold no quote of their own here).
    const words = command!.match(/'[^']*'|\S+/g)!.map((w) => w.replace(/^'(.*)'$/, '$1'));
    const r = run(words.slice(1));
    expect(r.status, r.stderr).toBe(0);
    expect(read(out, 'compare.json')).toBe(read(ref, 'compare.json'));
  }, 240_000);

  it('--prune advances in rounds on worker threads and still gives the same compare.json with 1 and 2 workers', () => {
    const args = ['compare', '--neurons', '20', '--set', 'rest=reset', '--seeds', '1', '--budget-samples', '48', '--test-samples', '40', '--eval-points', '4', '--prune',
      '--contender', 'a=--set etaInput=0.01', '--contender', 'c=--set etaInput=0.0001', '--no-progress'];
    const one = join(dir, 'prune-one');
    const two = join(dir, 'prune-two');
    for (const [out, w] of [[one, '1'], [two, '2']] as const) {
      const r = run([...args, '--workers', w, '--out', out]);
      expect(r.status, r.stderr).toBe(0);
    }
    expect(read(two, 'compare.json')).toBe(read(one, 'compare.json'));
    // Two jobs, each continued once per round (4 evaluation points; the predictor needs 4 points,
    // so nothing can be pruned before the end: pruning itself is tested in training/compare/compare.test.ts).
    const starts = read(two, 'run.log').split('\n').filter((l) => l.includes(' started '));
    expect(starts).toHaveLength(2 * 4);
  }, 240_000);

  it('--imbalance: the same long-tailed compare.json with 1 and 2 workers, the budget in passes over the subset', () => {
    const args = ['compare', '--neurons', '20', '--set', 'rest=reset', '--seeds', '2', '--imbalance', '10', '--train-samples', '300', '--budget-epochs', '1',
      '--test-samples', '40', '--eval-points', '2', '--contender', 'uniform=--sampler shuffled', '--contender', 'temp=--sampler temperature:tau=5', '--no-progress', '--no-report'];
    const one = join(dir, 'lt-one');
    const two = join(dir, 'lt-two');
    for (const [out, w] of [[one, '1'], [two, '2']] as const) {
      const r = run([...args, '--workers', w, '--out', out]);
      expect(r.status, r.stderr).toBe(0);
    }
    expect(read(two, 'compare.json')).toBe(read(one, 'compare.json'));
    const json = JSON.parse(read(one, 'compare.json')) as CompareJson;
    expect(json.budgetSamples).toBe(json.longTail!.size);
    expect(json.longTail!.classCounts.reduce((a, b) => a + b, 0)).toBe(json.longTail!.size);
    expect(read(one, 'compare.md')).toMatch(new RegExp(`## Rare classes[\\s\\S]*rarest 3 \\(${json.longTail!.rarestClasses.join(', ')}\\)`));
  }, 240_000);

  it('refuses bad input with one line and exit code 2', () => {
    const out = join(dir, 'bad');
    const common = ['compare', '--neurons', '20', '--budget-samples', '60', '--test-samples', '50', '--out', out];
    const cases: [string[], RegExp][] = [
      [[...common, '--rules', 'sym-stdp;;pair-stdp', '--on', 'input->exc'], /empty rule/],
      [[...common, '--rules', 'sym-stpd;pair-stdp', '--on', 'input->exc'], /unknown plasticity rule 'sym-stpd'/],
      [[...common, '--rules', 'sym-stdp;pair-stdp'], /needs --on/],
      [[...common, '--contender', 'a=', '--seeds', '0'], /at least one seed/],
      [[...common, '--contender', 'a=', '--eval-points', '61'], /below one training sample per evaluation/],
      [[...common, '--contender', 'a=', '--model', 'nope'], /unknown trainable model 'nope'/],
      [['compare', '--neurons', '20', '--contender', 'a=', '--out', out], /missing --budget-samples/],
      [[...common, '--contender', 'a=', '--imbalance', '0.5'], /--imbalance must be a ratio ≥ 1/],
      [[...common, '--contender', 'a=', '--imbalance', 'ten'], /--imbalance must be a ratio ≥ 1 .*got NaN/],
      [[...common, '--contender', 'a=', '--imbalance', '10', '--train-samples', '300'], /not whole passes over the \d+ images of the long-tailed subset/],
      [[...common, '--contender', 'a=', '--train-samples', '300'], /--train-samples is only used with --imbalance/],
      [['compare', '--neurons', '20', '--budget-epochs', '1', '--test-samples', '50', '--out', out, '--model', 'lif-mlp', '--rules', 'surrogate-bptt', '--imbalance', '10', '--train-samples', '300'], /--imbalance does not apply to lif-mlp/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^error: /);
      expect(lines[0]).toMatch(message);
    }
    expect(existsSync(join(out, 'jobs'))).toBe(false);
  }, 120_000);
});
