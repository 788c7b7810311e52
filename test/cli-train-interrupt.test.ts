/**
 * `snn train` as a user sees it, with real processes (the compiled CLI, stderr not a terminal):
 *
 * - a plain progress line and every evaluation (SL/USL at K samples, the predicted final accuracy)
 *   are printed, and agree with metrics.jsonl;
 * - SIGINT checkpoints at the next sample boundary, prints the sample reached and the --resume
 *   command, exits 130; running the printed command ends with a model byte-identical to an
 *   uninterrupted run's, and the resumed run says where it restarted and times only new samples;
 * - --resume refuses the options it would ignore, naming them;
 * - a failed start and a network too large for memory leave no run directory and print one line
 *   (with the memory needed); `snn eval` takes the run's own test-sample count and warns about
 *   another data set.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntry } from './helpers/cli-bin.js';
import { childEnv } from './helpers/test-env.js';

// Long enough (a few seconds) that the first progress output comes well before the end.
const RUN = ['train', '--neurons', '20', '--train-samples', '600', '--test-samples', '50', '--eval-every', '200', '--seed', '5', '--rest', 'reset', '--eval-workers', '1', '--no-report'];

let entry: string;
let dir: string;
beforeAll(() => {
  entry = cliEntry();
  dir = mkdtempSync(join(tmpdir(), 'snn-int-'));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [entry, ...args], { env: childEnv({ SNN_PROGRESS_SECONDS: '0.05' }), encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Metric {
  trained: number;
  slAccuracy: number | null;
  uslAccuracy: number;
  predicted?: { final: number };
}
const metricsOf = (runDir: string): Metric[] => readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Metric);
const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

describe('snn train interrupted with SIGINT and resumed from the printed command', () => {
  it('prints progress and evaluations, stops with exit 130, and the resumed run equals an uninterrupted one byte for byte', async () => {
    const ref = join(dir, 'ref');
    const r = run([...RUN, '--out', ref]);
    expect(r.code, r.stderr).toBe(0);
    // Every evaluation is printed with its SL/USL and, when recorded, its prediction.
    const metrics = metricsOf(ref);
    expect(metrics.map((m) => m.trained)).toEqual([200, 400, 600]);
    for (const m of metrics) {
      const line = r.stderr.split('\n').find((l) => l.startsWith(`evaluation at ${m.trained}/600 samples`));
      expect(line, r.stderr).toBeDefined();
      expect(line).toContain(`SL ${pct(m.slAccuracy!)}, USL ${pct(m.uslAccuracy)}`);
      if (m.predicted) expect(line).toContain(`predicted final ${pct(m.predicted.final)}`);
    }
    expect(metrics.some((m) => m.predicted)).toBe(true);
    // Not a terminal: plain log lines, no bar drawing.
    expect(r.stderr).toMatch(/^train: \d+\/600 samples \(\d+ %\), [\d.]+ samples\/s, ETA \S+/m);
    expect(r.stderr).not.toContain('\r');

    const cut = join(dir, 'cut');
    const child = spawn(process.execPath, [entry, ...RUN, '--out', cut], { env: childEnv({ SNN_PROGRESS_SECONDS: '0.05' }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let signalled = false;
    child.stderr!.on('data', (b: Buffer) => {
      stderr += b.toString();
      // The first progress output: then Ctrl-C.
      if (!signalled && /^(train: |evaluation at )/m.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(signalled).toBe(true);
    expect(code, stderr).toBe(130);
    const reached = /^interrupted at sample (\d+) of 600; checkpoint written to (.+)$/m.exec(stderr);
    expect(reached, stderr).not.toBeNull();
    const at = Number(reached![1]);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(600);
    expect(reached![2]).toBe(join(cut, 'checkpoint.snnckpt'));
    expect(existsSync(join(cut, 'model.snnmodel'))).toBe(false);
    const command = /^continue with: (.+)$/m.exec(stderr)?.[1];
    expect(command).toBe(`snn train --resume ${cut}`);

    // Run exactly what was printed (snn = the compiled CLI).
    const words = command!.split(' ');
    expect(words[0]).toBe('snn');
    const resumed = run([...words.slice(1), '--eval-workers', '1', '--no-report']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`resuming ${cut} at sample ${at} of 600`);
    // Speed counts only the samples this process trained.
    expect(resumed.stdout).toMatch(new RegExp(`^[\\d.]+ ms per training sample \\(the ${600 - at} samples after sample ${at}\\)`, 'm'));
    expect(readFileSync(join(cut, 'model.snnmodel')).equals(readFileSync(join(ref, 'model.snnmodel')))).toBe(true);
    expect(readFileSync(join(cut, 'metrics.jsonl'), 'utf8')).toBe(readFileSync(join(ref, 'metrics.jsonl'), 'utf8'));

    // snn eval: the run's own test-sample count by default; another data set is warned about.
    const ev = run(['eval', ref, '--eval-workers', '1', '--no-progress']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toContain(`(50 test samples): SL ${pct(metrics.at(-1)!.slAccuracy!)}, USL ${pct(metrics.at(-1)!.uslAccuracy)}`);
    expect(ev.stderr).toBe('');
    const other = run(['eval', ref, '--dataset', 'fashion-mnist', '--test-samples', '20', '--eval-workers', '1', '--no-progress']);
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).toBe('warning: the model was trained on mnist; evaluating it on fashion-mnist\n');
    expect(other.stdout).toContain('on fashion-mnist (20 test samples)');

    // --resume with options it would ignore: refused, naming each.
    const refused = run(['train', '--resume', ref, '--neurons', '30', '--dataset', 'mnist', '--seed', '1', '--set', 'scaleInput=2', '--sampler', 'shuffled', '--no-report']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    for (const name of ['--neurons', '--dataset', '--seed', '--set', '--sampler']) expect(refused.stderr).toContain(name);
    expect(refused.stderr).toMatch(/^error: --resume continues the run as it was started/);
  }, 600_000);
});

describe('snn train and snn simulate: failed starts', () => {
  it('a bad option found after the run directory would be made leaves no directory', () => {
    const out = join(dir, 'too-many');
    const r = run([...RUN, '--train-samples', '70000', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --train-samples 70000 is more than the 60000 samples of the set/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it('a network too large for memory gets one line with the memory it needs, and no directory', () => {
    const out = join(dir, 'huge');
    const r = run(['train', '--neurons', '10000000', '--seed', '1', '--out', out, '--no-report']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: 10000000 hidden neurons need about [\d.]+ GiB/);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(out)).toBe(false);

    const net = join(dir, 'dense.yaml');
    writeFileSync(net, ['populations:', '  - { name: a, size: 2000000, model: lif }', '  - { name: b, size: 2000000, model: lif }', 'projections:', '  - { from: a, to: b, connectivity: dense, weights: 1, channel: exc }', ''].join('\n'));
    const s = run(['simulate', net, '--duration', '1']);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/^error: the network needs about [\d.]+ GiB but only [\d.]+ GiB of memory is available/);
    expect(s.stderr.trim().split('\n')).toHaveLength(1);
  }, 120_000);
});
