/**
 * Long runs keep memory bounded: `snn simulate` records N spikes to a native trace (Poisson
 * sources, every spike recorded) in a child process, whose peak RSS (`maxRSS`, read at exit) is
 * reported for two spike counts an order of magnitude apart. Bounded memory means the peak does
 * not grow with the number of spikes and stays under BOUND_MB.
 *
 *   npm run build && npx tsx bench/long-run-memory.ts [--spikes 1e8] [--keep]
 *
 * The trace is checked (spike count from its end record, through `snn inspect --json`) and
 * deleted afterwards unless --keep (10⁸ spikes ≈ 1.2 GB).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
/** The bound the figures are checked against (MB): far below what 10⁸ spikes in memory would take (1.2 GB). */
const BOUND_MB = 400;

/** Preloaded into the child: prints its peak RSS (kB) to stderr at exit. */
const REPORT_MAX_RSS = 'data:text/javascript,import{writeSync}from"node:fs";process.on("exit",()=>writeSync(2,"maxRSS_kB="+process.resourceUsage().maxRSS+"\\n"))';

interface Run {
  spikes: number;
  simulatedMs: number;
  wallSeconds: number;
  peakRssMb: number;
  traceBytes: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

async function run(targetSpikes: number, dir: string, keep: boolean): Promise<Run> {
  // 10 000 Poisson neurons at 1 kHz: 10⁷ spikes per simulated second, all recorded.
  const neurons = 10_000;
  const rateHz = 1000;
  // On the dt grid a neuron fires at most once per step: p = 1 − e^(−r·dt) per step (0.095 here).
  const dt = 0.1;
  const perNeuronPerMs = (1 - Math.exp((-rateHz * dt) / 1000)) / dt;
  const simulatedMs = Math.ceil(targetSpikes / (neurons * perNeuronPerMs));
  const net = join(dir, `net-${targetSpikes}.json`);
  writeFileSync(net, JSON.stringify({ dt, duration: simulatedMs, seed: 1, populations: [{ name: 'src', model: 'poisson', size: neurons, rates: rateHz }] }));
  const out = join(dir, `spikes-${targetSpikes}.snntrace`);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', REPORT_MAX_RSS, CLI, 'simulate', net, '--out', out, '--no-progress', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const wallSeconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`snn simulate failed (${code}): ${stderr}`);
  const rss = /maxRSS_kB=(\d+)/.exec(stderr);
  if (!rss) throw new Error(`no maxRSS report in: ${stderr}`);
  const summary = JSON.parse(stdout) as { populations: { spikes: number }[] };
  const inspect = spawnSync(process.execPath, [CLI, 'inspect', out, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const report = JSON.parse(inspect.stdout) as { complete: boolean; populations: { spikes: number }[] };
  if (!report.complete || report.populations[0]!.spikes !== summary.populations[0]!.spikes) throw new Error('the trace does not hold every spike');
  const traceBytes = statSync(out).size;
  if (!keep) rmSync(out, { force: true });
  return { spikes: summary.populations[0]!.spikes, simulatedMs, wallSeconds, peakRssMb: Number(rss[1]) / 1024, traceBytes };
}

async function mainScript(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('build first: npm run build');
  const big = Number(arg('--spikes', '1e8'));
  const keep = process.argv.includes('--keep');
  const dir = mkdtempSync(join(os.tmpdir(), 'snn-long-run-'));
  try {
    const runs: Run[] = [];
    for (const n of [big / 10, big]) {
      const r = await run(n, dir, keep);
      runs.push(r);
      console.log(
        `${r.spikes.toExponential(3)} spikes (${(r.simulatedMs / 1000).toFixed(1)} s simulated): peak RSS ${r.peakRssMb.toFixed(1)} MB, ` +
          `${r.wallSeconds.toFixed(1)} s wall, trace ${(r.traceBytes / 2 ** 20).toFixed(0)} MiB (${(r.traceBytes / r.spikes).toFixed(2)} B/spike)`,
      );
    }
    const [small, large] = runs as [Run, Run];
    const growth = large.peakRssMb - small.peakRssMb;
    const ok = large.peakRssMb < BOUND_MB && growth < 0.25 * small.peakRssMb;
    console.log(`10× the spikes: peak RSS ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB; bound ${BOUND_MB} MB: ${ok ? 'PASS' : 'FAIL'}`);
    console.log(`machine: ${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, load ${os.loadavg()[0]!.toFixed(1)}`);
    if (!ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await mainScript();
