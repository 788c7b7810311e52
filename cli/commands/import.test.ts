/**
 * `snn import` and the new `snn export` sources in-process through main(): an AEDAT 2.0 / npy
 * recording drives a network in `snn simulate`; zoo:cuba → NIR → import simulates to the same spikes;
 * a native trace exports like the spike JSON.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';
import { getFormat } from '../../io/formats/registry.js';
import { registerBuiltinFormats } from '../../io/formats/register-all.js';

let dir: string;
let stderr: string;
let stdout: string;
beforeEach(() => {
  registerBuiltinFormats();
  dir = mkdtempSync(join(tmpdir(), 'snn-import-'));
  stderr = '';
  stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const f = (name: string) => join(dir, name);
const run = async (...argv: string[]) => {
  const code = await main(argv);
  if (code !== 0) throw new Error(`snn ${argv.join(' ')} → ${code}: ${stderr}`);
};
/** simulate's JSON: {"spikes": [...]} for one recorded population, {"populations": {NAME: {"spikes"}}} for several. */
const spikesOf = (path: string): [number, number][] => {
  const j = JSON.parse(readFileSync(path, 'utf8')) as { spikes?: [number, number][]; populations?: Record<string, { spikes: [number, number][] }> };
  return j.spikes ?? Object.entries(j.populations!).flatMap(([name, p]) => p.spikes.map(([t, i]) => [t, name === 'exc' ? i : 10000 + i] as [number, number]));
};

/** Three events on pixels 0..2 of a 128-wide sensor, 5 ms apart. */
const recording = { populations: [{ name: 'dvs', size: 3, times: Float64Array.of(5, 10, 15), ids: Int32Array.of(0, 1, 2) }], dt: null, durationMs: 20 };
const target = { dt: 0.1, duration: 30, populations: [{ name: 'out', model: 'lif', size: 3, params: { vRest: -65, vReset: -65, vThresh: -60 } }], record: { spikes: ['out'] } };

describe('snn import (event recordings)', () => {
  it.each([
    ['aedat2', 'rec.aedat'],
    ['npy', 'rec.npy'],
  ])('a %s recording drives a network in snn simulate', async (format, name) => {
    await getFormat(format).write(recording, f(name));
    writeFileSync(f('target.json'), JSON.stringify(target));
    await run('import', f(name), '--format', format, '--out', f('net.json'), '--into', f('target.json'), '--connect-to', 'out', '--weights', '10', '--population', 'cam');
    const net = JSON.parse(readFileSync(f('net.json'), 'utf8'));
    expect(net.populations[0]).toMatchObject({ name: 'cam', model: 'spike-source-array', size: 3, spikes: [[5, 0], [10, 1], [15, 2]] });
    expect(net.projections[0]).toMatchObject({ from: 'cam', to: 'out', channel: 'v', connectivity: 'one-to-one', weights: 10 });
    await run('simulate', f('net.json'), '--out', f('spikes.json'), '--no-progress');
    // Each event fires its neuron in the next step (v jumps 10 mV above a 5 mV gap to threshold).
    expect(spikesOf(f('spikes.json')).map(([t, i]) => [Math.round(t * 10) / 10, i])).toEqual([[5, 0], [10, 1], [15, 2]].map(([t, i]) => [t! + 0.1, i]));
  });

  it('a standalone import is a runnable spike-source description, with time options', async () => {
    await getFormat('aedat2').write(recording, f('rec.aedat'));
    await run('import', f('rec.aedat'), '--out', f('src.json'), '--start-at-zero', '--time-scale', '2', '--offset', '1', '--size', '8');
    const net = JSON.parse(readFileSync(f('src.json'), 'utf8'));
    expect(net.populations).toEqual([{ name: 'input', model: 'spike-source-array', size: 8, spikes: [[1, 0], [11, 1], [21, 2]] }]);
    await run('simulate', f('src.json'), '--out', f('s.json'), '--no-progress');
    expect(spikesOf(f('s.json')).length).toBe(3);
  });

  it('fills the empty Input of an imported NIR graph (--into with its name)', async () => {
    writeFileSync(f('net.json'), JSON.stringify({ ...target, populations: [{ name: 'in', model: 'spike-source-array', size: 3, spikes: [] }, ...target.populations], projections: [{ from: 'in', to: 'out', channel: 'v', connectivity: 'one-to-one', weights: 10 }] }));
    await run('export', f('net.json'), '--out', f('net.nir'));
    await run('import', f('net.nir'), '--out', f('imported.json'));
    await getFormat('aedat2').write(recording, f('rec.aedat'));
    await run('import', f('rec.aedat'), '--out', f('driven.json'), '--into', f('imported.json'), '--population', 'in');
    const net = JSON.parse(readFileSync(f('driven.json'), 'utf8'));
    expect(net.populations.map((p: { name: string }) => p.name)).toEqual(['in', 'out']);
    await run('simulate', f('driven.json'), '--out', f('spikes.json'), '--no-progress');
    expect(spikesOf(f('spikes.json')).map(([, i]) => i)).toEqual([0, 1, 2]);
  });

  it('--connect-to without --into is one line, exit 2', async () => {
    await getFormat('aedat2').write(recording, f('rec.aedat'));
    expect(await main(['import', f('rec.aedat'), '--out', f('x.json'), '--connect-to', 'out'])).toBe(2);
    expect(stderr).toBe('error: --connect-to needs --into NET.json (name the network to add the population to)\n');
  });
});

