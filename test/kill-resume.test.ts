/**
 * Crash safety of long runs, with real processes killed by SIGKILL (no chance to clean up):
 *
 * - `snn train` killed at seeded random points (some runs killed twice), then continued with
 *   `--resume`, ends with model.snnmodel and metrics.jsonl byte-identical to an uninterrupted run.
 * - `snn simulate` writing a native trace, killed mid-run, leaves `<out>.partial`, which
 *   `snn inspect --allow-partial` reads up to its last complete chunk.
 *
 * Runs in the default suite (CI included): about 20–40 s on two idle cores (the timeout allows for
 * a loaded machine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { RngStream } from '../engine/rng.js';
import { cliEntry } from './helpers/cli-bin.js';
import { childEnv } from './helpers/test-env.js';

const TRAIN = ['train', '--neurons', '20', '--train-samples', '60', '--test-samples', '30', '--eval-every', '20', '--checkpoint-every', '5', '--seed', '3', '--rest', 'reset', '--no-progress', '--no-report'];

let entry: string;
let dir: string;
beforeAll(() => {
  entry = cliEntry();
  dir = mkdtempSync(join(tmpdir(), 'snn-kill-'));
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, [entry, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv() });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(3);
  }
  return true;
}

/** Runs `args` and SIGKILLs it `delayMs` after `ready()` first holds; reports whether it was killed. */
async function runAndKill(args: string[], ready: () => boolean, delayMs: number): Promise<boolean> {
  const { child, done } = start(args);
  let exited = false;
  void done.then(() => (exited = true));
  await waitFor(() => exited || ready(), 90_000);
  await sleep(delayMs);
  if (!exited) child.kill('SIGKILL');
  const r = await done;
  return r.signal === 'SIGKILL';
}

describe('snn train killed with SIGKILL and resumed', () => {
  it('ends with model.snnmodel and metrics.jsonl byte-identical to an uninterrupted run', async () => {
    const ref = join(dir, 'ref');
    let configAt = 0;
    const { done } = start([...TRAIN, '--out', ref]);
    // Margins for a loaded shared machine: waits are upper bounds, not expectations.
    await waitFor(() => existsSync(join(ref, 'config.json')), 90_000);
    configAt = Date.now();
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    // Time from the run's first file to its end: the window the kills are spread over.
    const window = Math.max(50, Date.now() - configAt);
    const want = { model: readFileSync(join(ref, 'model.snnmodel')), metrics: readFileSync(join(ref, 'metrics.jsonl')) };

    const rng = RngStream.derive(20261129, 'test/kill-resume/delays');
    let killedWithCheckpoint = 0;
    const trials = 4;
    for (let trial = 0; trial < trials; trial++) {
      const run = join(dir, `trial-${trial}`);
      const config = join(run, 'config.json');
      const ckpt = join(run, 'checkpoint.snnckpt');
      // Trial 0 is killed early (most likely before the first checkpoint); the others at a random
      // point after a checkpoint exists, so the resume really starts from one. The delays are drawn
      // from the first 30 % of the reference run's duration: on a machine whose load changes between
      // runs a later point may come after the run has already finished.
      const early = trial === 0;
      const ready = early ? () => existsSync(config) : () => existsSync(ckpt);
      const killed = await runAndKill([...TRAIN, '--out', run], ready, rng.uniform() * window * (early ? 0.1 : 0.3));
      if (killed && existsSync(ckpt) && !existsSync(join(run, 'model.snnmodel'))) killedWithCheckpoint++;
      // As if killed between writing config.json and manifest.json: the resume writes the manifest.
      if (early && !existsSync(join(run, 'model.snnmodel'))) rmSync(join(run, 'manifest.json'), { force: true });
      // Odd trials: the resumed process is killed too, once it has written a newer checkpoint or after a random delay.
      if (trial % 2 === 1 && !existsSync(join(run, 'model.snnmodel'))) {
        const before = existsSync(ckpt) ? statSync(ckpt).mtimeMs : 0;
        await runAndKill(['train', '--resume', run, '--no-progress', '--no-report'], () => existsSync(ckpt) && statSync(ckpt).mtimeMs > before, rng.uniform() * window * 0.5);
      }
      if (!existsSync(join(run, 'model.snnmodel'))) {
        const { done: resumed } = start(['train', '--resume', run, '--no-progress', '--no-report']);
        const rr = await resumed;
        expect(rr.code, `trial ${trial}: ${rr.stderr}`).toBe(0);
      }
      expect(readFileSync(join(run, 'metrics.jsonl')).equals(want.metrics), `trial ${trial}: metrics.jsonl differs`).toBe(true);
      expect(readFileSync(join(run, 'model.snnmodel')).equals(want.model), `trial ${trial}: model.snnmodel differs`).toBe(true);
      expect(existsSync(ckpt)).toBe(true);
      expect(existsSync(join(run, 'manifest.json'))).toBe(true);
    }
    // The seeded delays must really interrupt runs that had a checkpoint, or the test proves nothing.
    expect(killedWithCheckpoint).toBeGreaterThanOrEqual(2);
  }, 400_000);
});

describe('snn simulate killed with SIGKILL', () => {
  let stderr: string;
  let stdout: string;
  beforeEach(() => {
    stderr = '';
    stdout = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  });
  afterEach(() => vi.restoreAllMocks());

  it('leaves <out>.partial, which inspect --allow-partial reads up to the last complete chunk', async () => {
    const net = join(dir, 'long.json');
    writeFileSync(net, JSON.stringify({ dt: 0.1, duration: 1e7, seed: 1, populations: [{ name: 'src', model: 'poisson', size: 2000, rates: 200 }] }));
    const out = join(dir, 'long.snntrace');
    const partial = `${out}.partial`;
    const { child, done } = start(['simulate', net, '--out', out, '--no-progress']);
    const grew = await waitFor(() => existsSync(partial) && statSync(partial).size > 3_000_000, 90_000);
    child.kill('SIGKILL');
    const r = await done;
    expect(grew, r.stderr).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);

    expect(await main(['inspect', partial, '--allow-partial', '--json'])).toBe(0);
    const report = JSON.parse(stdout) as { complete: boolean; chunks: number; populations: { spikes: number; lastSpike: number | null }[] };
    expect(report.complete).toBe(false);
    expect(report.chunks).toBeGreaterThan(0);
    expect(report.populations[0]!.spikes).toBeGreaterThan(100_000);
    expect(report.populations[0]!.lastSpike).toBeGreaterThan(0);
    expect(stderr).toBe('');
  }, 150_000);
});
