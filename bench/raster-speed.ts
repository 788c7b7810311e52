/**
 * How long `snn plot TRACE --out raster.png` takes for a trace of about 10⁶ spikes (10 000
 * neurons, 1 s at dt 0.1 ms, ≈ 100 Hz): reading, reducing (every k-th neuron above 30 000 spikes),
 * SVG and PNG. Not a test: a measurement.  `npx tsx bench/raster-speed.ts [--out DIR]`
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RngStream } from '../engine/rng.js';
import { readTrace } from '../io/trace-reader.js';
import { TraceWriter } from '../io/trace-writer.js';
import { rasterFigure } from '../report/raster.js';
import { renderPng, renderSvg } from '../report/render.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const dir = values.out ?? mkdtempSync(join(os.tmpdir(), 'snn-raster-speed-'));
const path = join(dir, 'million.snntrace');
const w = TraceWriter.open(path, { dt: 0.1, mode: 'clock', populations: [{ name: 'exc', size: 8000 }, { name: 'inh', size: 2000 }], seed: 1, descriptionHash: '0'.repeat(64), snnVersion: '0' });
const rng = RngStream.derive(1, 'bench/raster');
for (let k = 0; k < 10000; k++) {
  const t = k * 0.1;
  const n = 50 + rng.int(101);
  const exc: number[] = [];
  const inh: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = rng.int(10000);
    if (id < 8000) exc.push(id);
    else inh.push(id - 8000);
  }
  w.writeSpikes(0, new Float64Array(exc.length).fill(t), exc);
  w.writeSpikes(1, new Float64Array(inh.length).fill(t), inh);
}
w.close({ tStop: 1000 });
const t0 = performance.now();
const c0 = process.cpuUsage();
const trace = readTrace(path);
const t1 = performance.now();
const figure = rasterFigure(trace);
const t2 = performance.now();
const svg = await renderSvg(figure);
const t3 = performance.now();
const png = renderPng(svg);
const t4 = performance.now();
const cpu = process.cpuUsage(c0);
const spikes = trace.populations.reduce((s, p) => s + p.times.length, 0);
process.stdout.write(
  `${spikes} spikes: read ${((t1 - t0) / 1000).toFixed(2)} s, reduce ${((t2 - t1) / 1000).toFixed(2)} s, SVG ${((t3 - t2) / 1000).toFixed(2)} s (${svg.length} bytes), PNG ${((t4 - t3) / 1000).toFixed(2)} s (${png.length} bytes); ` +
    `total ${((t4 - t0) / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU; load average ${os.loadavg()[0]!.toFixed(1)}\n${figure.notes.join('\n')}\n`,
);
