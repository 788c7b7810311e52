/**
 * The raster's reduction (every k-th neuron above the spike budget, said in the figure; the rate
 * counts every spike), the state figure's min/max reduction, and `snn plot` writing SVG and PNG.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { readTrace } from '../io/trace-reader.js';
import { TraceWriter } from '../io/trace-writer.js';
import { rasterFigure } from './raster.js';
import { pngSize } from './render.js';
import { stateFigure } from './state-trace.js';

let dir: string;
let stderr: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'snn-raster-'));
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

/** 100 neurons, each spiking every ms for 100 ms (10 000 spikes); v of neurons 0–2 sampled at 0.1 ms. */
function trace(): string {
  const path = join(dir, 'x.snntrace');
  const w = TraceWriter.open(path, { dt: 0.1, mode: 'clock', populations: [{ name: 'a', size: 100 }], seed: 1, descriptionHash: '0'.repeat(64), snnVersion: '0' });
  for (let t = 0; t < 100; t++) w.writeSpikes(0, new Float64Array(100).fill(t), Int32Array.from({ length: 100 }, (_, i) => i));
  const times = Float64Array.from({ length: 1000 }, (_, k) => k * 0.1);
  const v = Float64Array.from({ length: 3000 }, (_, k) => (Math.floor(k / 3) % 50 === 49 ? 0 : -65 + (Math.floor(k / 3) % 50) * 0.3));
  w.writeState(0, 'v', Int32Array.from([0, 1, 2]), times, v);
  w.close({ tStop: 100 });
  return path;
}

type Layer = { data: { values: Record<string, number>[] } };

describe('raster', () => {
  it('above the budget draws every k-th neuron, says so, and still rates every spike', () => {
    const data = readTrace(trace());
    const f = rasterFigure(data, { maxSpikes: 2500 });
    const [raster, rate] = (f.spec as unknown as { vconcat: Layer[] }).vconcat;
    const drawn = raster!.data.values;
    expect(drawn.length).toBeLessThanOrEqual(2500);
    expect(new Set(drawn.map((d) => d.row))).toEqual(new Set([0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76, 80, 84, 88, 92, 96]));
    expect(f.notes.join(' ')).toMatch(/every 4th neuron drawn \(25 of 100 neurons, 2,500 of 10,000 spikes\)/);
    expect(JSON.stringify(f.spec)).toMatch(/reduced: every 4th neuron/);
    // Σ rate × bin × size = all spikes (bins of 0.5 ms: the spikes at whole ms fall in every other bin).
    const rows = rate!.data.values;
    const bin = rows[1]!.t! - rows[0]!.t!;
    expect(bin).toBe(0.5);
    expect(rows.reduce((s, r) => s + (r.rate! * bin * 100) / 1000, 0)).toBeCloseTo(10000, 6);
  });

  it('under the budget draws every spike, within --from/--to', () => {
    const f = rasterFigure(readTrace(trace()), { from: 10, to: 20 });
    const drawn = (f.spec as unknown as { vconcat: Layer[] }).vconcat[0]!.data.values;
    expect(drawn.length).toBe(1000);
    expect(drawn.every((d) => d.t! >= 10 && d.t! < 20)).toBe(true);
  });

  it("state traces above the point budget keep each bucket's minimum and maximum", () => {
    const f = stateFigure(readTrace(trace()), { variable: 'v', neurons: [1], maxPoints: 100 });
    const pts = (f.spec as unknown as Layer).data.values;
    expect(pts.length).toBe(100);
    expect(Math.max(...pts.map((p) => p.value!))).toBe(0); // the "spike" samples survive
    expect(Math.min(...pts.map((p) => p.value!))).toBe(-65);
    expect(f.notes.join(' ')).toMatch(/reduced: the minimum and maximum of each of 50 time buckets/);
  });
});

describe('snn plot', () => {
  it('writes a raster PNG and a state SVG; refuses a model figure for a trace', async () => {
    const t = trace();
    expect(await main(['plot', t, '--out', join(dir, 'r.png'), '--population', 'a', '--from', '0', '--to', '50'])).toBe(0);
    const png = readFileSync(join(dir, 'r.png'));
    expect(pngSize(png).width).toBeGreaterThan(700);
    expect(await main(['plot', t, '--state', 'v', '--neurons', '0,2', '--out', join(dir, 'v.svg')])).toBe(0);
    const svg = readFileSync(join(dir, 'v.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toMatch(/a\[2\]/);
    expect(await main(['plot', t, '--what', 'theta', '--out', join(dir, 'x.svg')])).toBe(2);
    expect(stderr).toMatch(/--what theta needs a trained model/);
    expect(await main(['plot', t, '--population', 'b', '--out', join(dir, 'x.svg')])).toBe(2);
    expect(stderr).toMatch(/the trace has no population 'b' \(its populations: a\)/);
  });
});
