/**
 * The file commands behave as one CLI: export without --out writes a default file and prints its
 * path, import recognises formats from their content, --into makes the network run as long as the
 * recording, inspect reads Lava rasters with --dt and summarises run directories.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { arrayStats } from '../io/formats/file-summary.js';

const net = {
  dt: 0.1,
  duration: 200,
  seed: 3,
  populations: [
    { name: 'in', model: 'poisson', size: 20, rates: 60 },
    { name: 'exc', model: 'lif', size: 10, params: { tauM: 10, vThresh: -55, refractory: 2 } },
  ],
  projections: [{ from: 'in', to: 'exc', channel: 'v', connectivity: { probability: 0.5 }, weights: { uniform: [1, 4] } }],
};

let dir: string;
let stdout: string;
let stderr: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'snn-cli-files-'));
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

async function trace(): Promise<string> {
  writeFileSync(join(dir, 'net.json'), JSON.stringify(net));
  expect(await main(['simulate', join(dir, 'net.json'), '--out', join(dir, 'rec.snntrace')])).toBe(0);
  return join(dir, 'rec.snntrace');
}

describe('snn export without --out', () => {
  it('writes beside the source with the format’s extension and prints the path', async () => {
    const t = await trace();
    stdout = '';
    expect(await main(['export', t, '--format', 'aedat4'])).toBe(0);
    expect(existsSync(join(dir, 'rec.aedat4'))).toBe(true);
    expect(stdout).toContain(join(dir, 'rec.aedat4'));
  });
  it('needs --format when there is no --out to tell it', async () => {
    const t = await trace();
    expect(await main(['export', t])).toBe(2);
    expect(stderr).toMatch(/give --format or --out/);
  });
});

describe('snn import', () => {
  it('recognises a renamed recording by its content', async () => {
    const t = await trace();
    expect(await main(['export', t, '--format', 'aedat4', '--out', join(dir, 'x.aedat4')])).toBe(0);
    copyFileSync(join(dir, 'x.aedat4'), join(dir, 'camera.bin'));
    expect(await main(['import', join(dir, 'camera.bin'), '--out', join(dir, 'imp.json')])).toBe(0);
    const d = JSON.parse(readFileSync(join(dir, 'imp.json'), 'utf8'));
    expect(d.populations[0].model).toBe('spike-source-array');
  });
  it('--into lengthens the network to the recording, so no spike is cut off', async () => {
    const t = await trace();
    expect(await main(['export', t, '--format', 'npy', '--out', join(dir, 'x.npy')])).toBe(0);
    writeFileSync(join(dir, 'short.json'), JSON.stringify({ ...net, duration: 50 }));
    expect(await main(['import', join(dir, 'x.npy'), '--into', join(dir, 'short.json'), '--connect-to', 'exc', '--out', join(dir, 'both.json')])).toBe(0);
    const d = JSON.parse(readFileSync(join(dir, 'both.json'), 'utf8'));
    const last = Math.max(...d.populations[0].spikes.map((s: [number, number]) => s[0]));
    expect(last).toBeGreaterThan(50);
    expect(d.duration).toBeGreaterThan(last);
  });
});

describe('snn inspect', () => {
  it('reads a Lava raster in ms with --dt, in steps without', async () => {
    const t = await trace();
    expect(await main(['export', t, '--format', 'lava', '--dt', '0.1', '--out', join(dir, 'r.npy')])).toBe(0);
    stdout = '';
    expect(await main(['inspect', join(dir, 'r.npy'), '--json'])).toBe(0);
    const steps = JSON.parse(stdout);
    stdout = '';
    expect(await main(['inspect', join(dir, 'r.npy'), '--dt', '0.1', '--json'])).toBe(0);
    const ms = JSON.parse(stdout);
    expect(ms.dt).toBe(0.1);
    expect(ms.durationMs).toBeCloseTo(steps.durationMs * 0.1, 9);
  });
});

describe('arrayStats', () => {
  it('matches closed forms on a known array', () => {
    const s = arrayStats([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9])!;
    expect(s.mean).toBeCloseTo(45 / 11, 12);
    expect(s.min).toBe(0);
    expect(s.max).toBe(9);
    expect(s.median).toBe(4);
    expect(s.zeroFraction).toBeCloseTo(2 / 11, 12);
    const m = 45 / 11;
    const v = [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9].reduce((a, x) => a + (x - m) ** 2, 0) / 11;
    expect(s.std).toBeCloseTo(Math.sqrt(v), 12);
    expect(arrayStats([])).toBeUndefined();
  });
});

describe('snn inspect RUN_DIR', () => {
  it('shows the configuration, the learning curve and the model’s weight and θ distributions', async () => {
    const run = join(dir, 'run');
    expect(await main(['train', '--model', 'hao2020', '--dataset', 'mnist', '--neurons', '10', '--train-samples', '40', '--test-samples', '20', '--eval-every', '20', '--eval-workers', '1', '--seed', '2', '--out', run, '--no-progress'])).toBe(0);
    stdout = '';
    expect(await main(['inspect', run])).toBe(0);
    expect(stdout).toMatch(/snn training run/);
    expect(stdout).toMatch(/^\s+20\s+\d+\.\d\d %\s+\d+\.\d\d %$/m);
    expect(stdout).toMatch(/^\s+40\s+\d+\.\d\d %\s+\d+\.\d\d %$/m);
    expect(stdout).toMatch(/input->exc\s+Float64Array\s+7840\s+784 × 10/);
    stdout = '';
    expect(await main(['inspect', run, '--json'])).toBe(0);
    const j = JSON.parse(stdout);
    expect(j.evaluations.map((e: { trained: number }) => e.trained)).toEqual([20, 40]);
    const theta = j.model.arrays.find((a: { name: string }) => a.name === 'exc.theta');
    expect(theta.stats.min).toBeLessThanOrEqual(theta.stats.median);
    expect(theta.stats.median).toBeLessThanOrEqual(theta.stats.max);
  });
});