describe('snn export / import through NIR', () => {
  it('zoo:cuba → NIR → snn import simulates to the same spikes', async () => {
    await run('export', 'zoo:cuba', '--neurons', '60', '--out', f('cuba.nir'));
    expect(stdout).toMatch(/wrote .*cuba\.nir \(nir, \d+ nodes/);
    await run('import', f('cuba.nir'), '--out', f('cuba.json'));
    await run('simulate', 'zoo:cuba', '--neurons', '60', '--duration', '100', '--out', f('a.json'), '--no-progress');
    await run('simulate', f('cuba.json'), '--duration', '100', '--out', f('b.json'), '--no-progress');
    const a = spikesOf(f('a.json'));
    expect(a.length).toBeGreaterThan(50);
    expect(spikesOf(f('b.json'))).toEqual(a);
  });

  it('exports a native trace like the spike JSON', async () => {
    writeFileSync(f('net.json'), JSON.stringify({ ...target, populations: [{ name: 'src', model: 'spike-source-array', size: 4, spikes: [[1, 0], [2.5, 3]] }, ...target.populations], record: { spikes: true } }));
    await run('simulate', f('net.json'), '--out', f('run.snntrace'), '--no-progress');
    await run('export', f('run.snntrace'), '--format', 'csv', '--out', f('t.csv'));
    const back = await getFormat('csv').read(f('t.csv'));
    expect(back.populations.map((p) => [p.name, Array.from(p.times), Array.from(p.ids)])).toEqual([['src', [1, 2.5], [0, 3]]]);
  });

  it('an unfinished trace exports only with --allow-partial', async () => {
    writeFileSync(f('net.json'), JSON.stringify({ ...target, duration: 200, populations: [{ name: 'src', model: 'spike-source-array', size: 2, spikes: Array.from({ length: 150 }, (_, k) => [k + 0.5, k % 2]) }], record: { spikes: true } }));
    await run('simulate', f('net.json'), '--out', f('run.snntrace'), '--no-progress');
    const bytes = readFileSync(f('run.snntrace'));
    writeFileSync(f('cut.snntrace'), bytes.subarray(0, bytes.length - 7));
    expect(await main(['export', f('cut.snntrace'), '--format', 'csv', '--out', f('cut.csv')])).toBe(2);
    expect(stderr).toMatch(/--allow-partial/);
    await run('export', f('cut.snntrace'), '--format', 'csv', '--out', f('cut.csv'), '--allow-partial');
    const back = await getFormat('csv').read(f('cut.csv'));
    expect(back.populations[0]!.times.length).toBeGreaterThan(0);
    expect(back.populations[0]!.times.length).toBeLessThanOrEqual(150);
  });

  it('a description whose "populations" comes late is still told from spike JSON', async () => {
    writeFileSync(f('late.json'), JSON.stringify({ description: 'x'.repeat(5000), ...target }));
    await run('export', f('late.json'), '--format', 'nir', '--out', f('late.nir'));
    expect(stdout).toMatch(/late\.nir \(nir, 2 nodes/);
  });

  it('a spike JSON cannot be exported as NIR', async () => {
    writeFileSync(f('s.json'), JSON.stringify({ spikes: [[1, 0]] }));
    expect(await main(['export', f('s.json'), '--format', 'nir', '--out', f('x.nir')])).toBe(2);
    expect(stderr).toMatch(/holds recorded spikes, not a network/);
  });
});
